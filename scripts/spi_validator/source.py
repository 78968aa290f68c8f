"""Input and I/O rules (``SPI0xx``): which files are checked and how they are read.

Every file Python could load from a checked folder is accounted for:

- ``.py`` files are read as bytes, decoded the way Python decodes them and
  parsed once;
- symbolic links are reported (``SPI012``) and followed, so what they point at
  is checked too (a loop is ``SPI009``, a dangling link ``SPI010``);
- ``.pyi`` stubs are forbidden (``SPI013``): type checkers would read the stub
  instead of the contract next to it;
- compiled code (``.pyc`` outside ``__pycache__``, extension modules) and
  sources inside ``__pycache__`` are forbidden (``SPI014``): Python imports them
  without the checked source; the ``.pyc`` caches Python writes into
  ``__pycache__`` are accepted unless they are "unchecked-hash" (PEP 552),
  which Python loads without looking at the source;
- an encoding declaration (PEP 263) other than UTF-8 is reported (``SPI015``)
  and the file is decoded with it, as Python would, so nothing is hidden from
  the checks;
- UTF-16 and UTF-32 files are reported as such (``SPI003``).

Files are never imported or executed.
"""

import ast
import codecs
import contextlib
import errno
import importlib.machinery
import os
import re
import stat
import warnings
from collections.abc import Generator, Iterator
from typing import Final, NamedTuple

from scripts.spi_validator.names import SPI_ROOT
from scripts.spi_validator.rules import Diagnostic, rule_table

RULES: Final = rule_table("""
SPI001 input    file is not valid Python 3.12 (syntax error)
SPI002 input    file contains a NUL byte
SPI003 input    file is not valid UTF-8 (or is UTF-16/UTF-32)
SPI004 input    file starts with a UTF-8 byte-order mark
SPI005 input    file is empty (an SPI module needs a docstring and __all__)
SPI006 input    source is nested too deeply to parse or check
SPI007 io       file is larger than the size limit and was skipped
SPI008 io       path cannot be read (permissions, not a regular file, I/O)
SPI009 io       path is a symbolic-link loop
SPI010 io       path does not exist
SPI011 io       directory contains no .py files
SPI012 input    symbolic link in a checked folder (its target is checked too)
SPI013 input    .pyi stub: type checkers would read it instead of the module
SPI014 input    compiled or cached code Python can load without the source
SPI015 input    encoding declaration other than UTF-8
""")
#: After these, what the file imports is unknown: an import graph built from
#: it (grimp) cannot be trusted.
UNREADABLE: Final = frozenset(
    {"SPI001", "SPI002", "SPI003", "SPI006", "SPI015"}
    | {code for code, rule in RULES.items() if rule.group == "io"}
)

MAX_BYTES: Final = 2_000_000
_BOM: Final = b"\xef\xbb\xbf"
#: Byte-order marks of encodings Python cannot read source in (longest first).
_WIDE_BOMS: Final = (
    (b"\xff\xfe\x00\x00", "UTF-32 (little-endian)"),
    (b"\x00\x00\xfe\xff", "UTF-32 (big-endian)"),
    (b"\xff\xfe", "UTF-16 (little-endian)"),
    (b"\xfe\xff", "UTF-16 (big-endian)"),
)
_BYTE_BREAK = re.compile(rb"\r\n|\r|\n")
#: PEP 263, as Python's tokenizer reads it.
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.ASCII)
_BLANK_OR_COMMENT = re.compile(rb"^[ \t\f]*(?:#|$)")
_COMPILED: Final = tuple(
    {".pyc", ".pyo", *importlib.machinery.EXTENSION_SUFFIXES, ".so", ".pyd"}
)
#: PEP 552: a hash-based .pyc whose flags do not ask for a source check.
_PYC_HASH_BASED: Final = 0b01
_PYC_CHECK_SOURCE: Final = 0b10


class Parsed(NamedTuple):
    """A source file decoded and parsed, or the findings that stopped it."""

    text: str | None
    tree: ast.Module | None
    diagnostics: list[Diagnostic]


# -- module names ------------------------------------------------------------


