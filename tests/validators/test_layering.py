"""The SPI's layering is declared once, in .importlinter; the rest follows it."""

import configparser
import re
from pathlib import Path

import pytest

from scripts.spi_validator import layers

REPO = Path(__file__).resolve().parents[2]


def test_the_declared_order() -> None:
    assert layers.layering().text() == (
        "types <- errors <- core <- event_bus | container | mcp <- "
        "workflow_orchestration"
    )


def test_the_readme_states_the_declared_order() -> None:
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    assert layers.layering().markdown() in readme


def test_the_order_is_written_nowhere_else() -> None:
    parser = configparser.ConfigParser()
    parser.read(layers.CONFIG, encoding="utf-8")
    assert "<-" not in parser["importlinter:contract:spi-layers"]["name"]
    script = (REPO / "scripts/validate-namespace-isolation.sh").read_text("utf-8")
    assert "<-" not in script
    validator = REPO / "scripts" / "spi_validator"
    for module in validator.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert not re.search(r"\bcore <- ", text), module.name


@pytest.mark.parametrize(
    ("importer", "imported", "allowed"),
    [
        ("errors", "types", True),
        ("types", "errors", False),
        ("core", "errors", True),
        ("mcp", "event_bus", False),
        ("workflow_orchestration", "mcp", True),
        ("core", "workflow_orchestration", False),
        ("newdomain", "core", True),
        ("core", "core", True),
    ],
)
def test_may_import(importer: str, imported: str, allowed: bool) -> None:
    assert layers.layering().may_import(importer, imported) is allowed


def test_a_config_without_the_contract_is_a_clear_error(tmp_path: Path) -> None:
    config = tmp_path / ".importlinter"
    config.write_text("[importlinter]\nroot_packages = x\n", encoding="utf-8")
    with pytest.raises(layers.LayeringError, match="no layers contract"):
        layers.read_layering(config)
    with pytest.raises(layers.LayeringError, match="cannot read"):
        layers.read_layering(tmp_path / "missing")


def test_parse_layers_syntax() -> None:
    parsed = layers.parse_layers(["(top)", "a : b", "(c) | (d)", "bottom"])
    assert parsed.text() == "bottom <- c | d <- a : b <- top"
    assert parsed.may_import("a", "b") is True
    assert parsed.may_import("c", "d") is False
    with pytest.raises(layers.LayeringError):
        layers.parse_layers(["a | b : c"])
