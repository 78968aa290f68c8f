"""Runtime behaviour of every SPI protocol, found by walking the package.

What a dependency-injection container relies on: every protocol is
``@runtime_checkable``; annotations resolve (``typing.get_type_hints``);
service protocols (methods only) support ``issubclass``; ``isinstance`` accepts
an object with every member and refuses one with a member missing, and checks
nothing more. Also the import-time promises: each module's ``__all__`` lists
exactly its public names, every module loads only the standard library and
``omnibase.protocols``, and ``import omnibase.protocols`` does not import
``typing``.
"""

import ast
import json
import subprocess
import sys
import typing
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType

import pytest

import omnibase.protocols
from omnibase.spi_conformance import check_conformance, contract_members
from omnibase.spi_conformance.discovery import iter_modules, iter_protocols
from tests.runtime.protocol_fakes import conforming_class

MODULES = iter_modules()
PROTOCOLS = iter_protocols()
DATA_PROTOCOLS = [
    protocol
    for protocol in PROTOCOLS
    if all(member.kind == "property" for member in contract_members(protocol).values())
]
SERVICE_PROTOCOLS = [
    protocol
    for protocol in PROTOCOLS
    if all(member.kind == "method" for member in contract_members(protocol).values())
]
SRC = Path(omnibase.protocols.__file__).resolve().parents[2]


def _ids(protocol: type) -> str:
    return protocol.__qualname__


def _module_id(module: ModuleType) -> str:
    return module.__name__


def test_discovery_finds_every_exported_protocol() -> None:
    exported = {
        name
        for module in MODULES
        for name in getattr(module, "__all__", ())
        if isinstance(getattr(module, name), type)
        and not issubclass(getattr(module, name), BaseException)
    }
    assert exported == {protocol.__qualname__ for protocol in PROTOCOLS}
    print(
        f"\n{len(PROTOCOLS)} protocols: {len(DATA_PROTOCOLS)} data, "
        f"{len(SERVICE_PROTOCOLS)} service, in {len(MODULES)} modules"
    )


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=_ids)
def test_protocol_is_runtime_checkable(protocol: type) -> None:
    assert getattr(protocol, "_is_runtime_protocol", False) is True


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=_ids)
def test_protocol_is_either_data_or_service(protocol: type) -> None:
    """Design rules 2 and 3: members are all properties, or all methods."""
    kinds = {name: member.kind for name, member in contract_members(protocol).items()}
    attributes = sorted(name for name, kind in kinds.items() if kind == "attribute")
    assert attributes == [], "data members must be read-only @property (rule 3)"
    assert set(kinds.values()) in ({"property"}, {"method"}), kinds


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=_ids)
def test_member_discovery_agrees_with_typing(protocol: type) -> None:
    """Members as ``isinstance`` sees them (``__protocol_attrs__``), inherited too."""
    if sys.version_info >= (3, 13):
        expected = set(typing.get_protocol_members(protocol))
    else:
        expected = set(getattr(protocol, "__protocol_attrs__", ()))
    assert set(contract_members(protocol)) == expected


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=_ids)
def test_type_hints_resolve(protocol: type) -> None:
    """Design rule 7: ``get_type_hints`` works on the class, every getter and method."""
    class_hints = typing.get_type_hints(protocol)
    for name, member in contract_members(protocol).items():
        if member.function is None:
            assert name in class_hints, f"{name}: no annotation"
            continue
        hints = typing.get_type_hints(member.function)
        assert "return" in hints, f"{name}: no return annotation"
        if member.signature is not None:
            unannotated = [
                parameter.name
                for parameter in member.signature.parameters.values()
                if parameter.name not in hints
            ]
            assert unannotated == [], f"{name}: unannotated parameters"


@pytest.mark.parametrize("protocol", SERVICE_PROTOCOLS, ids=_ids)
def test_service_protocol_supports_issubclass(protocol: type) -> None:
    assert issubclass(conforming_class(protocol), protocol)
    assert not issubclass(object, protocol)
    for name in contract_members(protocol):
        assert not issubclass(conforming_class(protocol, omit=name), protocol), name


@pytest.mark.parametrize("protocol", DATA_PROTOCOLS, ids=_ids)
def test_data_protocol_refuses_issubclass(protocol: type) -> None:
    """Python's rule: a protocol with non-method members refuses ``issubclass``.

    A data member may be set on instances only (a dataclass field, a pydantic
    field), so a class cannot tell whether its instances will have it;
    ``typing`` raises ``TypeError`` rather than guess, on every version.
    """
    with pytest.raises(TypeError, match="non-method members"):
        issubclass(object, protocol)
    with pytest.raises(TypeError, match="non-method members"):
        issubclass(conforming_class(protocol), protocol)


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=_ids)
def test_isinstance_accepts_an_object_with_every_member(protocol: type) -> None:
    assert isinstance(conforming_class(protocol)(), protocol)


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=_ids)
def test_isinstance_refuses_an_object_missing_one_member(protocol: type) -> None:
    accepted = [
        name
        for name in contract_members(protocol)
        if isinstance(conforming_class(protocol, omit=name)(), protocol)
    ]
    assert accepted == [], "isinstance accepted an object without these members"
    assert not isinstance(object(), protocol)


