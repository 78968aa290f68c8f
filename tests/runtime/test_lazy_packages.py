"""The domain packages re-export lazily (PEP 562) without changing what users see.

``from omnibase.protocols.<domain> import X`` gives the very object the
defining module holds, and loads that module (and what it imports) only.
Each package keeps ``__all__``; ``dir()`` lists every export before any is
loaded; an unknown name raises ``AttributeError`` naming the package, as for
any module; ``from <domain> import <submodule>`` still imports the submodule.
"""

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import omnibase.protocols

SRC = Path(omnibase.protocols.__file__).resolve().parents[2]
DOMAINS = [
    "omnibase.protocols.container",
    "omnibase.protocols.core",
    "omnibase.protocols.event_bus",
    "omnibase.protocols.mcp",
    "omnibase.protocols.types",
    "omnibase.protocols.workflow_orchestration",
]
EXPORTS = [
    (domain, name)
    for domain in DOMAINS
    for name in importlib.import_module(domain).__all__
]


def _package(domain: str) -> ModuleType:
    return importlib.import_module(domain)


def _defining_module(domain: str, name: str) -> ModuleType:
    table: dict[str, str] = _package(domain)._SUBMODULE_OF
    return importlib.import_module(f"{domain}.{table[name]}")


def test_every_domain_package_is_lazy() -> None:
    found = sorted(
        m.name
        for m in __import__("pkgutil").iter_modules(omnibase.protocols.__path__)
        if m.ispkg
    )
    assert [f"omnibase.protocols.{name}" for name in found] == DOMAINS
    assert len(EXPORTS) > 90


@pytest.mark.parametrize(("domain", "name"), EXPORTS, ids="{0[1]}".format)
def test_export_is_the_defining_modules_object(domain: str, name: str) -> None:
    package = _package(domain)
    value = getattr(package, name)
    module = _defining_module(domain, name)
    assert value is getattr(module, name)
    # Cached: later lookups find the name without calling __getattr__ again.
    assert vars(package)[name] is value
    assert name in module.__all__
    namespace: dict[str, object] = {}
    exec(f"from {domain} import {name} as imported", namespace)
    assert namespace["imported"] is value
    owner = getattr(value, "__module__", None)
    if isinstance(value, type):
        assert owner == module.__name__


@pytest.mark.parametrize("domain", DOMAINS)
def test_dir_lists_every_export(domain: str) -> None:
    package = _package(domain)
    assert set(package.__all__) <= set(dir(package))
    assert sorted(dir(package)) == sorted(package.__all__)


@pytest.mark.parametrize("domain", DOMAINS)
def test_unknown_name_raises_attribute_error_naming_the_package(domain: str) -> None:
    package, unknown = _package(domain), "Nope"
    message = rf"^module '{domain}' has no attribute 'Nope'$"
    with pytest.raises(AttributeError, match=message):
        getattr(package, unknown)
    with pytest.raises(
        ImportError, match=rf"cannot import name 'Nope' from '{domain}'"
    ):
        exec(f"from {domain} import Nope", {})
    # A name that is neither an export nor a submodule is not found either.
    assert not hasattr(package, "protocol_nope")


def test_star_import_gives_every_export() -> None:
    for domain in DOMAINS:
        namespace: dict[str, object] = {}
        exec(f"from {domain} import *", namespace)
        assert set(namespace) - {"__builtins__"} == set(_package(domain).__all__)


def test_submodules_still_import_from_their_package() -> None:
    namespace: dict[str, object] = {}
    exec("from omnibase.protocols.core import protocol_lifecycle", namespace)
    module = namespace["protocol_lifecycle"]
    assert isinstance(module, ModuleType)
    assert module.__name__ == "omnibase.protocols.core.protocol_lifecycle"


_PROBE = """
import json, sys
sys.path.insert(0, {src!r})
before = set(sys.modules)
{statement}
print(json.dumps(sorted(m for m in set(sys.modules) - before
                        if m.startswith("omnibase"))))
"""


def _loaded(statement: str) -> list[str]:
    """SPI modules a fresh interpreter loads for ``statement``."""
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",
            "-c",
            _PROBE.format(src=str(SRC), statement=statement),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: list[str] = json.loads(result.stdout)
    return loaded


def test_one_contract_loads_its_module_only() -> None:
    assert _loaded(
        "from omnibase.protocols.container import ProtocolServiceRegistry"
    ) == [
        "omnibase",
        "omnibase.protocols",
        "omnibase.protocols.container",
        "omnibase.protocols.container.protocol_service_registry",
    ]


def test_importing_a_package_loads_none_of_its_modules() -> None:
    assert _loaded("import omnibase.protocols.types") == [
        "omnibase",
        "omnibase.protocols",
        "omnibase.protocols.types",
    ]


def test_a_contract_loads_only_the_types_modules_it_uses() -> None:
    loaded = _loaded("from omnibase.protocols.core import ProtocolLifecycle")
    assert loaded == [
        "omnibase",
        "omnibase.protocols",
        "omnibase.protocols.core",
        "omnibase.protocols.core.protocol_lifecycle",
        "omnibase.protocols.types",
        "omnibase.protocols.types.core_types",
    ]


CASE_FILE = (
    Path(__file__).resolve().parents[1]
    / "typing"
    / "cases"
    / "accepted_lazy_reexports.py"
)


def test_the_typing_case_covers_every_export() -> None:
    """The case both checkers accept imports and uses every re-exported name."""
    tree = ast.parse(CASE_FILE.read_text(encoding="utf-8"))
    imported = {
        (node.module, alias.name)
        for node in tree.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert set(EXPORTS) <= imported
    used = {
        node.id
        for function in tree.body
        if isinstance(function, ast.FunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Name)
    }
    assert {name for _, name in EXPORTS} <= used
