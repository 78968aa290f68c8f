"""The API reference documents every SPI module and names every public protocol."""

import re
from pathlib import Path

from omnibase.spi_conformance.discovery import iter_modules, iter_protocols
from tests.docsite.conftest import ROOT


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


def test_the_reference_names_every_protocol(built_site: Path) -> None:
    html = "".join(
        path.read_text(encoding="utf-8")
        for path in (built_site / "reference").rglob("*.html")
    )
    missing = [
        p.__name__
        for p in iter_protocols()
        if f'id="{p.__module__}.{p.__name__}"' not in html
    ]
    assert missing == []
