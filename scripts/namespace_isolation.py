#!/usr/bin/env python3
"""Import-graph and layout checks of the SPI's namespace isolation.

Used by ``scripts/validate-namespace-isolation.sh``; each subcommand checks the
repository at ``--root`` (default: the one holding this script)::

    namespace_isolation.py allowlist [--root DIR]  # grimp: imports outside the SPI
    namespace_isolation.py layers [--root DIR]     # import-linter: domain layering
    namespace_isolation.py layout [--root DIR]     # PEP 420 layout of src/omnibase

Exit status: 0 clean, 1 violations, 2 when the graph cannot be built.
"""

import argparse
import importlib.util
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Final

import grimp
from grimp.exceptions import GrimpException

SPI: Final = "omnibase.protocols"
REPO: Final = Path(__file__).resolve().parent.parent
LAYERS_CONFIG: Final = REPO / ".importlinter"
#: Top-level external packages the SPI may import; ``collections`` only as
#: ``collections.abc`` (grimp records external imports by top-level package).
ALLOWED: Final = frozenset(
    {"typing", "collections", "uuid", "datetime", "enum", "types"}
)
NAMESPACE_ENTRIES: Final = frozenset({"protocols", "spi_conformance", "__pycache__"})
_COLLECTIONS_ABC = re.compile(r"\s*(from|import)\s+collections\.abc\b")


class GraphError(Exception):
    """The import graph of the SPI cannot be built from the given root."""


def _is_spi(module: str) -> bool:
    """Tell whether ``module`` is the SPI package or one of its modules."""
    return module == SPI or module.startswith(SPI + ".")


def _source(root: Path, module: str) -> str:
    """Return the path of ``module``'s source file, relative to ``root``."""
    base = Path("src", *module.split("."))
    module_file = base.with_suffix(".py")
    return str(module_file if (root / module_file).is_file() else base / "__init__.py")


def build_graph(root: Path) -> grimp.ImportGraph | None:
    """Build the import graph of ``root``'s SPI, external packages included.

    Args:
        root: Repository root holding ``src/omnibase/protocols``.

    Returns:
        The graph, or None when the root holds no SPI package yet.

    Raises:
        GraphError: ``omnibase.protocols`` resolves to another tree.
    """
    package = root / "src" / "omnibase" / "protocols"
    if not (package / "__init__.py").is_file():
        return None
    sys.path.insert(0, str(root / "src"))
    spec = importlib.util.find_spec(SPI)
    origin = Path(spec.origin).resolve() if spec and spec.origin else None
    if origin != (package / "__init__.py").resolve():
        raise GraphError(f"{SPI} resolves to {origin}, not to {package}")
    return grimp.build_graph(SPI, include_external_packages=True, cache_dir=None)


def _why_forbidden(imported: str, line: str) -> str | None:
    """Explain why the SPI may not import ``imported``, or None if it may."""
    top = imported.partition(".")[0]
    if top == "collections":
        if _COLLECTIONS_ABC.match(line):
            return None
        return "only collections.abc is allowed, not collections itself"
    if top in ALLOWED:
        return None
    if top == "omnibase":
        return (
            "an implementation package: the SPI must not depend on its implementations"
        )
    return (
        "outside the allow-list (typing, collections.abc, uuid, datetime, enum, "
        "types, SPI)"
    )


def check_allowlist(root: Path) -> list[str]:
    """Report every import from the SPI of a module outside the allow-list."""
    graph = build_graph(root)
    if graph is None:
        return []
    found: list[tuple[str, int, str]] = []
    for importer in (m for m in graph.modules if _is_spi(m)):
        for imported in graph.find_modules_directly_imported_by(importer):
            if _is_spi(imported):
                continue
            for detail in graph.get_import_details(
                importer=importer, imported=imported
            ):
                why = _why_forbidden(imported, detail["line_contents"])
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
        if _is_spi(imported)
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
    except (GraphError, GrimpException) as exc:
        print(
            f"{args.check}: cannot build the import graph of {SPI} "
            f"({type(exc).__name__}: {exc}); see the layout check",
            file=sys.stderr,
        )
        return 2
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
