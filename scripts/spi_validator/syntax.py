"""Small questions about syntax trees that several rule families ask."""

import ast
from typing import Final

#: Node fields that never hold child nodes (skipped by the walk).
_SCALAR_FIELDS: Final = frozenset(
    {"ctx", "id", "attr", "name", "arg", "module", "level", "kind", "conversion"}
    | {"type_comment", "is_async", "asname", "names", "op", "ops"}
)
#: Filled by :func:`child_fields`, read directly by the walk's hot loop.
CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}


def child_fields(cls: type[ast.AST]) -> tuple[str, ...]:
    """Return the fields of ``cls`` that may hold child nodes (cached)."""
    fields = CHILD_FIELDS.get(cls)
    if fields is None:
        fields = tuple(f for f in cls._fields if f not in _SCALAR_FIELDS)
        CHILD_FIELDS[cls] = fields
    return fields


def dotted(node: ast.AST) -> str | None:
    """Return ``a.b.c`` for a chain of attributes on a name, else None."""
    attrs: list[str] = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    attrs.append(node.id)
    return ".".join(reversed(attrs))


def subscript_items(node: ast.Subscript) -> list[ast.expr]:
    """Return the arguments between the brackets of ``node``."""
    return node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]


def docstring(
    node: ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef,
) -> str | None:
    """Return the docstring of ``node`` without cleaning it, if any."""
    body = node.body
    if body and isinstance(body[0], ast.Expr):
        value = body[0].value
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
    return None


def without_docstring(
    node: ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef,
) -> list[ast.stmt]:
    """Return the body of ``node`` after its docstring."""
    return node.body[1:] if docstring(node) is not None else node.body


def is_ellipsis(node: ast.AST) -> bool:
    """Tell whether ``node`` is the ``...`` literal."""
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def is_number(node: ast.AST) -> bool:
    """Tell whether ``node`` is a number, possibly signed (``-1``)."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float | complex)
        and not isinstance(node.value, bool)
    )


def is_literal(node: ast.AST) -> bool:
    """Tell whether ``node`` is built only from literal constants."""
    if isinstance(node, ast.Constant):
        return node.value is not Ellipsis
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(is_literal(item) for item in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and is_literal(k) for k in node.keys) and all(
            is_literal(v) for v in node.values
        )
    return is_number(node)


def is_type_expression(node: ast.expr, top: bool = True) -> bool:
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
        return dotted(node) is not None
    if isinstance(node, ast.Constant):
        return node.value is None or (not top and isinstance(node.value, str))
    if isinstance(node, ast.BinOp):
        return (
            isinstance(node.op, ast.BitOr)
            and is_type_expression(node.left, False)
            and is_type_expression(node.right, False)
        )
    if isinstance(node, ast.Subscript):
        return is_type_expression(node.value) and all(
            is_type_argument(i) for i in subscript_items(node)
        )
    return False


def is_type_argument(node: ast.expr) -> bool:
    """Tell whether ``node`` may appear inside the brackets of a generic."""
    if isinstance(node, ast.List | ast.Tuple):
        return all(is_type_argument(item) for item in node.elts)
    return is_literal(node) or is_ellipsis(node) or is_type_expression(node, False)


def parse_annotation(text: str) -> ast.expr | None:
    """Parse a string annotation as an expression; None if it does not parse.

    Called during the walk, under :func:`~.source.quiet`.
    """
    try:
        return ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
