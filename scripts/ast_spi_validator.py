#!/usr/bin/env python3
"""Check the ``omnibase.protocols`` SPI with the standard library's ``ast``.

Usage::

    python scripts/ast_spi_validator.py [--check-protocols] [paths...]

Each file is read as bytes, parsed once with :func:`ast.parse` and walked once;
checked files are never imported or executed. Without paths the validator
checks ``src/omnibase/protocols`` of the repository that holds this script.

The default run applies the import rules (``SPI1xx``) and the ``Any`` rules
(``SPI2xx``); ``--check-protocols`` adds the contract rules (``SPI3xx``).
Input problems (``SPI0xx``) are always reported. ``--list-rules`` explains
every code.

Exit status: 0 clean, 1 violations, 2 usage error or a path that could not be
read (``SPI007``-``SPI011``; these are reported even when ``--select`` or
``--ignore`` would filter them out).
"""

import argparse
import ast
import builtins
import errno
import json
import os
import re
import stat
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Final, NamedTuple, cast, override


class Rule(NamedTuple):
    """One rule of the validator.

    Attributes:
        code: Stable identifier, e.g. ``SPI101``.
        group: ``io`` (path unreadable: exit 2), ``input`` (bad source),
            ``import``, ``any`` (both on by default) or ``protocol``
            (``--check-protocols``).
        summary: One-line explanation shown by ``--list-rules``.
    """

    code: str
    group: str
    summary: str


_RULE_TABLE: Final = """
SPI001 input    file is not valid Python 3.12 (syntax error)
SPI002 input    file contains a NUL byte
SPI003 input    file is not valid UTF-8
SPI004 input    file starts with a UTF-8 byte-order mark
SPI005 input    file is empty (an SPI module needs a docstring and __all__)
SPI006 input    source is nested too deeply to parse or check
SPI007 io       file is larger than the size limit and was skipped
SPI008 io       path cannot be read (permissions, not a regular file, I/O)
SPI009 io       path is a symbolic-link loop
SPI010 io       path does not exist
SPI011 io       directory contains no .py files
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
SPI201 any      typing.Any, in any spelling
SPI202 any      unparameterised generic in a type expression (means Any)
SPI203 any      Callable[..., T] accepts any arguments (means Any)
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
"""
RULES: Final[dict[str, Rule]] = {
    code: Rule(code, group, summary)
    for code, group, summary in (
        row.split(None, 2) for row in _RULE_TABLE.strip().splitlines()
    )
}

SPI_ROOT: Final = "omnibase.protocols"
ALLOWED_MODULES: Final = frozenset(
    {"typing", "collections.abc", "uuid", "datetime", "enum", "types"}
)
ERRORS_MODULE: Final = SPI_ROOT + ".errors"
#: Rank of each SPI domain; a module may import only lower ranks (or its own
#: domain). Equal ranks are independent siblings.
LAYERS: Final[dict[str, int]] = {
    "types": 0,
    "errors": 1,
    "core": 2,
    "event_bus": 3,
    "container": 3,
    "mcp": 3,
    "workflow_orchestration": 4,
}
_ORDER: Final = (
    "types <- errors <- core <- event_bus | container | mcp <- workflow_orchestration"
)
EXEMPT_PROTOCOL_NAMES: Final = frozenset(
    {"EventMessage", "EventMetadata", "NodeMetadata"}
)
SECRET_MARKERS: Final = (  # noqa: SIM905
    "secret password passwd credential token api_key apikey private_key access_key"
).split()
MAX_BYTES: Final = 2_000_000
MAX_STRING_DEPTH: Final = 3
#: The walk recurses once or twice per nesting level; ast.parse accepts about
#: 3000 levels (Python-to-Python calls use no C stack on 3.11+).
WALK_RECURSION_LIMIT: Final = 20_000
DEFAULT_ROOT: Final = (
    Path(__file__).resolve().parent.parent / "src" / "omnibase" / "protocols"
)

_BOM: Final = b"\xef\xbb\xbf"
_PROTOCOL_NAME = re.compile(r"Protocol[A-Z][A-Za-z0-9]*\Z")
_CAPWORDS = re.compile(r"_?[A-Z][A-Za-z0-9]*\Z")
_UPPER_SNAKE = re.compile(r"_?[A-Z][A-Z0-9_]*\Z")
_SECRET = re.compile("|".join(SECRET_MARKERS))
_RAISES = re.compile(r"^\s*Raises:", re.MULTILINE)
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BUILTIN_EXCEPTIONS: Final = frozenset(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
)


def _spellings(names: Iterable[str], *modules: str) -> set[str]:
    """Return every name bare and qualified by each module."""
    return {f"{m}.{n}" for n in names for m in modules} | set(names)


