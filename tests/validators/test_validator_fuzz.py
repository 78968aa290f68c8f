"""Property tests: whatever the input, the validator ends with diagnostics.

Random bytes, mutated valid SPI modules and random syntax trees (unparsed to
source) go through ``check_source`` in-process; it must return well-formed
diagnostics and never raise.
"""

import ast
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from scripts import spi_validator as validator

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLES = [path.read_bytes() for path in sorted(FIXTURES.rglob("*.py"))]
PATHS = st.sampled_from(
    [
        "src/omnibase/protocols/__init__.py",
        "src/omnibase/protocols/errors.py",
        "src/omnibase/protocols/types/sample.py",
        "src/omnibase/protocols/core/__init__.py",
        "src/omnibase/protocols/workflow_orchestration/flow.py",
        "loose.py",
    ]
)
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def check(data: bytes, path: str, protocols: bool) -> None:
    """Run the validator and check the shape of what it returns."""
    found = validator.check_source(data, path, protocols=protocols)
    for diagnostic in found:
        assert diagnostic.code in validator.RULES
        assert diagnostic.line >= 1
        assert diagnostic.col >= 1
        assert diagnostic.message
        assert diagnostic.path == path


@FUZZ
@given(data=st.binary(max_size=3_000), path=PATHS, protocols=st.booleans())
def test_random_bytes(data: bytes, path: str, protocols: bool) -> None:
    check(data, path, protocols)


@st.composite
def mutated_samples(draw: st.DrawFn) -> bytes:
    """A valid SPI module with a few random edits."""
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(data)))
        size = draw(st.integers(0, 40))
        match draw(
            st.sampled_from(["delete", "insert", "replace", "truncate", "copy"])
        ):
            case "delete":
                del data[at : at + size]
            case "insert":
                data[at:at] = draw(st.binary(max_size=size))
            case "replace":
                data[at : at + size] = draw(st.sampled_from(TOKENS))
            case "truncate":
                del data[at:]
            case _:
                data[at:at] = data[at : at + size]
    return bytes(data)


TOKENS = [
    b"Any",
    b"dict",
    b"(",
    b")",
    b"[",
    b"]",
    b'"',
    b"'''",
    b"\\",
    b"\n    ",
    b"\t",
    b"import os\n",
    b"if TYPE_CHECKING:\n",
    b"from ... import x\n",
    b"@property\n",
    b"async ",
    b"lambda: ",
    b"\xff",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\r",
    b"\xc3\xa9",
    b":=",
    b"...",
]


@FUZZ
@given(data=mutated_samples(), path=PATHS, protocols=st.booleans())
def test_mutated_valid_modules(data: bytes, path: str, protocols: bool) -> None:
    check(data, path, protocols)


NAMES = st.sampled_from(
    [
        *("Any", "T", "dict", "list", "tuple", "type", "str", "int", "None"),
        *("Mapping", "Callable", "Protocol", "Final", "typing", "t", "pydantic"),
        *("os", "sys", "modules", "TYPE_CHECKING", "__import__", "getattr"),
        *("property", "overload", "runtime_checkable", "Literal", "Annotated"),
        *("Optional", "ProtocolX", "api_key", "self"),
    ]
)
MODULES = st.sampled_from(
    [
        "typing",
        "collections.abc",
        "os",
        "pydantic",
        "omnibase.protocols.core",
        "",
        "sys",
    ]
)
CONSTANTS = st.sampled_from(
    [None, Ellipsis, 0, -1, 1.5, "Any", "dict[str, Any]", "x y", b"b"]
)


def expressions() -> st.SearchStrategy[ast.expr]:
    """Random expressions, biased towards type expressions."""
    leaves = st.one_of(
        NAMES.map(lambda n: ast.Name(n, ast.Load())),
        CONSTANTS.map(ast.Constant),
    )

    def extend(inner: st.SearchStrategy[ast.expr]) -> st.SearchStrategy[ast.expr]:
        return st.one_of(
            st.builds(ast.Attribute, inner, NAMES, st.just(ast.Load())),
            st.builds(ast.Subscript, inner, inner, st.just(ast.Load())),
            st.builds(ast.BinOp, inner, st.just(ast.BitOr()), inner),
            st.builds(ast.Tuple, st.lists(inner, max_size=3), st.just(ast.Load())),
            st.builds(ast.List, st.lists(inner, max_size=2), st.just(ast.Load())),
            st.builds(ast.Call, inner, st.lists(inner, max_size=2), st.just([])),
            inner.map(lambda e: ast.Constant(ast.unparse(e))),
        )

    return st.recursive(leaves, extend, max_leaves=10)


