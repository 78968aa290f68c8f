"""The lazy re-export exception (SPI114): exactly one shape, nothing hidden in it.

A domain package's ``__init__.py`` may re-export its submodules lazily with
the PEP 562 hook of :mod:`scripts.spi_validator.lazy`. The passing fixture is
the clean tree's ``core/__init__.py``; each failing fixture changes one thing
in it (another import target, ``__import__``, a computed target, a submodule
that does not exist, the same code outside ``__init__.py``, ...). Each must be
reported: SPI114 where the shape differs, and every usual finding of the code
it hides (the exemption is all or nothing). Each case also has its own near
miss that passes.
"""

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import override

import pytest

from scripts import spi_validator as validator
from scripts.spi_validator import lazy
from scripts.spi_validator.checker import examine_file, lazy_import_line
from tests.validators.rule_cases import GOOD_SPI

INIT = GOOD_SPI / "core" / "__init__.py"
GOOD = INIT.read_text(encoding="utf-8")
HOOK_LINES = (GOOD.index("def __getattr__"), GOOD.index("\n\n\ndef __dir__"))
#: The hook as a package writes it (no docstring), to paste elsewhere.
HOOK = GOOD[HOOK_LINES[0] : HOOK_LINES[1]] + "\n"
TARGET = 'importlib.import_module(f"{__name__}.{_SUBMODULE_OF[name]}")'
#: What the accepted shape is reported as when it is not accepted: the hook's
#: import (SPI101, SPI103), its importlib and getattr (SPI106, SPI109), the
#: TYPE_CHECKING block and its imports (SPI104, SPI105), the hooks (SPI301).
WITHDRAWN = frozenset(
    {"SPI101", "SPI103", "SPI104", "SPI105", "SPI106", "SPI109", "SPI301"}
)


def edit(old: str, new: str, source: str = GOOD) -> str:
    """Replace one occurrence of ``old`` in ``source``."""
    assert source.count(old) == 1, old
    return source.replace(old, new)


@dataclass(frozen=True)
class LazyCase:
    """A failing fixture, the codes it gets beyond (or without) WITHDRAWN, a near miss.

    Every finding of a failing fixture is the exemption withdrawn
    (:data:`WITHDRAWN`), plus ``extra`` (SPI114 where the shape differs, and
    what the change itself breaks), less ``absent`` (what the change removed).
    """

    name: str
    bad: str
    extra: frozenset[str]
    good: str = GOOD
    path: Path = INIT
    absent: frozenset[str] = frozenset()

    @property
    def codes(self) -> frozenset[str]:
        """Every code the failing fixture must get, and no other."""
        return (WITHDRAWN | self.extra) - self.absent

    @override
    def __str__(self) -> str:
        return self.name


def codes(source: str, path: Path) -> set[str]:
    """The codes of every finding, contract rules included."""
    found = validator.check_source(source.encode(), str(path), protocols=True)
    return {d.code for d in found}