_TYPING = ("typing", "typing_extensions")
#: Qualified references that are violations wherever they appear ("TC" only
#: marks TYPE_CHECKING, which is judged by the ``if`` that tests it).
_REFS: Final[dict[str, str]] = {
    **dict.fromkeys(_spellings(["Any"], *_TYPING), "SPI201"),
    **dict.fromkeys(_spellings(["__import__", "__builtins__"], "builtins"), "SPI106"),
    **dict.fromkeys(_spellings(["exec", "eval", "compile"], "builtins"), "SPI107"),
    **dict.fromkeys(
        _spellings(["globals", "locals", "vars", "getattr"], "builtins"), "SPI109"
    ),
    **dict.fromkeys(_spellings(["TYPE_CHECKING"], *_TYPING), "TC"),
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
_REF_MESSAGES: Final[dict[str, str]] = {
    "SPI106": "dynamic import via {} hides a dependency from static analysis",
    "SPI107": "{} runs code built at run time",
    "SPI108": "{} reaches modules around the import statement",
    "SPI109": "{} looks names up reflectively (can fetch any module or Any)",
    "SPI201": "{} is typing.Any; use a precise type or `object`",
}
_ABC_GENERICS = (  # noqa: SIM905
    "AsyncGenerator AsyncIterable AsyncIterator Awaitable Callable Collection "
    "Container Coroutine Generator ItemsView Iterable Iterator KeysView Mapping "
    "MappingView MutableMapping MutableSequence MutableSet Reversible Sequence Set "
    "ValuesView"
).split()
_TYPING_ONLY_GENERICS = (  # noqa: SIM905
    "AbstractSet AsyncContextManager ChainMap ContextManager Counter DefaultDict "
    "Deque Dict FrozenSet List Match OrderedDict Pattern Tuple Type"
).split()
_BARE_GENERICS: Final = frozenset(
    _spellings(["dict", "list", "set", "frozenset", "tuple", "type"], "builtins")
    | _spellings(_ABC_GENERICS, "collections.abc", *_TYPING)
    | _spellings(_TYPING_ONLY_GENERICS, *_TYPING)
)
_LITERAL: Final = frozenset(_spellings(["Literal"], *_TYPING))
_ANNOTATED: Final = frozenset(_spellings(["Annotated"], *_TYPING))
_CALLABLE: Final = frozenset(_spellings(["Callable"], "collections.abc", *_TYPING))
_MAPPINGS: Final = frozenset(
    _spellings(["dict"], "builtins")
    | _spellings(["Mapping", "MutableMapping"], "collections.abc", *_TYPING)
    | _spellings(["Dict", "DefaultDict", "OrderedDict"], *_TYPING)
)
_FINAL: Final = frozenset(_spellings(["Final"], *_TYPING))
_TYPE_ALIAS: Final = frozenset(_spellings(["TypeAlias"], *_TYPING))
_PROTOCOL: Final = frozenset(_spellings(["Protocol"], *_TYPING))
_RUNTIME_CHECKABLE: Final = frozenset(_spellings(["runtime_checkable"], *_TYPING))
_OVERLOAD: Final = frozenset(_spellings(["overload"], *_TYPING))
#: ``@override`` is required by mypy's explicit-override check.
_OVERRIDE: Final = frozenset(_spellings(["override"], *_TYPING))
_PROPERTY: Final = frozenset(_spellings(["property"], "builtins"))
_STR: Final = frozenset(_spellings(["str"], "builtins"))
_BLOCKS: Final = (
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.TryStar,
    ast.Match,
    ast.Lambda,
)
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
_SCALAR_FIELDS: Final = frozenset(
    {"ctx", "id", "attr", "name", "arg", "module", "level", "kind", "conversion"}
    | {"type_comment", "is_async", "asname", "names", "op", "ops"}
)
_CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}


class Diagnostic(NamedTuple):
    """One finding, located by 1-based line and column."""

    path: str
    line: int
    col: int
    code: str
    message: str

    @override
    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"


def module_name_for(path: str) -> tuple[str, bool]:
    """Derive the dotted module name of ``path`` and whether it is a package.

    The name starts at the last ``omnibase/protocols`` pair of directories in
    the path, else below the last ``src`` directory; a file found in neither
    is taken as a top-level module of ``omnibase.protocols``.

    Args:
        path: Path of a Python source file.

    Returns:
        The dotted module name and True for an ``__init__`` file.
    """
    parts = Path(os.path.abspath(path)).parts
    dirs, stem = list(parts[:-1]), parts[-1].partition(".")[0]
    names = ["omnibase", "protocols"]
    for index in range(len(dirs) - 1, 0, -1):
        if dirs[index - 1 : index + 1] == ["omnibase", "protocols"]:
            names = dirs[index - 1 :]
            break
    else:
        if "src" in dirs:
            names = dirs[len(dirs) - dirs[::-1].index("src") :]
    is_package = stem == "__init__"
    return ".".join([*names] if is_package else [*names, stem]), is_package


def _is_allowed_module(name: str) -> bool:
    """Tell whether SPI modules may import ``name``."""
    return (
        name in ALLOWED_MODULES or name == SPI_ROOT or name.startswith(SPI_ROOT + ".")
    )


def _names_allowed_module(dotted: str) -> bool:
    """Tell whether some proper prefix of ``dotted`` is an allowed module."""
    parts = dotted.split(".")
    return any(_is_allowed_module(".".join(parts[:i])) for i in range(1, len(parts)))


def _dotted(node: ast.expr) -> str | None:
    """Return ``a.b.c`` for a chain of attributes on a name, else None."""
    attrs: list[str] = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    attrs.append(node.id)
    return ".".join(reversed(attrs))


def _docstring(
    node: ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef,
) -> str | None:
    """Return the docstring of ``node`` without cleaning it, if any."""
    body = node.body
    if body and isinstance(body[0], ast.Expr):
        value = body[0].value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
    return None


def _without_docstring(
    node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef,
) -> list[ast.stmt]:
    """Return the body of ``node`` after its docstring."""
    return node.body[1:] if _docstring(node) is not None else node.body


def _is_ellipsis(node: ast.AST) -> bool:
    """Tell whether ``node`` is the ``...`` literal."""
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def _is_literal(node: ast.expr) -> bool:
    """Tell whether ``node`` is built only from literal constants."""
    if isinstance(node, ast.Constant):
        return node.value is not Ellipsis
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(_is_literal(item) for item in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _is_literal(k) for k in node.keys) and all(
            _is_literal(v) for v in node.values
        )
    return (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub | ast.UAdd)
        and isinstance(node.operand, ast.Constant)
        and isinstance(node.operand.value, int | float | complex)
    )


def _is_type_expression(node: ast.expr, top: bool = True) -> bool:
    """Tell whether ``node`` has the shape of a type expression.

    Args:
        node: The expression.
        top: False inside a subscript or union, where forward-reference
            strings and literal arguments are allowed.

    Returns:
        True for names, attributes, ``None``, unions and subscripts of those.
    """
    if isinstance(node, ast.Name):
        return True
    if isinstance(node, ast.Attribute):
        return _dotted(node) is not None
    if isinstance(node, ast.Constant):
        return node.value is None or (not top and isinstance(node.value, str))
    if isinstance(node, ast.BinOp):
        return (
            isinstance(node.op, ast.BitOr)
            and _is_type_expression(node.left, False)
            and _is_type_expression(node.right, False)
        )
    if isinstance(node, ast.Subscript):
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        return _is_type_expression(node.value) and all(
            _is_type_argument(i) for i in items
        )
    return False