@pytest.mark.parametrize("protocol", PROTOCOLS, ids=_ids)
def test_generated_object_passes_the_strict_check(protocol: type) -> None:
    """The fakes above are faithful: the conformance kit finds nothing wrong."""
    fake = conforming_class(protocol)
    assert check_conformance(fake(), protocol) == []
    assert check_conformance(fake, protocol) == []


@pytest.mark.parametrize("protocol", SERVICE_PROTOCOLS, ids=_ids)
def test_isinstance_checks_only_that_members_exist(protocol: type) -> None:
    """Wrong call styles and parameters pass ``isinstance``; the strict check sees."""

    def plain() -> None:
        return None

    async def coroutine() -> None:
        return None

    members = contract_members(protocol)
    wrong = type(
        "Wrong",
        (),
        {
            name: staticmethod(plain if member.style == "async" else coroutine)
            for name, member in members.items()
        },
    )
    assert isinstance(wrong(), protocol)
    assert issubclass(wrong, protocol)
    flagged = {mismatch.member for mismatch in check_conformance(wrong(), protocol)}
    assert flagged == set(members)


def _reexported(node: ast.ImportFrom) -> list[str]:
    """Names a package's import from one of its SPI modules re-exports."""
    if node.level or (node.module or "").startswith("omnibase.protocols."):
        return [alias.asname or alias.name for alias in node.names]
    return []


def _public_names(module: ModuleType) -> set[str]:
    """Names a module binds at top level: defined here, or re-exported by a package.

    A package re-exports what it imports from its SPI modules, eagerly or
    lazily (the imports under ``if TYPE_CHECKING:`` that type checkers read,
    served at run time by its PEP 562 ``__getattr__``, which, with
    ``__dir__``, is a hook, not a public name).
    """
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    is_package = hasattr(module, "__path__")
    names: set[str] = set()
    for node in tree.body:
        if is_package and isinstance(node, ast.If):
            for inner in node.body:
                if isinstance(inner, ast.ImportFrom):
                    names.update(_reexported(inner))
            continue
        if (
            is_package
            and isinstance(node, ast.FunctionDef)
            and node.name in {"__getattr__", "__dir__"}
        ):
            continue
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.TypeAlias):
            names.add(node.name.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.ImportFrom) and is_package:
            names.update(_reexported(node))
    dunder = {name for name in names if name.startswith("__") and name.endswith("__")}
    private = {name for name in names if name.startswith("_")} - dunder
    return names - private - {"__all__"}


@pytest.mark.parametrize("module", MODULES, ids=_module_id)
def test_all_lists_exactly_the_public_names(module: ModuleType) -> None:
    exported: list[str] = list(getattr(module, "__all__", []))
    assert len(exported) == len(set(exported)), "duplicates in __all__"
    assert set(exported) == _public_names(module)
    for name in exported:
        assert hasattr(module, name), name


@pytest.mark.parametrize(
    "package",
    [m for m in MODULES if hasattr(m, "__path__") and m is not omnibase.protocols],
    ids=_module_id,
)
def test_domain_package_reexports_its_modules(package: ModuleType) -> None:
    """``from omnibase.protocols.<domain> import X`` works for every public X.

    (``omnibase.protocols`` itself deliberately imports nothing.)
    """
    children = [
        module
        for module in MODULES
        if module.__name__.rpartition(".")[0] == package.__name__
    ]
    public = {name for child in children for name in getattr(child, "__all__", [])}
    assert public <= set(getattr(package, "__all__", []))


_PROBE = """
import importlib, json, sys
sys.path.insert(0, {src!r})
before = sorted(sys.modules)
importlib.import_module({module!r})
print(json.dumps({{"before": before, "after": sorted(sys.modules)}}))
"""


def _fresh_import(module: str) -> subprocess.Popen[str]:
    code = _PROBE.format(src=str(SRC), module=module)
    # -I: ignore the environment and user site; -S: no site, so no .pth hooks.
    return subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def fresh_imports() -> Mapping[str, tuple[set[str], set[str]]]:
    """``sys.modules`` before and after importing each module in a fresh interpreter."""
    processes = {module.__name__: _fresh_import(module.__name__) for module in MODULES}
    results: dict[str, tuple[set[str], set[str]]] = {}
    for name, process in processes.items():
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, f"importing {name} failed:\n{err}"
        loaded: dict[str, list[str]] = json.loads(out)
        results[name] = (set(loaded["before"]), set(loaded["after"]))
    return results


def _allowed(name: str) -> bool:
    top = name.partition(".")[0]
    if top == "omnibase":
        return name == "omnibase" or name.startswith("omnibase.protocols")
    return top in sys.stdlib_module_names or top == "__main__"


@pytest.mark.parametrize("module", MODULES, ids=_module_id)
def test_module_loads_only_the_standard_library(
    module: ModuleType, fresh_imports: Mapping[str, tuple[set[str], set[str]]]
) -> None:
    _, after = fresh_imports[module.__name__]
    assert module.__name__ in after
    assert sorted(name for name in after if not _allowed(name)) == []


def test_importing_the_root_package_does_not_import_typing(
    fresh_imports: Mapping[str, tuple[set[str], set[str]]],
) -> None:
    before, after = fresh_imports["omnibase.protocols"]
    assert "typing" not in before, "the probe itself imported typing"
    assert "typing" not in after
    assert after - before == {"omnibase", "omnibase.protocols"}
