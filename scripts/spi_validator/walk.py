"""The single walk over a module's syntax tree.

The walk visits every node once, keeping :class:`~.context.Position` up to
date (type expression or not, import time or not, nesting, ``TYPE_CHECKING``,
string annotations), and calls the rule families' observers on the way.

A family observes a node class by defining ``on_<ClassName>(node)``, e.g.
``on_Call``; the walk calls it before visiting the node's children, with
the position of the node itself. Observers never visit children: where a
child is evaluated (in a type expression, at import time) is decided here,
once, for every family. An observer marked :func:`at_import` or
:func:`in_type` is called only for nodes in that position. ``on_Name`` is
called only for names bound by an import or listed in the family's
``WATCHED_NAMES`` (builtins such as ``__import__``): any other bare name
refers to something the module defines. A family that sets
``EVERY_NAME_IN_TYPES`` sees every name of a type expression.

Speed matters (the validator stays within 2x of ``ast.parse``): the walk
keeps one dispatch table per position (so gated observers cost nothing
elsewhere), maps leaves with nothing to do to None (no call at all), and
inlines the dispatch in its loops.
"""

import ast
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Final

from scripts.spi_validator.context import Context, Family, Position
from scripts.spi_validator.lazy import Module, examine
from scripts.spi_validator.names import (
    ANNOTATED,
    FACTORY_NAMES,
    LITERAL,
    TYPE_ALIAS,
    TYPE_FACTORIES,
)
from scripts.spi_validator.syntax import CHILD_FIELDS as _FIELDS
from scripts.spi_validator.syntax import (
    child_fields,
    is_type_expression,
    parse_annotation,
    subscript_items,
)

type Handler = Callable[..., None]
"""Called with a node of the class it is registered for."""
type Table = dict[type, Handler | None]
"""Node class -> what to do with such a node (None: nothing, a leaf)."""
type State = tuple[bool, bool]
"""A position as the dispatch sees it: (in a type expression, at import)."""

MAX_STRING_DEPTH: Final = 3
"""How deep string annotations inside string annotations are followed."""
#: The walk recurses once or twice per nesting level; ast.parse accepts about
#: 3000 levels (Python-to-Python calls use no C stack on 3.11+).
WALK_RECURSION_LIMIT: Final = 20_000

_WHEN: Final = "_spi_observes_only"
_STATES: Final[tuple[State, ...]] = (
    (False, False),
    (False, True),
    (True, False),
    (True, True),
)
_BLOCKS: Final = (
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.TryStar,
    ast.Match,
)
_NODE_CLASSES: Final = {
    cls.__name__: cls
    for cls in vars(ast).values()
    if isinstance(cls, type) and issubclass(cls, ast.AST)
}


def at_import[F: Callable[..., None]](observer: F) -> F:
    """Mark an observer to be called only for nodes evaluated at import time."""
    setattr(observer, _WHEN, "at_import")
    return observer


def in_type[F: Callable[..., None]](observer: F) -> F:
    """Mark an observer to be called only for nodes in type expressions."""
    setattr(observer, _WHEN, "in_type")
    return observer


def _observes(observer: object, state: State) -> bool:
    """Tell whether ``observer`` wants the nodes seen in position ``state``."""
    when = getattr(observer, _WHEN, None)
    return (
        when is None
        or (when == "in_type" and state[0])
        or (when == "at_import" and state[1])
    )


def _observers(families: Sequence[Family]) -> dict[type, list[Handler]]:
    """Collect each family's ``on_<NodeClass>`` observers, by node class."""
    found: dict[type, list[Handler]] = {}
    for family in families:
        for attribute in dir(family):
            cls = _NODE_CLASSES.get(attribute[3:])
            if attribute.startswith("on_") and cls is not None:
                found.setdefault(cls, []).append(getattr(family, attribute))
    return found


