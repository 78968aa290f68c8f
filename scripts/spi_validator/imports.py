"""Import rules (``SPI1xx``): what the SPI imports, and how.

The SPI imports the standard library's typing modules and itself,
unconditionally, statically, and downwards in its layers.

The allow-list below is the one both validators use (the namespace-isolation
script checks the import graph against it too).
"""

import ast
from typing import ClassVar, Final, override

from scripts.spi_validator.context import Context, Family
from scripts.spi_validator.layers import layering
from scripts.spi_validator.names import SPI_ROOT, is_spi, spellings
from scripts.spi_validator.rules import rule_table
from scripts.spi_validator.syntax import dotted

RULES: Final = rule_table("""
SPI101 import   import of a module outside the allow-list
SPI102 import   relative import resolves outside omnibase.protocols
SPI103 import   import inside a function, class, if, try, with or loop
SPI104 import   `if TYPE_CHECKING:` block (imports must be unconditional)
SPI105 import   SPI import under TYPE_CHECKING breaks get_type_hints()
SPI106 import   dynamic import (__import__, importlib, __builtins__)
SPI107 import   exec/eval/compile run code built at run time
SPI108 import   sys.modules access bypasses the import statement
SPI109 import   reflective lookup (globals, locals, vars, getattr, __dict__)
SPI110 import   annotation names a module outside the allow-list
SPI111 import   wildcard import
SPI112 import   import breaks the domain layering
SPI113 import   `from __future__` import not at the top of the module
SPI114 import   package __getattr__ is not the exact lazy re-export shape
""")

#: Standard-library modules the SPI may import (besides itself).
ALLOWED_MODULES: Final = (
    "typing",
    "collections.abc",
    "types",
    "uuid",
    "datetime",
    "enum",
)
#: ``from __future__ import annotations`` is allowed; no other feature.
FUTURE_FEATURES: Final = frozenset({"annotations"})
_SHOWN: Final = ", ".join([*ALLOWED_MODULES, SPI_ROOT])

#: Qualified references that are violations wherever they appear.
_REFS: Final[dict[str, str]] = {
    **dict.fromkeys(spellings(["__import__", "__builtins__"], "builtins"), "SPI106"),
    **dict.fromkeys(spellings(["exec", "eval", "compile"], "builtins"), "SPI107"),
    **dict.fromkeys(
        spellings(["globals", "locals", "vars", "getattr"], "builtins"), "SPI109"
    ),
    "sys.modules": "SPI108",
}
#: Attribute names that make an attribute chain worth resolving.
_REF_ATTRS: Final = frozenset(name.rpartition(".")[2] for name in _REFS)
#: Attribute names that are violations on any object.
_ATTR_CODES: Final[dict[str, str]] = {
    "__import__": "SPI106",
    "__builtins__": "SPI106",
    "__dict__": "SPI109",
    "__globals__": "SPI109",
}
_MESSAGES: Final[dict[str, str]] = {
    "SPI106": "dynamic import via {} hides a dependency from static analysis",
    "SPI107": "{} runs code built at run time",
    "SPI108": "{} reaches modules around the import statement",
    "SPI109": "{} looks names up reflectively (can fetch any module or Any)",
}


def is_allowed_module(name: str) -> bool:
    """Tell whether SPI modules may import ``name``."""
    return name in ALLOWED_MODULES or is_spi(name)


def names_allowed_module(chain: str) -> bool:
    """Tell whether some proper prefix of ``a.b.c`` is an allowed module."""
    parts = chain.split(".")
    return any(is_allowed_module(".".join(parts[:i])) for i in range(1, len(parts)))


