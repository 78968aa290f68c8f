"""Contract rules (``SPI3xx``, with ``--check-protocols``): what an SPI module holds.

The shape of an SPI module, of its Protocol classes and of its error classes.

An SPI module holds a docstring, ``__all__``, type aliases (``type X = ...``,
``X = Literal[...]``), ``Final`` constants built from literals (or a read-only
table ``MappingProxyType({...})``), ``@runtime_checkable`` Protocol classes
and, in ``errors.py`` only, error classes whose ``__init__``/``__str__`` only
assign attributes and format strings.
"""

import ast
import functools
import re
from typing import Final, override

from scripts.spi_validator.context import Context, Family
from scripts.spi_validator.names import (
    ANNOTATED,
    BUILTIN_EXCEPTIONS,
    FINAL,
    LITERAL,
    MAPPING_PROXY,
    MAPPINGS,
    OVERLOAD,
    OVERRIDE,
    PROPERTY,
    PROTOCOL,
    RUNTIME_CHECKABLE,
    STR,
    is_spi,
)
from scripts.spi_validator.rules import rule_table
from scripts.spi_validator.syntax import (
    docstring,
    dotted,
    is_ellipsis,
    is_literal,
    is_type_expression,
    parse_annotation,
    subscript_items,
    without_docstring,
)
from scripts.spi_validator.walk import MAX_STRING_DEPTH

RULES: Final = rule_table("""
SPI301 protocol module-level statement not allowed in an SPI module
SPI302 protocol Final constant not built only from literals
SPI303 protocol module has no __all__
SPI304 protocol __all__ is not one list or tuple of string literals
SPI305 protocol __all__ lists a name the module does not export
SPI306 protocol public name missing from __all__
SPI307 protocol __all__ lists a name twice
SPI308 protocol module has no docstring
SPI310 protocol public class is neither a Protocol nor an error class
SPI311 protocol Protocol is not decorated @runtime_checkable
SPI312 protocol Protocol name is not Protocol<CapWords>
SPI313 protocol type alias name is not CapWords or starts with Protocol
SPI314 protocol Final constant name is not UPPER_SNAKE_CASE
SPI315 protocol error class name does not end with Error
SPI316 protocol public class has no docstring
SPI320 protocol bare annotated Protocol member (use a @property)
SPI321 protocol Protocol body holds more than a docstring and methods
SPI322 protocol Protocol member body is not a docstring and/or `...`
SPI323 protocol decorator other than @property getter, @overload or @override
SPI324 protocol data protocol (has properties) also declares methods
SPI325 protocol protocol adds methods to a data protocol of its module
SPI326 protocol Protocol member has no docstring
SPI327 protocol async Protocol member's docstring has no Raises: section
SPI330 protocol secret-looking parameter or property typed as str
SPI340 protocol error class base is not a builtin exception or an error
SPI341 protocol statement not allowed in an error class body
SPI342 protocol logic in an error class __init__ or __str__
""")

#: Data protocols named as the specification names them, without the prefix.
EXEMPT_PROTOCOL_NAMES: Final = frozenset(
    {"EventMessage", "EventMetadata", "NodeMetadata"}
)
SECRET_MARKERS: Final = (  # noqa: SIM905
    "secret password passwd credential token api_key apikey private_key access_key"
).split()
_PROTOCOL_NAME = re.compile(r"Protocol[A-Z][A-Za-z0-9]*\Z")
_CAPWORDS = re.compile(r"_?[A-Z][A-Za-z0-9]*\Z")
_UPPER_SNAKE = re.compile(r"_?[A-Z][A-Z0-9_]*\Z")
_SECRET = re.compile("|".join(SECRET_MARKERS))
_STATEMENT_NAMES: Final[dict[type[ast.AST], str]] = {
    ast.FunctionDef: "function definition",
    ast.AsyncFunctionDef: "async function definition",
    ast.ClassDef: "nested class",
    ast.Expr: "expression statement",
    ast.Assign: "assignment",
    ast.AugAssign: "augmented assignment",
    ast.AnnAssign: "annotated assignment",
    ast.Delete: "del statement",
    ast.Pass: "pass statement",
    ast.If: "if statement",
    ast.Try: "try statement",
    ast.TryStar: "try statement",
    ast.For: "for loop",
    ast.AsyncFor: "async for loop",
    ast.While: "while loop",
    ast.With: "with statement",
    ast.AsyncWith: "async with statement",
    ast.Match: "match statement",
}


