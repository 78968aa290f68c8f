"""The SPI's numbered rules and how the conformance kit covers each of them.

Every behavioural promise of the SPI is a numbered rule (``WP-2: ...``) in the
``Rules:`` section of a docstring in ``omnibase.protocols``. This module reads
them back ([`defined_rules`][]) and holds the one table that classifies each
rule ([`CLASSIFICATION`][]):

- [`Required`][]: at least one conformance test cites the rule and fails on an
  implementation that breaks it;
- [`Optional`][]: the rule belongs to an optional capability; its tests are
  skipped, with the capability's name, when the implementer does not declare it;
- [`Untested`][]: no test can observe the rule; the reason says why.

The repository's tests fail when a rule is unclassified, a classified rule is
not defined, a required rule has no test, or any text cites an undefined id.
Importing this module needs only the standard library.
"""

import ast
import importlib.util
import pkgutil
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

__all__ = [
    "CLASSIFICATION",
    "RULE_ID",
    "Classification",
    "Optional",
    "Required",
    "RuleDefinition",
    "Untested",
    "cited_rules",
    "defined_rules",
    "rule_definitions",
]

RULE_ID: Final = re.compile(r"\b([A-Z]{1,4})-(\d+)\b")
"""A rule id: one to four capital letters, a dash, a number (``T-1``, ``WP-2``)."""

_DEFINITION: Final = re.compile(
    r"^(?P<indent>\s*)(?P<id>[A-Z]{1,4}-\d+): (?P<text>.*)$"
)

# "MVA-2, 3", "WP-1 to WP-4", "WP-1 to 4" and "MCR-5 and 6" cite every number.
_CITATION: Final = re.compile(
    r"\b(?P<prefix>[A-Z]{1,4})-(?P<first>\d+)"
    r"(?P<more>(?:(?:\s*,\s*|\s+and\s+)(?:(?P=prefix)-)?\d+\b(?!-))*)"
    r"(?:\s+to\s+(?:(?P=prefix)-)?(?P<last>\d+)\b)?"
)
_NUMBER: Final = re.compile(r"\d+")

NOT_RULES: Final = frozenset(
    {"SHA-1", "SHA-256", "UTF-8", "UTF-16", "UTF-32", "RFC-3339", "ISO-8601"}
)
"""Standards and encodings whose names look like rule ids."""


@dataclass(frozen=True, slots=True)
class RuleDefinition:
    """One numbered rule as a docstring of the SPI defines it.

    Attributes:
        rule_id: The id, e.g. ``"WP-2"``.
        text: The rule's text, continuation lines joined by single spaces.
        module: Dotted name of the module whose docstring defines it.
        owner: The protocol (or class) whose docstring defines it, or ``None``
            for a module docstring.
        line: Line of the definition in the module's source (1-based).
    """

    rule_id: str
    text: str
    module: str
    owner: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Required:
    """A conformance test cites the rule and fails on an implementation breaking it."""


@dataclass(frozen=True, slots=True)
class Optional:
    """The rule belongs to an optional capability an implementer may declare.

    Attributes:
        capability: The capability's name, as suites list it in
            ``OPTIONAL_CAPABILITIES`` and implementers declare it in
            ``capabilities``.
    """

    capability: str


@dataclass(frozen=True, slots=True)
class Untested:
    """No conformance test can observe the rule.

    Attributes:
        reason: One line saying why (e.g. "logging cannot be observed").
    """

    reason: str


type Classification = Required | Optional | Untested
"""How the conformance kit covers one rule."""

REQUIRED: Final = Required()