def module_name_for(path: str) -> tuple[str, bool]:
    """Derive the dotted module name of ``path`` and whether it is a package.

    The name starts at the last ``omnibase/protocols`` pair of directories in
    the path, else below the last ``src`` directory; a file found in neither
    is taken as a top-level module of ``omnibase.protocols``.

    Args:
        path: Path of a Python source file.

    Returns:
        The dotted module name and True for an ``__init__`` file.
    """
    parts = os.path.abspath(path).split(os.sep)
    dirs, stem = parts[:-1], parts[-1].partition(".")[0]
    names = SPI_ROOT.split(".")
    for index in range(len(dirs) - 1, 0, -1):
        if dirs[index - 1 : index + 1] == names:
            names = dirs[index - 1 :]
            break
    else:
        if "src" in dirs:
            names = dirs[len(dirs) - dirs[::-1].index("src") :]
    is_package = stem == "__init__"
    return ".".join([*names] if is_package else [*names, stem]), is_package


def spi_root_of(path: str) -> str | None:
    """Return the ``.../omnibase/protocols`` folder holding ``path``, if any."""
    parts = os.path.abspath(path).split(os.sep)[:-1]
    names = SPI_ROOT.split(".")
    for index in range(len(parts) - 1, 0, -1):
        if parts[index - 1 : index + 1] == names:
            return os.sep.join(parts[: index + 1])
    return None


# -- finding files -----------------------------------------------------------


def iter_files(path: str) -> Iterator[str | Diagnostic]:
    """Yield the Python files to check under ``path`` (sorted), or findings.

    A path named on the command line is taken as given; inside a folder,
    every entry Python could load is accounted for (see the module docstring).

    Args:
        path: A file or a folder.

    Yields:
        Paths of ``.py`` files to check, and diagnostics for the rest.
    """
    try:
        info = os.stat(path)
    except OSError as exc:
        yield os_error(path, exc)
        return
    if not stat.S_ISDIR(info.st_mode):
        if path.endswith(".pyi"):
            yield _stub(path)
        elif path.endswith(_COMPILED):
            yield _compiled(path, "compiled code")
        else:
            yield path
        return
    found = [False]
    yield from _walk(path, frozenset({os.path.realpath(path)}), found)
    if not found[0]:
        yield Diagnostic(path, 1, 1, "SPI011", "directory contains no .py files")


def _walk(
    folder: str, ancestors: frozenset[str], found: list[bool]
) -> Iterator[str | Diagnostic]:
    """Yield the files of ``folder`` (sorted), then those of its sub-folders."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted((entry.name, entry.is_symlink()) for entry in listing)
    except OSError as exc:
        yield os_error(folder, exc)
        return
    in_cache = os.path.basename(folder) == "__pycache__"
    folders: list[str] = []
    for name, is_link in entries:
        if name.startswith("."):  # not importable: no identifier starts with "."
            continue
        full = os.path.join(folder, name)
        if is_link:
            yield _symlink(full)
        try:
            info = os.stat(full)
        except OSError as exc:
            if name.endswith(".py"):
                found[0] = True
            yield os_error(full, exc)
            continue
        if stat.S_ISDIR(info.st_mode):
            if os.path.realpath(full) in ancestors:
                yield Diagnostic(
                    full,
                    1,
                    1,
                    "SPI009",
                    "symbolic-link loop (a folder links to its parent)",
                )
            else:
                folders.append(full)
        else:
            found[0] = found[0] or name.endswith(".py")
            yield from _file(full, in_cache=in_cache)
    for sub in folders:
        yield from _walk(sub, ancestors | {os.path.realpath(sub)}, found)


def _file(path: str, *, in_cache: bool) -> Iterator[str | Diagnostic]:
    """Yield a file of a checked folder to check, or why Python must not load it."""
    if path.endswith(".py"):
        if in_cache:
            yield _compiled(path, "Python source inside __pycache__")
        yield path
    elif path.endswith(".pyi"):
        yield _stub(path)
    elif path.endswith(_COMPILED):
        if not in_cache:
            yield _compiled(path, "compiled code outside __pycache__")
        elif path.endswith(".pyc") and _is_unchecked_pyc(path):
            yield _compiled(path, "unchecked-hash .pyc (PEP 552)")


def _symlink(path: str) -> Diagnostic:
    """Report a symbolic link found inside a checked folder."""
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    return Diagnostic(
        path,
        1,
        1,
        "SPI012",
        f"symbolic link to {target}: Python, the type checkers and the wheel see "
        "its target; commit the files themselves",
    )


def _stub(path: str) -> Diagnostic:
    """Report a ``.pyi`` stub."""
    return Diagnostic(
        path,
        1,
        1,
        "SPI013",
        "stub file: type checkers read it instead of the module, so the "
        "contract they check is not the one shipped; delete it",
    )


def _compiled(path: str, what: str) -> Diagnostic:
    """Report code that Python may load without the checked source."""
    return Diagnostic(
        path,
        1,
        1,
        "SPI014",
        f"{what}: Python can import it without reading a checked source; delete it",
    )


def _is_unchecked_pyc(path: str) -> bool:
    """Tell whether a ``.pyc`` is hash-based without source checking (PEP 552)."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(8)
    except OSError:
        return False
    if len(header) < 8:
        return False
    flags = int.from_bytes(header[4:8], "little")
    return bool(flags & _PYC_HASH_BASED) and not flags & _PYC_CHECK_SOURCE


