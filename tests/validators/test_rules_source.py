"""Input rules (SPI0xx): what is read, and how; a failing and a passing case each.

Source rules get a :class:`Case`; the rules about which files of a folder
are checked (symlinks, stubs, compiled code) get a failing and a passing
folder. The I/O rules (SPI007-SPI011: unreadable paths) are tested through
the command line in ``test_validator_cli.py``.
"""

import importlib.util
import os
import py_compile
from pathlib import Path

import pytest

from scripts.spi_validator import check_paths, check_source, iter_files, source
from tests.validators.rule_cases import CORE, Case, locations, src, uncovered

CASES = [
    Case("SPI001", '"""D."""\nx = (\n', ((2, 5),), '"""D."""\nx = ()\n'),
    Case("SPI002", b'"""D."""\nx = 1\x00\n', ((2, 6),), b'"""D."""\n'),
    Case("SPI003", b'"""D."""\nx = "\xff"\n', ((2, 6),), '"""D."""\nx = "\u00e9"\n'),
    Case("SPI004", b'\xef\xbb\xbf"""D."""\n', ((1, 1),), '"""D."""\n'),
    Case("SPI005", b" \n\n", ((1, 1),), '"""D."""\n'),
    Case(
        "SPI006",
        "x = " + "-" * 100_000 + "1\n",
        ((1, 1),),
        "x = " + " + ".join(["1"] * 1_500) + "\n",
    ),
    Case(
        "SPI015",
        b'# -*- coding: latin-1 -*-\n"""D."""\nx = "\xe9"\n',
        ((1, 1),),
        b'# -*- coding: utf-8 -*-\n"""D."""\nx = "\xc3\xa9"\n',
    ),
]
#: Tested below on folders (SPI012-SPI014) or in test_validator_cli.py (I/O).
FOLDER_RULES = ("SPI012", "SPI013", "SPI014")
IO_RULES = ("SPI007", "SPI008", "SPI009", "SPI010", "SPI011")


def test_every_input_rule_has_a_case() -> None:
    assert uncovered(CASES, source.RULES, *FOLDER_RULES, *IO_RULES) == set()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_fires_where_expected(case: Case) -> None:
    assert locations(case.bad, case.path, case.code) == sorted(case.where)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_passes_near_miss(case: Case) -> None:
    assert locations(case.good, case.path, case.code) == []


def found(data: bytes) -> list[tuple[str, int, int]]:
    """Check ``data`` in the default mode; return (code, line, col) of each."""
    return [(d.code, d.line, d.col) for d in check_source(data, CORE)]


# -- PEP 263 encodings: checked as Python reads them ---------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            b'# -*- coding: utf-7 -*-\n"""D."""\nx = 1  # a comment +AAo-import os\n',
            [("SPI015", 1, 1), ("SPI101", 4, 8)],
        ),
        (
            '# coding: iso2022_jp\n"""\u65e5\u672c."""\nimport os\n'.encode(
                "iso2022_jp"
            ),
            [("SPI015", 1, 1), ("SPI101", 3, 8)],
        ),
        (b"# vim: set fileencoding=bogus :\nimport os\n", [("SPI015", 1, 1)]),
        (
            b'\xef\xbb\xbf# coding: latin-1\n"""D."""\n',
            [("SPI004", 1, 1), ("SPI015", 1, 1)],
        ),
        (b'"""D."""\n# coding: latin-1\nx = 1\n', []),  # line 2 after code: ignored
        (b'#!/usr/bin/env python\n# coding=UTF_8\n"""D."""\n', []),
    ],
    ids=["utf-7", "iso2022_jp", "unknown", "bom-and-latin-1", "late-cookie", "utf8"],
)
def test_declared_encodings(data: bytes, expected: list[tuple[str, int, int]]) -> None:
    assert found(data) == expected


# -- UTF-16, UTF-32 and line endings ------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom", "named"),
    [
        ("utf-16-le", b"\xff\xfe", "UTF-16 (little-endian), byte-order mark FF FE"),
        ("utf-16-be", b"\xfe\xff", "UTF-16 (big-endian), byte-order mark FE FF"),
        ("utf-16-le", b"", "UTF-16 (little-endian) without a byte-order mark"),
        ("utf-16-be", b"", "UTF-16 (big-endian) without a byte-order mark"),
        ("utf-32-le", b"\xff\xfe\x00\x00", "UTF-32 (little-endian)"),
    ],
)
def test_utf16_and_utf32_are_named(encoding: str, bom: bytes, named: str) -> None:
    data = bom + '"""D."""\nimport os\n'.encode(encoding)
    (diagnostic,) = check_source(data, CORE)
    assert (diagnostic.code, diagnostic.line, diagnostic.col) == ("SPI003", 1, 1)
    assert diagnostic.message.startswith(named)
    assert "NUL" not in diagnostic.message


@pytest.mark.parametrize("newline", [b"\r", b"\r\n", b"\n"], ids=["cr", "crlf", "lf"])
def test_positions_with_any_line_ending(newline: bytes) -> None:
    def lines(*parts: bytes) -> bytes:
        return newline.join(parts) + newline

    assert found(lines(b'"""D."""', b"x = 1", b"import os")) == [("SPI101", 3, 8)]
    assert found(lines(b'"""D."""', b"x = 1", b"y = 2\x00")) == [("SPI002", 3, 6)]
    assert found(lines(b'"""D."""', b"x = 1", b'y = "\xff"')) == [("SPI003", 3, 6)]
    assert found(lines(b'"""D."""', b"x = 1", b"def f(:")) == [("SPI001", 3, 7)]
    accented = lines(b'"""D."""', 'x = "\u00e9\u00e9"; import os'.encode())
    assert found(accented) == [("SPI101", 2, 18)]


