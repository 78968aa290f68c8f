"""The SPI's domain layering, read from its single declaration.

The layering is declared once, as the ``layers`` contract of ``.importlinter``
at the repository root: import-linter enforces it on the import graph (the
namespace-isolation script runs it), this module reads the same contract for
the AST validator's ``SPI112``, and a test checks that the README states the
same order (:meth:`Layering.markdown`).

import-linter's syntax: one layer per line, highest first; ``a | b``
are independent siblings (neither may import the other), ``a : b`` siblings
that may; a name in parentheses may be absent.
"""

import configparser
import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Final, NamedTuple

from scripts.spi_validator.names import SPI_ROOT

CONFIG: Final = Path(__file__).resolve().parents[2] / ".importlinter"


class LayeringError(Exception):
    """The layering cannot be read from its declaration."""


class Layer(NamedTuple):
    """One layer: its domains, and whether they may import each other."""

    domains: tuple[str, ...]
    independent: bool


class Layering(NamedTuple):
    """The layers of the SPI's domains, lowest first."""

    layers: tuple[Layer, ...]

    def rank(self, domain: str) -> int | None:
        """Return the layer number of ``domain`` (0 is lowest), or None."""
        for number, layer in enumerate(self.layers):
            if domain in layer.domains:
                return number
        return None

    def may_import(self, importer: str, imported: str) -> bool:
        """Tell whether domain ``importer`` may import domain ``imported``.

        A domain may import itself and any lower layer; siblings of one layer
        only when they are not independent. Domains outside the layering are
        not constrained here (import-linter's ``exhaustive`` reports them).
        """
        mine, theirs = self.rank(importer), self.rank(imported)
        if importer == imported or mine is None or theirs is None:
            return True
        if mine == theirs:
            return not self.layers[mine].independent
        return theirs < mine

    def text(self) -> str:
        """Render ``a <- b <- c | d``, lowest layer first."""
        return " <- ".join(
            (" | " if layer.independent else " : ").join(layer.domains)
            for layer in self.layers
        )

    def markdown(self) -> str:
        """Render the order for the README: ``a`` <- (``c``, ``d``)."""
        parts: list[str] = []
        for layer in self.layers:
            names = ", ".join(f"`{domain}`" for domain in layer.domains)
            parts.append(f"({names})" if len(layer.domains) > 1 else names)
        return " <- ".join(parts)


def parse_layers(lines: Sequence[str]) -> Layering:
    """Parse import-linter ``layers`` lines (highest first).

    Args:
        lines: The contract's ``layers`` value, one layer per line.

    Returns:
        The layering, lowest layer first.

    Raises:
        LayeringError: A line mixes ``|`` and ``:``, or names nothing.
    """
    layers: list[Layer] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if "|" in line and ":" in line:
            raise LayeringError(f"layer {line!r} mixes '|' and ':'")
        separator = "|" if "|" in line else ":"
        domains = tuple(
            part.strip().strip("()").strip() for part in line.split(separator)
        )
        if not all(domain.isidentifier() for domain in domains):
            raise LayeringError(f"layer {line!r} does not name domains")
        layers.append(Layer(domains, separator == "|"))
    if not layers:
        raise LayeringError("the layers contract lists no layer")
    return Layering(tuple(reversed(layers)))


def read_layering(path: Path = CONFIG) -> Layering:
    """Read the SPI layers contract from an import-linter configuration.

    Args:
        path: The ``.importlinter`` file.

    Returns:
        The layering of the contract whose container is the SPI root.

    Raises:
        LayeringError: No such file, or no such contract in it.
    """
    parser = configparser.ConfigParser()
    try:
        with path.open(encoding="utf-8") as handle:
            parser.read_file(handle)
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        raise LayeringError(f"cannot read {path.name}: {exc}") from exc
    for name in parser.sections():
        section = parser[name]
        if (
            name.startswith("importlinter:contract:")
            and section.get("type", "").strip() == "layers"
            and section.get("containers", "").split() == [SPI_ROOT]
        ):
            return parse_layers(section.get("layers", "").splitlines())
    raise LayeringError(f"{path.name} has no layers contract for {SPI_ROOT}")


@functools.cache
def layering() -> Layering:
    """Return the repository's layering (read once).

    Raises:
        LayeringError: ``.importlinter`` is missing or has no SPI contract.
    """
    return read_layering(CONFIG)