def _is_type_argument(node: ast.expr) -> bool:
    """Tell whether ``node`` may appear inside the brackets of a generic."""
    if isinstance(node, ast.List | ast.Tuple):
        return all(_is_type_argument(item) for item in node.elts)
    return _is_literal(node) or _is_ellipsis(node) or _is_type_expression(node, False)


def _parse_annotation(text: str) -> ast.expr | None:
    """Parse a string annotation as an expression; None if it does not parse."""
    try:
        with warnings.catch_warnings(action="ignore"):  # SyntaxWarning: not ours
            return ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _child_fields(cls: type[ast.AST]) -> tuple[str, ...]:
    """Return the fields of ``cls`` that may hold child nodes (cached)."""
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        fields = tuple(f for f in cls._fields if f not in _SCALAR_FIELDS)
        _CHILD_FIELDS[cls] = fields
    return fields


class _Checker:
    """The single AST walk over one module.

    Each handler checks its node and visits the children it chooses, with the
    context (type expression or not, nesting, TYPE_CHECKING) they need.
    """

    def __init__(
        self, text: str, path: str, module: str, is_package: bool, protocols: bool
    ) -> None:
        self.path = path
        self.text = text
        self.module = module
        self.protocols = protocols
        self.diagnostics: list[Diagnostic] = []
        self._package = module.split(".") if is_package else module.split(".")[:-1]
        self._domain = (
            module.split(".")[2] if module.startswith(SPI_ROOT + ".") else None
        )
        self._is_package = is_package
        self._is_errors = module == ERRORS_MODULE
        self._aliases: dict[str, str] = {}
        self._defined: set[str] = set()
        self._seen: set[tuple[int, int, str]] = set()
        self._lines: list[str] | None = None
        self._in_type = False
        self._subscripted: ast.AST | None = None
        self._inner_chain: ast.AST | None = None
        self._anchor: ast.AST | None = None
        self._string_depth = 0
        self._blocks = 0
        self._type_checking = 0
        self._saw_type_checking = False
        self._data_protocols: set[str] = set()
        self._error_classes: set[str] = set()
        handlers: dict[type[ast.AST], Callable[..., None]] = {
            ast.Name: self._name,
            ast.Attribute: self._attribute,
            ast.Constant: self._constant,
            ast.Subscript: self._subscript,
            ast.Import: self._import,
            ast.ImportFrom: self._import_from,
            ast.If: self._if,
            ast.FunctionDef: self._function,
            ast.AsyncFunctionDef: self._function,
            ast.ClassDef: self._class,
            ast.arg: self._arg,
            ast.AnnAssign: self._ann_assign,
            ast.Assign: self._assign,
            ast.TypeAlias: self._type_alias,
            ast.TypeVar: self._type_param,
            ast.ParamSpec: self._type_param,
            ast.TypeVarTuple: self._type_param,
            ast.alias: self._skip,
        }
        handlers.update(dict.fromkeys(_BLOCKS, self._block))
        handlers[ast.If] = self._if
        self._handlers = handlers

    # -- reporting ---------------------------------------------------------

    def report(self, node: ast.AST, code: str, message: str) -> None:
        """Record a diagnostic at ``node`` (or at the enclosing string annotation)."""
        where = self._anchor or node
        line = getattr(where, "lineno", 1)
        offset = getattr(where, "col_offset", 0)
        key = (line, offset, code)
        if key in self._seen:
            return
        self._seen.add(key)
        self.diagnostics.append(
            Diagnostic(self.path, line, self._column(line, offset), code, message)
        )

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

    # -- the walk ----------------------------------------------------------

    def run(self, tree: ast.Module) -> None:
        """Check the module ``tree``."""
        self._bind_top_level(tree.body)
        if self.protocols:
            self._check_module(tree)
        self._visit_all(tree.body)

    def visit(self, node: ast.AST) -> None:
        """Visit one node through its handler."""
        handler = self._handlers.get(node.__class__)
        if handler is None:
            self._children(node)
        else:
            handler(node)

    def _visit_all(self, nodes: Iterable[ast.AST]) -> None:
        """Visit each node of ``nodes``."""
        get = self._handlers.get
        for node in nodes:
            handler = get(node.__class__)
            if handler is None:
                self._children(node)
            else:
                handler(node)

    def _children(self, node: ast.AST) -> None:
        """Visit every child of ``node`` (the hot loop: dispatch inlined)."""
        get = self._handlers.get
        for field in _child_fields(node.__class__):
            value: object = getattr(node, field, None)
            if type(value) is list:
                for item in cast("list[object]", value):
                    if isinstance(item, ast.AST):
                        handler = get(item.__class__)
                        if handler is None:
                            self._children(item)
                        else:
                            handler(item)
            elif isinstance(value, ast.AST):
                handler = get(value.__class__)
                if handler is None:
                    self._children(value)
                else:
                    handler(value)

    def _typed(self, node: ast.AST | None, typed: bool = True) -> None:
        """Visit ``node`` as a type expression (or explicitly not as one)."""
        if node is None:
            return
        saved, self._in_type = self._in_type, typed
        self.visit(node)
        self._in_type = saved

    def _nested(self, nodes: Iterable[ast.AST]) -> None:
        """Visit statements one block deeper than the current one."""
        self._blocks += 1
        self._visit_all(nodes)
        self._blocks -= 1

    def _skip(self, node: ast.AST) -> None:
        """Visit nothing."""

    def _block(self, node: ast.AST) -> None:
        """Visit a compound statement: imports inside it are conditional."""
        self._blocks += 1
        self._children(node)
        self._blocks -= 1

    # -- names and references ----------------------------------------------

    def _qualify(self, node: ast.expr) -> str | None:
        """Resolve a name or attribute chain through the module's imports."""
        if isinstance(node, ast.Name):
            return self._aliases.get(node.id, node.id)
        dotted = _dotted(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        base = self._aliases.get(head)
        return dotted if base is None else f"{base}.{rest}"

    def _reference(self, node: ast.AST, text: str, qual: str) -> bool:
        """Check a resolved reference; return True if it was reported."""
        code = _REFS.get(qual)
        if code == "TC":
            self._saw_type_checking = True
        elif code is not None:
            shown = f"`{text}`" if text == qual else f"`{text}` (= `{qual}`)"
            self.report(node, code, _REF_MESSAGES[code].format(shown))
            return True
        if self._in_type and qual in _BARE_GENERICS and node is not self._subscripted:
            self.report(
                node,
                "SPI202",
                f"bare `{text}` means `{text}[Any, ...]`; give its type arguments",
            )
            return True
        return False

    def _name(self, node: ast.Name) -> None:
        ident = node.id
        qual = self._aliases.get(ident)
        if qual is None:
            self._reference(node, ident, ident)
        elif (
            not self._reference(node, ident, qual)
            and qual.partition(".")[0] == "importlib"
        ):
            self.report(
                node,
                "SPI106",
                _REF_MESSAGES["SPI106"].format(f"`{ident}` (= `{qual}`)"),
            )

    def _attribute(self, node: ast.Attribute) -> None:
        reported = False
        dotted = None
        if self._in_type or node.attr in _REF_ATTRS:
            dotted = _dotted(node)
            if dotted is not None:
                reported = self._reference(node, dotted, self._qualify(node) or dotted)
        code = _ATTR_CODES.get(node.attr)
        if code is not None and not reported:
            shown = f"`{_dotted(node) or '.' + node.attr}`"
            self.report(node, code, _REF_MESSAGES[code].format(shown))
            reported = True
        if (
            dotted is not None
            and not reported
            and self._in_type
            and node is not self._inner_chain
            and self._unknown_module(node, dotted)
        ):
            return
        self._inner_chain = node.value  # `a.b` of `a.b.c` names no module alone
        self.visit(node.value)

    def _unknown_module(self, node: ast.Attribute, dotted: str) -> bool:
        """Report ``a.b.C`` in an annotation when ``a`` names a forbidden module."""
        head = dotted.partition(".")[0]
        if (
            head in self._aliases
            or head in self._defined
            or _names_allowed_module(dotted)
        ):
            return False
        module = dotted.rpartition(".")[0]
        self.report(
            node,
            "SPI110",
            f"annotation `{dotted}` refers to module `{module}` (not allowed)",
        )
        return True

    # -- type expressions --------------------------------------------------

    def _constant(self, node: ast.Constant) -> None:
        if not self._in_type or type(node.value) is not str:
            return
        if self._string_depth >= MAX_STRING_DEPTH:
            return
        expr = _parse_annotation(node.value)
        if expr is None:
            return
        saved = self._anchor
        self._anchor = saved or node
        self._string_depth += 1
        self.visit(expr)
        self._string_depth -= 1
        self._anchor = saved

    def _subscript(self, node: ast.Subscript) -> None:
        if not self._in_type:
            self.visit(node.value)
            self.visit(node.slice)
            return
        saved, self._subscripted = self._subscripted, node.value
        self.visit(node.value)
        self._subscripted = saved
        qual = self._qualify(node.value)
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if qual in _LITERAL:
            self._typed(node.slice, typed=False)
        elif qual in _ANNOTATED and items:
            self.visit(items[0])
            for item in items[1:]:
                self._typed(item, typed=False)
        else:
            if qual in _CALLABLE and items and _is_ellipsis(items[0]):
                self.report(
                    node,
                    "SPI203",
                    "`Callable[..., T]` accepts any arguments; use a __call__ protocol",
                )
            self.visit(node.slice)

    def _arg(self, node: ast.arg) -> None:
        self._typed(node.annotation)

    def _type_param(self, node: ast.TypeVar | ast.ParamSpec | ast.TypeVarTuple) -> None:
        if isinstance(node, ast.TypeVar):
            self._typed(node.bound)
        self._typed(getattr(node, "default_value", None))  # Python >= 3.13

    def _type_alias(self, node: ast.TypeAlias) -> None:
        self._visit_all(node.type_params)
        self._typed(node.value)

    def _ann_assign(self, node: ast.AnnAssign) -> None:
        self._typed(node.annotation)
        self.visit(node.target)
        is_alias = self._qualify(node.annotation) in _TYPE_ALIAS
        self._typed(node.value, typed=is_alias)

    def _assign(self, node: ast.Assign) -> None:
        self._visit_all(node.targets)
        is_alias = self._alias_name(node) is not None
        self._typed(
            node.value, typed=is_alias and _is_type_expression(node.value, False)
        )

    def _alias_name(self, node: ast.Assign) -> str | None:
        """Return the name a module-level ``Name = value`` alias binds, if any."""
        if self._blocks or len(node.targets) != 1:
            return None
        target = node.targets[0]
        if isinstance(target, ast.Name) and not target.id.startswith("__"):
            return target.id
        return None

    # -- imports -----------------------------------------------------------

    def _bind_top_level(self, body: Sequence[ast.stmt]) -> None:
        """Record module-level bindings before the walk (also in if/try blocks)."""
        for stmt in body:
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                self._bind(stmt)
            elif isinstance(stmt, ast.ClassDef):
                self._defined.add(stmt.name)
            elif isinstance(stmt, ast.TypeAlias):
                self._defined.add(stmt.name.id)
            elif isinstance(stmt, ast.Assign | ast.AnnAssign):
                targets = (
                    stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                )
                self._defined.update(t.id for t in targets if isinstance(t, ast.Name))
            elif isinstance(stmt, ast.If | ast.Try | ast.TryStar | ast.With):
                self._bind_top_level(stmt.body)
                handlers = (
                    stmt.handlers if isinstance(stmt, ast.Try | ast.TryStar) else []
                )
                for handler in handlers:
                    self._bind_top_level(handler.body)

    def _bind(self, node: ast.Import | ast.ImportFrom) -> None:
        """Record the names an import binds and what they resolve to."""
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self._aliases[alias.asname] = alias.name
                else:
                    head = alias.name.partition(".")[0]
                    self._aliases[head] = head
            return
        module = self._from_module(node)
        if module is None:
            return
        for alias in node.names:
            if alias.name != "*":
                self._aliases[alias.asname or alias.name] = f"{module}.{alias.name}"

    def _from_module(self, node: ast.ImportFrom) -> str | None:
        """Resolve the module of a from-import; None if it climbs too high."""
        if not node.level:
            return node.module
        keep = len(self._package) - (node.level - 1)
        if keep <= 0:
            return None
        return ".".join(self._package[:keep] + ([node.module] if node.module else []))

    def _placement(self, node: ast.stmt, internal: bool) -> None:
        """Report an import that is not an unconditional module-level statement."""
        if internal and self._type_checking:
            self.report(
                node,
                "SPI105",
                "SPI import under TYPE_CHECKING: typing.get_type_hints() raises "
                "NameError; import it unconditionally (layering prevents cycles)",
            )
        elif self._blocks:
            self.report(
                node,
                "SPI103",
                "import must be an unconditional module-level statement",
            )

    def _module_target(self, node: ast.AST, module: str) -> None:
        """Check the allow-list and layering for one imported module."""
        if not _is_allowed_module(module):
            self.report(
                node,
                "SPI101",
                f"`{module}` is outside the allow-list (typing, collections.abc, "
                "types, uuid, datetime, enum, omnibase.protocols)",
            )
        elif module.startswith(SPI_ROOT + "."):
            self._layering(node, module)

    def _layering(self, node: ast.AST, target: str) -> None:
        """Report an SPI-internal import that goes up or sideways in the layers."""
        tgt = target.split(".")[2]
        src = self._domain
        if src is None:
            if self.module == SPI_ROOT:
                self.report(
                    node,
                    "SPI112",
                    f"the root package {SPI_ROOT} must import nothing from the SPI "
                    f"(imports {target})",
                )
            return
        rank, other = LAYERS.get(src), LAYERS.get(tgt)
        if src == tgt or rank is None or other is None or other < rank:
            return
        how = "a higher layer" if other > rank else "an independent sibling"
        self.report(
            node,
            "SPI112",
            f"`{src}` must not import {how}: {target} (layers: {_ORDER})",
        )

    def _import(self, node: ast.Import) -> None:
        self._placement(node, any(a.name.startswith(SPI_ROOT) for a in node.names))
        self._bind(node)
        for alias in node.names:
            self._module_target(alias, alias.name)

    def _import_from(self, node: ast.ImportFrom) -> None:
        module = self._from_module(node)
        internal = module is not None and (module + ".").startswith(SPI_ROOT + ".")
        self._placement(node, internal)
        self._bind(node)
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

    def _if(self, node: ast.If) -> None:
        saved, self._saw_type_checking = self._saw_type_checking, False
        self.visit(node.test)
        is_tc, self._saw_type_checking = self._saw_type_checking, saved
        if is_tc:
            self.report(
                node,
                "SPI104",
                "`if TYPE_CHECKING:` block: SPI imports must be unconditional so that "
                "typing.get_type_hints() resolves every annotation",
            )
            self._type_checking += 1
        self._nested(node.body)
        if is_tc:
            self._type_checking -= 1
        self._nested(node.orelse)

    # -- definitions -------------------------------------------------------

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._visit_all(node.decorator_list)
        self._visit_all(node.type_params)
        self.visit(node.args)
        self._typed(node.returns)
        self._nested(node.body)

    def _class(self, node: ast.ClassDef) -> None:
        if self.protocols:
            self._check_class(node)
        self._visit_all(node.decorator_list)
        self._visit_all(node.type_params)
        for base in node.bases:
            self._typed(base)
        self._visit_all(node.keywords)
        self._nested(node.body)

    # -- module rules (--check-protocols) ----------------------------------

    def _check_module(self, tree: ast.Module) -> None:
        """Check the module's docstring, top-level statements and ``__all__``."""
        if _docstring(tree) is None:
            self.report(tree, "SPI308", "module has no docstring")
        exported: dict[str, ast.AST] = {}
        all_nodes: list[ast.Assign | ast.AnnAssign] = []
        for index, stmt in enumerate(tree.body):
            if isinstance(stmt, ast.Import | ast.ImportFrom):
                if self._is_package:
                    exported.update(self._reexports(stmt))
            elif isinstance(stmt, ast.ClassDef):
                exported[stmt.name] = stmt
            elif isinstance(stmt, ast.TypeAlias):
                self._alias_naming(stmt, stmt.name.id)
                exported[stmt.name.id] = stmt
            elif isinstance(stmt, ast.Assign | ast.AnnAssign):
                name = self._check_assignment(stmt, all_nodes)
                if name is not None:
                    exported[name] = stmt
            elif not self._is_exempt_statement(tree.body, index):
                what = _STATEMENT_NAMES.get(stmt.__class__, stmt.__class__.__name__)
                self.report(
                    stmt, "SPI301", f"module-level {what} is not allowed in the SPI"
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
            return self._tests_type_checking(stmt.test)
        if not (
            isinstance(stmt, ast.Expr)
            and isinstance(stmt.value, ast.Constant)
            and isinstance(stmt.value.value, str)
        ):
            return False
        return index == 0 or isinstance(
            body[index - 1], ast.Assign | ast.AnnAssign | ast.TypeAlias
        )

    def _tests_type_checking(self, test: ast.expr) -> bool:
        """Tell whether an ``if`` test mentions TYPE_CHECKING."""
        return any(
            isinstance(n, ast.Name | ast.Attribute)
            and _REFS.get(self._qualify(n) or "") == "TC"
            for n in ast.walk(test)
        )

    def _reexports(self, stmt: ast.Import | ast.ImportFrom) -> dict[str, ast.AST]:
        """Return the public names an ``__init__`` import re-exports from the SPI."""
        if isinstance(stmt, ast.ImportFrom):
            module = self._from_module(stmt) or ""
            if not (module + ".").startswith(SPI_ROOT + "."):
                return {}
            pairs = [(a.asname or a.name, a) for a in stmt.names if a.name != "*"]
        else:
            pairs = [
                (a.asname, a)
                for a in stmt.names
                if a.asname and a.name.startswith(SPI_ROOT)
            ]
        return {name: alias for name, alias in pairs if not name.startswith("_")}

    def _check_assignment(
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
            return self._check_final(stmt, name)
        if name == "__version__" and isinstance(stmt.value, ast.Constant):
            return name if isinstance(stmt.value.value, str) else None
        if name.startswith("__") or not _is_type_expression(stmt.value):
            self.report(
                stmt,
                "SPI301",
                f"`{name} = ...` is neither a type alias nor `NAME: Final = <literal>`",
            )
            return None
        self._alias_naming(stmt, name)
        return name

    def _check_final(self, stmt: ast.AnnAssign, name: str) -> str | None:
        """Check a module-level ``NAME: Final = literal`` constant."""
        annotation = stmt.annotation
        head = annotation.value if isinstance(annotation, ast.Subscript) else annotation
        if self._qualify(head) not in _FINAL:
            self.report(
                stmt,
                "SPI301",
                f"annotated `{name}` must be `Final` (aliases: `type {name} = ...`)",
            )
            return None
        value = stmt.value
        if (  # a read-only table: MappingProxyType({...literals...})
            isinstance(value, ast.Call)
            and self._qualify(value.func) == "types.MappingProxyType"
            and len(value.args) == 1
            and not value.keywords
        ):
            value = value.args[0]
        if value is None or not _is_literal(value):
            self.report(
                stmt.value or stmt,
                "SPI302",
                f"Final constant `{name}` must be built only from literals",
            )
        if name != "__version__" and not _UPPER_SNAKE.match(name):
            self.report(
                stmt, "SPI314", f"Final constant `{name}` must be UPPER_SNAKE_CASE"
            )
        return name

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
                what = "define or re-export" if self._is_package else "define"
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

    # -- class rules (--check-protocols) -----------------------------------

    def _check_class(self, node: ast.ClassDef) -> None:
        """Dispatch a class to the Protocol or error-class rules."""
        public = not node.name.startswith("_")
        if public and _docstring(node) is None:
            self.report(node, "SPI316", f"class `{node.name}` has no docstring")
        is_protocol = any(
            self._qualify(b.value if isinstance(b, ast.Subscript) else b) in _PROTOCOL
            for b in node.bases
        )
        if is_protocol:
            self._check_protocol(node, public)
        elif self._is_errors and not self._blocks:
            self._check_error_class(node, public)
        elif public:
            self.report(
                node,
                "SPI310",
                f"public class `{node.name}` must be a Protocol (errors: errors.py)",
            )

    def _check_protocol(self, node: ast.ClassDef, public: bool) -> None:
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
        if not any(self._qualify(d) in _RUNTIME_CHECKABLE for d in node.decorator_list):
            self.report(node, "SPI311", f"Protocol `{name}` is not @runtime_checkable")
        properties: list[ast.AST] = []
        methods: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        documented: dict[str, tuple[ast.AST, bool]] = {}
        for stmt in _without_docstring(node):
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                is_property, has_doc = self._check_member(stmt)
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
                    self._check_secret(stmt.target.id, stmt.annotation, stmt)
            else:
                what = _STATEMENT_NAMES.get(stmt.__class__, stmt.__class__.__name__)
                self.report(
                    stmt, "SPI321", f"{what} in Protocol body: only methods allowed"
                )
        for member, (first, has_doc) in documented.items():
            if not has_doc:
                self.report(first, "SPI326", f"member `{member}` has no docstring")
        self._check_data_protocol(node, properties, methods)

    def _check_data_protocol(
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

    def _check_member(
        self, fn: ast.FunctionDef | ast.AsyncFunctionDef
    ) -> tuple[bool, bool]:
        """Check one Protocol member; tell whether it is a property and documented."""
        is_property = False
        for decorator in fn.decorator_list:
            qual = self._qualify(decorator)
            if qual in _PROPERTY:
                is_property = True
            elif qual not in _OVERLOAD and qual not in _OVERRIDE:
                shown = _dotted(decorator) or decorator.__class__.__name__
                why = (
                    "data members are read-only"
                    if shown.endswith((".setter", ".deleter"))
                    else "only @property getters, @overload and @override"
                )
                self.report(
                    decorator, "SPI323", f"decorator @{shown} not allowed: {why}"
                )
        doc = _docstring(fn)
        rest = fn.body[1:] if doc is not None else fn.body
        if rest and not (len(rest) == 1 and _is_statement_ellipsis(rest[0])):
            self.report(
                rest[0], "SPI322", f"body of `{fn.name}` must be a docstring and `...`"
            )
        if (
            isinstance(fn, ast.AsyncFunctionDef)
            and doc is not None
            and not _RAISES.search(doc)
        ):
            self.report(
                fn, "SPI327", f"async `{fn.name}` docstring needs a Raises: section"
            )
        self._check_signature_secrets(fn)
        if is_property and fn.returns is not None:
            self._check_secret(fn.name, fn.returns, fn)
        return is_property, doc is not None

    def _check_signature_secrets(
        self, fn: ast.FunctionDef | ast.AsyncFunctionDef
    ) -> None:
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
                self._check_secret(arg.arg, arg.annotation, arg)

    def _check_secret(self, name: str, annotation: ast.expr, node: ast.AST) -> None:
        """Report a secret-looking ``name`` whose annotation is ``str``-based."""
        lowered = name.lower()
        if _SECRET.search(lowered) and self._is_str(annotation, 0):
            self.report(
                node,
                "SPI330",
                f"`{name}` looks secret but is typed with str; use ProtocolSecretValue",
            )

    def _is_str(self, node: ast.expr, depth: int) -> bool:
        """Tell whether a type expression is str, optional str or holds str values."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            parsed = _parse_annotation(node.value) if depth < MAX_STRING_DEPTH else None
            return parsed is not None and self._is_str(parsed, depth + 1)
        if isinstance(node, ast.BinOp):
            return self._is_str(node.left, depth) or self._is_str(node.right, depth)
        if not isinstance(node, ast.Subscript):
            return (
                isinstance(node, ast.Name | ast.Attribute)
                and self._qualify(node) in _STR
            )
        qual = self._qualify(node.value)
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if qual in _LITERAL or not items:
            return False
        if qual in _ANNOTATED:
            items = items[:1]
        elif qual in _MAPPINGS:
            items = items[-1:]
        return any(self._is_str(item, depth) for item in items)

    # -- errors module (--check-protocols) ---------------------------------

    def _check_error_class(self, node: ast.ClassDef, public: bool) -> None:
        """Check an exception class of ``omnibase.protocols.errors``."""
        if public and not node.name.endswith("Error"):
            self.report(
                node, "SPI315", f"error class `{node.name}` must end with Error"
            )
        bases: list[ast.AST] = [*node.bases] or [node]
        for base in bases:
            if not (
                isinstance(base, ast.Name)
                and (base.id in _BUILTIN_EXCEPTIONS or base.id in self._error_classes)
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
        for stmt in _without_docstring(node):
            if (
                isinstance(stmt, ast.AnnAssign)
                and isinstance(stmt.target, ast.Name)
                and stmt.value is None
            ):
                continue
            if isinstance(stmt, ast.FunctionDef) and stmt.name == "__init__":
                self._check_error_init(stmt)
            elif isinstance(stmt, ast.FunctionDef) and stmt.name == "__str__":
                self._check_error_str(stmt)
            else:
                what = _STATEMENT_NAMES.get(stmt.__class__, stmt.__class__.__name__)
                if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                    what = f"method `{stmt.name}`"
                self.report(
                    stmt,
                    "SPI341",
                    f"{what} in an error class (only docstring, "
                    "attribute declarations, __init__ and __str__)",
                )

    def _check_error_init(self, fn: ast.FunctionDef) -> None:
        """Allow only ``self.x = x`` and one ``super().__init__(...)``."""
        args = fn.args
        params = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
        self_name = params[0] if params else "self"
        supers = 0
        self._check_signature_secrets(fn)
        for stmt in _without_docstring(fn):
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
        self._check_error_decorators(fn)

    def _check_error_decorators(self, fn: ast.FunctionDef) -> None:
        """Allow only ``@override`` on ``__init__`` and ``__str__``."""
        for decorator in fn.decorator_list:
            if self._qualify(decorator) not in _OVERRIDE:
                self.report(
                    decorator, "SPI342", f"{fn.name} takes no decorator but @override"
                )

    def _check_error_str(self, fn: ast.FunctionDef) -> None:
        """Allow only ``return f"..."`` or ``return "..."``."""
        rest = _without_docstring(fn)
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
        self._check_error_decorators(fn)


def _is_statement_ellipsis(stmt: ast.stmt) -> bool:
    """Tell whether ``stmt`` is the expression statement ``...``."""
    return isinstance(stmt, ast.Expr) and _is_ellipsis(stmt.value)


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
            if _dotted(part.value) is None or (
                isinstance(spec, ast.JoinedStr)
                and not all(isinstance(v, ast.Constant) for v in spec.values)
            ):
                return False
    return True


# -- reading and parsing -----------------------------------------------------


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """Return the 1-based line and byte column of ``offset`` in ``data``."""
    line = data.count(b"\n", 0, offset) + 1
    return line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def check_source(
    data: bytes,
    path: str = "<source>",
    *,
    module: str | None = None,
    protocols: bool = False,
) -> list[Diagnostic]:
    """Check one module's source bytes.

    Args:
        data: The file's bytes.
        path: Path shown in diagnostics; also gives the module name.
        module: Dotted module name (``pkg.__init__`` files end with the
            package); derived from ``path`` when None.
        protocols: Also apply the contract rules (``SPI3xx``).

    Returns:
        The diagnostics, in walk order. Never raises for bad input.
    """
    if module is None:
        module, is_package = module_name_for(path)
    else:
        is_package = Path(path).name == "__init__.py"

    def one(code: str, message: str, line: int = 1, col: int = 1) -> list[Diagnostic]:
        return [Diagnostic(path, line, col, code, message)]

    found: list[Diagnostic] = []
    if data.startswith(_BOM):
        found += one(
            "SPI004", "UTF-8 byte-order mark: save the file as UTF-8 without BOM"
        )
        data = data[len(_BOM) :]
    if not data.strip():
        return found + one(
            "SPI005", "empty file: an SPI module needs a docstring and __all__"
        )
    nul = data.find(b"\0")
    if nul >= 0:
        return found + one("SPI002", "NUL byte in source", *_position(data, nul))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return found + one(
            "SPI003", f"not UTF-8: {exc.reason}", *_position(data, exc.start)
        )
    try:
        with warnings.catch_warnings(action="ignore"):  # SyntaxWarning: not ours
            tree = ast.parse(text, filename=path)
    except SyntaxError as exc:
        line, col = exc.lineno or 1, max(exc.offset or 1, 1)
        return found + one("SPI001", f"syntax error: {exc.msg}", line, col)
    except (RecursionError, MemoryError, ValueError) as error:
        return found + one("SPI006", f"cannot parse: {type(error).__name__}")
    checker = _Checker(text, path, module, is_package, protocols)
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, WALK_RECURSION_LIMIT))
    try:
        checker.run(tree)
    except RecursionError:
        checker.diagnostics += one("SPI006", "nested too deeply to check completely")
    finally:
        sys.setrecursionlimit(limit)
    return found + checker.diagnostics


def read_source(path: str) -> bytes | Diagnostic:
    """Read a file for checking, or return the diagnostic that prevents it."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return Diagnostic(path, 1, 1, "SPI008", "not a regular file")
        if info.st_size > MAX_BYTES:
            return Diagnostic(
                path, 1, 1, "SPI007", f"larger than {MAX_BYTES} bytes: skipped"
            )
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        return _os_error(path, exc)
    if len(data) > MAX_BYTES:
        return Diagnostic(
            path, 1, 1, "SPI007", f"larger than {MAX_BYTES} bytes: skipped"
        )
    return data


def _os_error(path: str, exc: OSError) -> Diagnostic:
    """Turn an ``OSError`` on ``path`` into a diagnostic."""
    if exc.errno == errno.ELOOP:
        return Diagnostic(path, 1, 1, "SPI009", "symbolic-link loop")
    if exc.errno == errno.ENOENT:
        dangling = os.path.islink(path)
        return Diagnostic(
            path,
            1,
            1,
            "SPI010",
            "dangling symbolic link" if dangling else "no such file",
        )
    return Diagnostic(path, 1, 1, "SPI008", f"cannot read: {exc.strerror or exc}")


def iter_files(path: str) -> Iterator[str | Diagnostic]:
    """Yield the Python files under ``path`` (sorted), or diagnostics."""
    try:
        info = os.stat(path)
    except OSError as exc:
        yield _os_error(path, exc)
        return
    if not stat.S_ISDIR(info.st_mode):
        yield path
        return
    errors: list[OSError] = []
    found = False
    for folder, dirs, files in os.walk(path, onerror=errors.append):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and d != "__pycache__"
        )
        for name in sorted(files):
            if name.endswith((".py", ".pyi")):
                found = True
                yield os.path.join(folder, name)
    for error in errors:
        yield _os_error(error.filename or path, error)
    if not found:
        yield Diagnostic(path, 1, 1, "SPI011", "directory contains no .py files")


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
    diagnostics: list[Diagnostic] = []
    checked = 0
    for path in paths:
        for item in iter_files(path):
            if isinstance(item, Diagnostic):
                diagnostics.append(item)
                continue
            data = read_source(item)
            if isinstance(data, Diagnostic):
                diagnostics.append(data)
                continue
            checked += 1
            diagnostics.extend(check_source(data, item, protocols=protocols))
    return diagnostics, checked


# -- command line ------------------------------------------------------------


def _codes(raw: str | None, parser: argparse.ArgumentParser) -> tuple[str, ...]:
    """Parse a comma-separated list of code prefixes, rejecting unknown ones."""
    if raw is None:
        return ()
    prefixes = tuple(p.strip().upper() for p in raw.split(",") if p.strip())
    for prefix in prefixes:
        if not any(code.startswith(prefix) for code in RULES):
            parser.error(f"no rule code starts with {prefix!r} (see --list-rules)")
    return prefixes


def _parser() -> argparse.ArgumentParser:
    """Build the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="ast_spi_validator.py",
        description="Check the omnibase.protocols SPI without importing it.",
    )
    parser.add_argument(
        "paths", nargs="*", help=f"files or directories (default: {DEFAULT_ROOT})"
    )
    parser.add_argument(
        "--check-protocols",
        action="store_true",
        help="also apply the contract rules (SPI3xx); selecting one enables them too",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--select", metavar="CODES", help="only these codes or prefixes"
    )
    parser.add_argument(
        "--ignore", metavar="CODES", help="skip these codes or prefixes"
    )
    parser.add_argument(
        "--statistics", action="store_true", help="print a count per code"
    )
    parser.add_argument(
        "--list-rules", action="store_true", help="explain every code and exit"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the validator.

    Args:
        argv: Command-line arguments (default: ``sys.argv[1:]``).

    Returns:
        0 when clean, 1 on violations, 2 on usage or unreadable input.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.list_rules:
        for rule in RULES.values():
            print(f"{rule.code}  {rule.group:<8}  {rule.summary}")
        return 0
    select, ignore = _codes(args.select, parser), _codes(args.ignore, parser)
    protocols = args.check_protocols or any(
        RULES[c].group == "protocol" for c in RULES if select and c.startswith(select)
    )
    started = time.perf_counter()
    found, checked = check_paths(args.paths or [str(DEFAULT_ROOT)], protocols=protocols)
    elapsed = time.perf_counter() - started

    def kept(diagnostic: Diagnostic) -> bool:
        code = diagnostic.code
        if RULES[code].group == "io":
            return True
        return (not select or code.startswith(select)) and not code.startswith(
            ignore or ("~",)
        )

    shown = sorted(filter(kept, found), key=lambda d: (d.path, d.line, d.col, d.code))
    status = 2 if any(RULES[d.code].group == "io" for d in shown) else int(bool(shown))
    counts = Counter(d.code for d in shown)
    if args.format == "json":
        summary = {
            "files_checked": checked,
            "violations": len(shown),
            "by_code": dict(sorted(counts.items())),
            "exit_code": status,
            "seconds": round(elapsed, 3),
        }
        print(
            json.dumps(
                {"diagnostics": [d._asdict() for d in shown], "summary": summary}
            )
        )
        return status
    for diagnostic in shown:
        print(diagnostic)
    if args.statistics:
        for code, count in sorted(counts.items()):
            print(f"{count:6d}  {code}  {RULES[code].summary}")
    print(
        f"{len(shown)} violation(s) in {checked} file(s) checked in {elapsed:.2f}s",
        file=sys.stderr,
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
