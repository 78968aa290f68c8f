"""The one exception to the import rules: a package's lazy re-exports (PEP 562).

A domain package's ``__init__.py`` (``omnibase.protocols.<domain>``, not the
root) may re-export its submodules' names without importing them, so that
``from omnibase.protocols.container import ProtocolServiceRegistry`` loads
that contract's module only. It does so in exactly this shape, and only this
one (:data:`SHAPE`):

- the module holds nothing but docstrings, top-level imports, one
  ``if TYPE_CHECKING:`` block, ``__all__``, the table and the two hooks;
- the table: ``_SUBMODULE_OF: Final = {"Name": "submodule", ...}``, one dict
  display of string literals, assigned once; each value is a module of this
  package that exists next to the ``__init__.py`` (``submodule.py`` or
  ``submodule/__init__.py``);
- the block: ``if TYPE_CHECKING:`` (no ``else``) holding only
  ``from .submodule import Name`` (or ``from <this package>.submodule
  import Name``) statements that import each name of the table from its
  submodule, once, and nothing else, so type checkers see every re-export;
- ``def __getattr__`` exactly as :data:`GETATTR`, docstring aside: its one
  import is ``importlib``, called once with ``f"{__name__}.{...}"`` on the
  table's entry for a name it has checked is a key; it stores the value in
  the package's globals under that name, so the hook runs once per name;
- optionally ``def __dir__`` exactly as :data:`DIR`, docstring aside;
- no other module-level binding of a name the hooks read (``importlib``,
  ``getattr``, ``globals``, ``object``, ``str``, ``list``,
  ``AttributeError``, the table, ``__all__`` beyond its one assignment):
  nothing can change what they mean.

When a package matches, the import rules accept these nodes and codes only:
the ``import importlib`` statement (``SPI103``) and its name (``SPI101``),
the ``importlib``, ``getattr`` and ``globals`` names in the hook
(``SPI106``, ``SPI109``), the block (``SPI104``) and its imports (``SPI105``: the
package's own annotations name none of them, and every re-exported object
keeps its defining module, where ``typing.get_type_hints()`` resolves it),
and the hooks as module-level functions (``SPI301``). When a package's
``__init__.py`` defines ``__getattr__`` and anything differs, nothing is
accepted: every usual finding stands and ``SPI114`` says what differs. The
same code anywhere else (another module, a class, a function) is reported
as any other import.

The namespace-isolation script's allow-list sees the hook's
``import importlib`` as an edge of the import graph: it accepts it on the
line :func:`lazy_import_line` returns and nowhere else.
"""

import ast
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final, cast

from scripts.spi_validator.names import FINAL, SPI_ROOT, TYPE_CHECKING

TABLE: Final = "_SUBMODULE_OF"
"""The name of the table: re-exported name -> the submodule defining it."""

GETATTR: Final = f"""
def __getattr__(name: str) -> object:
    if name not in {TABLE}:
        raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}")
    import importlib

    value: object = getattr(
        importlib.import_module(f"{{__name__}}.{{{TABLE}[name]}}"), name
    )
    namespace: dict[str, object] = globals()
    namespace[name] = value
    return value
"""
"""The lazy re-export hook, as it must be written (a docstring may come first)."""

DIR: Final = """
def __dir__() -> list[str]:
    return list(__all__)
"""
"""The optional ``__dir__`` hook, as it must be written (docstring aside)."""

SHAPE: Final = (
    "`if TYPE_CHECKING:` imports of each re-exported name from its submodule, "
    f"`{TABLE}: Final = {{name: submodule, ...}}` and `__getattr__` (and "
    "`__dir__`) exactly as in scripts/spi_validator/lazy.py"
)
"""How findings name the allowed shape."""

#: Names the hooks read: nothing else in the module may bind them.
RESERVED: Final = frozenset(
    {"importlib", "getattr", "globals", "object", "str", "list", "AttributeError"}
    | {TABLE}
    | {"__all__", "__name__", "__getattr__", "__dir__"}
)