CASES = [
    LazyCase(
        "another-module",
        edit(TARGET, 'importlib.import_module("os")'),
        frozenset({"SPI114"}),
        edit(TARGET, TARGET),
    ),
    LazyCase(
        "dunder-import",
        edit(TARGET, '__import__(f"{__name__}.{_SUBMODULE_OF[name]}", fromlist=["x"])'),
        frozenset({"SPI114"}),
    ),
    LazyCase(
        "importlib-from-import",
        edit(
            "    import importlib\n",
            "    from importlib import import_module as importlib_import\n",
            edit(TARGET, 'importlib_import(f"{__name__}.{_SUBMODULE_OF[name]}")'),
        ),
        frozenset({"SPI114"}),
    ),
    LazyCase(
        "computed-target",
        edit(TARGET, 'importlib.import_module(f"{__name__}.{name}")'),
        frozenset({"SPI114"}),
    ),
    LazyCase(
        "another-package",
        edit(TARGET, 'importlib.import_module(f"omnibase.core.{_SUBMODULE_OF[name]}")'),
        frozenset({"SPI114"}),
    ),
    LazyCase(
        "unchecked-name",
        edit(
            "    if name not in _SUBMODULE_OF:\n"
            '        raise AttributeError(f"module {__name__!r} has no attribute '
            '{name!r}")\n',
            "",
        ),
        frozenset({"SPI114"}),
    ),
    LazyCase(
        "code-in-the-message",
        edit('{name!r}")', "{__import__('os')}\")"),
        frozenset({"SPI114"}),
    ),
    LazyCase(
        "code-after-the-docstring",
        edit(
            '    """Import the submodule that defines ``name`` on first use."""\n',
            '    """Import the submodule that defines ``name`` on first use."""'
            "; import os\n",
        ),
        frozenset({"SPI114"}),
        edit(  # comments anywhere in the hook are fine
            "    value: object = getattr(\n",
            "    value: object = getattr(  # the defining module's object\n"
            "        # imported on first use\n",
        ),
    ),
    LazyCase(
        "hash-in-a-string",
        edit('{name!r}")', '{name!r}#")'),
        frozenset({"SPI114"}),
        edit('{name!r}")\n', '{name!r}")  # "#\n'),
    ),
    LazyCase(
        "extra-import-in-hook",
        edit("    import importlib\n", "    import importlib\n    import os\n"),
        frozenset({"SPI114"}),
    ),
    LazyCase(
        "missing-submodule",
        edit(
            '"ProtocolReducer": "protocol_registry"',
            '"ProtocolReducer": "protocol_gone"',
            edit(
                "    from .protocol_registry import ProtocolNodeRegistry, "
                "ProtocolReducer\n",
                "    from .protocol_registry import ProtocolNodeRegistry\n"
                "    from .protocol_gone import ProtocolReducer\n",
            ),
        ),
        frozenset({"SPI114"}),
    ),
    LazyCase(
        "submodule-path",
        edit('"ProtocolReducer": "protocol_registry"', '"ProtocolReducer": "..types"'),
        frozenset({"SPI114"}),
    ),
    LazyCase(
        "table-mutated",
        edit(
            "__all__ = [",
            '_SUBMODULE_OF["ProtocolReducer"] = "protocol_registry"\n__all__ = [',
        ),
        frozenset({"SPI114", "SPI406"}),
    ),
    LazyCase(
        "table-reassigned",
        edit("\n\ndef __getattr__", "\n_SUBMODULE_OF: Final = {}\n\ndef __getattr__"),
        frozenset({"SPI114"}),
    ),
    LazyCase(
        "table-not-literal",
        edit(
            '"ProtocolReducer": "protocol_registry",\n}',
            '"ProtocolReducer": "protocol_registry",\n}.copy()',
        ),
        frozenset({"SPI114", "SPI302", "SPI405"}),
    ),
    LazyCase(
        "getattr-shadowed",
        edit(
            "from typing import TYPE_CHECKING, Final\n",
            "from typing import TYPE_CHECKING, Final\n"
            "from typing import cast as getattr\n",
        ),
        frozenset({"SPI114"}),
        edit(
            "from typing import TYPE_CHECKING, Final\n",
            "from typing import TYPE_CHECKING, Final\nfrom typing import cast\n",
        ),
    ),
    LazyCase(
        "importlib-at-module-level",
        edit(
            "from typing import TYPE_CHECKING, Final\n",
            "import importlib\nfrom typing import TYPE_CHECKING, Final\n",
        ),
        frozenset({"SPI114"}),
    ),
    LazyCase(
        "another-function",
        GOOD + "\n\ndef load(name: str) -> object:\n    return __getattr__(name)\n",
        frozenset({"SPI114"}),
        GOOD[: GOOD.index("\n\n\ndef __dir__")] + "\n",  # __dir__ is optional
    ),
    LazyCase(
        "import-in-dir",
        edit(
            "    return list(__all__)\n", "    import os\n\n    return list(__all__)\n"
        ),
        frozenset({"SPI114"}),
    ),
    LazyCase(
        "no-type-checking-block",
        edit(
            "if TYPE_CHECKING:\n    from .protocol_registry import "
            "ProtocolNodeRegistry, ProtocolReducer\n",
            "",
            edit("from typing import TYPE_CHECKING, Final", "from typing import Final"),
        ),
        frozenset({"SPI114", "SPI305"}),
        absent=frozenset({"SPI104", "SPI105"}),
    ),
    LazyCase(
        "type-checking-imports-another-module",
        edit(
            "ProtocolReducer\n\n__all__",
            "ProtocolReducer\n    import uuid\n\n__all__",
        ),
        frozenset({"SPI114"}),
        edit(
            "    from .protocol_registry import",
            "    from omnibase.protocols.core.protocol_registry import",
        ),
    ),
    LazyCase(
        "type-checking-name-missing",
        edit(
            "import ProtocolNodeRegistry, ProtocolReducer",
            "import ProtocolNodeRegistry",
        ),
        frozenset({"SPI114", "SPI305"}),
    ),
    LazyCase(
        "type-checking-else",
        edit(
            "ProtocolReducer\n\n__all__",
            "ProtocolReducer\nelse:\n    import os\n\n__all__",
        ),
        frozenset({"SPI114"}),
    ),
    LazyCase(
        "same-code-outside-init",
        GOOD,
        frozenset({"SPI305"}),
        path=INIT.with_name("protocol_lazy.py"),
    ),
    LazyCase(
        "root-package",
        GOOD,
        frozenset({"SPI114", "SPI112", "SPI305"}),
        path=INIT.parent.parent / "__init__.py",
    ),
]


