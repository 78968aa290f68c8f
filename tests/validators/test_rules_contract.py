"""Contract rules (SPI3xx, with --check-protocols): a failing and a passing source."""

import pytest

from scripts.spi_validator import check_source, contract
from tests.validators.rule_cases import (
    ERRORS,
    GOOD_SPI,
    PROTOCOL_HEAD,
    Case,
    locations,
    src,
    uncovered,
)

CASES = [
    Case(
        "SPI301",
        src('''
            """D."""

            __all__: list[str] = []

            def helper() -> None: ...
            print("x")
            "not after a definition"
            for i in range(3):
                pass
            COUNT = 1 + 2
            X, Y = int, str
            del X
            X: int = 3
            '''),
        ((5, 1), (6, 1), (7, 1), (8, 1), (10, 1), (11, 1), (12, 1), (13, 1)),
        src('''
            """D."""

            from typing import Final, Literal

            __all__ = ["LIMIT", "Mode", "Pair", "Tree", "__version__"]

            __version__ = "1.0"
            Mode = Literal["a", "b"]
            """What an attribute docstring documents."""
            type Tree = list[Tree] | None
            Pair = tuple[int, str]
            LIMIT: Final = 3
            '''),
    ),
    Case(
        "SPI302",
        src('''
            """D."""
            from typing import Final
            __all__ = ["A", "B", "C", "D", "E", "F", "G", "H"]
            A: Final = len("x")
            B: Final[int] = A
            C: Final
            D: Final = f"{A}"
            E: Final = [i for i in ()]
            F: Final = MappingProxyType({"a": make()})
            G: Final = MappingProxyType({"a": other})
            H: Final = MappingProxyType(TABLE)
            '''),
        ((4, 12), (5, 17), (6, 1), (7, 12), (8, 12), (9, 12), (10, 12), (11, 12)),
        src('''
            """D."""
            from types import MappingProxyType
            from typing import Final
            from omnibase.protocols.types import MAX_ITEMS
            __all__ = ["A", "B", "C", "D", "E"]
            A: Final = -1
            B: Final[tuple[str, ...]] = ("a", "b")
            C: Final = {"k": [1, 2.5, None, b"x", True], "s": {1, 2}}
            D: Final = MappingProxyType({"a": ("b", "c"), "b": (), "c": A})
            E: Final = MappingProxyType({"items": MAX_ITEMS, A: None})
            '''),
    ),
    Case(
        "SPI303",
        '"""D."""\nX = int\n',
        ((1, 1),),
        '"""D."""\n__all__ = ["X"]\nX = int\n',
    ),
    Case(
        "SPI304",
        '"""D."""\n__all__ = ["A", B]\n__all__ = []\n',
        ((2, 1), (3, 1)),
        '"""D."""\n__all__ = ("A",)\nA = int\n',
    ),
    Case(
        "SPI305",
        src('''
            """D."""
            from typing import Protocol
            _P = int
            __all__ = ["Protocol", "Missing", "_P"]
            '''),
        ((4, 12), (4, 24), (4, 35)),
        '"""D."""\n__all__ = ["A"]\nA = int\n_B = str\n',
    ),
    Case(
        "SPI306",
        PROTOCOL_HEAD + src('''
            __all__ = []
            X = int
            @runtime_checkable
            class ProtocolA(Protocol):
                """D."""
            '''),
        ((5, 1), (7, 1)),
        '"""D."""\n__all__ = ["X"]\nX = int\n_Y = str\n',
    ),
    Case(
        "SPI307",
        '"""D."""\n__all__ = ["X", "X"]\nX = int\n',
        ((2, 17),),
        '"""D."""\n__all__ = ["X"]\nX = int\n',
    ),
    Case("SPI308", "__all__ = []\n", ((1, 1),), '"""D."""\n__all__ = []\n'),
    Case(
        "SPI310",
        '"""D."""\nclass Helper:\n    """D."""\n'
        'class FooError(Exception):\n    """D."""\n',
        ((2, 1), (4, 1)),
        '"""D."""\nclass _Helper:\n    """D."""\n',
    ),
    Case(
        "SPI311",
        PROTOCOL_HEAD + 'class ProtocolA(Protocol):\n    """D."""\n',
        ((4, 1),),
        '"""D."""\nimport typing\n@typing.runtime_checkable\n'
        'class ProtocolA(typing.Protocol):\n    """D."""\n',
    ),
    Case(
        "SPI312",
        PROTOCOL_HEAD + src('''
            @runtime_checkable
            class Widget(Protocol):
                """D."""
            @runtime_checkable
            class Protocolfoo(Protocol):
                """D."""
            '''),
        ((5, 1), (8, 1)),
        PROTOCOL_HEAD + src('''
            @runtime_checkable
            class EventMessage(Protocol):
                """D."""
            @runtime_checkable
            class ProtocolFoo2(Protocol):
                """D."""
            @runtime_checkable
            class _Private(Protocol):
                """D."""
            '''),
    ),
    Case(
        "SPI313",
        '"""D."""\njson_value = int\ntype ProtocolX = int\nMY_ALIAS = str\n',
        ((2, 1), (3, 1), (4, 1)),
        '"""D."""\nJsonValue = int\ntype _Private = int\n',
    ),
    Case(
        "SPI314",
        '"""D."""\nfrom typing import Final\nmaxItems: Final = 3\n',
        ((3, 1),),
        '"""D."""\nfrom typing import Final\nMAX_ITEMS: Final = 3\n'
        '__version__: Final = "1"\n',
    ),
    Case(
        "SPI315",
        '"""D."""\nclass Oops(Exception):\n    """D."""\n',
        ((2, 1),),
        '"""D."""\nclass OopsError(Exception):\n    """D."""\n',
        path=ERRORS,
    ),
    Case(
        "SPI316",
        PROTOCOL_HEAD
        + "@runtime_checkable\nclass ProtocolA(Protocol):\n    def f(self): ...\n",
        ((5, 1),),
        PROTOCOL_HEAD
        + "@runtime_checkable\nclass _ProtocolA(Protocol):\n    def f(self): ...\n",
    ),
    Case(
        "SPI320",
        PROTOCOL_HEAD
        + "@runtime_checkable\nclass ProtocolA(Protocol):\n"
        + '    """D."""\n    name: str\n',
        ((7, 5),),
        PROTOCOL_HEAD + src('''
            @runtime_checkable
            class ProtocolA(Protocol):
                """D."""
                @property
                def name(self) -> str:
                    """D."""
            '''),
    ),
    Case(
        "SPI321",
        PROTOCOL_HEAD + src('''
            @runtime_checkable
            class ProtocolA(Protocol):
                """D."""
                x = 1
                pass
                class Inner:
                    """D."""
                ...
                """Second string."""
            '''),
        ((7, 5), (8, 5), (9, 5), (11, 5), (12, 5)),
        PROTOCOL_HEAD + src('''
            @runtime_checkable
            class ProtocolA(Protocol):
                """D."""
                def f(self) -> None:
                    """D."""
            '''),
    ),
    Case(
        "SPI322",
        PROTOCOL_HEAD + src('''
            @runtime_checkable
            class ProtocolA(Protocol):
                """D."""
                def a(self) -> int:
                    """D."""
                    return 1
                def b(self) -> None:
                    pass
                def c(self) -> None:
                    """D."""
                    raise NotImplementedError
                def d(self) -> None:
                    """D."""
                    ...
                    ...
            '''),
        ((9, 9), (11, 9), (14, 9), (17, 9)),
        PROTOCOL_HEAD + src('''
            @runtime_checkable
            class ProtocolA(Protocol):
                """D."""
                def a(self) -> None:
                    """D."""
                def b(self) -> None:
                    """D."""
                    ...
                def c(self) -> None: ...
            '''),
    ),
    Case(
        "SPI323",
        PROTOCOL_HEAD + src('''
            from abc import abstractmethod
            @runtime_checkable
            class ProtocolA(Protocol):
                """D."""
                @staticmethod
                def a() -> None:
                    """D."""
                @classmethod
                def b(cls) -> None:
                    """D."""
                @abstractmethod
                def c(self) -> None:
                    """D."""
                @property
                def d(self) -> int:
                    """D."""
                @d.setter
                def d(self, value: int) -> None:
                    """D."""
            '''),
        ((8, 6), (11, 6), (14, 6), (20, 6)),
        PROTOCOL_HEAD + src('''
            import typing
            from typing import overload, override
            @runtime_checkable
            class ProtocolA(Protocol):
                """D."""
                @overload
                def a(self, x: int) -> int: ...
                @typing.overload
                def a(self, x: str) -> str: ...
                def a(self, x: int | str) -> int | str:
                    """D."""
                @override
                def __hash__(self) -> int:
                    """D."""
            '''),
    ),
    Case(
        "SPI324",
        PROTOCOL_HEAD + src('''
            @runtime_checkable
            class ProtocolA(Protocol):
                """D."""
                @property
                def x(self) -> int:
                    """D."""
                def f(self) -> None:
                    """D."""
            '''),
        ((10, 5),),
        PROTOCOL_HEAD + src('''
            @runtime_checkable
            class ProtocolA(Protocol):
                """D."""
                @property
                def x(self) -> int:
                    """D."""
            @runtime_checkable
            class ProtocolB(Protocol):
                """D."""
                def f(self) -> None:
                    """D."""
            '''),
    ),
    Case(
        "SPI325",
        PROTOCOL_HEAD + src('''
            @runtime_checkable
            class ProtocolA(Protocol):
                """D."""
                @property
                def x(self) -> int:
                    """D."""
            @runtime_checkable
            class ProtocolB(ProtocolA, Protocol):
                """D."""
                def f(self) -> None:
                    """D."""
            '''),
        ((13, 5),),
        PROTOCOL_HEAD + src('''
            @runtime_checkable
            class ProtocolA(Protocol):
                """D."""
                @property
                def x(self) -> int:
                    """D."""
            @runtime_checkable
            class ProtocolB(ProtocolA, Protocol):
                """D."""
                @property
                def y(self) -> int:
                    """D."""
            '''),
    ),
    Case(
        "SPI326",
        PROTOCOL_HEAD + src('''
            @runtime_checkable
            class ProtocolA(Protocol):
                """D."""
                def f(self) -> None: ...
                @property
                def x(self) -> int: ...
            '''),
        ((7, 5), (9, 5)),
        PROTOCOL_HEAD + src('''
            from typing import overload
            @runtime_checkable
            class ProtocolA(Protocol):
                """D."""
                @overload
                def a(self, x: int) -> int: ...
                @overload
                def a(self, x: str) -> str: ...
                def a(self, x: int | str) -> int | str:
                    """D."""
            '''),
    ),
    Case(
        "SPI327",
        PROTOCOL_HEAD + src('''
            @runtime_checkable
            class ProtocolA(Protocol):
                """D."""
                async def f(self) -> None:
                    """Do it.

                    Returns: nothing, it raises nothing: Raises: is not a header here.
                    """
            '''),
        ((7, 5),),
        PROTOCOL_HEAD + src('''
            @runtime_checkable
            class ProtocolA(Protocol):
                """D."""
                async def f(self) -> None:
                    """Do it.

                    Raises:
                        TimeoutError: Too slow.
                    """
            '''),
    ),
    Case(
        "SPI330",
        PROTOCOL_HEAD + src('''
            from collections.abc import Mapping
            from typing import Optional
            @runtime_checkable
            class ProtocolA(Protocol):
                """D."""
                def login(
                    self,
                    password: str,
                    api_key: str | None,
                    secrets: Mapping[str, str],
                    tokens: list["str"],
                ) -> None:
                    """D."""
                @property
                def client_secret(self) -> Optional[str]:
                    """D."""
            '''),
        ((11, 9), (12, 9), (13, 9), (14, 9), (18, 5)),
        PROTOCOL_HEAD + src('''
            from collections.abc import Mapping
            @runtime_checkable
            class ProtocolA(Protocol):
                """D."""
                def put(
                    self,
                    key: str,
                    partition_key: str,
                    idempotency_key: str,
                    next_cursor: str,
                    api_key: ProtocolSecretValue,
                    secrets: Mapping[str, ProtocolSecretValue],
                    token_count: int,
                ) -> None:
                    """D."""
            '''),
    ),
    Case(
        "SPI340",
        src('''
            """D."""
            class AError(Helper):
                """D."""
            class BError:
                """D."""
            class CError(errors.Base):
                """D."""
            '''),
        ((2, 14), (4, 1), (6, 14)),
        src('''
            """D."""
            class AError(Exception):
                """D."""
            class BError(AError, LookupError):
                """D."""
            '''),
        path=ERRORS,
    ),
    Case(
        "SPI341",
        src('''
            """D."""
            @dataclass
            class AError(Exception):
                """D."""
                code = 1
                def describe(self) -> str:
                    return ""
            '''),
        ((2, 2), (5, 5), (6, 5)),
        (GOOD_SPI / "errors.py").read_text(encoding="utf-8"),
        path=ERRORS,
    ),
    Case(
        "SPI342",
        src('''
            """D."""
            class AError(Exception):
                """D."""
                @staticmethod
                def __init__(self, x: int) -> None:
                    if x:
                        pass
                    self.x = x + 1
                    super().__init__(x)
                    super().__init__(x)
                def __str__(self) -> str:
                    return f"{len(self.x)}"
            class BError(Exception):
                """D."""
                def __init__(self, x: str) -> None:
                    super().__init__(x.upper())
                def __str__(self) -> str:
                    """D."""
                    return self.x.upper()
            '''),
        ((4, 6), (6, 9), (8, 9), (10, 9), (12, 9), (16, 9), (19, 9)),
        (GOOD_SPI / "errors.py").read_text(encoding="utf-8"),
        path=ERRORS,
    ),
]


def test_every_contract_rule_has_a_case() -> None:
    assert uncovered(CASES, contract.RULES) == set()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_fires_where_expected(case: Case) -> None:
    assert locations(case.bad, case.path, case.code) == sorted(case.where)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_passes_near_miss(case: Case) -> None:
    assert locations(case.good, case.path, case.code) == []


@pytest.mark.parametrize("case", CASES, ids=str)
def test_contract_rules_only_with_check_protocols(case: Case) -> None:
    data = case.bad.encode() if isinstance(case.bad, str) else case.bad
    found = check_source(data, case.path)
    assert not [d for d in found if d.code in contract.RULES]