CLASSIFICATION: Final[Mapping[str, Classification]] = {
    # --- errors (omnibase.protocols.errors) -----------------------------------
    "ERR-1": REQUIRED,
    "ERR-2": REQUIRED,
    "ERR-3": REQUIRED,
    "ERR-4": REQUIRED,
    "ERR-5": REQUIRED,
    # --- values (types/core_types) --------------------------------------------
    "T-1": REQUIRED,
    "T-2": REQUIRED,
    "T-3": REQUIRED,
    "T-4": REQUIRED,
    "T-5": REQUIRED,
    "T-6": REQUIRED,
    "T-7": REQUIRED,
    "HLT-1": REQUIRED,
    "SEC-1": REQUIRED,
    "SEC-2": REQUIRED,
    "EVM-1": REQUIRED,
    "EVM-2": REQUIRED,
    "EVM-3": REQUIRED,
    "RP-1": REQUIRED,
    "RP-2": REQUIRED,
    "RP-3": REQUIRED,
    "PG-1": REQUIRED,
    "PG-2": REQUIRED,
    "PG-3": REQUIRED,
    "PG-4": REQUIRED,
    "PG-5": REQUIRED,
    "SUB-1": REQUIRED,
    "SUB-2": REQUIRED,
    # --- lifecycle and secrets (core) -----------------------------------------
    "LC-1": REQUIRED,
    "LC-2": REQUIRED,
    "LC-3": REQUIRED,
    "SRR-1": REQUIRED,
    "SRR-2": REQUIRED,
    "SRR-3": REQUIRED,
    # --- envelope, reply, requests (core) -------------------------------------
    "ENV-1": REQUIRED,
    "ENV-3": REQUIRED,
    "ENV-4": REQUIRED,
    "ENV-5": REQUIRED,
    "RPE-1": REQUIRED,
    "RPL-1": REQUIRED,
    "RPL-2": REQUIRED,
    "RQH-1": REQUIRED,
    "RQH-2": REQUIRED,
    "REQ-1": REQUIRED,
    "REQ-2": REQUIRED,
    "REQ-3": REQUIRED,
    "REQ-4": REQUIRED,
    # --- node registry (core) -------------------------------------------------
    "NR-1": REQUIRED,
    "NR-2": REQUIRED,
    "NR-3": REQUIRED,
    "NR-4": REQUIRED,
    "NR-5": REQUIRED,
    "NR-6": REQUIRED,
    "NR-7": REQUIRED,
    "NR-8": REQUIRED,
    # --- container --------------------------------------------------------------
    "SR-1": REQUIRED,
    "SR-2": REQUIRED,
    "SR-3": REQUIRED,
    "SR-4": REQUIRED,
    "SR-5": REQUIRED,
    "SR-6": REQUIRED,
    "AC-1": REQUIRED,
    "AC-2": REQUIRED,
    "AC-3": REQUIRED,
    "AC-4": REQUIRED,
    "AC-5": REQUIRED,
    # --- event bus and Kafka adapter --------------------------------------------
    "EVT-1": REQUIRED,
    "EVT-2": REQUIRED,
    "EVT-3": REQUIRED,
    "EVT-4": REQUIRED,
    "EVT-5": REQUIRED,
    "REC-1": REQUIRED,
    "EH-1": REQUIRED,
    "EH-2": REQUIRED,
    "EB-1": REQUIRED,
    "EB-2": REQUIRED,
    "EB-3": REQUIRED,
    "EB-4": REQUIRED,
    "EB-5": REQUIRED,
    "EB-6": REQUIRED,
    "EB-7": REQUIRED,
    "EB-8": REQUIRED,
    "EB-9": REQUIRED,
    "EB-10": REQUIRED,
    "EB-11": REQUIRED,
    "EB-12": REQUIRED,
    "RB-1": REQUIRED,
    "RB-2": Optional("partitions_lost"),
    "KA-1": REQUIRED,
    "KA-2": REQUIRED,
    "KA-3": REQUIRED,
    "KA-4": REQUIRED,
    "KA-5": REQUIRED,
    "KA-6": REQUIRED,
    "KA-7": REQUIRED,
    "KA-8": REQUIRED,
    "KA-9": REQUIRED,
    "KA-10": REQUIRED,
    "KA-11": REQUIRED,
    "KA-12": REQUIRED,
    "KA-13": REQUIRED,
    # --- MCP --------------------------------------------------------------------
    "MCT-1": REQUIRED,
    "MCT-2": REQUIRED,
    "MCT-3": REQUIRED,
    "MCT-4": REQUIRED,
    "MCT-5": REQUIRED,
    "MCT-6": REQUIRED,
    "MCT-7": Optional("json_null_structured_content"),
    "MPR-1": REQUIRED,
    "MCR-1": REQUIRED,
    "MCR-2": REQUIRED,
    "MCR-3": REQUIRED,
    "MCR-4": REQUIRED,
    "MCR-5": REQUIRED,
    "MCR-6": REQUIRED,
    "MCR-7": REQUIRED,
    "MCR-8": REQUIRED,
    "MCR-9": REQUIRED,
    "MCR-10": REQUIRED,
    "MCR-11": REQUIRED,
    "MCR-12": REQUIRED,
    "MCR-13": REQUIRED,
    "MCR-14": REQUIRED,
    "MCR-15": Optional("monitor"),
    "MCR-16": REQUIRED,
    "MTP-1": REQUIRED,
    "MTP-2": REQUIRED,
    "MTP-3": REQUIRED,
    "MTP-4": REQUIRED,
    "MTP-5": REQUIRED,
    "MTP-6": REQUIRED,
    "MTP-7": REQUIRED,
    "MMO-1": REQUIRED,
    "MMO-2": REQUIRED,
    "MMO-3": REQUIRED,
    "MMO-4": REQUIRED,
    "MVA-1": REQUIRED,
    "MVA-2": REQUIRED,
    "MVA-3": REQUIRED,
    "MVA-4": REQUIRED,
    # --- workflow orchestration -------------------------------------------------
    "WF-1": REQUIRED,
    "WF-2": REQUIRED,
    "WF-3": REQUIRED,
    "WF-4": REQUIRED,
    "WF-5": REQUIRED,
    "WF-6": REQUIRED,
    "WF-7": REQUIRED,
    "WF-8": Untested(
        "a property of the SPI module itself (tests/test_workflow_tables.py "
        "checks it); no implementation can break it"
    ),
    "WF-9": REQUIRED,
    "WF-10": REQUIRED,
    "WF-11": REQUIRED,
    "WF-12": REQUIRED,
    "WEV-1": REQUIRED,
    "WEV-2": REQUIRED,
    "WEV-3": Untested(
        "only the producer knows what caused an event; no store, bus or "
        "reducer can tell a wrong causation_id from a right one"
    ),
    "WEV-4": REQUIRED,
    "WEV-5": REQUIRED,
    "WEV-6": REQUIRED,
    "WCX-1": REQUIRED,
    "WCX-2": REQUIRED,
    "WCX-3": REQUIRED,
    "WCX-4": Untested(
        "executors open the transactions; no SPI service runs a task, so "
        "none can be observed choosing an isolation level"
    ),
    "WSN-1": REQUIRED,
    "WSN-2": REQUIRED,
    "WSN-3": REQUIRED,
    "TAS-1": REQUIRED,
    "TAS-2": REQUIRED,
    "TAS-3": Untested(
        "attempts are ended and retried by the orchestrator, which the SPI "
        "does not define as a service"
    ),
    "WEH-1": REQUIRED,
    "WR-1": REQUIRED,
    "WR-2": REQUIRED,
    "WR-3": REQUIRED,
    "WR-4": REQUIRED,
    "WR-5": REQUIRED,
    "WP-1": REQUIRED,
    "WP-2": REQUIRED,
    "WP-3": REQUIRED,
    "WP-4": REQUIRED,
    "WP-5": REQUIRED,
    "WP-6": REQUIRED,
    "WP-7": REQUIRED,
    "WP-8": REQUIRED,
    "WP-9": REQUIRED,
    "WP-10": REQUIRED,
    "WP-11": REQUIRED,
    "WP-12": REQUIRED,
    "WP-13": Optional("stream_deletion"),
    "WEB-1": REQUIRED,
    "WEB-2": REQUIRED,
    "WEB-3": REQUIRED,
    "WEB-4": REQUIRED,
    "WEB-5": REQUIRED,
    "WEB-6": REQUIRED,
    "WEB-7": REQUIRED,
    "WEB-8": REQUIRED,
    "WNR-1": REQUIRED,
    "WNR-2": REQUIRED,
    "WNR-3": REQUIRED,
    "WNR-4": REQUIRED,
    "WNR-5": REQUIRED,
}
"""Every rule of the SPI, classified (design rule 16: every rule is executable)."""


