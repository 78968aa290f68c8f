"""The documentation site, built once per test session with ``mkdocs --strict``."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def build_site(destination: Path) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build --strict`` into ``destination``."""
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("mkdocs")),
            "build",
            "--strict",
            "--quiet",
            "--site-dir",
            str(destination),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=600,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built strictly (any warning fails the build)."""
    site = tmp_path_factory.mktemp("site")
    built = build_site(site)
    assert built.returncode == 0, built.stdout + built.stderr
    return site


def site_pages(site: Path) -> list[Path]:
    """Every HTML page of a built site except the 404 page."""
    return sorted(p for p in site.rglob("index.html") if p.parent.name != "404")
