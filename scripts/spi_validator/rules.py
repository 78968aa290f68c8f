"""The records every rule family shares: a rule, a finding, a rule table.

Each family module declares its rules as a small text table (one row per
rule: code, group, summary) parsed by :func:`rule_table`; ``--list-rules``
prints them all.
"""

from typing import Final, NamedTuple, override

#: What each group means; the group decides the exit status and the mode.
GROUPS: Final = {
    "io": "the path cannot be read: exit status 2, never filtered out",
    "input": "the file is not an SPI source Python reads as intended",
    "import": "imports (default run)",
    "any": "typing.Any in any spelling (default run)",
    "runtime": "code that runs at import time (default run)",
    "protocol": "contract shape (only with --check-protocols)",
}


class Rule(NamedTuple):
    """One rule of the validator.

    Attributes:
        code: Stable identifier, e.g. ``SPI101``.
        group: One of :data:`GROUPS`.
        summary: One-line explanation shown by ``--list-rules``.
    """

    code: str
    group: str
    summary: str


class Diagnostic(NamedTuple):
    """One finding, located by 1-based line and character column."""

    path: str
    line: int
    col: int
    code: str
    message: str

    @override
    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"


def rule_table(text: str) -> dict[str, Rule]:
    """Parse a family's rule table: one ``CODE group summary`` row per line.

    Args:
        text: The table; blank lines are ignored.

    Returns:
        The rules by code, in table order.

    Raises:
        ValueError: A row with an unknown group or a repeated code.
    """
    rules: dict[str, Rule] = {}
    for row in text.strip().splitlines():
        code, group, summary = row.split(None, 2)
        if group not in GROUPS or code in rules:
            raise ValueError(f"bad rule table row: {row!r}")
        rules[code] = Rule(code, group, summary)
    return rules
