"""The shape of the rule tests: one failing and one passing source per rule.

Each family's test module (``test_rules_<family>.py``) lists a :class:`Case`
per rule: a source that breaks it, the exact 1-based (line, col) of every
finding of that code, and a near miss that must not trigger it. Contract
rules (SPI3xx) run with ``protocols=True``; the others in the default mode.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from textwrap import dedent
from typing import override

from scripts import spi_validator as validator

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD_SPI = FIXTURES / "good_spi" / "src" / "omnibase" / "protocols"
CORE = "src/omnibase/protocols/core/sample.py"
TYPES = "src/omnibase/protocols/types/sample.py"
ERRORS = "src/omnibase/protocols/errors.py"
PROTOCOL_HEAD = '"""D."""\n\nfrom typing import Protocol, runtime_checkable\n'


@dataclass(frozen=True)
class Case:
    """A rule, a source that breaks it (with locations) and a near miss."""

    code: str
    bad: str | bytes
    where: tuple[tuple[int, int], ...]
    good: str | bytes
    path: str = CORE

    @override
    def __str__(self) -> str:
        return self.code


def src(text: str) -> str:
    """Dedent a source written inside a case table."""
    return dedent(text).lstrip("\n")


def locations(source: str | bytes, path: str, code: str) -> list[tuple[int, int]]:
    """Check ``source`` in the mode ``code`` belongs to; return where it fired."""
    data = source.encode() if isinstance(source, str) else source
    protocols = validator.RULES[code].group == "protocol"
    found = validator.check_source(data, path, protocols=protocols)
    return sorted((d.line, d.col) for d in found if d.code == code)


def uncovered(cases: Iterable[Case], table: Iterable[str], *others: str) -> set[str]:
    """The codes of a family's table with no case (and not among ``others``)."""
    return set(table) - {case.code for case in cases} - set(others)
