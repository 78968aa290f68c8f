#!/usr/bin/env python3
"""Import-graph and layout checks of the SPI's namespace isolation.

Used by ``scripts/validate-namespace-isolation.sh``; each subcommand checks the
repository at ``--root`` (default: the one holding this script)::

    namespace_isolation.py allowlist [--root DIR]  # grimp: imports outside the SPI
    namespace_isolation.py layers [--root DIR]     # import-linter: domain layering
    namespace_isolation.py layout [--root DIR]     # PEP 420 layout of src/omnibase

Before grimp or import-linter reads the SPI, every file they would read is
read the way the AST validator reads it (:mod:`scripts.spi_validator.source`):
a file that cannot be read as Python (not UTF-8, an encoding declaration, a
FIFO, a dangling link, a link loop, a syntax error) is reported by name and
no graph is built, so neither tool ever sees it (they fail on such files with
tracebacks or a Rust panic).

The allow-list and the layering are those of the AST validator: the
allow-list in :mod:`scripts.spi_validator.imports`, the layering in
``.importlinter`` (declared there only). grimp records the function-level
``import importlib`` of a domain package's lazy re-export hook as an import
of ``importlib``; the allow-list accepts it only on the line where the AST
validator recognises the hook's exact shape (:mod:`scripts.spi_validator.lazy`)
and reports it anywhere else. The hook's ``if TYPE_CHECKING:`` imports are
edges of the graph (grimp reads them), so the layers see every re-export.

Exit status: 0 clean, 1 violations, 2 when the graph cannot be built (the
files that prevent it are listed).
"""

import argparse
import importlib.util
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Final

if __package__ in (None, ""):  # run as a file: make `scripts.*` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import grimp

from scripts.spi_validator import layers
from scripts.spi_validator.checker import lazy_import_line
from scripts.spi_validator.imports import ALLOWED_MODULES, FUTURE_FEATURES
from scripts.spi_validator.names import SPI_ROOT, is_spi
from scripts.spi_validator.rules import Diagnostic
from scripts.spi_validator.source import (
    UNREADABLE,
    iter_files,
    quiet,
    read_and_parse,
    read_source,
)

SPI: Final = SPI_ROOT
REPO: Final = Path(__file__).resolve().parent.parent
LAYERS_CONFIG: Final = layers.CONFIG
#: Top-level external packages the SPI may import (grimp records external
#: imports by top-level package): ``collections`` only as ``collections.abc``,
#: ``__future__`` only for ``annotations``.
ALLOWED: Final = frozenset(m.partition(".")[0] for m in ALLOWED_MODULES)
NAMESPACE_ENTRIES: Final = frozenset({"protocols", "spi_conformance", "__pycache__"})
_SHOWN: Final = ", ".join([*ALLOWED_MODULES, "SPI"])
_COLLECTIONS_ABC = re.compile(r"\s*(from|import)\s+collections\.abc\b")
_FUTURE = re.compile(
    r"\s*from\s+__future__\s+import\s+\(?\s*(?P<names>[\w\s,]+?)\s*\)?\s*(#.*)?$"
)


class GraphError(Exception):
    """The import graph of the SPI cannot be built from the given root."""


def _source(root: Path, module: str) -> str:
    """Return the path of ``module``'s source file, relative to ``root``."""
    base = Path("src", *module.split("."))
    module_file = base.with_suffix(".py")
    return str(module_file if (root / module_file).is_file() else base / "__init__.py")


def unreadable_files(package: Path) -> list[Diagnostic]:
    """Return why grimp could not read every Python file of ``package``.

    Args:
        package: The SPI package folder.

    Returns:
        Findings of the validator's input and I/O rules that leave a file's
        imports unknown; empty when every file reads as Python.
    """
    found: list[Diagnostic] = []
    with quiet():
        for item in iter_files(str(package)):
            if isinstance(item, Diagnostic):
                if item.code in UNREADABLE and item.code != "SPI011":
                    found.append(item)
                continue
            data = read_source(item)
            if isinstance(data, Diagnostic):
                found.append(data)
                continue
            found += [
                d
                for d in read_and_parse(data, item).diagnostics
                if d.code in UNREADABLE
            ]
    return found


