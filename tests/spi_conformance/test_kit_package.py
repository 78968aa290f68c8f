"""The conformance kit: a complete ``__all__``, standard library only at runtime."""

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import omnibase.spi_conformance
from omnibase.protocols.core import ProtocolWorkflowReducer
from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.spi_conformance import (
    conformance,
    discovery,
    members,
    protocol_type,
    registration,
)

SUBMODULES = [conformance, discovery, members, registration]
SRC = Path(omnibase.spi_conformance.__file__).resolve().parents[2]


def _defined_public_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.TypeAlias):
            names.add(node.name.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if not name.startswith("_")}


@pytest.mark.parametrize("module", SUBMODULES, ids=lambda m: m.__name__)
def test_submodule_all_lists_its_public_names(module: object) -> None:
    path = Path(str(getattr(module, "__file__", "")))
    exported = list(getattr(module, "__all__", []))
    assert len(exported) == len(set(exported))
    assert set(exported) == _defined_public_names(path)


def test_package_exports_the_check_and_the_member_model() -> None:
    exported = set(omnibase.spi_conformance.__all__)
    assert exported == (
        set(conformance.__all__) | set(members.__all__) | set(registration.__all__)
    )
    for name in exported:
        assert getattr(omnibase.spi_conformance, name) is not None


@pytest.mark.parametrize(
    "module", ["omnibase.spi_conformance", "omnibase.spi_conformance.discovery"]
)
def test_kit_loads_only_the_standard_library_and_the_spi(module: str) -> None:
    code = (
        f"import sys, json; sys.path.insert(0, {str(SRC)!r}); "
        f"import {module}; print(json.dumps(sorted(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded: list[str] = json.loads(result.stdout)
    foreign = [
        name
        for name in loaded
        if name.partition(".")[0] not in sys.stdlib_module_names
        and name != "__main__"
        and not (
            name == "omnibase"
            or name.startswith(("omnibase.protocols", "omnibase.spi_conformance"))
        )
    ]
    assert foreign == []
    importlib.import_module(module)


def test_protocol_type_returns_the_class_and_unwraps_generic_protocols() -> None:
    assert protocol_type(ProtocolEventBus) is ProtocolEventBus
    assert protocol_type(ProtocolWorkflowReducer[int]) is ProtocolWorkflowReducer
    with pytest.raises(InvalidInputError, match="is not a class"):
        protocol_type(len)
