"""``Any`` rules (``SPI2xx``): no type in the SPI means "anything".

``typing.Any`` is caught in every spelling (aliases, attribute chains,
strings, strings inside strings, string arguments of typing factories); so
are the spellings that mean ``Any`` without saying it: a generic without its
type arguments (``dict``, ``IO``, or the SPI's own ``ProtocolPage``), a
``Callable[..., T]``, a type built at run time that no checker can read, and
a parameter or return without an annotation. mypy's ``disallow_any_*`` flags
see some of these only when no ``# type: ignore`` silences them; these rules
do not depend on mypy.

The SPI's own generics are known across modules through
:class:`~.generics.Generics`; a bare use of a name from a module not read
yet is decided once every module has been.
"""

import ast
from typing import ClassVar, Final, override

from scripts.spi_validator.context import Context, Family
from scripts.spi_validator.names import ANY, BARE_GENERICS, CALLABLE, SPI_ROOT
from scripts.spi_validator.rules import rule_table
from scripts.spi_validator.syntax import dotted, is_ellipsis, subscript_items
from scripts.spi_validator.walk import in_type

RULES: Final = rule_table("""
SPI201 any      typing.Any, in any spelling
SPI202 any      generic without its type arguments in a type expression (means Any)
SPI203 any      Callable[..., T] accepts any arguments (means Any)
SPI204 any      type expression built at run time (a checker reads it as Any)
SPI205 any      parameter without an annotation (means Any)
SPI206 any      function without a return annotation (means Any)
""")
_SPI_PREFIX: Final = SPI_ROOT + "."


class AnyRules(Family):
    """Observe names, subscripts and signatures for ``Any`` in disguise."""

    WATCHED_NAMES: ClassVar[frozenset[str]] = frozenset(
        name for name in ANY if "." not in name
    )
    EVERY_NAME_IN_TYPES: ClassVar[bool] = True

    @override
    def start(self, ctx: Context) -> None:
        """Forget the previous module."""
        super().start(ctx)
        self._subscripted: ast.AST | None = None
        self.generics = ctx.generics
        self.aliases = ctx.aliases

    # -- names --------------------------------------------------------------

    def _reference(self, node: ast.AST, text: str, qual: str) -> None:
        """Report ``Any``, or a generic left bare in a type expression."""
        if qual in ANY:
            shown = f"`{text}`" if text == qual else f"`{text}` (= `{qual}`)"
            self.report(
                node, "SPI201", f"{shown} is typing.Any; use a precise type or `object`"
            )
        elif self.pos.in_type and node is not self._subscripted:
            if qual in BARE_GENERICS:
                generic: bool | None = True
            elif qual.startswith(_SPI_PREFIX):
                generic = self.generics.is_generic(qual)
            else:
                return
            if generic is False:
                return
            message = f"bare `{text}` means `{text}[Any, ...]`; give its type arguments"
            if generic:
                self.report(node, "SPI202", message)
            else:  # an SPI module not read yet: decided once all are
                self.generics.defer(qual, self.ctx.finding(node, "SPI202", message))

    def on_Name(self, node: ast.Name) -> None:
        """Check a name."""
        ident = node.id
        qual = self.aliases.get(ident)
        if qual is not None:
            self._reference(node, ident, qual)
        elif ident in ANY or self.pos.in_type:
            local = ident in self.ctx.defined
            self._reference(node, ident, f"{self.ctx.name}.{ident}" if local else ident)

    def on_Attribute(self, node: ast.Attribute) -> None:
        """Check an attribute chain (``typing.Any``, ``t.Dict``)."""
        if self.pos.in_type or node.attr == "Any":
            chain = dotted(node)
            if chain is not None:
                self._reference(node, chain, self.ctx.qualify(node) or chain)

    def on_ImportFrom(self, node: ast.ImportFrom) -> None:
        """Report ``from typing import Any``."""
        module = self.ctx.from_module(node)
        for alias in node.names:
            qual = f"{module}.{alias.name}"
            if qual in ANY:
                self._reference(alias, alias.asname or alias.name, qual)

    # -- type expressions ---------------------------------------------------

    @in_type
    def on_Subscript(self, node: ast.Subscript) -> None:
        """Note the generic being given arguments; check ``Callable[..., T]``."""
        self._subscripted = node.value
        if self.ctx.qualify(node.value) in CALLABLE:
            items = subscript_items(node)
            if items and is_ellipsis(items[0]):
                self.report(
                    node,
                    "SPI203",
                    "`Callable[..., T]` accepts any arguments; use a __call__ protocol",
                )

    @in_type
    def _built_at_run_time(self, node: ast.expr) -> None:
        """Report code where a type expression is expected."""
        kind = type(node).__name__
        self.report(
            node,
            "SPI204",
            f"{kind} in a type expression: no checker reads what it builds, so "
            "it is Any; write the type itself",
        )

    on_Call = on_JoinedStr = on_BoolOp = on_Compare = on_IfExp = _built_at_run_time
    on_Lambda = on_NamedExpr = on_Dict = on_Set = on_ListComp = _built_at_run_time
    on_SetComp = on_DictComp = on_GeneratorExp = on_Await = _built_at_run_time
    on_Yield = on_YieldFrom = on_Slice = on_UnaryOp = _built_at_run_time

    @in_type
    def on_BinOp(self, node: ast.BinOp) -> None:
        """Report arithmetic in a type expression (``|`` builds a union)."""
        if not isinstance(node.op, ast.BitOr):
            self._built_at_run_time(node)

    # -- signatures ---------------------------------------------------------

    def on_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Report parameters and returns without annotations."""
        args = node.args
        params = [*args.posonlyargs, *args.args]
        if self.pos.class_body and params:
            params = params[1:]  # self or cls
        for arg in (*params, args.vararg, *args.kwonlyargs, args.kwarg):
            if arg is not None and arg.annotation is None:
                self.report(
                    arg,
                    "SPI205",
                    f"parameter `{arg.arg}` of `{node.name}` has no annotation, "
                    "so it is Any",
                )
        if node.returns is None:
            self.report(
                node,
                "SPI206",
                f"`{node.name}` has no return annotation, so it returns Any",
            )

    on_AsyncFunctionDef = on_FunctionDef