def build_graph(root: Path) -> grimp.ImportGraph | None:
    """Build the import graph of ``root``'s SPI, external packages included.

    Args:
        root: Repository root holding ``src/omnibase/protocols``.

    Returns:
        The graph, or None when the root holds no SPI package yet.

    Raises:
        GraphError: ``omnibase.protocols`` resolves to another tree, or a file
            of the SPI cannot be read as Python.
    """
    package = root / "src" / "omnibase" / "protocols"
    if not (package / "__init__.py").is_file():
        return None
    problems = unreadable_files(package)
    if problems:
        listed = "\n".join(f"  {d}" for d in sorted(problems))
        raise GraphError(
            f"{len(problems)} file(s) cannot be read as Python, so their imports "
            f"are unknown:\n{listed}"
        )
    sys.path.insert(0, str(root / "src"))
    spec = importlib.util.find_spec(SPI)
    origin = Path(spec.origin).resolve() if spec and spec.origin else None
    if origin != (package / "__init__.py").resolve():
        raise GraphError(f"{SPI} resolves to {origin}, not to {package}")
    return grimp.build_graph(SPI, include_external_packages=True, cache_dir=None)


def _why_forbidden(
    imported: str, line: str, lazy_line: int | None = None, number: int = 0
) -> str | None:
    """Explain why the SPI may not import ``imported``, or None if it may.

    Args:
        imported: The imported module (grimp names external packages by
            their top-level name).
        line: The import's source line.
        lazy_line: The line of the importer's lazy re-export hook's
            ``import importlib``, if the AST validator accepts one.
        number: The import's line number.

    Returns:
        Why not, or None.
    """
    top = imported.partition(".")[0]
    if top == "importlib":
        allowed = lazy_line is not None and number == lazy_line
        why = (
            "importlib is allowed only in a domain package's lazy re-export hook "
            "(`__getattr__` of the exact shape in scripts/spi_validator/lazy.py)"
        )
    elif top == "collections":
        allowed = _COLLECTIONS_ABC.match(line) is not None
        why = "only collections.abc is allowed, not collections itself"
    elif top == "__future__":
        future = _FUTURE.match(line)
        listed = str(future.group("names")) if future else ""
        names = {n.strip() for n in listed.split(",") if n.strip()}
        allowed = bool(names) and names <= FUTURE_FEATURES
        why = "only `from __future__ import annotations` is allowed"
    elif top == "omnibase":
        allowed = False
        why = (
            "an implementation package: the SPI must not depend on its implementations"
        )
    else:
        allowed = top in ALLOWED
        why = f"outside the allow-list ({_SHOWN})"
    return None if allowed else why


def check_allowlist(root: Path) -> list[str]:
    """Report every import from the SPI of a module outside the allow-list."""
    graph = build_graph(root)
    if graph is None:
        return []
    found: list[tuple[str, int, str]] = []
    for importer in (m for m in graph.modules if is_spi(m)):
        source = _source(root, importer)
        lazy_line = (
            lazy_import_line(str(root / source))
            if source.endswith("__init__.py")
            else None
        )
        for imported in graph.find_modules_directly_imported_by(importer):
            if is_spi(imported):
                continue
            for detail in graph.get_import_details(
                importer=importer, imported=imported
            ):
                why = _why_forbidden(
                    imported,
                    detail["line_contents"],
                    lazy_line,
                    detail["line_number"],
                )
                if why is not None:
                    found.append(
                        (
                            _source(root, importer),
                            detail["line_number"],
                            f"{importer} imports {imported} "
                            f"(`{detail['line_contents']}`): {why}",
                        )
                    )
    return [f"{path}:{line}: {text}" for path, line, text in sorted(found)]