class ImportRules(Family):
    """Observe imports and the references that import around them."""

    WATCHED_NAMES: ClassVar[frozenset[str]] = frozenset(
        name for name in _REFS if "." not in name
    )

    @override
    def start(self, ctx: Context) -> None:
        """Forget the previous module."""
        super().start(ctx)
        self._inner_chain: ast.AST | None = None
        self._future_ok: set[ast.AST] = set()

    def on_Module(self, node: ast.Module) -> None:
        """Note the future imports Python accepts; report a lazy re-export's shape."""
        for where, message in self.ctx.lazy.problems:
            self.report(where, "SPI114", message)
        body = node.body
        start = 1 if body and _is_string(body[0]) else 0
        for stmt in body[start:]:
            if not (isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__"):
                break
            self._future_ok.add(stmt)

    # -- import statements --------------------------------------------------

    def on_Import(self, node: ast.Import) -> None:
        """Check ``import a.b``."""
        self._placement(node, any(is_spi(a.name) for a in node.names))
        for alias in node.names:
            self._module_target(alias, alias.name)

    def on_ImportFrom(self, node: ast.ImportFrom) -> None:
        """Check ``from a import b``."""
        if node.module == "__future__" and not node.level:
            self._future(node)
            return
        module = self.ctx.from_module(node)
        internal = module is not None and is_spi(module)
        self._placement(node, internal)
        if module is None or (node.level and not internal):
            shown = "." * node.level + (node.module or "")
            self.report(
                node,
                "SPI102",
                f"relative import `{shown}` resolves to "
                f"{module or 'above the top package'}, outside {SPI_ROOT}",
            )
            return
        if module == SPI_ROOT:
            for alias in node.names:
                if alias.name != "*":
                    self._layering(alias, f"{module}.{alias.name}")
        else:
            self._module_target(node, module)
        for alias in node.names:
            if alias.name == "*":
                self.report(
                    alias, "SPI111", f"`from {module} import *` hides what is imported"
                )
            else:
                qual = f"{module}.{alias.name}"
                self._reference(alias, alias.asname or alias.name, qual)

    def _future(self, node: ast.ImportFrom) -> None:
        """Allow ``from __future__ import annotations`` at the top only."""
        if node not in self._future_ok:
            self.report(
                node,
                "SPI113",
                "`from __future__` imports must come first (after the docstring): "
                "Python refuses to compile this module",
            )
        for alias in node.names:
            if alias.name not in FUTURE_FEATURES:
                self.report(
                    alias,
                    "SPI101",
                    f"`from __future__ import {alias.name}`: only `annotations` "
                    "is allowed",
                )

    def _placement(self, node: ast.stmt, internal: bool) -> None:
        """Report an import that is not an unconditional module-level statement."""
        if internal and self.pos.type_checking:
            self.report(
                node,
                "SPI105",
                "SPI import under TYPE_CHECKING: typing.get_type_hints() raises "
                "NameError; import it unconditionally (layering prevents cycles)",
            )
        elif self.pos.blocks:
            self.report(
                node, "SPI103", "import must be an unconditional module-level statement"
            )

    def _module_target(self, node: ast.AST, module: str) -> None:
        """Check the allow-list and layering for one imported module."""
        if not is_allowed_module(module):
            self.report(
                node, "SPI101", f"`{module}` is outside the allow-list ({_SHOWN})"
            )
        elif module.startswith(SPI_ROOT + "."):
            self._layering(node, module)

    def _layering(self, node: ast.AST, target: str) -> None:
        """Report an SPI-internal import that goes up or sideways in the layers."""
        domain = self.ctx.domain
        if domain is None:
            if self.ctx.name == SPI_ROOT:
                self.report(
                    node,
                    "SPI112",
                    f"the root package {SPI_ROOT} must import nothing from the SPI "
                    f"(imports {target})",
                )
            return
        order = layering()
        other = target.split(".")[2]
        if order.may_import(domain, other):
            return
        rank, other_rank = order.rank(domain), order.rank(other)
        how = "a higher layer" if rank != other_rank else "an independent sibling"
        self.report(
            node,
            "SPI112",
            f"`{domain}` must not import {how}: {target} (layers: {order.text()})",
        )

    def on_If(self, node: ast.If) -> None:
        """Report ``if TYPE_CHECKING:`` blocks."""
        if self.ctx.tests_type_checking(node.test):
            self.report(
                node,
                "SPI104",
                "`if TYPE_CHECKING:` block: SPI imports must be unconditional so that "
                "typing.get_type_hints() resolves every annotation",
            )

    # -- references ---------------------------------------------------------

    def _reference(self, node: ast.AST, text: str, qual: str) -> bool:
        """Report a reference to a dynamic-import or reflection builtin."""
        code = _REFS.get(qual)
        if code is None:
            return False
        shown = f"`{text}`" if text == qual else f"`{text}` (= `{qual}`)"
        self.report(node, code, _MESSAGES[code].format(shown))
        return True

    def on_Name(self, node: ast.Name) -> None:
        """Check a name against the dynamic-import and reflection builtins."""
        ident = node.id
        qual = self.ctx.aliases.get(ident)
        if qual is None:
            if ident in _REFS:
                self._reference(node, ident, ident)
        elif not self._reference(node, ident, qual) and qual.startswith("importlib"):
            self.report(
                node, "SPI106", _MESSAGES["SPI106"].format(f"`{ident}` (= `{qual}`)")
            )

    def on_Attribute(self, node: ast.Attribute) -> None:
        """Check ``a.b.c`` for reflection and, in annotations, for its module."""
        in_type = self.pos.in_type
        chain = None
        reported = False
        if in_type or node.attr in _REF_ATTRS:
            chain = dotted(node)
            if chain is not None:
                qual = self.ctx.qualify(node) or chain
                reported = self._reference(node, chain, qual)
        code = _ATTR_CODES.get(node.attr)
        if code is not None and not reported:
            shown = f"`{dotted(node) or '.' + node.attr}`"
            self.report(node, code, _MESSAGES[code].format(shown))
            reported = True
        inner, self._inner_chain = self._inner_chain, node.value
        if chain is not None and in_type and not reported and node is not inner:
            self._unknown_module(node, chain)

    def _unknown_module(self, node: ast.Attribute, chain: str) -> None:
        """Report ``a.b.C`` in an annotation when ``a`` names a forbidden module."""
        head = chain.partition(".")[0]
        ctx = self.ctx
        if head in ctx.aliases or head in ctx.defined or names_allowed_module(chain):
            return
        module = chain.rpartition(".")[0]
        self.report(
            node,
            "SPI110",
            f"annotation `{chain}` refers to module `{module}` (not allowed)",
        )


def _is_string(stmt: ast.stmt) -> bool:
    """Tell whether ``stmt`` is a string expression (a docstring)."""
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )
