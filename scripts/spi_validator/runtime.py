"""Import-time rules (``SPI4xx``): importing an SPI module runs only definitions.

Everything outside function bodies runs when the module is imported: module
and class bodies, and in every ``def`` its decorators, parameter defaults and
annotations (``typing.get_type_hints()`` evaluates them even under
``from __future__ import annotations``). There an SPI module may hold only
definitions built from inert expressions:

- names, attribute chains, constants, subscripts (``Mapping[str, int]``),
  ``|`` unions and tuple, list, set and dict displays of those;
- decorators: ``runtime_checkable``, ``property``, ``override``, ``overload``
  only, written as plain references (``SPI401``); no class keywords such as
  ``metaclass=`` (``SPI402``);
- parameter defaults: literals, ``None``, ``...`` or the name of an SPI
  ``Final`` constant (``SPI403``);
- one call: a read-only table ``NAME: Final[...] = MappingProxyType({...})``
  at module level, on a dict display (``SPI405`` for every other call).

An assignment expression (``:=``) is reported on its own (``SPI404``): in a
default or a class body it silently adds a module global or a protocol member
that no correct implementation has.
"""

import ast
from typing import Final, override

from scripts.spi_validator.context import Context, Family
from scripts.spi_validator.names import DECORATORS, FINAL, MAPPING_PROXY
from scripts.spi_validator.rules import rule_table
from scripts.spi_validator.syntax import dotted, is_ellipsis, is_literal
from scripts.spi_validator.walk import at_import

RULES: Final = rule_table("""
SPI401 runtime  decorator other than runtime_checkable, property, override or overload
SPI402 runtime  class keyword (metaclass=, **kwargs) runs code when the class is made
SPI403 runtime  parameter default is not a literal, None, ... or an SPI constant
SPI404 runtime  assignment expression (:=) binds a name at import time
SPI405 runtime  call or other code evaluated at import time
SPI406 runtime  statement that runs code at import (if, for, with, try, del, ...)
""")
_RUNS: Final = "runs at import time"
_STATEMENTS: Final[dict[type[ast.AST], str]] = {
    ast.If: "if statement",
    ast.For: "for loop",
    ast.AsyncFor: "async for loop",
    ast.While: "while loop",
    ast.With: "with statement",
    ast.AsyncWith: "async with statement",
    ast.Try: "try statement",
    ast.TryStar: "try statement",
    ast.Match: "match statement",
    ast.Delete: "del statement",
    ast.AugAssign: "augmented assignment",
    ast.Raise: "raise statement",
    ast.Assert: "assert statement",
    ast.Global: "global statement",
    ast.Nonlocal: "nonlocal statement",
    ast.Return: "return statement",
    ast.Break: "break statement",
    ast.Continue: "continue statement",
}