def check_layers(root: Path) -> list[str]:
    """Check the root package and run the import-linter layers contract.

    The root ``omnibase/protocols/__init__.py`` must import nothing from the
    SPI; the domains follow the ``.importlinter`` layers contract (indirect
    imports included). import-linter prints its own report.
    """
    graph = build_graph(root)
    if graph is None:
        return []
    problems = [
        f"{_source(root, SPI)}:{detail['line_number']}: the root package {SPI} "
        f"must import nothing from the SPI (`{detail['line_contents']}`)"
        for imported in sorted(graph.find_modules_directly_imported_by(SPI))
        if is_spi(imported)
        for detail in graph.get_import_details(importer=SPI, imported=imported)
    ]
    from importlinter import configuration  # noqa: PLC0415 (heavy, needed only here)
    from importlinter.application.use_cases import lint_imports  # noqa: PLC0415

    configuration.configure()
    if not lint_imports(
        config_filename=str(LAYERS_CONFIG), cache_dir=None, no_logo=True
    ):
        problems.append(
            f"{LAYERS_CONFIG.name}: import-linter layers contract broken (above)"
        )
    return problems


def _holds_python(folder: Path) -> bool:
    """Tell whether ``folder`` or a folder below it holds a .py file."""
    return any(
        name.endswith(".py") for _, _, names in os.walk(folder) for name in names
    )


def _packages(folder: Path) -> Iterator[Path]:
    """Yield ``folder`` and its sub-folders, skipping caches and hidden ones."""
    for current, dirs, _ in os.walk(folder):
        dirs[:] = sorted(
            d for d in dirs if d != "__pycache__" and not d.startswith(".")
        )
        yield Path(current)


def check_layout(root: Path) -> list[str]:
    """Check the PEP 420 layout of ``src/omnibase``."""
    namespace = root / "src" / "omnibase"
    spi = namespace / "protocols"
    if not spi.is_dir():
        return [f"{spi.relative_to(root)}: missing: the SPI package lives here"]
    problems: list[str] = []
    if (namespace / "__init__.py").exists():
        problems.append(
            "src/omnibase/__init__.py: must not exist: src/omnibase is a PEP 420 "
            "namespace shared with implementation distributions (omnibase.core, ...)"
        )
    for entry in sorted(namespace.iterdir()):
        if entry.name not in NAMESPACE_ENTRIES and entry.name != "__init__.py":
            problems.append(
                f"{entry.relative_to(root)}: unexpected: src/omnibase holds only "
                "protocols/ and spi_conformance/"
            )
    for folder in _packages(spi):
        if not (folder / "__init__.py").is_file() and _holds_python(folder):
            problems.append(
                f"{folder.relative_to(root)}: missing __init__.py: every SPI package "
                "is a regular package (only src/omnibase is a namespace)"
            )
    return problems


CHECKS: Final[dict[str, Callable[[Path], list[str]]]] = {
    "allowlist": check_allowlist,
    "layers": check_layers,
    "layout": check_layout,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run one check.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        0 clean, 1 violations, 2 when the graph cannot be built.
    """
    parser = argparse.ArgumentParser(prog="namespace_isolation.py", description=__doc__)
    parser.add_argument("check", choices=sorted(CHECKS))
    parser.add_argument("--root", type=Path, default=REPO, help="repository root")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        problems = CHECKS[args.check](root)
    except GraphError as exc:
        print(
            f"{args.check}: cannot build the import graph of {SPI}: {exc}",
            file=sys.stderr,
        )
        return 2
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # grimp's Rust panics derive from BaseException
        print(
            f"{args.check}: cannot build the import graph of {SPI} "
            f"({type(exc).__name__}: {exc}); see the layout and ast checks",
            file=sys.stderr,
        )
        return 2
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
