"""Evasion corpus: ways to smuggle a forbidden import, Any or code into the SPI.

Each entry must be caught by the default run (input, import, Any and
import-time rules, no ``--check-protocols``) with the expected code; each
legitimate form must pass it.
"""

import pytest

from scripts import spi_validator as validator
from tests.validators.rule_cases import GOOD_SPI

PATH = "src/omnibase/protocols/core/sample.py"
ERRORS = "src/omnibase/protocols/errors.py"
#: A domain package's __init__.py that re-exports lazily (the exception).
LAZY_INIT = GOOD_SPI / "core" / "__init__.py"
LAZY = LAZY_INIT.read_text(encoding="utf-8")
_TARGET = 'importlib.import_module(f"{__name__}.{_SUBMODULE_OF[name]}")'

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
    ("future-feature", "from __future__ import generator_stop\n", "SPI101"),
    (
        "future-late",
        '"""D."""\nimport typing\nfrom __future__ import annotations\n',
        "SPI113",
    ),
    ("future-module", "import __future__\n", "SPI101"),
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
    # -- Any without saying Any -------------------------------------------------
    ("unannotated-param", "def f(self, x) -> None: ...\n", "SPI205"),
    ("unannotated-return", "def f(x: int): ...\n", "SPI206"),
    ("bare-io", "import typing\ndef f(x: typing.IO) -> None: ...\n", "SPI202"),
    (
        "bare-spi-generic",
        "class ProtocolPage[T](Protocol): ...\ndef f(p: ProtocolPage) -> None: ...\n",
        "SPI202",
    ),
    (
        "typevar-bound-string",
        'import typing\nT = typing.TypeVar("T", bound="Any")\n',
        "SPI201",
    ),
    ("cast-string", 'import typing\nx = typing.cast("Any", 1)\n', "SPI201"),
    ("concatenated-annotation", 'def f(x: "An" + "y") -> None: ...\n', "SPI204"),
    ("formatted-annotation", 'def f(x: f"{A}") -> None: ...\n', "SPI204"),
    # -- code that runs at import -----------------------------------------------
    ("default-call", "def f(x: int = len('os')) -> None: ...\n", "SPI403"),
    (
        "default-builtins-chain",
        "def f(x: object = ().__class__.__base__.__subclasses__()) -> None: ...\n",
        "SPI403",
    ),
    (
        "default-walrus",
        "class P:\n    def f(self, x: int = (y := 1)) -> None: ...\n",
        "SPI404",
    ),
    (
        "class-decorator",
        "@__import__('functools').total_ordering\nclass P: ...\n",
        "SPI401",
    ),
    (
        "method-decorator",
        "class P:\n    @staticmethod\n    def f() -> None: ...\n",
        "SPI401",
    ),
    ("metaclass", "class P(metaclass=type('M', (type,), {})): ...\n", "SPI402"),
    ("class-kwargs", "class P(**{'metaclass': type}): ...\n", "SPI402"),
    ("annotation-call", "def f(x: print('hi')) -> None: ...\n", "SPI405"),
    ("base-call", "class P(type('B', (), {})): ...\n", "SPI405"),
    ("alias-call", "X = type('X', (), {})\n", "SPI405"),
    ("final-call", "from typing import Final\nX: Final = len('abc')\n", "SPI405"),
    ("class-body-call", "class P:\n    print('x')\n", "SPI406"),
    ("module-if", "if True:\n    X = 1\n", "SPI406"),
    ("module-with", "with x:\n    X = 1\n", "SPI406"),
    ("fstring-constant", "X = f'{print()}'\n", "SPI405"),
    ("lambda-alias", "X = lambda: __import__('os')\n", "SPI405"),
    ("comprehension", "X = [print(i) for i in ()]\n", "SPI405"),
    (
        "decorator-dynamic-import",
        '@__import__("abc").abstractmethod\ndef f(): ...\n',
        "SPI106",
    ),
    ("keyword-eval", "class P(Protocol, k=eval('1')): ...\n", "SPI107"),
    ("base-reflection", "class P(vars(typing)['Protocol']): ...\n", "SPI109"),
    # -- the lazy re-export hook anywhere but a package's __init__.py ------------
    (
        "lazy-hook-in-a-module",
        "def __getattr__(name: str) -> object:\n"
        "    if name not in _SUBMODULE_OF:\n"
        "        raise AttributeError(name)\n"
        "    import importlib\n\n"
        "    value: object = getattr(\n"
        '        importlib.import_module(f"{__name__}.{_SUBMODULE_OF[name]}"), name\n'
        "    )\n"
        "    return value\n",
        "SPI106",
    ),
    (
        "getattr-hook-import-module",
        "def __getattr__(name: str) -> object:\n"
        "    import importlib\n"
        "    return importlib.import_module(name)\n",
        "SPI106",
    ),
    (
        "getattr-hook-dunder-import",
        "def __getattr__(name: str) -> object:\n    return __import__(name)\n",
        "SPI106",
    ),
    # -- what a UTF-8 reading does not see ---------------------------------------
    (
        "utf-7",
        '# coding: utf-7\n"""D."""\nx = 1  # +AAo-import os\n',
        "SPI101",
    ),
]