class RuntimeRules(Family):
    """Observe everything evaluated at import time for code that runs."""

    @override
    def start(self, ctx: Context) -> None:
        """Forget the previous module."""
        super().start(ctx)
        self._table_call: ast.AST | None = None
        #: Where the reported nodes are: what they contain is not re-reported.
        self._reported: list[tuple[tuple[int, int], tuple[int, int]]] = []

    def _report(self, node: ast.AST, code: str, message: str) -> None:
        """Report ``node`` unless it lies inside a node reported already."""
        if self.pos.anchor is None:
            start = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
            end = (
                getattr(node, "end_lineno", None) or start[0],
                getattr(node, "end_col_offset", None) or start[1],
            )
            # Only ranges ending after this node can hold it: drop the others.
            self._reported = [r for r in self._reported if r[1] > start]
            if any(s <= start and end <= e for s, e in self._reported):
                return
            self._reported.append((start, end))
        self.ctx.report(node, code, message)

    # -- statements ---------------------------------------------------------

    def _at_top(self) -> bool:
        """Tell whether the statement visited is in a module or class body."""
        pos = self.pos
        return not pos.blocks or pos.class_body

    @at_import
    def _statement(self, node: ast.stmt) -> None:
        """Report a statement of a module or class body that runs code."""
        if not self._at_top():
            return
        if isinstance(node, ast.If) and self.ctx.tests_type_checking(node.test):
            return  # `if TYPE_CHECKING:` is SPI104
        what = _STATEMENTS[node.__class__]
        self._report(
            node, "SPI406", f"{what} {_RUNS}; an SPI module holds definitions only"
        )

    on_If = on_For = on_AsyncFor = on_While = on_With = on_AsyncWith = _statement
    on_Try = on_TryStar = on_Match = on_Delete = on_AugAssign = _statement
    on_Raise = on_Assert = on_Global = on_Nonlocal = on_Return = _statement
    on_Break = on_Continue = _statement

    @at_import
    def on_Expr(self, node: ast.Expr) -> None:
        """Report an expression statement other than a docstring or ``...``."""
        if self._at_top() and not isinstance(node.value, ast.Constant):
            self._report(
                node,
                "SPI406",
                f"expression statement {_RUNS}; an SPI module "
                "holds definitions only",
            )

    @at_import
    def on_Assign(self, node: ast.Assign | ast.AnnAssign) -> None:
        """Report an assignment to an attribute or an item."""
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if self._at_top() and not all(_binds_names(t) for t in targets):
            self._report(node, "SPI406", f"assignment to an attribute or item {_RUNS}")

    @at_import
    def on_ClassDef(self, node: ast.ClassDef) -> None:
        """Check a class made at import: decorators and keywords."""
        self._decorators(node.decorator_list)
        for keyword in node.keywords:
            shown = f"{keyword.arg}=" if keyword.arg else "**"
            self._report(
                keyword,
                "SPI402",
                f"class keyword `{shown}` runs code when `{node.name}` is made "
                "(metaclass, __init_subclass__); SPI classes take none",
            )

    # -- definitions --------------------------------------------------------

    @at_import
    def on_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Check a function's decorators and defaults, evaluated at import."""
        self._decorators(node.decorator_list)
        args = node.args
        for default in (*args.defaults, *args.kw_defaults):
            if default is not None and not self._is_inert_default(default):
                self._report(
                    default,
                    "SPI403",
                    f"default of `{node.name}` is evaluated at import time; use a "
                    "literal, None, ... or an SPI Final constant",
                )

    on_AsyncFunctionDef = on_FunctionDef

    def _decorators(self, decorators: list[ast.expr]) -> None:
        for decorator in decorators:
            if self.ctx.qualify(decorator) in DECORATORS:
                continue
            shown = dotted(decorator)
            if shown is None:
                why = "a decorator expression runs code at import time"
                shown = type(decorator).__name__
            elif shown.endswith((".setter", ".deleter")):
                why = "data members are read-only"
            else:
                why = "every decorator is a call at import time"
            self._report(
                decorator,
                "SPI401",
                f"decorator @{shown} not allowed ({why}); only runtime_checkable, "
                "property, override and overload",
            )

    def _is_inert_default(self, node: ast.expr) -> bool:
        """Tell whether a default is a literal, ``...`` or an SPI constant."""
        if isinstance(node, ast.Tuple):
            return all(self._is_inert_default(e) for e in node.elts)
        if isinstance(node, ast.List | ast.Set | ast.Dict):
            return False  # mutable, shared by every call
        return is_literal(node) or is_ellipsis(node) or self.ctx.is_spi_constant(node)

    # -- expressions --------------------------------------------------------

    @at_import
    def on_AnnAssign(self, node: ast.AnnAssign) -> None:
        """Allow ``NAME: Final[...] = MappingProxyType({...})`` at module level."""
        self.on_Assign(node)
        value = node.value
        annotation = node.annotation
        head = annotation.value if isinstance(annotation, ast.Subscript) else annotation
        if (
            isinstance(value, ast.Call)
            and not self.pos.blocks
            and isinstance(node.target, ast.Name)
            and self.ctx.qualify(head) in FINAL
            and self.ctx.qualify(value.func) in MAPPING_PROXY
            and len(value.args) == 1
            and not value.keywords
            and isinstance(value.args[0], ast.Dict)
        ):
            self._table_call = value

    @at_import
    def on_Call(self, node: ast.Call) -> None:
        """Report a call made at import time (except a read-only table)."""
        if node is self._table_call:
            return
        shown = dotted(node.func)
        what = f"call `{shown}(...)`" if shown else "call"
        hint = (
            "; a table is `NAME: Final[...] = MappingProxyType({...})` at module level"
            if self.ctx.qualify(node.func) in MAPPING_PROXY
            else ""
        )
        self._report(node, "SPI405", f"{what} {_RUNS}{hint}")

    @at_import
    def on_NamedExpr(self, node: ast.NamedExpr) -> None:
        """Report ``:=`` at import time."""
        self.ctx.report(  # reported even inside a node reported already
            node,
            "SPI404",
            f"`{ast.unparse(node.target)} := ...` binds a name at import time "
            "(a module global, or a protocol member no implementation has)",
        )

    @at_import
    def _code(self, node: ast.expr) -> None:
        """Report an expression that runs code when evaluated at import time."""
        kind = type(node).__name__
        self._report(node, "SPI405", f"{kind} expression {_RUNS}")

    on_Lambda = on_ListComp = on_SetComp = on_DictComp = on_GeneratorExp = _code
    on_JoinedStr = on_BoolOp = on_Compare = on_IfExp = on_Await = _code
    on_Yield = on_YieldFrom = on_Slice = _code

    @at_import
    def on_Starred(self, node: ast.Starred) -> None:
        """Report unpacking at import time (``tuple[*Ts]`` is a type)."""
        if not self.pos.in_type:
            self._code(node)

    @at_import
    def on_BinOp(self, node: ast.BinOp) -> None:
        """Report arithmetic at import time (``|`` builds a union)."""
        if not isinstance(node.op, ast.BitOr):
            self._code(node)

    @at_import
    def on_UnaryOp(self, node: ast.UnaryOp) -> None:
        """Report an operator at import time (a signed number is a literal)."""
        if not is_literal(node):
            self._code(node)


def _binds_names(target: ast.expr) -> bool:
    """Tell whether an assignment target only binds names."""
    if isinstance(target, ast.Name):
        return True
    if isinstance(target, ast.Tuple | ast.List):
        return all(_binds_names(e) for e in target.elts)
    return False
