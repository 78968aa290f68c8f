"""scripts/validate-namespace-isolation.sh on small fake SPI trees."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import namespace_isolation

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "validate-namespace-isolation.sh"
HELPER = REPO / "scripts" / "namespace_isolation.py"
GOOD = Path(__file__).resolve().parent / "fixtures" / "good_spi"
SUMMARY = re.compile(
    r"namespace isolation (passed|FAILED): allow-list (ok|FAILED) [\d.]+s, "
    r"layers (ok|FAILED) [\d.]+s, layout (ok|FAILED) [\d.]+s, ast (ok|FAILED) [\d.]+s "
    r"\(total [\d.]+s\)"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the clean fixture tree, to break."""
    root = tmp_path / "repo"
    shutil.copytree(GOOD, root, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def spi(root: Path, module: str) -> Path:
    """Path of a module of the fake SPI, e.g. ``core/x.py``."""
    return root / "src" / "omnibase" / "protocols" / module


def validate(*args: str) -> tuple[int, str, dict[str, str]]:
    """Run the shell script; return its status, output and step results."""
    result = subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, check=False
    )
    output = result.stdout + result.stderr
    match = SUMMARY.search(output)
    assert match is not None, output
    steps = dict(
        zip(["allow-list", "layers", "layout", "ast"], match.groups()[1:], strict=True)
    )
    return result.returncode, output, steps


def test_clean_tree_passes(repo: Path) -> None:
    status, output, steps = validate("--root", str(repo))
    assert status == 0, output
    assert set(steps.values()) == {"ok"}
    assert output.rstrip().splitlines()[-1].startswith("namespace isolation passed")


def test_every_kind_of_violation_is_reported(repo: Path) -> None:
    spi(repo, "core/leaky.py").write_text(
        '"""Leaks."""\n'
        "import pydantic\n"
        "from collections import OrderedDict\n"
        "from omnibase.core import Node\n"
        "from omnibase.protocols.event_bus import ProtocolEventBus\n"
        '__import__("os")\n',
        encoding="utf-8",
    )
    spi(repo, "mcp/sibling.py").write_text(
        '"""Sibling."""\nfrom ..event_bus import EventMessage\n', encoding="utf-8"
    )
    (repo / "src/omnibase/utils").mkdir()
    (repo / "src/omnibase/utils/x.py").write_text("", encoding="utf-8")
    spi(repo, "types/nested").mkdir()
    spi(repo, "types/nested/x.py").write_text('"""X."""\n', encoding="utf-8")

    status, output, steps = validate("--root", str(repo))

    assert status == 1
    assert set(steps.values()) == {"FAILED"}
    leaky = "src/omnibase/protocols/core/leaky.py"
    assert f"{leaky}:2: omnibase.protocols.core.leaky imports pydantic" in output
    assert f"{leaky}:3: " in output
    assert "only collections.abc is allowed" in output
    assert f"{leaky}:4: omnibase.protocols.core.leaky imports omnibase.core" in output
    assert "an implementation package" in output
    assert "omnibase.protocols.core.leaky -> omnibase.protocols.event_bus" in output
    assert "omnibase.protocols.mcp.sibling -> omnibase.protocols.event_bus" in output
    assert "src/omnibase/utils: unexpected" in output
    assert "src/omnibase/protocols/types/nested: missing __init__.py" in output
    assert re.search(r"core/leaky.py:6:1: SPI106 ", output)
    assert re.search(r"mcp/sibling.py:2:1: SPI112 ", output)


def test_namespace_package_with_init(repo: Path) -> None:
    (repo / "src/omnibase/__init__.py").write_text("", encoding="utf-8")
    status, output, steps = validate("--root", str(repo))
    assert status == 1
    assert steps == {
        "allow-list": "FAILED",
        "layers": "FAILED",
        "layout": "FAILED",
        "ast": "ok",
    }
    assert (
        "src/omnibase/__init__.py: must not exist: src/omnibase is a PEP 420" in output
    )
    assert "allowlist: cannot build the import graph of omnibase.protocols" in output


def test_root_package_must_not_import_the_spi(repo: Path) -> None:
    spi(repo, "__init__.py").write_text(
        '"""Root."""\nfrom . import errors\n__all__ = ["errors"]\n', encoding="utf-8"
    )
    status, output, steps = validate("--root", str(repo))
    assert status == 1
    assert steps == {
        "allow-list": "ok",
        "layers": "FAILED",
        "layout": "ok",
        "ast": "FAILED",
    }
    assert (
        "src/omnibase/protocols/__init__.py:2: the root package omnibase.protocols "
        "must import nothing from the SPI (`from . import errors`)"
    ) in output


def test_empty_and_partial_trees_pass(repo: Path) -> None:
    for domain in ("event_bus", "mcp", "workflow_orchestration"):
        shutil.rmtree(spi(repo, domain))
    status, output, _ = validate("--root", str(repo))
    assert status == 0, output

    shutil.rmtree(spi(repo, ""))
    spi(repo, "").mkdir()
    status, output, _ = validate("--root", str(repo))
    assert status == 0, output
    assert "ast: no Python files" in output


@pytest.mark.parametrize(
    "args", [["--root"], ["--root", "/nonexistent/dir"], ["--bogus"]]
)
def test_usage_errors(args: list[str]) -> None:
    result = subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "validate-namespace-isolation:" in result.stderr


def test_allowlist_accepts_collections_abc_only(repo: Path) -> None:
    module = spi(repo, "types/extra.py")
    module.write_text(
        '"""X."""\nimport collections.abc\nfrom collections.abc import Sequence\n',
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(HELPER), "allowlist", "--root", str(repo)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (0, "")


def test_layout_in_process(repo: Path) -> None:
    assert namespace_isolation.check_layout(repo) == []
    spi(repo, "core/__init__.py").unlink()
    (repo / "src/omnibase/README.md").write_text("x\n", encoding="utf-8")
    assert namespace_isolation.check_layout(repo) == [
        "src/omnibase/README.md: unexpected: src/omnibase holds only protocols/ "
        "and spi_conformance/",
        "src/omnibase/protocols/core: missing __init__.py: every SPI package is a "
        "regular package (only src/omnibase is a namespace)",
    ]
    shutil.rmtree(spi(repo, ""))
    assert namespace_isolation.check_layout(repo) == [
        "src/omnibase/protocols: missing: the SPI package lives here"
    ]
