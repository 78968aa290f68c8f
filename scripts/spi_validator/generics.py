"""The SPI's own generics, known across modules (for ``SPI202``).

A generic class or alias used without type arguments means ``X[Any]``. The
standard ones are listed in :data:`~.names.BARE_GENERICS`; the SPI's own
(``ProtocolPage[T]``, ``type Pair[T] = ...``) are collected here from each
module's top-level definitions, with its from-imports, so that a re-export
(``omnibase.protocols.types.ProtocolPage``) resolves to the definition. A
bare use of a name whose module has not been read yet is deferred, and
decided by :meth:`Generics.resolve` once every module has been.
"""

import ast
from collections.abc import Iterable
from typing import Final

from scripts.spi_validator.names import GENERIC, is_spi
from scripts.spi_validator.rules import Diagnostic
from scripts.spi_validator.syntax import dotted

_MAX_ALIAS_HOPS: Final = 10
#: ``class P(Generic[T])`` and ``class P(Protocol[T])`` are generic.
_GENERIC_BASES: Final = frozenset(name.rpartition(".")[2] for name in GENERIC)


class Generics:
    """Which qualified names are generics that need type arguments."""

    def __init__(self) -> None:
        """Start empty: modules are added as they are read."""
        self._generic: set[str] = set()
        self._aliases: dict[str, str] = {}
        self._modules: set[str] = set()
        self._deferred: list[tuple[str, Diagnostic]] = []

    def add_module(
        self, module: str, package: list[str], body: Iterable[ast.stmt]
    ) -> None:
        """Record the generics a module defines and the names it imports.

        Imports in a top-level ``if`` count too: a package's lazy re-exports
        are imports under ``if TYPE_CHECKING:``, and every name they bind is
        the generic it re-exports (other ``if`` blocks are findings anyway).
        """
        self._modules.add(module)
        for stmt in body:
            kind = stmt.__class__
            if kind is ast.If:
                assert isinstance(stmt, ast.If)
                self.add_module(module, package, [*stmt.body, *stmt.orelse])
            elif kind is ast.ClassDef:
                assert isinstance(stmt, ast.ClassDef)
                if _needs_arguments(stmt.type_params) or any(
                    isinstance(base, ast.Subscript)
                    and (dotted(base.value) or "").rpartition(".")[2] in _GENERIC_BASES
                    for base in stmt.bases
                ):
                    self._generic.add(f"{module}.{stmt.name}")
            elif kind is ast.TypeAlias:
                assert isinstance(stmt, ast.TypeAlias)
                if _needs_arguments(stmt.type_params):
                    self._generic.add(f"{module}.{stmt.name.id}")
            elif kind is ast.ImportFrom:
                assert isinstance(stmt, ast.ImportFrom)
                source = _from_module(stmt, package)
                if source is not None:
                    for alias in stmt.names:
                        local = f"{module}.{alias.asname or alias.name}"
                        self._aliases[local] = f"{source}.{alias.name}"

    def is_generic(self, qual: str) -> bool | None:
        """Tell whether ``qual`` names a generic needing type arguments.

        Returns:
            None when it names something of an SPI module not read yet.
        """
        for _ in range(_MAX_ALIAS_HOPS):
            if qual in self._generic:
                return True
            target = self._aliases.get(qual)
            if target is None:
                module = qual.rpartition(".")[0]
                return None if is_spi(module) and module not in self._modules else False
            qual = target
        return False

    def defer(self, qual: str, finding: Diagnostic) -> None:
        """Keep ``finding`` until the modules ``qual`` depends on are read."""
        self._deferred.append((qual, finding))

    def waits(self) -> bool:
        """Tell whether deferred findings name modules still not read."""
        return any(self.is_generic(qual) is None for qual, _ in self._deferred)

    def resolve(self) -> list[Diagnostic]:
        """Return the deferred findings whose name turned out generic."""
        found = [d for qual, d in self._deferred if self.is_generic(qual)]
        self._deferred.clear()
        return found


def _needs_arguments(params: list[ast.type_param]) -> bool:
    """Tell whether a list of type parameters has one without a default."""
    return any(getattr(p, "default_value", None) is None for p in params)


def _from_module(node: ast.ImportFrom, package: list[str]) -> str | None:
    if not node.level:
        return node.module
    keep = len(package) - (node.level - 1)
    if keep <= 0:
        return None
    return ".".join(package[:keep] + ([node.module] if node.module else []))
