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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

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


def _dump_body(node: ast.FunctionDef) -> str:
    """Dump a function without its docstring and positions."""
    body = node.body
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
        and len(body) > 1
    ):
        body = body[1:]
    copy = ast.FunctionDef(
        name=node.name,
        args=node.args,
        body=body,
        decorator_list=node.decorator_list,
        returns=node.returns,
        type_comment=node.type_comment,
        type_params=getattr(node, "type_params", []),
    )
    return ast.dump(copy)


def _template(text: str) -> ast.FunctionDef:
    """Parse a template hook."""
    node = ast.parse(text).body[0]
    assert isinstance(node, ast.FunctionDef)
    return node


_GETATTR_NODE: Final = _template(GETATTR)
_GETATTR_DUMP: Final = _dump_body(_GETATTR_NODE)
_GETATTR_STATEMENTS: Final = [ast.dump(s) for s in _GETATTR_NODE.body]
_DIR_DUMP: Final = _dump_body(_template(DIR))


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
    """

    name: str
    is_package: bool
    path: str
    qualify: Callable[[ast.AST], str | None]


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
        if _dump_body(hook) != _GETATTR_DUMP:
            self.problem(hook, self._hook_difference(hook))
        if self.dir_hook is not None and _dump_body(self.dir_hook) != _DIR_DUMP:
            self.problem(
                self.dir_hook,
                "`__dir__` of a lazy re-export must be exactly "
                "`def __dir__() -> list[str]: return list(__all__)` (docstring aside)",
            )

    def _hook_difference(self, hook: ast.FunctionDef) -> str:
        head = "`__getattr__` is not the lazy re-export hook"
        body = hook.body
        if (
            len(body) > 1
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            body = body[1:]
        for index, stmt in enumerate(body):
            if index >= len(_GETATTR_STATEMENTS):
                return f"{head}: extra statement at line {stmt.lineno}"
            if ast.dump(stmt) != _GETATTR_STATEMENTS[index]:
                expected = ast.unparse(_GETATTR_NODE.body[index]).splitlines()[0]
                return f"{head}: line {stmt.lineno} differs from `{expected}`"
        if len(body) != len(_GETATTR_STATEMENTS):
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
            if not _submodule_exists(folder, submodule):
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
        for node in ast.walk(hook):
            if isinstance(node, ast.Import):
                exempt[id(node)] = frozenset({"SPI103"})
                exempt[id(node.names[0])] = frozenset({"SPI101"})
                self.result.import_line = node.lineno
            elif isinstance(node, ast.Name) and node.id == "importlib":
                exempt[id(node)] = frozenset({"SPI106"})
            elif isinstance(node, ast.Name) and node.id in {"getattr", "globals"}:
                exempt[id(node)] = frozenset({"SPI109"})
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
