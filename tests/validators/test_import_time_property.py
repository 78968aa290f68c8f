"""Property: code anywhere Python evaluates at import time is flagged (SPI4xx).

Hypothesis builds contract modules that hold one piece of code (a call, a
lambda, a comprehension, an operator, an f-string, ``:=``, ...), possibly
wrapped in inert syntax that hides it (a union, a subscript, a tuple), in
one of the positions of the grammar evaluated when the module is imported:
module and class bodies, decorators, bases, class keywords, annotations,
defaults, ``__all__``, ``Final`` tables, type parameters. Each such module
must get an import-time finding; the same module with an inert expression
in that place must get none.
"""

import ast

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from scripts.spi_validator import check_source, runtime

PATH = "src/omnibase/protocols/core/generated.py"
RUNTIME = frozenset(runtime.RULES)
HEAD = (
    '"""Generated."""\n\n'
    "import typing\n"
    "from types import MappingProxyType\n"
    "from typing import Final, Protocol, runtime_checkable\n\n"
)

#: Code: each runs something when evaluated.
CODE = st.sampled_from(
    [
        "make()",
        "registry.lookup(1)",
        '__import__("os")',
        "().__class__.__base__.__subclasses__()",
        "(lambda: 0)",
        "[i for i in ()]",
        "{i for i in ()}",
        "{i: i for i in ()}",
        "(i for i in ())",
        'f"{value}"',
        "(a + b)",
        "(a or b)",
        "(a < b)",
        "(a if b else c)",
        "(not a)",
        "(~a)",
        "(-a)",
        "(y := 1)",
        "items[1:2]",
    ]
)

#: Inert syntax that may hide the code: ``{}`` is where it goes.
WRAPPERS = st.sampled_from(
    [
        "{}",
        "({})",
        "int | {}",
        "list[{}]",
        "dict[str, {}]",
        "({}, 1)",
        "[{}]",
        "typing.Annotated[int, {}]",
        "typing.Optional[{}]",
    ]
)

#: (name, template, inert filler or None): ``{code}`` is where the code goes.
POSITIONS: list[tuple[str, str, str | None]] = [
    ("alias", "X = {code}\n", "int"),
    ("final", "X: Final = {code}\n", "1"),
    ("table", 'T: Final = MappingProxyType({{"a": {code}}})\n', '("b",)'),
    ("all", "__all__ = [{code}]\n", '"X"'),
    ("annotated-global", "X: {code} = 1\n", "int"),
    ("module-statement", "{code}\n", None),
    ("parameter", "def f(a: {code}) -> None: ...\n", "int"),
    ("return", "def f() -> {code}: ...\n", "None"),
    ("default", "def f(a: int = {code}) -> None: ...\n", "1"),
    ("keyword-default", "def f(*, a: int = {code}) -> None: ...\n", "None"),
    ("function-decorator", "@{code}\ndef f() -> None: ...\n", "typing.overload"),
    (
        "class-decorator",
        "@{code}\nclass ProtocolA(Protocol): ...\n",
        "runtime_checkable",
    ),
    ("base", "class ProtocolA({code}, Protocol): ...\n", "object"),
    ("class-keyword", "class ProtocolA(Protocol, key={code}): ...\n", None),
    ("type-alias", "type A = {code}\n", "int"),
    ("type-parameter", "class ProtocolA[T: {code}](Protocol): ...\n", "int"),
    (
        "method-parameter",
        "class ProtocolA(Protocol):\n    def f(self, a: {code}) -> None: ...\n",
        "int",
    ),
    (
        "method-default",
        "class ProtocolA(Protocol):\n    def f(self, a: int = {code}) -> None: ...\n",
        "1",
    ),
    (
        "method-decorator",
        "class ProtocolA(Protocol):\n    @{code}\n    def f(self) -> int: ...\n",
        "property",
    ),
    ("class-annotation", "class ProtocolA(Protocol):\n    x: {code}\n", "int"),
    ("class-assignment", "class ProtocolA(Protocol):\n    x = {code}\n", "int"),
    ("class-statement", "class ProtocolA(Protocol):\n    {code}\n", None),
    (
        "nested-class-base",
        "class ProtocolA(Protocol):\n    class B({code}): ...\n",
        "object",
    ),
]
PROPERTY = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)


def module(template: str, expression: str) -> str:
    """The generated module with ``expression`` in the template's place."""
    return HEAD + template.format(code=expression)


def import_time_findings(source: str) -> set[str]:
    """The SPI4xx codes the default run reports on ``source``."""
    return {d.code for d in check_source(source.encode(), PATH)} & RUNTIME


@st.composite
def hidden_code(draw: st.DrawFn) -> str:
    """Code, wrapped in up to three layers of inert syntax."""
    expression = draw(CODE)
    for _ in range(draw(st.integers(0, 3))):
        expression = draw(WRAPPERS).format(expression)
    return expression


@PROPERTY
@given(position=st.sampled_from(POSITIONS), code=hidden_code())
def test_code_at_import_time_is_flagged(
    position: tuple[str, str, str | None], code: str
) -> None:
    _, template, _ = position
    source = module(template, code)
    try:
        ast.parse(source)
    except SyntaxError:  # e.g. `:=` where the grammar forbids it
        assume(False)
    assert import_time_findings(source), source


def test_every_position_is_flagged_and_its_inert_form_is_not() -> None:
    for name, template, inert in POSITIONS:
        assert import_time_findings(module(template, "make()")), name
        if inert is not None:
            assert not import_time_findings(module(template, inert)), name


def test_the_same_code_in_a_function_body_is_not_flagged() -> None:
    body = "def f() -> None:\n    X = make()\n    [i for i in range(3)]\n"
    assert not import_time_findings(HEAD + body)