# -- reading -----------------------------------------------------------------


def read_source(path: str) -> bytes | Diagnostic:
    """Read a file for checking, or return the diagnostic that prevents it.

    The file is opened without blocking (a FIFO named ``x.py`` would wait for
    a writer forever) and judged on what it is once open (``fstat``).
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        return os_error(path, exc)
    try:
        with open(fd, "rb", closefd=True) as handle:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return Diagnostic(path, 1, 1, "SPI008", "not a regular file")
            if info.st_size > MAX_BYTES:
                return _too_large(path)
            # Bounded by the size seen (a file may grow while read): reading
            # MAX_BYTES at once would allocate that much for every file.
            data = handle.read(min(info.st_size, MAX_BYTES) + 1)
            if len(data) > info.st_size:  # it grew: read on, up to the limit
                data += handle.read(MAX_BYTES + 1 - len(data))
    except OSError as exc:
        return os_error(path, exc)
    return _too_large(path) if len(data) > MAX_BYTES else data


def _too_large(path: str) -> Diagnostic:
    return Diagnostic(path, 1, 1, "SPI007", f"larger than {MAX_BYTES} bytes: skipped")


def os_error(path: str, exc: OSError) -> Diagnostic:
    """Turn an ``OSError`` on ``path`` into a diagnostic."""
    if exc.errno == errno.ELOOP:
        return Diagnostic(path, 1, 1, "SPI009", "symbolic-link loop")
    if exc.errno == errno.ENOENT:
        dangling = os.path.islink(path)
        return Diagnostic(
            path,
            1,
            1,
            "SPI010",
            "dangling symbolic link" if dangling else "no such file",
        )
    return Diagnostic(path, 1, 1, "SPI008", f"cannot read: {exc.strerror or exc}")


# -- decoding and parsing ----------------------------------------------------


def position(data: bytes, offset: int) -> tuple[int, int]:
    r"""Return the 1-based line and byte column of ``offset`` in ``data``.

    Lines end as Python's tokenizer ends them: ``\\r\\n``, ``\\n`` or a lone
    ``\\r``.
    """
    lines = _BYTE_BREAK.split(data[:offset])
    return len(lines), len(lines[-1]) + 1


def _declared_encoding(data: bytes) -> tuple[str, int] | None:
    """Return a PEP 263 encoding declaration and its line, if any."""
    lines: list[bytes] = []
    start = 0
    for _ in range(2):
        found = _BYTE_BREAK.search(data, start)
        end = found.start() if found else len(data)
        lines.append(data[start:end])
        if found is None:
            break
        start = found.end()
    for number, line in enumerate(lines, 1):
        cookie = _COOKIE.match(line)
        if cookie:
            return cookie.group(1).decode("ascii"), number
        if not _BLANK_OR_COMMENT.match(line):
            break
    return None


def _normal_encoding(name: str) -> str:
    """Normalise an encoding name the way Python's tokenizer does."""
    lowered = name[:12].lower().replace("_", "-")
    if lowered == "utf-8" or lowered.startswith("utf-8-"):
        return "utf-8"
    return name


