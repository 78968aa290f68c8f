"""Check sources and paths: read, parse once, walk once with every family."""

import ast
import functools
import os
from collections.abc import Sequence
from typing import Final

from scripts.spi_validator import anytype, contract, imports, runtime, source
from scripts.spi_validator.anytype import AnyRules
from scripts.spi_validator.context import Context, Family
from scripts.spi_validator.contract import ContractRules
from scripts.spi_validator.generics import Generics
from scripts.spi_validator.imports import ImportRules
from scripts.spi_validator.lazy import LazyReexport, Module, examine
from scripts.spi_validator.rules import Diagnostic, Rule
from scripts.spi_validator.runtime import RuntimeRules
from scripts.spi_validator.source import (
    iter_files,
    module_name_for,
    quiet,
    read_and_parse,
    read_source,
    spi_root_of,
)
from scripts.spi_validator.walk import Walker

#: Every rule, by code, in code order.
RULES: Final[dict[str, Rule]] = dict(
    sorted(
        {
            **source.RULES,
            **imports.RULES,
            **anytype.RULES,
            **contract.RULES,
            **runtime.RULES,
        }.items()
    )
)


@functools.cache
def make_walker(*, protocols: bool) -> Walker:
    """Return the walk and its rule families (the contract rules if asked).

    Made once per process: the families forget each module when told about
    the next (``Family.start``).
    """
    families: list[Family] = [ImportRules(), AnyRules(), RuntimeRules()]
    if protocols:
        families.append(ContractRules())
    return Walker(families)


def _add_module(generics: Generics, path: str, tree: ast.Module) -> tuple[str, bool]:
    """Index the generics of the module at ``path``; return its name."""
    name, is_package = module_name_for(path)
    package = name.split(".") if is_package else name.split(".")[:-1]
    generics.add_module(name, package, tree.body)
    return name, is_package


def check_tree(
    tree: ast.Module,
    text: str,
    path: str,
    *,
    protocols: bool = False,
    generics: Generics | None = None,
    walker: Walker | None = None,
) -> list[Diagnostic]:
    """Check a parsed module with every rule family (see :func:`check_source`).

    Args:
        tree: The module's syntax tree.
        text: Its decoded source (for character columns).
        path: Path shown in diagnostics; also gives the module name.
        protocols: Also apply the contract rules (``SPI3xx``).
        generics: The SPI's generics, shared across the modules of one run;
            whoever passes it calls its ``resolve()`` once all are checked.
            None: this module's own, resolved here.
        walker: A walk made by :func:`make_walker` with the same ``protocols``,
            reused across modules; a new one when None.

    Returns:
        The diagnostics, in walk order.
    """
    with quiet():
        return _check_tree(
            tree, text, path, protocols=protocols, generics=generics, walker=walker
        )


def _check_tree(
    tree: ast.Module,
    text: str,
    path: str,
    *,
    protocols: bool,
    generics: Generics | None,
    walker: Walker | None,
) -> list[Diagnostic]:
    own = generics is None
    if generics is None:
        generics = Generics()
    name, is_package = _add_module(generics, path, tree)
    ctx = Context(text, path, name, is_package, generics)
    if walker is None:
        walker = make_walker(protocols=protocols)
    if not walker.run(ctx, tree):
        ctx.diagnostics.append(
            Diagnostic(path, 1, 1, "SPI006", "nested too deeply to check completely")
        )
    if own:
        ctx.diagnostics += generics.resolve()
    return ctx.diagnostics


def check_source(
    data: bytes, path: str = "<source>", *, protocols: bool = False
) -> list[Diagnostic]:
    """Check one module's source bytes.

    Args:
        data: The file's bytes.
        path: Path shown in diagnostics; also gives the module name.
        protocols: Also apply the contract rules (``SPI3xx``).

    Returns:
        The diagnostics, input problems first. Never raises for bad input.
    """
    with quiet():
        parsed = read_and_parse(data, path)
        if parsed.tree is None or parsed.text is None:
            return parsed.diagnostics
        return parsed.diagnostics + _check_tree(
            parsed.tree,
            parsed.text,
            path,
            protocols=protocols,
            generics=None,
            walker=None,
        )


def _index_unchecked(generics: Generics, checked: set[str]) -> None:
    """Index the SPI modules that share a tree with ``checked`` but are not in it.

    A run on one file of the SPI still knows the generics of the others.
    """
    roots = {root for path in checked if (root := spi_root_of(path)) is not None}
    for root in sorted(roots):
        for item in iter_files(root):
            if isinstance(item, str) and os.path.abspath(item) not in checked:
                data = read_source(item)
                if not isinstance(data, Diagnostic):
                    parsed = read_and_parse(data, item)
                    if parsed.tree is not None:
                        _add_module(generics, item, parsed.tree)


def check_paths(
    paths: Sequence[str], *, protocols: bool = False
) -> tuple[list[Diagnostic], int]:
    """Check files and directories.

    Args:
        paths: Files or directories to check.
        protocols: Also apply the contract rules.

    Returns:
        The diagnostics and the number of files checked.
    """
    with quiet():
        return _check_paths(paths, protocols)


def _check_paths(paths: Sequence[str], protocols: bool) -> tuple[list[Diagnostic], int]:
    items = [item for path in paths for item in iter_files(path)]
    generics = Generics()
    walker = make_walker(protocols=protocols)
    diagnostics: list[Diagnostic] = []
    checked: list[str] = []
    for item in items:
        if isinstance(item, Diagnostic):
            diagnostics.append(item)
            continue
        data = read_source(item)
        if isinstance(data, Diagnostic):
            diagnostics.append(data)
            continue
        checked.append(item)
        parsed = read_and_parse(data, item)
        diagnostics += parsed.diagnostics
        if parsed.tree is not None and parsed.text is not None:
            diagnostics += _check_tree(
                parsed.tree,
                parsed.text,
                item,
                protocols=protocols,
                generics=generics,
                walker=walker,
            )
    if generics.waits():
        _index_unchecked(generics, {os.path.abspath(path) for path in checked})
    return diagnostics + generics.resolve(), len(checked)


def examine_file(path: str) -> LazyReexport | None:
    """Read a module and check its lazy re-export (see :mod:`~.lazy`).

    Args:
        path: A module's path.

    Returns:
        What its lazy re-export exempts and the ``SPI114`` findings, or None
        when the file cannot be read or parsed.
    """
    with quiet():
        data = read_source(path)
        if isinstance(data, Diagnostic):
            return None
        parsed = read_and_parse(data, path)
        if parsed.tree is None or parsed.text is None:
            return None
        name, is_package = module_name_for(path)
        ctx = Context(parsed.text, path, name, is_package, Generics())
        ctx.bind_top_level(parsed.tree.body)
        module = Module(name, is_package, path, ctx.qualify, parsed.text)
        return examine(module, parsed.tree)


def lazy_import_line(path: str) -> int | None:
    """Return the line of an accepted lazy re-export's ``import importlib``.

    The namespace-isolation script's allow-list accepts ``importlib`` there
    only (see :mod:`~.lazy`).

    Args:
        path: A package's ``__init__.py``.

    Returns:
        The line of the hook's import, or None when the file cannot be read
        or holds no lazy re-export of the exact shape.
    """
    found = examine_file(path)
    return None if found is None or found.problems else found.import_line
