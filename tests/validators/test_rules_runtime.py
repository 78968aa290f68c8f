"""Import-time rules (SPI4xx): a failing and a passing source for each."""

import pytest

from scripts.spi_validator import check_source, runtime
from tests.validators.rule_cases import CORE, Case, locations, src, uncovered

CASES = [
    Case(
        "SPI401",
        src('''
            """D."""
            import functools
            from typing import Protocol, final, runtime_checkable
            @final
            @runtime_checkable
            class ProtocolA(Protocol):
                @functools.cache
                def f(self) -> None: ...
                @property
                def x(self) -> int: ...
                @x.setter
                def x(self, v: int) -> None: ...
                @(lambda f: f)
                def g(self) -> None: ...
                @runtime_checkable()
                def h(self) -> None: ...
            def outer() -> None:
                @functools.cache
                def inner() -> None: ...
            '''),
        ((4, 2), (7, 6), (11, 6), (13, 7), (15, 6)),
        src('''
            """D."""
            import typing
            import typing_extensions
            from typing import Protocol, overload, override, runtime_checkable
            @typing.runtime_checkable
            class ProtocolA(Protocol):
                @property
                def x(self) -> int: ...
                @overload
                def f(self, a: int) -> int: ...
                @typing.overload
                def f(self, a: str) -> str: ...
                @typing_extensions.override
                def __hash__(self) -> int: ...
            '''),
    ),
    Case(
        "SPI402",
        src('''
            """D."""
            class ProtocolA(Protocol, metaclass=Meta): ...
            class ProtocolB(Protocol, **options): ...
            class ProtocolC(Protocol, total=False): ...
            '''),
        ((2, 27), (3, 27), (4, 27)),
        src('''
            """D."""
            class ProtocolA(Protocol): ...
            def f() -> None:
                class Local(metaclass=Meta): ...
            '''),
    ),
    Case(
        "SPI403",
        src('''
            """D."""
            def f(
                a: list[int] = [],
                b: int = len("x"),
                *,
                c: object = object,
                d: int = -limit,
                e: dict[str, int] = {},
                f: tuple[object, ...] = (1, make()),
            ) -> None: ...
            '''),
        ((3, 20), (4, 14), (6, 17), (7, 14), (8, 25), (9, 29)),
        src('''
            """D."""
            from typing import Final
            from omnibase.protocols.types import MAX_ITEMS
            LIMIT: Final = 3
            def f(
                a: int = 1,
                b: str = "x",
                c: None = None,
                d: tuple[int, ...] = (1, -2),
                e: object = ...,
                *,
                f: int = LIMIT,
                g: int = MAX_ITEMS,
                h: bytes = b"",
                i: float = -1.5,
            ) -> None: ...
            def outer() -> None:
                def inner(x: list[int] = []) -> None: ...
            '''),
    ),
    Case(
        "SPI404",
        src('''
            """D."""
            X = (y := 1)
            class ProtocolA(Protocol):
                def f(self, x: int = (member := 1)) -> None: ...
            '''),
        ((2, 6), (4, 27)),
        src('''
            """D."""
            def f() -> None:
                if (n := 1) > 0:
                    print(n)
            '''),
    ),
    Case(
        "SPI405",
        src('''
            """D."""
            from types import MappingProxyType
            from typing import Final
            X = print("x")
            Y: Final = MappingProxyType(TABLE)
            Z = MappingProxyType({"a": 1})
            W = [i for i in range(3)]
            V = 1 + 2
            U = X or Y
            T = X if Y else Z
            S = f"{X}"
            R = X < Y
            def f(a: int = 1) -> print("return"): ...
            class ProtocolA(make_base()): ...
            '''),
        (
            (4, 5),
            (5, 12),
            (6, 5),
            (7, 5),
            (8, 5),
            (9, 5),
            (10, 5),
            (11, 5),
            (12, 5),
            (13, 22),
            (14, 17),
        ),
        src('''
            """D."""
            import types
            from collections.abc import Mapping
            from types import MappingProxyType
            from typing import Final, Literal
            State = Literal["a", "b"]
            NEXT: Final[Mapping[State, tuple[State, ...]]] = MappingProxyType(
                {"a": ("b",), "b": ()}
            )
            LIMITS: Final = types.MappingProxyType({"items": MAX_ITEMS, "tags": 8})
            N: Final = -1
            Alias = int | None
            def f() -> None:
                print(len("inside a body runs when called, not at import"))
            '''),
    ),
    Case(
        "SPI406",
        src('''
            """D."""
            if X:
                pass
            for i in ():
                pass
            del X
            X += 1
            run()
            a.b = 1
            class ProtocolA(Protocol):
                """D."""
                print("in a class body")
                x[0] = 1
            '''),
        ((2, 1), (4, 1), (6, 1), (7, 1), (8, 1), (9, 1), (12, 5), (13, 5)),
        src('''
            """D."""
            from typing import TYPE_CHECKING
            X = 1
            """An attribute docstring."""
            A, B = int, str
            if TYPE_CHECKING:
                pass
            class ProtocolA(Protocol):
                """D."""
                def f(self) -> None:
                    """D."""
                    ...
            def g() -> None:
                for i in range(3):
                    print(i)
            '''),
    ),
]


def test_every_runtime_rule_has_a_case() -> None:
    assert uncovered(CASES, runtime.RULES) == set()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_fires_where_expected(case: Case) -> None:
    assert locations(case.bad, case.path, case.code) == sorted(case.where)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_passes_near_miss(case: Case) -> None:
    assert locations(case.good, case.path, case.code) == []


@pytest.mark.parametrize(
    "source",
    [
        "X = ().__class__.__base__.__subclasses__()\n",
        'def f(x: object = __builtins__.__import__("os")) -> None: ...\n',
        'class P(Protocol, metaclass=type("M", (type,), {})): ...\n',
        '@__import__("functools").cache\ndef f() -> None: ...\n',
        "def f(x: object = [].__class__.__mro__[-1].__subclasses__()) -> None: ...\n",
    ],
    ids=["subclasses", "builtins-import-default", "metaclass", "decorator", "mro"],
)
def test_hidden_imports_through_attribute_chains_are_reported(source: str) -> None:
    codes = {d.code for d in check_source(source.encode(), CORE)}
    assert codes & {"SPI401", "SPI402", "SPI403", "SPI405", "SPI406"}, codes


def test_a_walrus_in_a_default_is_reported_even_inside_a_reported_default() -> None:
    source = "class P(Protocol):\n    def f(self, x: int = len(y := [])) -> None: ...\n"
    found = [(d.code, d.col) for d in check_source(source.encode(), CORE)]
    assert ("SPI403", 26) in found
    assert ("SPI404", 30) in found


def test_only_the_outermost_code_is_reported() -> None:
    found = check_source(b"X = f(g(h()))\n", CORE)
    assert [(d.code, d.col) for d in found if d.code == "SPI405"] == [("SPI405", 5)]