def _wide_encoding(data: bytes) -> str | None:
    """Name UTF-16/UTF-32 data (with or without a byte-order mark), if it is."""
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            return f"{name}, byte-order mark {bom.hex(' ').upper()}"
    sample = data[:200]
    if len(sample) >= 4 and b"\0" in sample:
        odd, even = sample[1::2], sample[0::2]
        if not odd.strip(b"\0") and even.strip(b"\0"):
            return "UTF-16 (little-endian) without a byte-order mark"
        if not even.strip(b"\0") and odd.strip(b"\0"):
            return "UTF-16 (big-endian) without a byte-order mark"
    return None


def _encoding(
    data: bytes, path: str, *, has_bom: bool
) -> tuple[str | None, list[Diagnostic]]:
    """Return the codec Python decodes ``data`` with (None: it cannot)."""
    declared = _declared_encoding(data)
    if declared is None or _normal_encoding(declared[0]) == "utf-8":
        return "utf-8", []
    name, line = declared
    if has_bom:
        why = f"declares encoding {name!r} after a UTF-8 byte-order mark"
        return None, [
            Diagnostic(path, line, 1, "SPI015", f"{why}: Python cannot import it")
        ]
    try:
        encoding = codecs.lookup(name).name
    except LookupError:
        why = f"declares unknown encoding {name!r}: Python cannot import it"
        return None, [Diagnostic(path, line, 1, "SPI015", why)]
    why = (
        f"declares encoding {name!r}: SPI sources are UTF-8 (checked as Python "
        f"reads it, decoded as {encoding})"
    )
    return encoding, [Diagnostic(path, line, 1, "SPI015", why)]


def decode(data: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """Decode source bytes the way Python does, reporting what is wrong.

    Args:
        data: The file's bytes.
        path: Path shown in diagnostics.

    Returns:
        The text (None when Python could not read it either) and findings.
    """

    def one(code: str, message: str, line: int = 1, col: int = 1) -> Diagnostic:
        return Diagnostic(path, line, col, code, message)

    wide = _wide_encoding(data)
    if wide is not None:
        return None, [one("SPI003", f"{wide}: save the file as UTF-8")]
    found: list[Diagnostic] = []
    has_bom = data.startswith(_BOM)
    if has_bom:
        found.append(
            one("SPI004", "UTF-8 byte-order mark: save the file as UTF-8 without BOM")
        )
        data = data[len(_BOM) :]
    if not data or data.isspace():
        found.append(
            one("SPI005", "empty file: an SPI module needs a docstring and __all__")
        )
        return None, found
    nul = data.find(b"\0")
    if nul >= 0:
        found.append(one("SPI002", "NUL byte in source", *position(data, nul)))
        return None, found
    encoding, declared = _encoding(data, path, has_bom=has_bom)
    found += declared
    if encoding is None:
        return None, found
    try:
        return data.decode(encoding), found
    except UnicodeDecodeError as exc:
        where = position(data, exc.start)
        found.append(one("SPI003", f"not {encoding}: {exc.reason}", *where))
        return None, found


def parse(text: str, path: str) -> tuple[ast.Module | None, list[Diagnostic]]:
    """Parse decoded source; return the tree or the finding that stopped it.

    Call it under :func:`quiet`: the parser's warnings (an invalid escape
    sequence in a checked file) are not the validator's.
    """
    try:
        return ast.parse(text, filename=path), []
    except SyntaxError as exc:
        line, col = exc.lineno or 1, max(exc.offset or 1, 1)
        return None, [Diagnostic(path, line, col, "SPI001", f"syntax error: {exc.msg}")]
    except (RecursionError, MemoryError, ValueError) as error:
        message = f"cannot parse: {type(error).__name__}"
        return None, [Diagnostic(path, 1, 1, "SPI006", message)]


@contextlib.contextmanager
def quiet() -> Generator[None]:
    """Silence the parser's warnings about checked files (``SyntaxWarning``)."""
    with warnings.catch_warnings(action="ignore"):
        yield


def read_and_parse(data: bytes, path: str) -> Parsed:
    """Decode and parse source bytes (under :func:`quiet`)."""
    text, found = decode(data, path)
    if text is None:
        return Parsed(None, None, found)
    tree, problems = parse(text, path)
    return Parsed(text, tree, found + problems)
