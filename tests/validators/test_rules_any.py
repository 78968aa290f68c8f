"""Any rules (SPI2xx): a failing and a passing source for each."""

from pathlib import Path

import pytest

from scripts.spi_validator import anytype, check_paths
from tests.validators.rule_cases import (
    Case,
    locations,
    src,
    uncovered,
)

CASES = [
    Case(
        "SPI201",
        src('''
            """D."""
            import typing
            from typing import Any as A
            X = typing.Any
            def f(a: A) -> "Any": ...
            type Y = list[typing_extensions.Any]
            T = typing.TypeVar("T", bound="Any")
            '''),
        ((3, 20), (4, 5), (5, 10), (5, 16), (6, 15), (7, 31)),
        src('''
            """D."""
            import typing
            MyAny = int
            def f(a: "Anything") -> object: ...
            T = typing.TypeVar("Any")
            '''),
    ),
    Case(
        "SPI202",
        src("""
            import typing
            from collections.abc import Mapping
            def f(a: dict, b: list | None, c: "Mapping", d: typing.List) -> tuple: ...
            X = type
            class ProtocolA(Protocol, Iterable): ...
            class ProtocolPage[T](Protocol): ...
            def g(p: ProtocolPage, io: typing.IO) -> None: ...
            """),
        (
            (3, 10),
            (3, 19),
            (3, 35),
            (3, 49),
            (3, 65),
            (4, 5),
            (5, 27),
            (7, 10),
            (7, 28),
        ),
        src("""
            import typing
            from collections.abc import Mapping
            def f(a: dict[str, int], b: tuple[()], c: tuple[int, ...]) -> None: ...
            def g(d: type[int], e: Mapping[str, int], f: "list[int]") -> None: ...
            y = isinstance(x, dict)
            def h(x=dict) -> None: ...
            class ProtocolPage[T](Protocol): ...
            def i(p: ProtocolPage[int], io: typing.IO[str]) -> None: ...
            """),
    ),
    Case(
        "SPI203",
        src("""
            from collections.abc import Callable
            def f(cb: Callable[..., int]) -> "Callable[..., None]": ...
            """),
        ((2, 11), (2, 34)),
        src("""
            from collections.abc import Callable
            def f(cb: Callable[[int], str], t: tuple[int, ...]) -> None: ...
            """),
    ),
    Case(
        "SPI204",
        src('''
            """D."""
            def f(a: make_type(), b: "x" + "y", c: f"{T}") -> int if X else str: ...
            X: TypeAlias = 1 + 2
            class ProtocolA(base_for("a"), Protocol): ...
            '''),
        ((2, 10), (2, 26), (2, 40), (2, 51), (3, 16), (4, 17)),
        src('''
            """D."""
            from typing import Annotated, Literal
            def f(a: int | None, b: "list[str]", c: Literal[-1, "x"]) -> None: ...
            def g(d: Annotated[int, compute()], e: tuple[*Ts]) -> None: ...
            '''),
    ),
    Case(
        "SPI205",
        src('''
            """D."""
            def f(a, b: int, *args, c, **kw) -> None: ...
            class ProtocolA(Protocol):
                def g(self, d) -> None: ...
            '''),
        ((2, 7), (2, 19), (2, 25), (2, 30), (4, 17)),
        src('''
            """D."""
            def f(a: int, *args: str, c: bytes, **kw: float) -> None: ...
            class ProtocolA(Protocol):
                def g(self, d: int) -> None: ...
                def h(cls) -> None: ...
            '''),
    ),
    Case(
        "SPI206",
        src('''
            """D."""
            def f(a: int): ...
            class ProtocolA(Protocol):
                async def g(self): ...
            '''),
        ((2, 1), (4, 5)),
        src('''
            """D."""
            def f(a: int) -> None: ...
            class ProtocolA(Protocol):
                async def g(self) -> int: ...
            '''),
    ),
]


def test_every_any_rule_has_a_case() -> None:
    assert uncovered(CASES, anytype.RULES) == set()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_fires_where_expected(case: Case) -> None:
    assert locations(case.bad, case.path, case.code) == sorted(case.where)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_passes_near_miss(case: Case) -> None:
    assert locations(case.good, case.path, case.code) == []


def spi_tree(root: Path, files: dict[str, str]) -> Path:
    """Write a small SPI under ``root``; return its package folder."""
    package = root / "src" / "omnibase" / "protocols"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


PAGE = src('''
    """Pages."""
    from typing import Protocol
    class ProtocolPage[T](Protocol):
        """A page."""
    type Pair[T] = tuple[T, T]
    type Whole = list[int]
    ''')
USER = src('''
    """Uses the generics of another module, through a re-export."""
    from omnibase.protocols.types import Pair, ProtocolPage, Whole
    def f(a: ProtocolPage, b: "Pair", c: Whole) -> ProtocolPage[int]: ...
    ''')
TYPES_INIT = '"""Types."""\nfrom .pages import Pair, ProtocolPage, Whole\n'
#: The same re-export, lazy: type checkers (and the generics) read the imports
#: under TYPE_CHECKING.
LAZY_TYPES_INIT = (
    '"""Types."""\nfrom typing import TYPE_CHECKING\n'
    "if TYPE_CHECKING:\n    from .pages import Pair, ProtocolPage, Whole\n"
)


@pytest.mark.parametrize("init", [TYPES_INIT, LAZY_TYPES_INIT], ids=["eager", "lazy"])
@pytest.mark.parametrize("order", ["user first", "user last"])
def test_spi_generics_are_known_across_modules(
    tmp_path: Path, order: str, init: str
) -> None:
    package = spi_tree(
        tmp_path,
        {
            "__init__.py": '"""Root."""\n',
            "core/__init__.py": '"""Core."""\n',
            "core/user.py": USER,
            "types/__init__.py": init,
            "types/pages.py": PAGE,
        },
    )
    user = str(package / "core" / "user.py")
    paths = [user, str(package)] if order == "user first" else [str(package)]
    found, _ = check_paths(paths)
    bare = sorted({(d.path, d.line, d.col) for d in found if d.code == "SPI202"})
    assert bare == [(user, 3, 10), (user, 3, 27)]


def test_one_file_of_the_spi_still_knows_the_others(tmp_path: Path) -> None:
    package = spi_tree(
        tmp_path,
        {"core/user.py": USER, "types/__init__.py": TYPES_INIT, "types/pages.py": PAGE},
    )
    user = str(package / "core" / "user.py")
    found, checked = check_paths([user])
    assert checked == 1
    assert [(d.line, d.col) for d in found if d.code == "SPI202"] == [(3, 10), (3, 27)]