EXPRS = expressions()


def name(ident: str) -> ast.Name:
    """A name to assign to."""
    return ast.Name(ident, ast.Store())


def import_(module: str) -> ast.stmt:
    """``import module``."""
    return ast.Import([ast.alias(module or "os")])


def import_from(module: str, ident: str, level: int) -> ast.stmt:
    """``from ...module import ident``."""
    return ast.ImportFrom(module or None, [ast.alias(ident)], level)


def assign(ident: str, value: ast.expr) -> ast.stmt:
    """``ident = value``."""
    return ast.Assign([name(ident)], value)


def ann_assign(ident: str, annotation: ast.expr, value: ast.expr | None) -> ast.stmt:
    """``ident: annotation = value``."""
    return ast.AnnAssign(name(ident), annotation, value, 1)


def type_alias(ident: str, value: ast.expr, bound: ast.expr | None) -> ast.stmt:
    """``type ident[T: bound] = value``."""
    return ast.TypeAlias(name(ident), [ast.TypeVar("T", bound)], value)


def function(
    ident: str,
    annotations: list[ast.expr],
    returns: ast.expr | None,
    decorators: list[ast.expr],
    body: list[ast.stmt],
    *,
    is_async: bool,
) -> ast.stmt:
    """A method ``def ident(self, a0: ..., ...) -> returns`` (or ``async def``)."""
    params = [ast.arg("self")] + [
        ast.arg(f"a{i}", annotation) for i, annotation in enumerate(annotations)
    ]
    args = ast.arguments([], params, None, [], [], None, [])
    kind = ast.AsyncFunctionDef if is_async else ast.FunctionDef
    return kind(ident, args, body, decorators, returns, None, [])


def class_(
    ident: str, bases: list[ast.expr], decorators: list[ast.expr], body: list[ast.stmt]
) -> ast.stmt:
    """``class ident(*bases):`` with decorators."""
    return ast.ClassDef(ident, bases, [], body, decorators, [])


def if_(test: ast.expr, body: list[ast.stmt]) -> ast.stmt:
    """``if test:``."""
    return ast.If(test, body, [])


def try_(body: list[ast.stmt], handler: list[ast.stmt]) -> ast.stmt:
    """``try: ... except: ...``."""
    return ast.Try(body, [ast.ExceptHandler(None, None, handler)], [], [])


def statements() -> st.SearchStrategy[ast.stmt]:
    """Random module-level and class-level statements."""
    optional = st.none() | EXPRS
    simple = st.one_of(
        st.builds(import_, MODULES),
        st.builds(import_from, MODULES, NAMES, st.integers(0, 4)),
        st.builds(assign, NAMES, EXPRS),
        st.builds(ann_assign, NAMES, EXPRS, optional),
        st.builds(type_alias, NAMES, EXPRS, optional),
        st.builds(ast.Expr, EXPRS),
        st.just(ast.Pass()),
    )

    def extend(inner: st.SearchStrategy[ast.stmt]) -> st.SearchStrategy[ast.stmt]:
        body = st.lists(inner, min_size=1, max_size=3)
        exprs = st.lists(EXPRS, max_size=2)
        return st.one_of(
            st.builds(
                function, NAMES, exprs, optional, exprs, body, is_async=st.booleans()
            ),
            st.builds(
                class_,
                st.sampled_from(["ProtocolA", "Widget", "OopsError", "_P"]),
                exprs,
                exprs,
                body,
            ),
            st.builds(if_, EXPRS, body),
            st.builds(try_, body, body),
        )

    return st.recursive(simple, extend, max_leaves=12)


@st.composite
def random_modules(draw: st.DrawFn) -> bytes:
    """Source of a random module built as a syntax tree and unparsed."""
    body = draw(st.lists(statements(), min_size=1, max_size=6))
    if draw(st.booleans()):
        body.insert(0, ast.Expr(ast.Constant("Docstring.")))
    module = ast.fix_missing_locations(ast.Module(body, []))
    try:
        source = ast.unparse(module)
    except (ValueError, TypeError, AttributeError, RecursionError):
        source = None
    assume(source is not None)
    assert source is not None
    return source.encode("utf-8", "surrogatepass")


@settings(FUZZ, max_examples=100)
@given(data=random_modules(), path=PATHS, protocols=st.booleans())
def test_random_syntax_trees(data: bytes, path: str, protocols: bool) -> None:
    check(data, path, protocols)
