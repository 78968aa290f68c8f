"""The API reference builds without a warning and documents every public protocol."""

import os
import re
import subprocess
import sys
from pathlib import Path

from omnibase.spi_conformance.discovery import iter_modules, iter_protocols

ROOT = Path(__file__).resolve().parent.parent


def test_every_spi_module_has_a_reference_entry() -> None:
    pages = "".join(
        path.read_text(encoding="utf-8")
        for path in (ROOT / "docs" / "reference").glob("*.md")
    )
    documented = set(re.findall(r"^::: ([\w.]+)", pages, flags=re.MULTILINE))
    leaf_modules = {
        module.__name__
        for module in iter_modules()
        if not module.__name__.endswith("protocols") and not hasattr(module, "__path__")
    }
    assert leaf_modules - documented == set()


def test_the_reference_builds_strictly_and_names_every_protocol(tmp_path: Path) -> None:
    site = tmp_path / "site"
    built = subprocess.run(
        [
            str(Path(sys.executable).with_name("mkdocs")),
            "build",
            "--strict",
            "--quiet",
            "--site-dir",
            str(site),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert built.returncode == 0, built.stdout + built.stderr
    html = "".join(
        path.read_text(encoding="utf-8")
        for path in (site / "reference").rglob("*.html")
    )
    missing = [
        p.__name__
        for p in iter_protocols()
        if f'id="{p.__module__}.{p.__name__}"' not in html
    ]
    assert missing == []
