"""Import rules (SPI1xx): a failing and a passing source for each."""

import pytest

from scripts.spi_validator import check_source, imports
from scripts.spi_validator.layers import layering
from tests.validators.rule_cases import (
    GOOD_SPI,
    TYPES,
    Case,
    locations,
    src,
    uncovered,
)

#: A domain package that re-exports lazily (the clean tree's ``core``).
LAZY_INIT = GOOD_SPI / "core" / "__init__.py"
LAZY = LAZY_INIT.read_text(encoding="utf-8")

CASES = [
    Case(
        "SPI101",
        src('''
            from __future__ import generator_stop
            """D."""
            import typing
            import uuid, os.path
            from pydantic import (
                BaseModel,
            )
            import __future__
            from collections import OrderedDict
            '''),
        ((1, 24), (4, 14), (5, 1), (8, 8), (9, 1)),
        src('''
            """D."""
            from __future__ import annotations
            import collections.abc
            import typing as t
            from datetime import datetime
            from enum import Enum
            from types import MappingProxyType
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
            def h(e: "ProtocolA.Nested", f: "types.MappingProxyType[str, int]") -> None:
                ...
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
            from ..errors import SampleError
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
        "SPI113",
        src('''
            """D."""
            import typing
            from __future__ import annotations
            def f() -> None:
                from __future__ import annotations
            '''),
        ((3, 1), (5, 5)),
        src('''
            """D."""
            from __future__ import annotations
            from __future__ import annotations
            import typing
            '''),
    ),
    Case(
        "SPI114",
        LAZY.replace(
            'importlib.import_module(f"{__name__}.{_SUBMODULE_OF[name]}")',
            'importlib.import_module(f"{__name__}.{name}")',
        ).replace(
            '"ProtocolReducer": "protocol_registry"', '"ProtocolReducer": "gone"'
        ),
        ((6, 58), (12, 24), (17, 1)),
        LAZY,
        path=str(LAZY_INIT),
    ),
]


def test_every_import_rule_has_a_case() -> None:
    assert uncovered(CASES, imports.RULES) == set()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_fires_where_expected(case: Case) -> None:
    assert locations(case.bad, case.path, case.code) == sorted(case.where)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_rule_passes_near_miss(case: Case) -> None:
    assert locations(case.good, case.path, case.code) == []


def test_future_annotations_is_not_an_import() -> None:
    source = (
        '"""D."""\n\nfrom __future__ import annotations\n\n__all__: list[str] = []\n'
    )
    found = check_source(source.encode(), TYPES)
    assert [d for d in found if d.code.startswith("SPI1")] == []


def test_the_allow_list_is_the_documented_one() -> None:
    assert set(imports.ALLOWED_MODULES) == {
        "typing",
        "collections.abc",
        "types",
        "uuid",
        "datetime",
        "enum",
    }


@pytest.mark.parametrize(
    ("importer", "line", "allowed"),
    [
        ("protocols/__init__.py", "from omnibase.protocols import types", False),
        ("protocols/__init__.py", "from . import core", False),
        ("protocols/__init__.py", "import omnibase.protocols.errors", False),
        ("protocols/__init__.py", "from typing import Final", True),
        ("protocols/errors.py", "from omnibase.protocols.types import X", True),
        ("protocols/errors.py", "from omnibase.protocols.core import X", False),
        ("protocols/types/a.py", "from ..errors import E", False),
        ("protocols/types/a.py", "from omnibase.protocols import errors", False),
        ("protocols/types/a.py", "from .b import X", True),
        ("protocols/core/a.py", "from ..types import X", True),
        ("protocols/core/a.py", "from ..errors import X", True),
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
    found = check_source(f"{line}\n".encode(), f"src/omnibase/{importer}")
    assert ("SPI112" not in {d.code for d in found}) is allowed


def test_layering_message_states_the_declared_order() -> None:
    found = check_source(b"from ..errors import E\n", TYPES)
    (message,) = [d.message for d in found if d.code == "SPI112"]
    assert message.endswith(f"(layers: {layering().text()})")