# -- which files of a folder are checked ---------------------------------------

MODULE = '"""D."""\n\n__all__: list[str] = []\n'


def tree(root: Path, files: dict[str, str]) -> Path:
    """Write ``files`` (relative path -> text) under ``root``."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def listed(folder: Path) -> list[tuple[str, str]]:
    """What ``iter_files`` yields: (relative path, code or "check")."""
    return [
        (
            os.path.relpath(item if isinstance(item, str) else item.path, folder),
            "check" if isinstance(item, str) else item.code,
        )
        for item in iter_files(str(folder))
    ]


def test_symlinked_folders_are_reported_and_checked(tmp_path: Path) -> None:
    outside = tree(
        tmp_path / "outside",
        {"__init__.py": '"""E."""\nfrom typing import Any\nimport os\n'},
    )
    spi = tree(tmp_path / "spi", {"a.py": MODULE})
    (spi / "linked").symlink_to(outside, target_is_directory=True)
    (spi / "b.py").symlink_to(spi / "a.py")
    assert listed(spi) == [
        ("a.py", "check"),
        ("b.py", "SPI012"),
        ("b.py", "check"),
        ("linked", "SPI012"),
        ("linked/__init__.py", "check"),
    ]
    diagnostics, _ = check_paths([str(spi)])
    codes = sorted({(Path(d.path).name, d.code) for d in diagnostics})
    assert codes == [
        ("__init__.py", "SPI101"),
        ("__init__.py", "SPI201"),
        ("b.py", "SPI012"),
        ("linked", "SPI012"),
    ]


def test_a_folder_without_links_has_no_spi012(tmp_path: Path) -> None:
    spi = tree(tmp_path, {"a.py": MODULE, "pkg/b.py": MODULE})
    assert [code for _, code in listed(spi)] == ["check", "check"]


def test_stubs_are_forbidden(tmp_path: Path) -> None:
    spi = tree(tmp_path, {"a.py": MODULE, "a.pyi": "from typing import Any\n"})
    assert listed(spi) == [("a.py", "check"), ("a.pyi", "SPI013")]
    assert listed(tree(tmp_path / "clean", {"a.py": MODULE})) == [("a.py", "check")]


def test_compiled_and_cached_code(tmp_path: Path) -> None:
    spi = tree(tmp_path, {"a.py": MODULE, "__pycache__/cached.py": "import os\n"})
    py_compile.compile(str(spi / "a.py"), str(spi / "stray.pyc"))
    (spi / "ext.cpython-312-x86_64-linux-gnu.so").write_bytes(b"\x7fELF")
    checked = py_compile.PycInvalidationMode.CHECKED_HASH
    unchecked = py_compile.PycInvalidationMode.UNCHECKED_HASH
    cache = spi / "__pycache__"
    cached = importlib.util.cache_from_source(str(spi / "a.py"))
    py_compile.compile(str(spi / "a.py"), cached)
    py_compile.compile(
        str(spi / "a.py"), str(cache / "b.pyc"), invalidation_mode=checked
    )
    py_compile.compile(
        str(spi / "a.py"), str(cache / "c.pyc"), invalidation_mode=unchecked
    )
    assert listed(spi) == [
        ("a.py", "check"),
        ("ext.cpython-312-x86_64-linux-gnu.so", "SPI014"),
        ("stray.pyc", "SPI014"),
        ("__pycache__/c.pyc", "SPI014"),
        ("__pycache__/cached.py", "SPI014"),
        ("__pycache__/cached.py", "check"),
    ]
    diagnostics, _ = check_paths([str(spi)])
    assert ("cached.py", "SPI101") in {(Path(d.path).name, d.code) for d in diagnostics}


def test_caches_python_writes_are_accepted(tmp_path: Path) -> None:
    spi = tree(tmp_path, {"a.py": MODULE})
    py_compile.compile(
        str(spi / "a.py"), importlib.util.cache_from_source(str(spi / "a.py"))
    )
    assert listed(spi) == [("a.py", "check")]


def test_explicit_stub_and_compiled_paths(tmp_path: Path) -> None:
    stub = tmp_path / "a.pyi"
    stub.write_text("x: int\n", encoding="utf-8")
    compiled = tmp_path / "a.pyc"
    compiled.write_bytes(b"")
    assert [d.code for d in iter_files(str(stub)) if not isinstance(d, str)] == [
        "SPI013"
    ]
    assert [d.code for d in iter_files(str(compiled)) if not isinstance(d, str)] == [
        "SPI014"
    ]


def test_reading_stops_at_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.py"
    path.write_bytes(b"#" * (source.MAX_BYTES + 1))
    result = source.read_source(str(path))
    assert not isinstance(result, bytes)
    assert result.code == "SPI007"


def test_a_file_that_parses_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "ok.py"
    text = src('''
        """D."""
        x = 1
        ''')
    path.write_text(text, encoding="utf-8")
    assert source.read_source(str(path)) == text.encode()
