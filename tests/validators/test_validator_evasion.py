"""Evasion corpus: ways to smuggle a forbidden import or Any into the SPI.

Each entry must be caught by the default run (import and Any rules, no
``--check-protocols``) with the expected code.
"""

import pytest

from scripts import ast_spi_validator as validator

PATH = "src/omnibase/protocols/core/sample.py"

CORPUS: list[tuple[str, str, str]] = [
    # -- forbidden imports, statically visible --------------------------------
    ("import-as", "import pydantic as p\n", "SPI101"),
    ("import-submodule", "import os.path\n", "SPI101"),
    ("import-after-allowed", "import typing, sys\n", "SPI101"),
    (
        "from-parenthesised",
        "from pydantic import (\n    BaseModel,\n    Field,\n)\n",
        "SPI101",
    ),
    ("from-continuation", "from omnibase.core \\\n    import Node\n", "SPI101"),
    ("future", "from __future__ import annotations\n", "SPI101"),
    ("typing-extensions", "from typing_extensions import Protocol\n", "SPI101"),
    ("collections-itself", "from collections import abc\n", "SPI101"),
    ("namespace-sibling", "from omnibase import model\n", "SPI101"),
    ("semicolon", '"""D."""; import os\n', "SPI101"),
    ("wildcard", "from typing import *\nx: Any\n", "SPI111"),
    # -- conditional, nested and relative imports -----------------------------
    (
        "try-except-importerror",
        "try:\n    import typing\nexcept ImportError:\n    typing = None\n",
        "SPI103",
    ),
    ("function-body", "def f():\n    import typing\n", "SPI103"),
    ("class-body", "class C:\n    import typing\n", "SPI103"),
    ("loop-body", "for _ in ():\n    import typing\n", "SPI103"),
    ("with-body", "with x:\n    import typing\n", "SPI103"),
    ("if-false", "if False:\n    import typing\n", "SPI103"),
    ("lambda-default", "f = lambda m=__import__('os'): m\n", "SPI106"),
    (
        "type-checking",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import os\n",
        "SPI104",
    ),
    (
        "type-checking-aliased",
        "import typing as t\nif t.TYPE_CHECKING:\n    from ..types import X\n",
        "SPI105",
    ),
    ("relative-climbs-out", "from ... import core\n", "SPI102"),
    ("relative-too-deep", "from ......x import y\n", "SPI102"),
    ("layering-via-relative", "from ..workflow_orchestration import X\n", "SPI112"),
    # -- dynamic imports and reflection ---------------------------------------
    ("dunder-import", '__import__("pydantic")\n', "SPI106"),
    ("dunder-import-alias", "imp = __import__\nimp('os')\n", "SPI106"),
    ("importlib", 'import importlib\nimportlib.import_module("pydantic")\n', "SPI106"),
    (
        "importlib-from",
        "from importlib import import_module as im\nim('os')\n",
        "SPI106",
    ),
    (
        "importlib-util",
        "import importlib.util\nimportlib.util.find_spec('os')\n",
        "SPI106",
    ),
    ("builtins-import", "import builtins\nbuiltins.__import__('os')\n", "SPI106"),
    ("builtins-dict", "__builtins__['__import__']('os')\n", "SPI106"),
    ("exec-string", 'exec("import os")\n', "SPI107"),
    ("eval-string", "eval(\"__import__('os')\")\n", "SPI107"),
    ("compile-string", "compile('import os', '<x>', 'exec')\n", "SPI107"),
    ("sys-modules", 'import sys\nsys.modules["pydantic"]\n', "SPI108"),
    ("sys-modules-from", "from sys import modules as m\nm['os']\n", "SPI108"),
    ("globals-builtins", 'globals()["__builtins__"]\n', "SPI109"),
    ("getattr-typing-any", 'import typing\nX = getattr(typing, "Any")\n', "SPI109"),
    ("module-dict", 'import typing\nX = typing.__dict__["Any"]\n', "SPI109"),
    ("vars-module", 'import typing\nX = vars(typing)["Any"]\n', "SPI109"),
    ("function-globals", "x = f.__globals__\n", "SPI109"),
    # -- Any in every spelling ------------------------------------------------
    ("any-import-as", "from typing import Any as A\n", "SPI201"),
    (
        "any-module-alias",
        "import typing as t\ndef f(x: t.Any) -> None: ...\n",
        "SPI201",
    ),
    ("any-alias", "from typing import Any\nX = Any\n", "SPI201"),
    ("any-typing-attr", "import typing\nX = typing.Any\n", "SPI201"),
    ("any-pep695-alias", "import typing\ntype X = typing.Any\n", "SPI201"),
    ("any-string", 'def f(x: "Any") -> None: ...\n', "SPI201"),
    ("any-nested-string", "def f(x: \"'Any'\") -> None: ...\n", "SPI201"),
    ("any-in-string-generic", 'def f(x: "dict[str, Any]") -> None: ...\n', "SPI201"),
    ("any-string-qualified", 'def f(x: "typing.Any") -> None: ...\n', "SPI201"),
    (
        "any-typevar-bound",
        "import typing\nclass P[T: typing.Any](Protocol): ...\n",
        "SPI201",
    ),
    (
        "any-default",
        "import typing\ndef f(x: object = typing.Any) -> None: ...\n",
        "SPI201",
    ),
    ("any-optional", "import typing\nX = typing.Optional[typing.Any]\n", "SPI201"),
    (
        "any-annotated",
        "import typing\nX = typing.Annotated[typing.Any, 'm']\n",
        "SPI201",
    ),
    ("any-typealias", "import typing\nX: typing.TypeAlias = typing.Any\n", "SPI201"),
    ("any-extensions", "import typing_extensions as te\nX = te.Any\n", "SPI201"),
    ("any-return", "import typing\ndef f() -> typing.Any: ...\n", "SPI201"),
    (
        "any-varargs",
        "import typing\ndef f(*a: typing.Any, **k: typing.Any) -> None: ...\n",
        "SPI201",
    ),
    (
        "any-property",
        "import typing\nclass P:\n"
        "    @property\n    def x(self) -> 'typing.Any': ...\n",
        "SPI201",
    ),
    # -- generics that mean Any -----------------------------------------------
    (
        "callable-ellipsis",
        "from collections.abc import Callable\nX = Callable[..., int]\n",
        "SPI203",
    ),
    (
        "callable-ellipsis-string",
        'def f(cb: "Callable[..., None]") -> None: ...\n',
        "SPI203",
    ),
    ("bare-dict", "def f(x: dict) -> None: ...\n", "SPI202"),
    ("bare-list-union", "def f(x: list | None) -> None: ...\n", "SPI202"),
    (
        "bare-typing-dict",
        "import typing\ndef f(x: typing.Dict) -> None: ...\n",
        "SPI202",
    ),
    ("bare-mapping-string", "def f(x: 'Mapping') -> None: ...\n", "SPI202"),
    (
        "bare-abc-callable",
        "import collections.abc\nX = collections.abc.Callable\n",
        "SPI202",
    ),
    ("bare-type", "def f(x: type) -> None: ...\n", "SPI202"),
    (
        "bare-in-subscript",
        "from collections.abc import Sequence\nX = Sequence[tuple]\n",
        "SPI202",
    ),
    (
        "bare-base",
        "from collections.abc import Iterable\nclass P(Protocol, Iterable): ...\n",
        "SPI202",
    ),
    ("bare-typevar-bound", "class P[T: dict](Protocol): ...\n", "SPI202"),
    # -- forbidden modules through annotations --------------------------------
    ("string-pydantic", 'def f(x: "pydantic.BaseModel") -> None: ...\n', "SPI110"),
    ("string-omnibase-core", 'def f(x: "omnibase.core.Node") -> None: ...\n', "SPI110"),
    ("string-in-union", 'def f(x: "int | os.PathLike[str]") -> None: ...\n', "SPI110"),
]


def test_corpus_is_large_and_unique() -> None:
    assert len(CORPUS) >= 25
    assert len({name for name, _, _ in CORPUS}) == len(CORPUS)
    assert len({source for _, source, _ in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize(
    ("source", "code"),
    [entry[1:] for entry in CORPUS],
    ids=[entry[0] for entry in CORPUS],
)
def test_evasion_is_caught(source: str, code: str) -> None:
    found = validator.check_source(source.encode(), PATH)
    assert code in {d.code for d in found}, found