def test_the_cases_are_distinct() -> None:
    assert len({case.name for case in CASES}) == len(CASES)
    assert len({(case.bad, case.path) for case in CASES}) == len(CASES)


def test_the_passing_fixture_is_clean() -> None:
    assert codes(GOOD, INIT) == set()


@pytest.mark.parametrize("case", CASES, ids=str)
def test_failing_fixture_is_reported(case: LazyCase) -> None:
    assert codes(case.bad, case.path) == case.codes


@pytest.mark.parametrize("case", CASES, ids=str)
def test_near_miss_passes(case: LazyCase) -> None:
    assert codes(case.good, INIT) == set()


def test_spi114_says_what_differs() -> None:
    found = validator.check_source(
        edit(TARGET, 'importlib.import_module("os")').encode(), str(INIT)
    )
    (finding,) = [d for d in found if d.code == "SPI114"]
    assert (finding.line, finding.col) == (17, 1)
    assert "line 23 differs from `value: object = getattr(" in finding.message


def test_a_missing_submodule_is_named() -> None:
    source = edit('"ProtocolReducer": "protocol_registry"', '"ProtocolReducer": "gone"')
    found = validator.check_source(source.encode(), str(INIT))
    messages = [d.message for d in found if d.code == "SPI114"]
    assert any(
        "`gone`, which is not a module of omnibase.protocols.core" in m
        for m in messages
    )


def test_the_exemption_lists_each_node_and_code() -> None:
    """Exactly the hook's import, its three names, the block, its import, the hooks."""
    found = examine_file(str(INIT))
    assert found is not None
    assert found.problems == []
    assert sorted(code for codes in found.exempt.values() for code in codes) == [
        "SPI101",
        "SPI103",
        "SPI104",
        "SPI105",
        "SPI106",
        "SPI109",
        "SPI109",
        "SPI301",
        "SPI301",
    ]
    assert found.import_line == GOOD.splitlines().index("    import importlib") + 1
    assert set(found.reexports) == {"ProtocolNodeRegistry", "ProtocolReducer"}
    assert lazy_import_line(str(INIT)) == found.import_line


def test_no_exemption_without_the_shape(tmp_path: Path) -> None:
    package = tmp_path / "src" / "omnibase" / "protocols" / "core"
    package.mkdir(parents=True)
    (package / "protocol_registry.py").write_text('"""R."""\n', encoding="utf-8")
    init = package / "__init__.py"
    init.write_text(edit(TARGET, 'importlib.import_module("os")'), encoding="utf-8")
    found = examine_file(str(init))
    assert found is not None
    assert found.problems
    assert lazy_import_line(str(init)) is None
    init.write_text(GOOD, encoding="utf-8")
    assert lazy_import_line(str(init)) is not None
    (package / "protocol_registry.py").unlink()
    assert lazy_import_line(str(init)) is None  # the submodule is gone
    assert examine_file(str(package / "missing.py")) is None


def test_the_real_packages_use_the_shape() -> None:
    """Every domain package of the SPI is lazy, with the exact hook."""
    spi = Path(__file__).resolve().parents[2] / "src" / "omnibase" / "protocols"
    packages = sorted(spi.glob("*/__init__.py"))
    assert [p.parent.name for p in packages] == [
        "container",
        "core",
        "event_bus",
        "mcp",
        "types",
        "workflow_orchestration",
    ]
    for init in packages:
        found = examine_file(str(init))
        assert found is not None, init
        assert found.problems == [], init
        assert found.import_line is not None, init
    assert lazy.TABLE == "_SUBMODULE_OF"


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_text_fast_path_never_accepts_other_code(case: LazyCase) -> None:
    """Where the text of the hook reads as the template, so does its tree."""
    template = lazy.GETATTR_NODE.body
    for source in (case.bad, case.good):
        for hook in ast.parse(source).body:
            if not (isinstance(hook, ast.FunctionDef) and hook.name == "__getattr__"):
                continue
            body = lazy.body_of(hook)
            textual = lazy.same_text(body, template, source.splitlines())
            structural = lazy.shape(body) == lazy.shape(template)
            assert structural or not textual, case