def _observed(observers: Sequence[Handler], traverse: Handler | None) -> Handler:
    """Combine a node class's observers with the visit of its children.

    The common shapes get a closure without a loop (this runs for every node).
    """
    if traverse is None:
        if len(observers) == 1:
            return observers[0]
        if len(observers) == 2:
            first, second = observers

            def both(node: ast.AST) -> None:
                first(node)
                second(node)

            return both

        def every(node: ast.AST) -> None:
            for observer in observers:
                observer(node)

        return every
    if len(observers) == 1:
        only = observers[0]

        def one_then_children(node: ast.AST) -> None:
            only(node)
            traverse(node)

        return one_then_children

    def then_children(node: ast.AST) -> None:
        for observer in observers:
            observer(node)
        traverse(node)

    return then_children


class Walker:
    """Visit a module once, telling each family's observers about each node."""

    ctx: Context
    pos: Position

    def __init__(self, families: Sequence[Family]) -> None:
        """Build one dispatch table per position for ``families``."""
        self.families = families
        self._string_depth = 0
        observers = _observers(families)
        self._tables: dict[State, Table] = {
            state: self._table(state, observers) for state in _STATES
        }
        self._handlers = self._tables[False, True]

    def _table(self, state: State, observers: dict[type, list[Handler]]) -> Table:
        """Build the dispatch table of one position."""
        table: Table = {
            cls: self._children if child_fields(cls) else None
            for cls in _NODE_CLASSES.values()
        }
        table.update(
            {
                ast.Module: self._module,
                ast.FunctionDef: self._function,
                ast.AsyncFunctionDef: self._function,
                ast.Lambda: self._lambda,
                ast.ClassDef: self._class,
                ast.arguments: self._arguments,
                ast.arg: self._arg,
                ast.If: self._if,
                ast.AnnAssign: self._ann_assign,
                ast.Assign: self._assign,
                ast.TypeAlias: self._type_alias,
                ast.TypeVar: self._type_param,
                ast.ParamSpec: self._type_param,
                ast.TypeVarTuple: self._type_param,
                ast.Subscript: self._subscript,
                ast.Constant: self._constant if state[0] else None,
                ast.Call: self._call,
                ast.Import: self._import,
                ast.ImportFrom: self._import,
                ast.Expr: self._expr,
                ast.Name: None,
                ast.alias: None,
                **dict.fromkeys(_BLOCKS, self._block),
            }
        )
        for cls, seen in observers.items():
            wanted = [o for o in seen if _observes(o, state)]
            if not wanted:
                continue
            if cls is ast.Name:
                table[cls] = self._names(state, wanted)
            else:
                table[cls] = _observed(wanted, table.get(cls))
        return table

    def _names(self, state: State, observers: Sequence[Handler]) -> Handler:
        """Call ``on_Name`` observers for the names their family watches."""
        families = {id(f): f for f in self.families}
        every: list[Handler] = []
        bound: list[Handler] = []
        for observer in observers:
            family = families[id(getattr(observer, "__self__", None))]
            (every if state[0] and family.EVERY_NAME_IN_TYPES else bound).append(
                observer
            )
        watched = frozenset(
            name for family in self.families for name in family.WATCHED_NAMES
        )

        def names(node: ast.Name) -> None:
            for observer in every:
                observer(node)
            if node.id in watched or node.id in self.ctx.aliases:
                for observer in bound:
                    observer(node)

        return names

    # -- driving ------------------------------------------------------------

    def run(self, ctx: Context, tree: ast.Module) -> bool:
        """Walk ``tree``; return False if it was nested too deeply to finish."""
        self.ctx, self.pos = ctx, ctx.pos
        self._string_depth = 0
        self._handlers = self._tables[ctx.pos.in_type, ctx.pos.at_import]
        for family in self.families:
            family.start(ctx)
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, WALK_RECURSION_LIMIT))
        try:
            ctx.bind_top_level(tree.body)
            ctx.lazy = examine(
                Module(ctx.name, ctx.is_package, ctx.path, ctx.qualify, ctx.text),
                tree,
            )
            self.visit(tree)
        except RecursionError:
            return False
        finally:
            sys.setrecursionlimit(limit)
        return True

    def visit(self, node: ast.AST) -> None:
        """Visit one node: its observers, then its children."""
        handler = self._handlers.get(node.__class__)
        if handler is not None:
            handler(node)

    def _visit_all(self, nodes: Iterable[ast.AST]) -> None:
        get = self._handlers.get
        for node in nodes:
            handler = get(node.__class__)
            if handler is not None:
                handler(node)

    def _children(self, node: ast.AST) -> None:
        """Visit every child of ``node`` (the hot loop: dispatch inlined).

        Fields that hold no node (``None``, strings, numbers) find no
        handler: the lookup itself skips them.
        """
        get = self._handlers.get
        cls = node.__class__
        for field in _FIELDS.get(cls) or child_fields(cls):
            value = getattr(node, field, None)
            if type(value) is list:
                items: list[object] = (  # pyright: ignore[reportUnknownVariableType]
                    value
                )
                for item in items:
                    handler = get(item.__class__)
                    if handler is not None:
                        handler(item)
            else:
                handler = get(value.__class__)
                if handler is not None:
                    handler(value)

    def _enter(self, in_type: bool, at_import: bool) -> None:
        """Move the position (and the dispatch table) to a new state."""
        pos = self.pos
        pos.in_type, pos.at_import = in_type, at_import
        self._handlers = self._tables[in_type, at_import]

    def _typed(self, node: ast.AST | None, typed: bool = True) -> None:
        """Visit ``node`` as a type expression (or explicitly not as one)."""
        if node is None:
            return
        pos = self.pos
        saved = pos.in_type
        if saved is typed:
            handler = self._handlers.get(node.__class__)
        else:  # _enter(typed, ...), inlined: this runs for every annotation
            pos.in_type = typed
            outer = self._handlers
            self._handlers = self._tables[typed, pos.at_import]
            handler = self._handlers.get(node.__class__)
            if handler is not None:
                handler(node)
            pos.in_type = saved
            self._handlers = outer
            return
        if handler is not None:
            handler(node)

    def _body(
        self, body: Sequence[ast.stmt], *, at_import: bool, class_body: bool
    ) -> None:
        """Visit the statements of a definition's body, one block deeper.

        Docstrings and ``...`` (expression statements of a constant) hold
        nothing any rule looks at inside a body: they are skipped here.
        """
        pos = self.pos
        in_type, was_at_import, was_class_body = (
            pos.in_type,
            pos.at_import,
            pos.class_body,
        )
        outer = self._handlers
        pos.in_type, pos.at_import = False, at_import
        self._handlers = self._tables[False, at_import]
        get = self._handlers.get
        pos.class_body = class_body
        pos.blocks += 1
        for stmt in body:
            if isinstance(stmt, ast.Expr) and stmt.value.__class__ is ast.Constant:
                continue
            handler = get(stmt.__class__)
            if handler is not None:
                handler(stmt)
        pos.blocks -= 1
        pos.in_type, pos.at_import = in_type, was_at_import
        self._handlers = outer
        pos.class_body = was_class_body

    # -- statements ---------------------------------------------------------

    def _module(self, node: ast.Module) -> None:
        self._visit_all(node.body)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if node.decorator_list:
            self._visit_all(node.decorator_list)
        if node.type_params:
            self._visit_all(node.type_params)
        self._arguments(node.args)
        self._typed(node.returns)
        self._body(node.body, at_import=False, class_body=False)

    def _lambda(self, node: ast.Lambda) -> None:
        self._arguments(node.args)  # defaults are evaluated where the lambda is
        pos = self.pos
        saved = pos.at_import
        self._enter(pos.in_type, False)
        pos.blocks += 1
        self.visit(node.body)
        pos.blocks -= 1
        self._enter(pos.in_type, saved)

    def _class(self, node: ast.ClassDef) -> None:
        if node.decorator_list:
            self._visit_all(node.decorator_list)
        if node.type_params:
            self._visit_all(node.type_params)
        for base in node.bases:
            self._typed(base)
        if node.keywords:
            self._visit_all(node.keywords)
        self._body(node.body, at_import=self.pos.at_import, class_body=True)

    def _arguments(self, node: ast.arguments) -> None:
        arg = self._handlers[ast.arg]
        assert arg is not None
        for each in node.posonlyargs:
            arg(each)
        for each in node.args:
            arg(each)
        if node.vararg is not None:
            arg(node.vararg)
        for each in node.kwonlyargs:
            arg(each)
        if node.kwarg is not None:
            arg(node.kwarg)
        if node.defaults:
            self._visit_all(node.defaults)
        if node.kw_defaults:
            self._visit_all(d for d in node.kw_defaults if d is not None)

    def _arg(self, node: ast.arg) -> None:
        if node.annotation is not None:
            self._typed(node.annotation)

    def _block(self, node: ast.AST) -> None:
        """Visit a compound statement: what it holds is conditional."""
        self.pos.blocks += 1
        self._children(node)
        self.pos.blocks -= 1

    def _if(self, node: ast.If) -> None:
        pos = self.pos
        self.visit(node.test)
        checking = int(self.ctx.tests_type_checking(node.test))
        pos.blocks += 1
        pos.type_checking += checking
        self._visit_all(node.body)
        pos.type_checking -= checking
        self._visit_all(node.orelse)
        pos.blocks -= 1

    def _import(self, node: ast.Import | ast.ImportFrom) -> None:
        if self.pos.blocks:  # top-level imports are bound before the walk
            self.ctx.bind(node)

    def _expr(self, node: ast.Expr) -> None:
        value = node.value
        if value.__class__ is not ast.Constant:  # docstrings: nothing to see
            self.visit(value)

    def _ann_assign(self, node: ast.AnnAssign) -> None:
        self._typed(node.annotation)
        self._typed(node.target, typed=False)
        is_alias = self.ctx.qualify(node.annotation) in TYPE_ALIAS
        self._typed(node.value, typed=is_alias)

    def _assign(self, node: ast.Assign) -> None:
        self._visit_all(node.targets)
        target = node.targets[0]
        is_alias = (
            not self.pos.blocks
            and len(node.targets) == 1
            and isinstance(target, ast.Name)
            and not target.id.startswith("__")
            and is_type_expression(node.value, False)
        )
        self._typed(node.value, typed=is_alias)

    def _type_alias(self, node: ast.TypeAlias) -> None:
        self._visit_all(node.type_params)
        self._typed(node.value)

    def _type_param(self, node: ast.TypeVar | ast.ParamSpec | ast.TypeVarTuple) -> None:
        if isinstance(node, ast.TypeVar):
            self._typed(node.bound)
        self._typed(getattr(node, "default_value", None))  # Python >= 3.13

    # -- expressions --------------------------------------------------------

    def _subscript(self, node: ast.Subscript) -> None:
        if not self.pos.in_type:
            self.visit(node.value)
            self.visit(node.slice)
            return
        self.visit(node.value)
        qual = self.ctx.qualify(node.value)
        if qual in LITERAL:
            self._typed(node.slice, typed=False)
        elif qual in ANNOTATED:
            items = subscript_items(node)
            self.visit(items[0])
            for item in items[1:]:
                self._typed(item, typed=False)
        else:
            self.visit(node.slice)

    def _constant(self, node: ast.Constant) -> None:
        """Parse a string in a type expression and visit it as one."""
        value = node.value
        if type(value) is not str or self._string_depth >= MAX_STRING_DEPTH:
            return
        expr = parse_annotation(value)
        if expr is None:
            return
        pos = self.pos
        saved = pos.anchor
        pos.anchor = saved or node
        self._string_depth += 1
        self.visit(expr)
        self._string_depth -= 1
        pos.anchor = saved

    def _call(self, node: ast.Call) -> None:
        """Visit a call; the type arguments of typing factories as types."""
        func = node.func
        name = (
            func.id
            if isinstance(func, ast.Name)
            else func.attr if isinstance(func, ast.Attribute) else None
        )
        factory = (
            TYPE_FACTORIES.get(self.ctx.qualify(func) or "")
            if name in FACTORY_NAMES
            else None
        )
        if factory is None and not self.pos.in_type:
            self._children(node)
            return
        self._typed(func, typed=False)
        indexes, names = factory or (range(0), frozenset[str]())
        for index, arg in enumerate(node.args):
            self._typed(arg, typed=index in indexes)
        for keyword in node.keywords:
            self._typed(keyword.value, typed=keyword.arg in names)