#: Legitimate SPI code: nothing of the default run may fire.
LEGITIMATE: list[tuple[str, str]] = [
    ("future-annotations", '"""D."""\n\nfrom __future__ import annotations\n'),
    (
        "read-only-table",
        "from collections.abc import Mapping\n"
        "from types import MappingProxyType\n"
        "from typing import Final\n"
        "NEXT: Final[Mapping[str, tuple[str, ...]]] = MappingProxyType(\n"
        '    {"pending": ("running",), "running": ()}\n'
        ")\n",
    ),
    (
        "protocol",
        "from typing import Protocol, overload, runtime_checkable\n"
        "@runtime_checkable\n"
        "class ProtocolA[T](Protocol):\n"
        '    """D."""\n'
        "    @property\n"
        "    def x(self) -> T: ...\n"
        "    def f(self, a: int = 1, *, b: str | None = None) -> None: ...\n",
    ),
    (
        "error-class",
        "from typing import override\n"
        "class OopsError(Exception):\n"
        "    def __init__(self, x: int) -> None:\n"
        "        super().__init__(x)\n"
        "        self.x = x\n"
        "    @override\n"
        "    def __str__(self) -> str:\n"
        '        return f"oops {self.x}"\n',
    ),
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


@pytest.mark.parametrize(
    "source", [entry[1] for entry in LEGITIMATE], ids=[e[0] for e in LEGITIMATE]
)
def test_legitimate_code_passes(source: str) -> None:
    assert validator.check_source(source.encode(), ERRORS) == []


#: Imports hidden in a package's lazy re-export hook: each withdraws the
#: exception (SPI114) and is reported as it would be anywhere (the code).
PACKAGE_CORPUS: list[tuple[str, str, str]] = [
    (
        "hook-imports-os",
        LAZY.replace(_TARGET, 'importlib.import_module("os")'),
        "SPI106",
    ),
    (
        "hook-imports-a-sibling",
        LAZY.replace(_TARGET, 'importlib.import_module("omnibase.protocols.mcp")'),
        "SPI106",
    ),
    (
        "hook-dunder-import",
        LAZY.replace(_TARGET, '__import__(f"{__name__}.{_SUBMODULE_OF[name]}")'),
        "SPI106",
    ),
    (
        "hook-computed-target",
        LAZY.replace(_TARGET, 'importlib.import_module(f"{__name__}.{name}")'),
        "SPI106",
    ),
    (
        "hook-relative-target",
        LAZY.replace(_TARGET, 'importlib.import_module("..mcp", __name__)'),
        "SPI106",
    ),
    (
        "hook-importlib-util",
        LAZY.replace("    import importlib\n", "    import importlib.util\n"),
        "SPI101",
    ),
    (
        "hook-second-import",
        LAZY.replace("    import importlib\n", "    import importlib\n    import os\n"),
        "SPI101",
    ),
    (
        "hook-sys-modules",
        LAZY.replace(
            "    import importlib\n", "    import importlib\n    import sys\n"
        ).replace(_TARGET, 'sys.modules["os"]'),
        "SPI108",
    ),
    (
        "table-names-no-submodule",
        LAZY.replace(
            '"ProtocolReducer": "protocol_registry"', '"ProtocolReducer": "os"'
        ),
        "SPI114",
    ),
    (
        "table-climbs-out",
        LAZY.replace(
            '"ProtocolReducer": "protocol_registry"', '"ProtocolReducer": "..mcp"'
        ),
        "SPI114",
    ),
    (
        "type-checking-hides-an-import",
        LAZY.replace(
            "ProtocolReducer\n\n__all__", "ProtocolReducer\n    import os\n\n__all__"
        ),
        "SPI114",
    ),
    (
        "getattr-rebound",
        LAZY + "\n\ngetattr = print\n",
        "SPI114",
    ),
]


def test_package_corpus_changes_the_shape() -> None:
    assert len({source for _, source, _ in PACKAGE_CORPUS}) == len(PACKAGE_CORPUS)
    assert all(source != LAZY for _, source, _ in PACKAGE_CORPUS)


@pytest.mark.parametrize(
    ("source", "code"),
    [entry[1:] for entry in PACKAGE_CORPUS],
    ids=[entry[0] for entry in PACKAGE_CORPUS],
)
def test_evasion_in_a_lazy_package_is_caught(source: str, code: str) -> None:
    found = {d.code for d in validator.check_source(source.encode(), str(LAZY_INIT))}
    assert {"SPI114", code} <= found, found


def test_the_lazy_re_export_passes_only_in_a_package() -> None:
    assert validator.check_source(LAZY.encode(), str(LAZY_INIT)) == []
    found = {d.code for d in validator.check_source(LAZY.encode(), PATH)}
    assert {"SPI103", "SPI106", "SPI109"} <= found
