"""What every rule family knows about the module being checked.

:class:`Context` holds three things, each documented where it is defined:

- facts about the module (its name, its domain, what its names resolve to);
- the :class:`Position` of the node being visited, kept up to date by the
  walk (:mod:`scripts.spi_validator.walk`) and only read by the families;
- the findings, added through :meth:`Context.report`.
"""

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Final

from scripts.spi_validator.generics import Generics
from scripts.spi_validator.lazy import NONE, LazyReexport
from scripts.spi_validator.names import ERRORS_MODULE, FINAL, SPI_ROOT, TYPE_CHECKING
from scripts.spi_validator.rules import Diagnostic
from scripts.spi_validator.syntax import dotted

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_UPPER_SNAKE = re.compile(r"_?[A-Z][A-Z0-9_]*\Z")


@dataclass(slots=True)
class Position:
    """Where the walk is: the context the node being visited is evaluated in.

    Attributes:
        in_type: The node is (part of) a type expression.
        at_import: The node is evaluated when the module is imported: it is
            not inside a function or lambda body.
        class_body: The statement being visited is directly in a class body.
        blocks: Number of enclosing compound statements and definitions.
        type_checking: Number of enclosing ``if TYPE_CHECKING:`` blocks.
        anchor: The string constant a parsed string annotation came from;
            findings inside it are located there.
    """

    in_type: bool = False
    at_import: bool = True
    class_body: bool = False
    blocks: int = 0
    type_checking: int = 0
    anchor: ast.AST | None = None


