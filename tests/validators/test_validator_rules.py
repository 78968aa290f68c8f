"""Every rule of scripts/ast_spi_validator.py: a failing and a passing source.

Each case gives a source that breaks the rule, the exact 1-based (line, col)
of every diagnostic of that code, and a near miss that must not trigger it.
Contract rules (SPI3xx) run with ``protocols=True``; the others in the
default mode, which must not report contract rules.
"""

from dataclasses import dataclass
from pathlib import Path
from textwrap import dedent

import pytest

from scripts import ast_spi_validator as validator

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORE = "src/omnibase/protocols/core/sample.py"
TYPES = "src/omnibase/protocols/types/sample.py"
ERRORS = "src/omnibase/protocols/errors.py"
PROTOCOL_HEAD = '"""D."""\n\nfrom typing import Protocol, runtime_checkable\n'


@dataclass(frozen=True)
class Case:
    """A rule, a source that breaks it (with locations) and a near miss."""

    code: str
    bad: str | bytes
    where: tuple[tuple[int, int], ...]
    good: str | bytes
    path: str = CORE


def src(text: str) -> str:
    """Dedent a source written inside the table."""
    return dedent(text).lstrip("\n")


CASES = [
    Case("SPI001", '"""D."""\nx = (\n', ((2, 5),), '"""D."""\nx = ()\n'),
    Case("SPI002", b'"""D."""\nx = 1\x00\n', ((2, 6),), b'"""D."""\n'),
    Case("SPI003", b'"""D."""\nx = "\xff"\n', ((2, 6),), '"""D."""\nx = "\u00e9"\n'),
    Case("SPI004", b'\xef\xbb\xbf"""D."""\n', ((1, 1),), '"""D."""\n'),
    Case("SPI005", b" \n\n", ((1, 1),), '"""D."""\n'),
    Case(
        "SPI006",
        "x = " + "-" * 100_000 + "1\n",
        ((1, 1),),
        "x = " + " + ".join(["1"] * 1_500) + "\n",
    ),
    Case(
        "SPI101",
        src('''
            """D."""
            import typing
            import uuid, os.path
            from pydantic import (
                BaseModel,
            )
            from __future__ import annotations
            from collections import OrderedDict
            '''),
        ((3, 14), (4, 1), (7, 1), (8, 1)),
        src('''
            """D."""
            import collections.abc
            import typing as t
            from datetime import datetime
            from enum import Enum
            from uuid import UUID
            from omnibase.protocols.types import JsonValue
            '''),
    ),
    Case(
        "SPI102",
        '"""D."""\nfrom ... import x\nfrom .... import y\nfrom ...core import z\n',
        ((2, 1), (3, 1), (4, 1)),
        '"""D."""\nfrom .. import types\nfrom ..types import X\nfrom . import other\n',
    ),
    Case(
        "SPI103",
        src('''
            """D."""
            try:
                import typing
            except ImportError:
                pass
            def f():
                import uuid
            with x:
                import enum
            '''),
        ((3, 5), (7, 5), (9, 5)),
        '"""D."""\nimport typing\nimport uuid\n',
    ),
    Case(
        "SPI104",
        src('''
            """D."""
            import typing as t
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                pass
            if not t.TYPE_CHECKING:
                pass
            '''),
        ((4, 1), (6, 1)),
        '"""D."""\nif __debug__:\n    pass\n',
    ),
    Case(
        "SPI105",
        src('''
            """D."""
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from omnibase.protocols.types import X
                from ..types import Y
                import uuid
            '''),
        ((4, 5), (5, 5)),
        '"""D."""\nfrom omnibase.protocols.types import X\nfrom ..types import Y\n',
    ),
    Case(
        "SPI106",
        src("""
            __import__("pydantic")
            import importlib
            importlib.import_module("os")
            from importlib import util as u
            u.find_spec("os")
            __builtins__["__import__"]
            """),
        ((1, 1), (3, 1), (5, 1), (6, 1)),
        '"""D."""\nregistry.import_module("x")\nutil.find_spec("x")\n',
    ),
    Case(
        "SPI107",
        'exec("import os")\neval("1")\ncompile("1", "f", "eval")\n',
        ((1, 1), (2, 1), (3, 1)),
        '"""D."""\nrunner.exec("x")\nrunner.compile()\n',
    ),
    Case(
        "SPI108",
        "import sys\nsys.modules['x']\nfrom sys import modules\n"
        "import sys as s\ns.modules\n",
        ((2, 1), (3, 17), (5, 1)),
        '"""D."""\nregistry.modules\n',
    ),
    Case(
        "SPI109",
        "globals()['x']\ngetattr(typing, 'Any')\ntyping.__dict__\nvars(typing)\n",
        ((1, 1), (2, 1), (3, 1), (4, 1)),
        '"""D."""\nregistry.get("x")\nregistry.dict\n',
    ),
    Case(
        "SPI110",
        src("""
            def f(a: "pydantic.BaseModel", b: "list[omnibase.core.Node]") -> None: ...
            def g(c: "collections.OrderedDict[str, int]") -> None: ...
            """),
        ((1, 10), (1, 35), (2, 10)),
        src("""
            import typing
            class ProtocolA: ...
            def f(a: "uuid.UUID", b: "omnibase.protocols.types.X") -> None: ...
            def g(c: "collections.abc.Sequence[int]", d: typing.Sequence[int]) -> None:
                ...
            def h(e: "ProtocolA.Nested") -> None: ...
            """),
    ),
    Case(
        "SPI111",
        '"""D."""\nfrom typing import *\n',
        ((2, 20),),
        '"""D."""\nfrom typing import Protocol\n',
    ),
    Case(
        "SPI112",
        src("""
            from omnibase.protocols.core import X
            import omnibase.protocols.workflow_orchestration.flow
            from ..mcp import tools
            from omnibase.protocols import event_bus
            """),
        ((1, 1), (2, 8), (3, 1), (4, 32)),
        src("""
            from omnibase.protocols.types.other import Y
            from . import other
            import omnibase.protocols
            """),
        path=TYPES,
    ),
    Case(
        "SPI201",
        src('''
            """D."""
            import typing
            from typing import Any as A
            X = typing.Any
            def f(a: A) -> "Any": ...
            type Y = list[typing_extensions.Any]
            '''),
        ((3, 20), (4, 5), (5, 10), (5, 16), (6, 15)),
        '"""D."""\nMyAny = int\ndef f(a: "Anything") -> object: ...\n',
    ),
    Case(
        "SPI202",
        src("""
            import typing
            from collections.abc import Mapping
            def f(a: dict, b: list | None, c: "Mapping", d: typing.List) -> tuple: ...
            X = type
            class ProtocolA(Protocol, Iterable): ...
            """),
        ((3, 10), (3, 19), (3, 35), (3, 49), (3, 65), (4, 5), (5, 27)),
        src("""
            from collections.abc import Mapping
            def f(a: dict[str, int], b: tuple[()], c: tuple[int, ...]) -> None: ...
            def g(d: type[int], e: Mapping[str, int], f: "list[int]") -> None: ...
            y = isinstance(x, dict)
            def h(x=dict) -> None: ...
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
            __all__ = ["A", "B", "C", "D", "E"]
            A: Final = len("x")
            B: Final[int] = A
            C: Final
            D: Final = f"{A}"
            E: Final = [i for i in ()]
            '''),
        ((4, 12), (5, 17), (6, 1), (7, 12), (8, 12)),
        src('''
            """D."""
            from typing import Final
            __all__ = ["A", "B", "C"]
            A: Final = -1
            B: Final[tuple[str, ...]] = ("a", "b")
            C: Final = {"k": [1, 2.5, None, b"x", True], "s": {1, 2}}
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
        (FIXTURES / "good_spi/src/omnibase/protocols/errors.py").read_text(),
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
        (FIXTURES / "good_spi/src/omnibase/protocols/errors.py").read_text(),
        path=ERRORS,
    ),
]


def locations(source: str | bytes, path: str, code: str) -> list[tuple[int, int]]:
    """Check ``source`` in the mode ``code`` belongs to; return where it fired."""
    data = source.encode() if isinstance(source, str) else source
    protocols = validator.RULES[code].group == "protocol"
    found = validator.check_source(data, path, protocols=protocols)
    return sorted((d.line, d.col) for d in found if d.code == code)


def test_every_rule_has_a_case() -> None:
    input_rules = {c for c, r in validator.RULES.items() if r.group == "io"}
    assert {case.code for case in CASES} == set(validator.RULES) - input_rules


@pytest.mark.parametrize("case", CASES, ids=[case.code for case in CASES])
def test_rule_fires_where_expected(case: Case) -> None:
    assert locations(case.bad, case.path, case.code) == sorted(case.where)


@pytest.mark.parametrize("case", CASES, ids=[case.code for case in CASES])
def test_rule_passes_near_miss(case: Case) -> None:
    assert locations(case.good, case.path, case.code) == []


@pytest.mark.parametrize(
    "case",
    [case for case in CASES if validator.RULES[case.code].group == "protocol"],
    ids=lambda case: case.code,
)
def test_contract_rules_only_with_check_protocols(case: Case) -> None:
    data = case.bad.encode() if isinstance(case.bad, str) else case.bad
    found = validator.check_source(data, case.path)
    assert not [d for d in found if validator.RULES[d.code].group == "protocol"]


def test_good_fixture_tree_is_clean() -> None:
    found, checked = validator.check_paths(
        [str(FIXTURES / "good_spi/src/omnibase/protocols")], protocols=True
    )
    assert checked == 12
    assert found == []


@pytest.mark.parametrize(
    ("importer", "line", "allowed"),
    [
        ("protocols/__init__.py", "from omnibase.protocols import types", False),
        ("protocols/__init__.py", "from . import core", False),
        ("protocols/__init__.py", "import omnibase.protocols.errors", False),
        ("protocols/__init__.py", "from typing import Final", True),
        ("protocols/errors.py", "from omnibase.protocols.types import X", True),
        ("protocols/types/a.py", "from ..errors import E", False),
        ("protocols/types/a.py", "from .b import X", True),
        ("protocols/core/a.py", "from ..types import X", True),
        ("protocols/core/a.py", "from ..mcp import X", False),
        ("protocols/mcp/a.py", "from ..event_bus import X", False),
        ("protocols/mcp/a.py", "from ..container.b import X", False),
        ("protocols/container/a.py", "from omnibase.protocols.mcp import X", False),
        ("protocols/event_bus/a.py", "from ..core import X", True),
        ("protocols/workflow_orchestration/a.py", "from ..mcp import X", True),
        ("protocols/workflow_orchestration/a.py", "from .. import event_bus", True),
        (
            "protocols/types/a.py",
            "from omnibase.protocols import workflow_orchestration",
            False,
        ),
        ("protocols/newdomain/a.py", "from ..core import X", True),
    ],
)
def test_layering(importer: str, line: str, allowed: bool) -> None:
    found = validator.check_source(f"{line}\n".encode(), f"src/omnibase/{importer}")
    assert ("SPI112" not in {d.code for d in found}) is allowed


@pytest.mark.parametrize(
    ("path", "module", "is_package"),
    [
        ("/x/src/omnibase/protocols/core/a.py", "omnibase.protocols.core.a", False),
        ("/x/src/omnibase/protocols/__init__.py", "omnibase.protocols", True),
        ("/x/y/omnibase/protocols/mcp/__init__.py", "omnibase.protocols.mcp", True),
        ("/x/src/omnibase/spi_conformance/k.py", "omnibase.spi_conformance.k", False),
        ("/x/src/pkg/mod.py", "pkg.mod", False),
        ("/tmp/loose/file.py", "omnibase.protocols.file", False),
        (
            "/omnibase/protocols/src/omnibase/protocols/errors.py",
            "omnibase.protocols.errors",
            False,
        ),
    ],
)
def test_module_name_for(path: str, module: str, is_package: bool) -> None:
    assert validator.module_name_for(path) == (module, is_package)


def test_columns_count_characters_not_bytes() -> None:
    source = '"""D."""\nx = "\u00e9\u00e9"; import os\n'
    found = validator.check_source(source.encode(), CORE)
    assert [(d.code, d.line, d.col) for d in found] == [("SPI101", 2, 18)]


def test_diagnostic_text_format() -> None:
    (found,) = validator.check_source(b"import os\n", CORE)
    assert str(found).startswith(f"{CORE}:1:8: SPI101 `os` is outside the allow-list")