def _spi_files(package: str) -> Iterator[tuple[str, Path]]:
    """Yield ``(module name, source path)`` for a package and its submodules."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.submodule_search_locations is None:
        raise LookupError(f"{package} is not an importable package")
    for location in spec.submodule_search_locations:
        root = Path(location)
        yield package, root / "__init__.py"
        for info in pkgutil.walk_packages([str(root)], prefix=f"{package}."):
            relative = info.name.removeprefix(f"{package}.").split(".")
            path = root.joinpath(*relative)
            yield info.name, (
                path / "__init__.py" if info.ispkg else path.with_suffix(".py")
            )


def rule_definitions(package: str = "omnibase.protocols") -> list[RuleDefinition]:
    """Return every rule definition in the docstrings of a package, in source order.

    A rule defined twice appears twice: [`defined_rules`][] refuses that.

    Args:
        package: The package to read (the SPI by default).

    Returns:
        The definitions, module by module.
    """
    found: list[RuleDefinition] = []
    for module, path in _spi_files(package):
        if not path.is_file():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        owners: list[tuple[str | None, ast.AST]] = [(None, tree)]
        owners += [
            (node.name, node)
            for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef)
        ]
        for owner, node in owners:
            found.extend(_definitions_in(node, module, owner))
    return found


def _definitions_in(
    node: ast.AST, module: str, owner: str | None
) -> list[RuleDefinition]:
    """Parse the rules out of the docstring of one module or class node."""
    body = getattr(node, "body", [])
    if not (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        return []
    first_line = body[0].value.lineno
    lines = body[0].value.value.splitlines()
    found: list[RuleDefinition] = []
    index = 0
    while index < len(lines):
        match = _DEFINITION.match(lines[index])
        if match is None:
            index += 1
            continue
        indent = len(match["indent"])
        text = [match["text"].strip()]
        start = index
        index += 1
        while index < len(lines):
            line = lines[index]
            if not line.strip() or len(line) - len(line.lstrip()) <= indent:
                break
            text.append(line.strip())
            index += 1
        found.append(
            RuleDefinition(
                match["id"], " ".join(text), module, owner, first_line + start
            )
        )
    return found


def defined_rules(package: str = "omnibase.protocols") -> dict[str, RuleDefinition]:
    """Return the rules of a package by id.

    Args:
        package: The package to read (the SPI by default).

    Returns:
        Each rule's definition, keyed by its id.

    Raises:
        ValueError: An id is defined more than once (naming both places).
    """
    rules: dict[str, RuleDefinition] = {}
    for definition in rule_definitions(package):
        earlier = rules.get(definition.rule_id)
        if earlier is not None:
            raise ValueError(
                f"{definition.rule_id} is defined twice: {earlier.module}:"
                f"{earlier.line} and {definition.module}:{definition.line}"
            )
        rules[definition.rule_id] = definition
    return rules


def cited_rules(text: str) -> set[str]:
    """Return every rule id a text cites, expanding lists and ranges.

    ``"MVA-2, 3"`` cites MVA-2 and MVA-3; ``"WP-1 to WP-4"`` cites WP-1 to
    WP-4. Names of standards that look like ids (``SHA-256``) are not rules.

    Args:
        text: Any text (a docstring, a test module, a page).

    Returns:
        The cited ids.
    """
    cited: set[str] = set()
    for match in _CITATION.finditer(text):
        prefix = match["prefix"]
        numbers = [int(match["first"])]
        numbers += [int(number) for number in _NUMBER.findall(match["more"])]
        if match["last"] is not None:
            numbers += list(range(numbers[-1] + 1, int(match["last"]) + 1))
        cited.update(f"{prefix}-{number}" for number in numbers)
    return cited - NOT_RULES
