"""scripts/validate-namespace-isolation.sh on small fake SPI trees."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import namespace_isolation
from scripts.spi_validator import imports

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


# -- bad input: named, never a traceback ---------------------------------------

BAD_INPUTS = {
    "not-utf8": b'"""X."""\nx = "\xff"\n',
    "unknown-encoding": b'# coding: bogus\n"""X."""\n',
    "utf-7": b'# coding: utf-7\n"""X."""\nx = 1  # +AAo-import os\n',
    "utf-16": '"""X."""\n'.encode("utf-16"),
    "nul": b'"""X."""\nx = 1\x00\n',
    "dangling-link": None,
    "link-loop": None,
    "folder-loop": None,
    "fifo": None,
}


def make_bad(kind: str, core: Path) -> None:
    """Put a ``core/bad.py`` of ``kind`` into the fake SPI."""
    bad = core / "bad.py"
    content = BAD_INPUTS[kind]
    if content is not None:
        bad.write_bytes(content)
    elif kind == "dangling-link":
        bad.symlink_to(core / "gone.py")
    elif kind == "link-loop":
        bad.symlink_to(core / "other.py")
        (core / "other.py").symlink_to(bad)
    elif kind == "folder-loop":
        bad.symlink_to(core, target_is_directory=True)
    else:
        os.mkfifo(bad)


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_bad_input_is_named_without_a_traceback(repo: Path, kind: str) -> None:
    core = spi(repo, "core")
    make_bad(kind, core)
    status, output, steps = validate("--root", str(repo))
    assert status == 1
    assert "Traceback" not in output
    assert "panicked" not in output.lower()
    assert steps["allow-list"] == steps["layers"] == steps["ast"] == "FAILED"
    assert "src/omnibase/protocols/core/bad.py" in output
    for check in ("allowlist", "layers"):
        result = subprocess.run(
            [sys.executable, str(HELPER), check, "--root", str(repo)],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert result.returncode == 2, result.stdout + result.stderr
        assert "cannot be read as Python" in result.stderr
        assert "core/bad.py" in result.stderr
        assert "Traceback" not in result.stderr


def allowlist(root: Path) -> tuple[int, str]:
    """Run the allow-list check in its own process (it imports the fake SPI)."""
    result = subprocess.run(
        [sys.executable, str(HELPER), "allowlist", "--root", str(root)],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def test_allowlist_accepts_future_annotations_and_types(repo: Path) -> None:
    module = spi(repo, "types/extra.py")
    module.write_text(
        '"""X."""\nfrom __future__ import annotations\n'
        "from types import MappingProxyType\n",
        encoding="utf-8",
    )
    assert allowlist(repo) == (0, "")
    module.write_text(
        '"""X."""\nfrom __future__ import generator_stop\nimport types\n',
        encoding="utf-8",
    )
    assert allowlist(repo) == (
        1,
        "src/omnibase/protocols/types/extra.py:2: omnibase.protocols.types.extra "
        "imports __future__ (`from __future__ import generator_stop`): only "
        "`from __future__ import annotations` is allowed\n",
    )


def test_the_allow_list_is_the_validators(repo: Path) -> None:
    assert {
        m.partition(".")[0] for m in imports.ALLOWED_MODULES
    } == namespace_isolation.ALLOWED


def test_positions_are_right_with_cr_only_line_endings(repo: Path) -> None:
    spi(repo, "core/cr.py").write_bytes(b'"""X."""\rx = 1\rimport os\r')
    status, output = allowlist(repo)
    assert status == 1
    assert output.startswith("src/omnibase/protocols/core/cr.py:3: ")


def test_allowlist_accepts_importlib_only_in_the_lazy_hook(repo: Path) -> None:
    """The clean tree's core/__init__.py re-exports lazily: its hook passes."""
    init = spi(repo, "core/__init__.py")
    good = init.read_text(encoding="utf-8")
    assert "    import importlib\n" in good
    assert allowlist(repo) == (0, "")
    # The hook with another target: the AST validator withdraws the
    # exception (SPI114), so the allow-list reports the import too.
    init.write_text(
        good.replace(
            'importlib.import_module(f"{__name__}.{_SUBMODULE_OF[name]}")',
            'importlib.import_module("os")',
        ),
        encoding="utf-8",
    )
    line = good.splitlines().index("    import importlib") + 1
    status, output = allowlist(repo)
    assert status == 1
    assert output.startswith(
        f"src/omnibase/protocols/core/__init__.py:{line}: omnibase.protocols.core "
        "imports importlib (`import importlib`): importlib is allowed only in a "
        "domain package's lazy re-export hook"
    )
    # The exact hook in a module that is not a package's __init__.py.
    init.write_text(good, encoding="utf-8")
    spi(repo, "core/hooked.py").write_text(
        '"""X."""\n\n\ndef load(name: str) -> object:\n'
        "    import importlib\n\n    return importlib.import_module(name)\n",
        encoding="utf-8",
    )
    status, output = allowlist(repo)
    assert status == 1
    assert output.startswith(
        "src/omnibase/protocols/core/hooked.py:5: omnibase.protocols.core.hooked "
        "imports importlib"
    )