class Context:
    """The module being checked, the walk's position, and the findings.

    Attributes:
        path: Path shown in findings.
        text: The decoded source.
        name: Dotted module name (a package's ``__init__`` has the package's).
        is_package: The module is a package's ``__init__``.
        package: The package the module's relative imports start from.
        domain: The SPI domain (``core``, ``types``, ...), None outside one.
        is_errors: The module is ``omnibase.protocols.errors``.
        aliases: Local name -> what it resolves to, from the imports.
        defined: Names the module binds at top level.
        constants: Top-level names annotated ``Final``.
        generics: The SPI's generics, across modules.
        lazy: The package's lazy re-export, if any (:mod:`~.lazy`): the
            nodes and codes it exempts, found before the walk.
        pos: Where the walk is.
        diagnostics: The findings, in walk order.
    """

    def __init__(
        self,
        text: str,
        path: str,
        name: str,
        is_package: bool,
        generics: Generics,
    ) -> None:
        """Start on the module at ``path`` (its bindings come with the walk)."""
        self.path = path
        self.text = text
        self.name = name
        self.is_package = is_package
        parts = name.split(".")
        self.package: Final = parts if is_package else parts[:-1]
        self.domain: Final = parts[2] if name.startswith(SPI_ROOT + ".") else None
        self.is_errors: Final = name == ERRORS_MODULE
        self.generics = generics
        self.aliases: dict[str, str] = {}
        self.defined: set[str] = set()
        self.constants: set[str] = set()
        self.lazy: LazyReexport = NONE
        self.pos = Position()
        self.diagnostics: list[Diagnostic] = []
        self._seen: set[tuple[int, int, str]] = set()
        self._lines: list[str] | None = None
        #: A module that never writes TYPE_CHECKING cannot test it.
        self._mentions_type_checking = "TYPE_CHECKING" in text
        self._type_checking_tests: dict[int, bool] = {}

    # -- findings -----------------------------------------------------------

    def report(self, node: ast.AST, code: str, message: str) -> None:
        """Record a finding at ``node`` (or at the enclosing string annotation).

        Nothing is recorded for a node and code a lazy re-export exempts.
        """
        exempt = self.lazy.exempt
        if exempt and code in exempt.get(id(node), ()):
            return
        finding = self.finding(node, code, message)
        key = (finding.line, finding.col, code)
        if key not in self._seen:
            self._seen.add(key)
            self.diagnostics.append(finding)

    def finding(self, node: ast.AST, code: str, message: str) -> Diagnostic:
        """Make (without recording) the finding at ``node``."""
        where = self.pos.anchor or node
        line: int = getattr(where, "lineno", 1)
        offset: int = getattr(where, "col_offset", 0)
        return Diagnostic(self.path, line, self._column(line, offset), code, message)

    def _column(self, line: int, offset: int) -> int:
        """Convert a UTF-8 byte offset into a 1-based character column."""
        if self.text.isascii():
            return offset + 1
        if self._lines is None:
            self._lines = _LINE_BREAK.split(self.text)
        if 0 < line <= len(self._lines):
            prefix = self._lines[line - 1].encode()[:offset]
            return len(prefix.decode("utf-8", "replace")) + 1
        return offset + 1

    # -- names --------------------------------------------------------------

    def bind_top_level(self, body: Sequence[ast.stmt]) -> None:
        """Record the module's top-level bindings before the walk.

        Imports inside ``if``/``try``/``with`` blocks bind too (and are
        reported where they are); imports in functions bind during the walk.
        """
        for stmt in body:
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                self.bind(stmt)
            elif isinstance(stmt, ast.If | ast.Try | ast.TryStar | ast.With):
                self.bind_top_level(stmt.body)
                for handler in getattr(stmt, "handlers", ()):
                    self.bind_top_level(handler.body)
        for stmt in body:
            if isinstance(stmt, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                self.defined.add(stmt.name)
            elif isinstance(stmt, ast.TypeAlias):
                self.defined.add(stmt.name.id)
            elif isinstance(stmt, ast.Assign):
                self.defined.update(
                    t.id for t in stmt.targets if isinstance(t, ast.Name)
                )
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                self.defined.add(stmt.target.id)
                annotation = stmt.annotation
                head = (
                    annotation.value
                    if isinstance(annotation, ast.Subscript)
                    else annotation
                )
                if self.qualify(head) in FINAL:
                    self.constants.add(stmt.target.id)

    def bind(self, node: ast.Import | ast.ImportFrom) -> None:
        """Record the names an import binds and what they resolve to."""
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.aliases[alias.asname] = alias.name
                else:
                    head = alias.name.partition(".")[0]
                    self.aliases[head] = head
            return
        module = self.from_module(node)
        if module is None:
            return
        for alias in node.names:
            if alias.name != "*":
                self.aliases[alias.asname or alias.name] = f"{module}.{alias.name}"

    def from_module(self, node: ast.ImportFrom) -> str | None:
        """Resolve the module of a from-import; None if it climbs too high."""
        if not node.level:
            return node.module
        keep = len(self.package) - (node.level - 1)
        if keep <= 0:
            return None
        return ".".join(self.package[:keep] + ([node.module] if node.module else []))

    def qualify(self, node: ast.AST) -> str | None:
        """Resolve a name or attribute chain through the module's imports."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, node.id)
        chain = dotted(node)
        if chain is None:
            return None
        head, _, rest = chain.partition(".")
        base = self.aliases.get(head)
        return chain if base is None else f"{base}.{rest}"

    def tests_type_checking(self, test: ast.expr) -> bool:
        """Tell whether an ``if`` test mentions ``TYPE_CHECKING``.

        Several families ask about the same ``if``: the answer is kept.
        """
        if not self._mentions_type_checking:
            return False
        known = self._type_checking_tests.get(id(test))
        if known is None:
            known = any(
                isinstance(n, ast.Name | ast.Attribute)
                and self.qualify(n) in TYPE_CHECKING
                for n in ast.walk(test)
            )
            self._type_checking_tests[id(test)] = known
        return known

    def is_spi_constant(self, node: ast.AST) -> bool:
        """Tell whether ``node`` names a ``Final`` constant of the SPI.

        That is a top-level ``Final`` name of this module, or an
        UPPER_SNAKE_CASE name imported from ``omnibase.protocols``.
        """
        if not isinstance(node, ast.Name):
            return False
        if node.id in self.constants:
            return True
        qual = self.aliases.get(node.id)
        return (
            qual is not None
            and qual.startswith(SPI_ROOT + ".")
            and _UPPER_SNAKE.match(node.id) is not None
        )


class Family:
    """Base of the rule families.

    A family is made once per run and told about each module by
    :meth:`start`; the walk then calls its ``on_<NodeClass>`` observers
    (see :mod:`scripts.spi_validator.walk`).
    """

    ctx: Context
    pos: Position
    #: Bare names (builtins) ``on_Name`` must see, besides the names imports
    #: bind (see :mod:`~.walk`).
    WATCHED_NAMES: ClassVar[frozenset[str]] = frozenset()
    #: ``on_Name`` sees every name of a type expression, bound or not.
    EVERY_NAME_IN_TYPES: ClassVar[bool] = False

    def start(self, ctx: Context) -> None:
        """Start checking the module of ``ctx`` (forget the previous one)."""
        self.ctx = ctx
        self.pos = ctx.pos
        self.report = ctx.report