def body_of(node: ast.FunctionDef) -> list[ast.stmt]:
    """The statements of a function after its docstring."""
    body = node.body
    if (
        len(body) > 1
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        return body[1:]
    return body


def shape(nodes: Sequence[ast.AST]) -> list[object]:
    """Flatten syntax trees into their node classes and values, positions aside.

    Two lists of statements are the same code exactly when their shapes are
    equal (a list's length precedes its items, a node's class its fields).
    """
    out: list[object] = []
    append = out.append
    stack: list[object] = [*reversed(nodes)]
    push = stack.append
    while stack:
        item = stack.pop()
        if isinstance(item, ast.AST):
            append(item.__class__)
            for name in reversed(item._fields):
                push(getattr(item, name, None))
        elif item.__class__ is list:
            items = cast("list[object]", item)
            append(len(items))
            stack.extend(reversed(items))
        else:
            append(item)
    return out


def _same(node: ast.AST, other: ast.AST) -> bool:
    """Tell whether two syntax trees are the same code, positions aside."""
    return shape([node]) == shape([other])


def _matches(
    node: ast.FunctionDef, template: ast.FunctionDef, lines: Sequence[str] | None
) -> bool:
    """Tell whether ``node`` is ``template``, docstring and positions aside."""
    signature, body_shape = _template_shapes(template)
    if (
        node.name != template.name
        or node.decorator_list
        or getattr(node, "type_params", None)
        or shape([node.args, node.returns or ast.Pass()]) != signature
    ):
        return False
    body = body_of(node)
    if lines is not None and same_text(body, template.body, lines):
        return True
    return shape(body) == body_shape


_SHAPES: dict[int, tuple[list[object], list[object]]] = {}


def _template_shapes(template: ast.FunctionDef) -> tuple[list[object], list[object]]:
    """The shapes of a template's signature and body (computed once)."""
    shapes = _SHAPES.get(id(template))
    if shapes is None:
        signature = shape([template.args, template.returns or ast.Pass()])
        shapes = _SHAPES[id(template)] = (signature, shape(template.body))
    return shapes


def _code_lines(stmt: ast.stmt, lines: Sequence[str]) -> list[str]:
    """The statement's own source, comments and blank lines left out.

    The source runs from the statement's first character to its last. A
    comment is cut at the line's first ``#``: the template has no ``#``, so a
    text that equals the template's after the cut was cut at comments only.
    """
    first, last = stmt.lineno - 1, (stmt.end_lineno or stmt.lineno) - 1
    end = stmt.end_col_offset if stmt.end_col_offset is not None else None
    segment = list(lines[first : last + 1])
    if not segment:
        return []
    segment[-1] = segment[-1][:end]
    segment[0] = segment[0][stmt.col_offset :]
    cut = (line.partition("#")[0].rstrip() for line in segment)
    return [line for line in cut if line]


_TEMPLATE_LINES: dict[int, list[list[str]]] = {}


def same_text(
    body: Sequence[ast.stmt], template: Sequence[ast.stmt], lines: Sequence[str]
) -> bool:
    """The fast path: the statements read exactly as the template's.

    True only when there are as many statements as the template has and each
    one's source, comments aside, is the template statement's text (the same
    text parses to the same tree). False sends the caller to the tree
    comparison, which decides.
    """
    if len(body) != len(template):
        return False
    expected = _TEMPLATE_LINES.get(id(template))
    if expected is None:
        source = GETATTR if template is GETATTR_NODE.body else DIR
        expected = [_code_lines(s, source.splitlines()) for s in template]
        _TEMPLATE_LINES[id(template)] = expected
    return all(
        _code_lines(stmt, lines) == want
        for stmt, want in zip(body, expected, strict=True)
    )


def _template(text: str) -> ast.FunctionDef:
    """Parse a template hook."""
    node = ast.parse(text).body[0]
    assert isinstance(node, ast.FunctionDef)
    return node


type Path = tuple[tuple[str, int | None], ...]
"""Where a node is in a hook's body: (field, index or None) steps."""


def _exempt_paths(template: ast.FunctionDef) -> list[tuple[Path, frozenset[str]]]:
    """Find, once, where the template's exempt nodes are and their codes.

    The ``import importlib`` statement (SPI103) and its name (SPI101); the
    names ``importlib`` (SPI106), ``getattr`` and ``globals`` (SPI109).
    """
    found: list[tuple[Path, frozenset[str]]] = []

    def visit(node: ast.AST, path: Path) -> None:
        if isinstance(node, ast.Import):
            found.append((path, frozenset({"SPI103"})))
            found.append(((*path, ("names", 0)), frozenset({"SPI101"})))
        elif isinstance(node, ast.Name) and node.id == "importlib":
            found.append((path, frozenset({"SPI106"})))
        elif isinstance(node, ast.Name) and node.id in {"getattr", "globals"}:
            found.append((path, frozenset({"SPI109"})))
        for name, value in ast.iter_fields(node):
            if isinstance(value, list):
                items = cast("list[object]", value)
                for index, item in enumerate(items):
                    if isinstance(item, ast.AST):
                        visit(item, (*path, (name, index)))
            elif isinstance(value, ast.AST):
                visit(value, (*path, (name, None)))

    for index, stmt in enumerate(template.body):
        visit(stmt, (("body", index),))
    return found


def _follow(body: list[ast.stmt], path: Path) -> ast.AST:
    """The node at ``path`` in a hook's body (which matches the template)."""
    (_, first), *steps = path
    node: object = body[first or 0]
    for name, index in steps:
        node = getattr(node, name)
        if index is not None:
            node = cast("list[object]", node)[index]
    assert isinstance(node, ast.AST)
    return node


if "#" in GETATTR + DIR:  # the textual fast path relies on it (_code_lines)
    raise AssertionError("the lazy re-export templates must hold no '#'")
GETATTR_NODE: Final = _template(GETATTR)
_GETATTR_EXEMPT: Final = _exempt_paths(GETATTR_NODE)
_DIR_NODE: Final = _template(DIR)


@dataclass(slots=True)
class LazyReexport:
    """What a package's lazy re-export lets the other rules accept.

    Attributes:
        exempt: ``id(node)`` -> the codes not reported at that node.
        reexports: The names the ``TYPE_CHECKING`` block re-exports.
        import_line: Line of the hook's ``import importlib`` (None: no
            accepted lazy re-export).
        problems: ``SPI114`` findings: (node, message).
    """

    exempt: dict[int, frozenset[str]] = field(default_factory=dict[int, frozenset[str]])
    reexports: dict[str, ast.alias] = field(default_factory=dict[str, ast.alias])
    import_line: int | None = None
    problems: list[tuple[ast.AST, str]] = field(
        default_factory=list[tuple[ast.AST, str]]
    )


NONE: Final = LazyReexport()
"""No lazy re-export: nothing is exempt (shared, never modified)."""


@dataclass(frozen=True, slots=True)
class Module:
    """What the shape check needs to know about the module.

    Attributes:
        name: Dotted module name (a package's ``__init__`` has the package's).
        is_package: The module is a package's ``__init__``.
        path: The file's path: its folder holds the submodules.
        qualify: Resolves a name or attribute through the module's imports.
        text: The decoded source ("": compare syntax trees only).
    """

    name: str
    is_package: bool
    path: str
    qualify: Callable[[ast.AST], str | None]
    text: str = ""


def examine(module: Module, tree: ast.Module) -> LazyReexport:
    """Find a lazy re-export in ``tree`` and check its shape.

    Args:
        module: The module's name, kind, path and name resolution.
        tree: Its syntax tree.

    Returns:
        What the other rules may accept (:data:`NONE` when the module has
        no top-level ``__getattr__`` or is not a package's ``__init__``),
        and the ``SPI114`` findings.
    """
    hooks = [
        s
        for s in tree.body
        if isinstance(s, ast.FunctionDef) and s.name == "__getattr__"
    ]
    if not hooks or not module.is_package:
        return NONE
    return _Examiner(module, tree, hooks).run()


class _Examiner:
    """Check one package ``__init__`` that defines ``__getattr__``."""

    def __init__(
        self, module: Module, tree: ast.Module, hooks: list[ast.FunctionDef]
    ) -> None:
        self.module = module
        self.tree = tree
        self.hook = hooks[0]
        self.result = LazyReexport()
        self.table: dict[str, str] = {}
        self.table_node: ast.AnnAssign | None = None
        self.block: ast.If | None = None
        self.dir_hook: ast.FunctionDef | None = None
        text = module.text
        #: Source lines for the textual fast path (ASCII sources only: the
        #: parser's column offsets are UTF-8 bytes).
        self.lines: list[str] | None = (
            text.splitlines() if text and text.isascii() else None
        )

    def problem(self, node: ast.AST, message: str) -> None:
        self.result.problems.append((node, message))

    def run(self) -> LazyReexport:
        module = self.module
        if not module.name.startswith(SPI_ROOT + "."):
            self.problem(
                self.hook,
                f"only a domain package's __init__.py may re-export lazily; the "
                f"root package {SPI_ROOT} imports nothing",
            )
            return self.result
        self._statements()
        self._hook()
        self._table()
        self._block()
        if self.result.problems:
            return self.result
        self._accept()
        return self.result

    # -- the module ---------------------------------------------------------

    def _statements(self) -> None:
        """Allow only the shape's statements; find the table, block, hooks."""
        getattr_seen = all_seen = False
        for stmt in self.tree.body:
            if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
                continue
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                bound = [a.asname or a.name.partition(".")[0] for a in stmt.names]
                self._binds(stmt, bound)
                continue
            if isinstance(stmt, ast.FunctionDef) and stmt.name == "__getattr__":
                if getattr_seen:
                    self.problem(stmt, "`__getattr__` is defined twice")
                getattr_seen = True
                continue
            if isinstance(stmt, ast.FunctionDef) and stmt.name == "__dir__":
                if self.dir_hook is not None:
                    self.problem(stmt, "`__dir__` is defined twice")
                self.dir_hook = stmt
                continue
            if isinstance(stmt, ast.If) and self._is_type_checking(stmt.test):
                if self.block is not None:
                    self.problem(stmt, "more than one `if TYPE_CHECKING:` block")
                self.block = stmt
                continue
            if self._is_all(stmt) and not all_seen:
                all_seen = True
                continue
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and stmt.target.id == TABLE
                and self.table_node is None
            ):
                self.table_node = stmt
                continue
            self.problem(
                stmt,
                f"a package that re-exports lazily holds only {SHAPE}; "
                f"not this {type(stmt).__name__} statement",
            )

    def _binds(self, stmt: ast.stmt, names: list[str]) -> None:
        for name in names:
            if name in RESERVED:
                self.problem(
                    stmt, f"binds `{name}`, which the lazy re-export hook reads"
                )

    @staticmethod
    def _is_all(stmt: ast.stmt) -> bool:
        """Tell whether ``stmt`` is ``__all__ = ...`` (one target)."""
        return (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and stmt.targets[0].id == "__all__"
        )

    def _is_type_checking(self, test: ast.expr) -> bool:
        return (
            isinstance(test, ast.Name | ast.Attribute)
            and self.module.qualify(test) in TYPE_CHECKING
        )

    # -- the hooks ----------------------------------------------------------

    def _hook(self) -> None:
        hook = self.hook
        if not _matches(hook, GETATTR_NODE, self.lines):
            self.problem(hook, self._hook_difference(hook))
        if self.dir_hook is not None and not _matches(
            self.dir_hook, _DIR_NODE, self.lines
        ):
            self.problem(
                self.dir_hook,
                "`__dir__` of a lazy re-export must be exactly "
                "`def __dir__() -> list[str]: return list(__all__)` (docstring aside)",
            )

    def _hook_difference(self, hook: ast.FunctionDef) -> str:
        head = "`__getattr__` is not the lazy re-export hook"
        body, template = body_of(hook), GETATTR_NODE.body
        for index, stmt in enumerate(body):
            if index >= len(template):
                return f"{head}: extra statement at line {stmt.lineno}"
            if not _same(stmt, template[index]):
                expected = ast.unparse(template[index]).splitlines()[0]
                return f"{head}: line {stmt.lineno} differs from `{expected}`"
        if len(body) != len(template):
            return f"{head}: statements are missing"
        return f"{head}: its signature or decorators differ (see {SHAPE})"

    # -- the table ----------------------------------------------------------

    def _table(self) -> None:
        node = self.table_node
        if node is None:
            self.problem(self.hook, f"no `{TABLE}: Final = {{...}}` table")
            return
        annotation = node.annotation
        head = annotation.value if isinstance(annotation, ast.Subscript) else annotation
        value = node.value
        if self.module.qualify(head) not in FINAL or not isinstance(value, ast.Dict):
            self.problem(node, f"`{TABLE}` must be `Final` and a dict display")
            return
        folder = os.path.dirname(self.module.path)
        exists: dict[str, bool] = {}
        for key, item in zip(value.keys, value.values, strict=True):
            if not (_is_identifier(key) and _is_identifier(item)):
                self.problem(
                    key or item,
                    f"`{TABLE}` maps names to submodule names, as string literals",
                )
                continue
            assert isinstance(key, ast.Constant)
            assert isinstance(item, ast.Constant)
            name, submodule = str(key.value), str(item.value)
            if name in self.table:
                self.problem(key, f"`{TABLE}` lists `{name}` twice")
            self.table[name] = submodule
            if submodule not in exists:
                exists[submodule] = _submodule_exists(folder, submodule)
            if not exists[submodule]:
                self.problem(
                    item,
                    f"`{TABLE}` names `{submodule}`, which is not a module of "
                    f"{self.module.name} ({submodule}.py not found)",
                )

    # -- the TYPE_CHECKING block ---------------------------------------------

    def _block(self) -> None:
        block = self.block
        if block is None:
            self.problem(
                self.hook,
                "the lazy re-exports are invisible to type checkers: import each "
                "name from its submodule under `if TYPE_CHECKING:`",
            )
            return
        if block.orelse:
            self.problem(block, "the `if TYPE_CHECKING:` block has an else branch")
        seen: dict[str, str] = {}
        for stmt in block.body:
            submodule = self._own_submodule(stmt)
            if submodule is None:
                self.problem(
                    stmt,
                    "the `if TYPE_CHECKING:` block of a lazy re-export holds only "
                    "`from .submodule import Name` of this package's submodules",
                )
                continue
            assert isinstance(stmt, ast.ImportFrom)
            for alias in stmt.names:
                name = alias.name
                if alias.asname not in (None, name) or name == "*":
                    self.problem(alias, "re-export names as they are defined")
                    continue
                if name in seen:
                    self.problem(alias, f"`{name}` is imported twice")
                seen[name] = submodule
                self.result.reexports[name] = alias
                if self.table.get(name) != submodule:
                    self.problem(
                        alias,
                        f"`{name}` is imported from `{submodule}` but `{TABLE}` "
                        f"maps it to {self._shown(name)}",
                    )
        for name, submodule in self.table.items():
            if name not in seen:
                self.problem(
                    block,
                    f"`{name}` (from `{submodule}`) is in `{TABLE}` but not imported "
                    "under `if TYPE_CHECKING:`: type checkers cannot see it",
                )

    def _shown(self, name: str) -> str:
        submodule = self.table.get(name)
        return "nothing" if submodule is None else f"`{submodule}`"

    def _own_submodule(self, stmt: ast.stmt) -> str | None:
        """Return ``sub`` for ``from .sub import ...`` of this package, else None."""
        if not isinstance(stmt, ast.ImportFrom) or not stmt.module:
            return None
        if stmt.level == 1:
            sub = stmt.module
        elif stmt.level == 0 and stmt.module.startswith(self.module.name + "."):
            sub = stmt.module[len(self.module.name) + 1 :]
        else:
            return None
        return sub if sub.isidentifier() else None

    # -- accepting ----------------------------------------------------------

    def _accept(self) -> None:
        """Record the nodes and codes the other rules accept."""
        exempt = self.result.exempt
        hook = self.hook
        exempt[id(hook)] = frozenset({"SPI301"})
        if self.dir_hook is not None:
            exempt[id(self.dir_hook)] = frozenset({"SPI301"})
        body = body_of(hook)
        for path, codes in _GETATTR_EXEMPT:
            node = _follow(body, path)
            exempt[id(node)] = codes
            if isinstance(node, ast.Import):
                self.result.import_line = node.lineno
        assert self.block is not None
        exempt[id(self.block)] = frozenset({"SPI104"})
        for stmt in self.block.body:
            exempt[id(stmt)] = frozenset({"SPI105"})


def _is_identifier(node: ast.expr | None) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.isidentifier()
    )


def _submodule_exists(folder: str, name: str) -> bool:
    """Tell whether ``folder`` holds the module ``name`` (a file or a package)."""
    return os.path.isfile(os.path.join(folder, f"{name}.py")) or os.path.isfile(
        os.path.join(folder, name, "__init__.py")
    )