def _statement_name(stmt: ast.stmt) -> str:
    return _STATEMENT_NAMES.get(stmt.__class__, stmt.__class__.__name__)


class ContractRules(Family):
    """Observe the module and each class for the shape of an SPI contract."""

    @override
    def start(self, ctx: Context) -> None:
        """Forget the previous module."""
        super().start(ctx)
        self._data_protocols: set[str] = set()
        self._error_classes: set[str] = set()

    # -- the module ---------------------------------------------------------

    def on_Module(self, tree: ast.Module) -> None:
        """Check the module's docstring, top-level statements and ``__all__``."""
        if docstring(tree) is None:
            self.report(tree, "SPI308", "module has no docstring")
        exported: dict[str, ast.AST] = dict(self.ctx.lazy.reexports)
        all_nodes: list[ast.Assign | ast.AnnAssign] = []
        for index, stmt in enumerate(tree.body):
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                if self.ctx.is_package:
                    exported.update(self._reexports(stmt))
            elif isinstance(stmt, ast.ClassDef):
                exported[stmt.name] = stmt
            elif isinstance(stmt, ast.TypeAlias):
                self._alias_naming(stmt, stmt.name.id)
                exported[stmt.name.id] = stmt
            elif isinstance(stmt, ast.Assign | ast.AnnAssign):
                name = self._assignment(stmt, all_nodes)
                if name is not None:
                    exported[name] = stmt
            elif not self._is_exempt_statement(tree.body, index):
                self.report(
                    stmt,
                    "SPI301",
                    f"module-level {_statement_name(stmt)} is not allowed in the SPI",
                )
        self._check_all(tree, all_nodes, exported)

    def _is_exempt_statement(self, body: list[ast.stmt], index: int) -> bool:
        """Tell whether a module-level statement needs no SPI301 report.

        Exempt: the module docstring; an attribute docstring (a string right
        after an alias or constant, which griffe and mkdocstrings document);
        an ``if TYPE_CHECKING:`` block, which is reported as SPI104.
        """
        stmt = body[index]
        if isinstance(stmt, ast.If):
            return self.ctx.tests_type_checking(stmt.test)
        if not (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
        ):
            return False
        return index == 0 or isinstance(
            body[index - 1], ast.Assign | ast.AnnAssign | ast.TypeAlias
        )

    def _reexports(self, stmt: ast.Import | ast.ImportFrom) -> dict[str, ast.AST]:
        """Return the public names an ``__init__`` import re-exports from the SPI."""
        if isinstance(stmt, ast.ImportFrom):
            if not is_spi(self.ctx.from_module(stmt) or ""):
                return {}
            pairs = [(a.asname or a.name, a) for a in stmt.names if a.name != "*"]
        else:
            pairs = [(a.asname, a) for a in stmt.names if a.asname and is_spi(a.name)]
        return {name: alias for name, alias in pairs if not name.startswith("_")}

    def _assignment(
        self,
        stmt: ast.Assign | ast.AnnAssign,
        all_nodes: list[ast.Assign | ast.AnnAssign],
    ) -> str | None:
        """Check a module-level assignment; return the name it exports, if any."""
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        target = targets[0]
        if len(targets) != 1 or not isinstance(target, ast.Name):
            self.report(
                stmt, "SPI301", "only `Name = <type>` and `NAME: Final = <literal>`"
            )
            return None
        name = target.id
        if name == "__all__":
            all_nodes.append(stmt)
            return None
        if isinstance(stmt, ast.AnnAssign):
            return self._final(stmt, name)
        if name == "__version__" and isinstance(stmt.value, ast.Constant):
            return name if isinstance(stmt.value.value, str) else None
        if name.startswith("__") or not is_type_expression(stmt.value):
            self.report(
                stmt,
                "SPI301",
                f"`{name} = ...` is neither a type alias nor `NAME: Final = <literal>`",
            )
            return None
        self._alias_naming(stmt, name)
        return name

    def _final(self, stmt: ast.AnnAssign, name: str) -> str | None:
        """Check a module-level ``NAME: Final = literal`` constant."""
        annotation = stmt.annotation
        head = annotation.value if isinstance(annotation, ast.Subscript) else annotation
        if self.ctx.qualify(head) not in FINAL:
            self.report(
                stmt,
                "SPI301",
                f"annotated `{name}` must be `Final` (aliases: `type {name} = ...`)",
            )
            return None
        if stmt.value is None or not (
            is_literal(stmt.value) or self._is_table(stmt.value)
        ):
            self.report(
                stmt.value or stmt,
                "SPI302",
                f"Final constant `{name}` must be built only from literals (or be "
                "a read-only table `MappingProxyType({...})` of literals)",
            )
        if name != "__version__" and not _UPPER_SNAKE.match(name):
            self.report(
                stmt, "SPI314", f"Final constant `{name}` must be UPPER_SNAKE_CASE"
            )
        return name

    def _is_table(self, value: ast.expr) -> bool:
        """Tell whether ``value`` is ``MappingProxyType({...})`` of table items.

        Keys and values are literals, names of SPI constants or tuples of
        literals.
        """
        if not (
            isinstance(value, ast.Call)
            and self.ctx.qualify(value.func) in MAPPING_PROXY
            and len(value.args) == 1
            and not value.keywords
            and isinstance(value.args[0], ast.Dict)
        ):
            return False
        table = value.args[0]
        return all(
            item is not None and self._is_table_item(item)
            for item in (*table.keys, *table.values)
        )

    def _is_table_item(self, node: ast.expr) -> bool:
        return is_literal(node) or self.ctx.is_spi_constant(node)

    def _alias_naming(self, stmt: ast.AST, name: str) -> None:
        """Check the name of a type alias."""
        if not _CAPWORDS.match(name) or name.lstrip("_").startswith("Protocol"):
            self.report(
                stmt,
                "SPI313",
                f"type alias `{name}` must be CapWords, not Protocol-prefixed",
            )

    def _check_all(
        self,
        tree: ast.Module,
        all_nodes: list[ast.Assign | ast.AnnAssign],
        exported: dict[str, ast.AST],
    ) -> None:
        """Compare ``__all__`` with the names the module exports."""
        if not all_nodes:
            self.report(tree, "SPI303", "module has no __all__")
            return
        for extra in all_nodes[1:]:
            self.report(extra, "SPI304", "__all__ is assigned more than once")
        value = all_nodes[0].value
        if not (
            isinstance(value, ast.List | ast.Tuple)
            and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str)
                for e in value.elts
            )
        ):
            self.report(
                all_nodes[0], "SPI304", "__all__ must be a list or tuple of strings"
            )
            return
        public = {n: node for n, node in exported.items() if not n.startswith("_")}
        if "__version__" in exported:
            public["__version__"] = exported["__version__"]
        listed: set[str] = set()
        for element in value.elts:
            assert isinstance(element, ast.Constant)
            entry = str(element.value)
            if entry in listed:
                self.report(element, "SPI307", f"__all__ lists `{entry}` twice")
            elif entry not in public:
                what = "define or re-export" if self.ctx.is_package else "define"
                self.report(
                    element,
                    "SPI305",
                    f"__all__ lists `{entry}`, which the module does not {what}",
                )
            listed.add(entry)
        for name, node in public.items():
            if name not in listed:
                self.report(
                    node, "SPI306", f"public name `{name}` is missing from __all__"
                )

    # -- classes ------------------------------------------------------------

    def on_ClassDef(self, node: ast.ClassDef) -> None:
        """Dispatch a class to the Protocol or error-class rules."""
        public = not node.name.startswith("_")
        if public and docstring(node) is None:
            self.report(node, "SPI316", f"class `{node.name}` has no docstring")
        is_protocol = any(
            self.ctx.qualify(b.value if isinstance(b, ast.Subscript) else b) in PROTOCOL
            for b in node.bases
        )
        if is_protocol:
            self._protocol(node, public)
        elif self.ctx.is_errors and not self.pos.blocks:
            self._error_class(node, public)
        elif public:
            self.report(
                node,
                "SPI310",
                f"public class `{node.name}` must be a Protocol (errors: errors.py)",
            )

    def _protocol(self, node: ast.ClassDef, public: bool) -> None:
        """Check the name, decorator and body of a Protocol class."""
        name = node.name
        if (
            public
            and name not in EXEMPT_PROTOCOL_NAMES
            and not _PROTOCOL_NAME.match(name)
        ):
            self.report(
                node, "SPI312", f"Protocol `{name}` must be named Protocol<CapWords>"
            )
        if not any(
            self.ctx.qualify(d) in RUNTIME_CHECKABLE for d in node.decorator_list
        ):
            self.report(node, "SPI311", f"Protocol `{name}` is not @runtime_checkable")
        properties: list[ast.AST] = []
        methods: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        documented: dict[str, tuple[ast.AST, bool]] = {}
        for stmt in without_docstring(node):
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                is_property, has_doc = self._member(stmt)
                (properties if is_property else methods).append(stmt)
                first, had_doc = documented.get(stmt.name, (stmt, False))
                documented[stmt.name] = (first, had_doc or has_doc)
            elif isinstance(stmt, ast.AnnAssign):
                self.report(
                    stmt,
                    "SPI320",
                    "bare annotated member is settable and invariant; "
                    "declare a read-only @property",
                )
                if isinstance(stmt.target, ast.Name):
                    self._secret(stmt.target.id, stmt.annotation, stmt)
            else:
                self.report(
                    stmt,
                    "SPI321",
                    f"{_statement_name(stmt)} in Protocol body: only methods allowed",
                )
        for member, (first, has_doc) in documented.items():
            if not has_doc:
                self.report(first, "SPI326", f"member `{member}` has no docstring")
        self._data_protocol(node, properties, methods)

    def _data_protocol(
        self,
        node: ast.ClassDef,
        properties: list[ast.AST],
        methods: list[ast.FunctionDef | ast.AsyncFunctionDef],
    ) -> None:
        """Keep data protocols (properties) and service protocols (methods) apart."""
        if properties:
            self._data_protocols.add(node.name)
            for method in methods:
                self.report(
                    method,
                    "SPI324",
                    f"data protocol `{node.name}` declares @property members, so "
                    f"method `{method.name}` is not allowed",
                )
            return
        parents = [b.id for b in node.bases if isinstance(b, ast.Name)]
        data_parents = [p for p in parents if p in self._data_protocols]
        if data_parents and methods:
            for method in methods:
                self.report(
                    method,
                    "SPI325",
                    f"`{node.name}` extends data protocol `{data_parents[0]}` but adds "
                    f"method `{method.name}`",
                )

    def _member(self, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[bool, bool]:
        """Check one Protocol member; tell whether it is a property and documented."""
        is_property = False
        for decorator in fn.decorator_list:
            qual = self.ctx.qualify(decorator)
            if qual in PROPERTY:
                is_property = True
            elif qual not in OVERLOAD and qual not in OVERRIDE:
                shown = dotted(decorator) or decorator.__class__.__name__
                why = (
                    "data members are read-only"
                    if shown.endswith((".setter", ".deleter"))
                    else "only @property getters, @overload and @override"
                )
                self.report(
                    decorator, "SPI323", f"decorator @{shown} not allowed: {why}"
                )
        doc = docstring(fn)
        rest = fn.body[1:] if doc is not None else fn.body
        if rest and not (len(rest) == 1 and _is_statement_ellipsis(rest[0])):
            self.report(
                rest[0], "SPI322", f"body of `{fn.name}` must be a docstring and `...`"
            )
        if (
            isinstance(fn, ast.AsyncFunctionDef)
            and doc is not None
            and not _has_raises_section(doc)
        ):
            self.report(
                fn, "SPI327", f"async `{fn.name}` docstring needs a Raises: section"
            )
        self._signature_secrets(fn)
        if is_property and fn.returns is not None:
            self._secret(fn.name, fn.returns, fn)
        return is_property, doc is not None

    def _signature_secrets(self, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        """Check every parameter of ``fn`` for secrets typed as str."""
        args = fn.args
        for arg in (
            *args.posonlyargs,
            *args.args,
            *args.kwonlyargs,
            args.vararg,
            args.kwarg,
        ):
            if arg is not None and arg.annotation is not None:
                self._secret(arg.arg, arg.annotation, arg)

    def _secret(self, name: str, annotation: ast.expr, node: ast.AST) -> None:
        """Report a secret-looking ``name`` whose annotation is ``str``-based."""
        if _looks_secret(name) and self._is_str(annotation, 0):
            self.report(
                node,
                "SPI330",
                f"`{name}` looks secret but is typed with str; use ProtocolSecretValue",
            )

    def _is_str(self, node: ast.expr, depth: int) -> bool:
        """Tell whether a type expression is str, optional str or holds str values."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            parsed = parse_annotation(node.value) if depth < MAX_STRING_DEPTH else None
            return parsed is not None and self._is_str(parsed, depth + 1)
        if isinstance(node, ast.BinOp):
            return self._is_str(node.left, depth) or self._is_str(node.right, depth)
        if not isinstance(node, ast.Subscript):
            return (
                isinstance(node, ast.Name | ast.Attribute)
                and self.ctx.qualify(node) in STR
            )
        qual = self.ctx.qualify(node.value)
        items = subscript_items(node)
        if qual in LITERAL or not items:
            return False
        if qual in ANNOTATED:
            items = items[:1]
        elif qual in MAPPINGS:
            items = items[-1:]
        return any(self._is_str(item, depth) for item in items)

    # -- errors.py ----------------------------------------------------------

    def _error_class(self, node: ast.ClassDef, public: bool) -> None:
        """Check an exception class of ``omnibase.protocols.errors``."""
        if public and not node.name.endswith("Error"):
            self.report(
                node, "SPI315", f"error class `{node.name}` must end with Error"
            )
        bases: list[ast.AST] = [*node.bases] or [node]
        for base in bases:
            if not (
                isinstance(base, ast.Name)
                and (base.id in BUILTIN_EXCEPTIONS or base.id in self._error_classes)
            ):
                self.report(
                    base,
                    "SPI340",
                    f"error class `{node.name}` must derive from a builtin "
                    "exception or another error class of this module",
                )
        self._error_classes.add(node.name)
        for extra in [*node.decorator_list, *node.keywords]:
            self.report(extra, "SPI341", "error classes take no decorators or keywords")
        for stmt in without_docstring(node):
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and stmt.value is None
            ):
                continue
            if isinstance(stmt, ast.FunctionDef) and stmt.name == "__init__":
                self._error_init(stmt)
            elif isinstance(stmt, ast.FunctionDef) and stmt.name == "__str__":
                self._error_str(stmt)
            else:
                what = _statement_name(stmt)
                if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                    what = f"method `{stmt.name}`"
                self.report(
                    stmt,
                    "SPI341",
                    f"{what} in an error class (only docstring, "
                    "attribute declarations, __init__ and __str__)",
                )

    def _error_init(self, fn: ast.FunctionDef) -> None:
        """Allow only ``self.x = x`` and one ``super().__init__(...)``."""
        args = fn.args
        params = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
        self_name = params[0] if params else "self"
        supers = 0
        self._signature_secrets(fn)
        for stmt in without_docstring(fn):
            if _is_attribute_store(stmt, self_name, params):
                continue
            if supers == 0 and _is_super_init(stmt):
                supers += 1
                continue
            self.report(
                stmt,
                "SPI342",
                "__init__ may only assign parameters to self attributes and call "
                "super().__init__(...) once with names or constants",
            )
        self._error_decorators(fn)

    def _error_decorators(self, fn: ast.FunctionDef) -> None:
        """Allow only ``@override`` on ``__init__`` and ``__str__``."""
        for decorator in fn.decorator_list:
            if self.ctx.qualify(decorator) not in OVERRIDE:
                self.report(
                    decorator, "SPI342", f"{fn.name} takes no decorator but @override"
                )

    def _error_str(self, fn: ast.FunctionDef) -> None:
        """Allow only ``return f"..."`` or ``return "..."``."""
        rest = without_docstring(fn)
        value = (
            rest[0].value
            if len(rest) == 1 and isinstance(rest[0], ast.Return)
            else None
        )
        if value is None or not _is_plain_format(value):
            self.report(
                rest[0] if rest else fn,
                "SPI342",
                "__str__ may only return an f-string of names/attributes or a constant",
            )
        self._error_decorators(fn)


def _has_raises_section(doc: str) -> bool:
    """Tell whether a docstring has a line starting with ``Raises:``.

    String searches, not a multi-line regex: a regex tries every position of
    long docstrings.
    """
    at = doc.find("Raises:")
    while at >= 0:
        if not doc[doc.rfind("\n", 0, at) + 1 : at].strip():
            return True
        at = doc.find("Raises:", at + 1)
    return False


@functools.cache
def _looks_secret(name: str) -> bool:
    """Tell whether a parameter or property name looks like a secret's."""
    return _SECRET.search(name.lower()) is not None


def _is_statement_ellipsis(stmt: ast.stmt) -> bool:
    """Tell whether ``stmt`` is the expression statement ``...``."""
    return isinstance(stmt, ast.Expr) and is_ellipsis(stmt.value)


def _is_simple_value(node: ast.expr) -> bool:
    """Tell whether ``node`` is a name or a constant."""
    return isinstance(node, ast.Name | ast.Constant)


def _is_attribute_store(stmt: ast.stmt, self_name: str, params: list[str]) -> bool:
    """Tell whether ``stmt`` is ``self.<attr> = <parameter>``."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1):
        return False
    target = stmt.targets[0]
    return (
        isinstance(target, ast.Attribute)
        and isinstance(target.value, ast.Name)
        and target.value.id == self_name
        and isinstance(stmt.value, ast.Name)
        and stmt.value.id in params
    )


def _is_super_init(stmt: ast.stmt) -> bool:
    """Tell whether ``stmt`` is ``super().__init__(<names or constants>)``."""
    if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call)):
        return False
    call = stmt.value
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "__init__"
        and isinstance(func.value, ast.Call)
        and isinstance(func.value.func, ast.Name)
        and func.value.func.id == "super"
        and not func.value.args
        and not func.value.keywords
        and all(_is_simple_value(a) for a in call.args)
        and all(k.arg is not None and _is_simple_value(k.value) for k in call.keywords)
    )


def _is_plain_format(node: ast.expr) -> bool:
    """Tell whether ``node`` is a constant or an f-string of names and attributes."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if not isinstance(node, ast.JoinedStr):
        return False
    for part in node.values:
        if isinstance(part, ast.FormattedValue):
            spec = part.format_spec
            if dotted(part.value) is None or (
                isinstance(spec, ast.JoinedStr)
                and not all(isinstance(v, ast.Constant) for v in spec.values)
            ):
                return False
    return True
