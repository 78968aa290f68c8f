"""Griffe extension: every numbered rule of the SPI becomes a list item with an anchor.

The SPI writes its rules in a Google-style ``Rules:`` section, one
``ID-n: text`` per rule with indented continuation lines. Rendered as is, a
section is one run-on paragraph. This extension rewrites, before mkdocstrings
renders a docstring, each rule definition into one Markdown list item::

    - [](){#WP-2} **WP-2**: Optimistic concurrency: ...

The empty link with an ``#WP-2`` attribute is an mkdocs-autorefs anchor: every
page can link to it as ``[WP-2][]`` (the site's rule linker does it for every
mention of a rule id, so the bold id becomes a permalink to copy).

Which lines are definitions, and their text, come from the conformance kit's
own parser (``omnibase.spi_conformance.rules.defined_rules``), so the site and
the kit cannot disagree about what a rule says; any rule text is accepted.
"""

import re
from collections.abc import Iterator, Mapping
from typing import Final, override

import griffe

from omnibase.spi_conformance.rules import RuleDefinition, defined_rules

__all__ = ["RuleAnchors", "rewrite_rules"]

SPI_PACKAGE: Final = "omnibase.protocols"

_DEFINITION: Final = re.compile(
    r"^(?P<indent>\s*)(?P<id>[A-Z]{1,4}-\d+): (?P<text>.*)$"
)
_SECTION_TITLE: Final = re.compile(r"^\s*[A-Z][\w ]*:\s*$")


def rule_item(definition: RuleDefinition) -> str:
    """Return the Markdown list item (without indentation) of one rule.

    Args:
        definition: The rule, as the kit parsed it.

    Returns:
        ``- [](){#ID} **ID**: text``.
    """
    rule_id = definition.rule_id
    return f"- [](){{#{rule_id}}} **{rule_id}**: {definition.text}"


def rewrite_rules(
    docstring: str, definitions: Mapping[str, RuleDefinition], *, where: str
) -> tuple[str, list[str]]:
    """Rewrite the rule definitions of one docstring as anchored list items.

    A definition and its continuation lines become one list item; the text is
    the kit's (continuation lines joined by spaces). A blank line is added
    where Markdown needs one to start or end the list, never right below a
    section title (Google-style sections forbid it).

    Args:
        docstring: The docstring, as griffe holds it (dedented).
        definitions: The rules this docstring defines, by id.
        where: The docstring's owner, for error messages.

    Returns:
        The new docstring and the ids rewritten, in order.

    Raises:
        ValueError: A definition's lines do not join to the kit's text (the
            kit and this extension disagree about where a rule ends).
    """
    lines = docstring.splitlines()
    out: list[str] = []
    rewritten: list[str] = []
    index = 0
    in_list = False
    while index < len(lines):
        line = lines[index]
        match = _DEFINITION.match(line)
        definition = definitions.get(match["id"]) if match else None
        if match is None or definition is None:
            if in_list and line.strip():
                out.append("")
            in_list = False
            out.append(line)
            index += 1
            continue
        parts = [match["text"].strip()]
        index += 1
        while " ".join(parts) != definition.text:
            if index >= len(lines) or not lines[index].strip():
                raise ValueError(
                    f"{where}: the lines of {definition.rule_id} do not join to "
                    f"the text the conformance kit read: {definition.text!r}"
                )
            parts.append(lines[index].strip())
            index += 1
        previous = out[-1] if out else ""
        if not in_list and previous.strip() and not _SECTION_TITLE.match(previous):
            out.append("")
        out.append(match["indent"] + rule_item(definition))
        rewritten.append(definition.rule_id)
        in_list = True
    return "\n".join(out), rewritten


class RuleAnchors(griffe.Extension):
    """Rewrite the rule definitions of the SPI's module and class docstrings."""

    def __init__(self) -> None:
        """Read the SPI's rules once, grouped by the docstring defining them."""
        super().__init__()
        self.by_owner: dict[tuple[str, str | None], dict[str, RuleDefinition]] = {}
        for definition in defined_rules(SPI_PACKAGE).values():
            key = (definition.module, definition.owner)
            self.by_owner.setdefault(key, {})[definition.rule_id] = definition

    @override
    def on_package(
        self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs: object
    ) -> None:
        """Rewrite every docstring of the SPI once the package is loaded."""
        for obj in _walk(pkg):
            if obj.docstring is None:
                continue
            module = obj.module.path
            owner = obj.name if obj.is_class else None
            definitions = self.by_owner.get((module, owner))
            if not definitions:
                continue
            if all(f"{{#{rule_id}}}" in obj.docstring.value for rule_id in definitions):
                continue  # rewritten when an earlier package was loaded
            text, rewritten = rewrite_rules(
                obj.docstring.value, definitions, where=obj.path
            )
            missing = sorted(set(definitions) - set(rewritten))
            if missing:
                raise ValueError(
                    f"{obj.path}: rules {', '.join(missing)} were not found in "
                    "the docstring griffe loaded"
                )
            obj.docstring.value = text


def _walk(obj: griffe.Object) -> Iterator[griffe.Object]:
    """Yield the SPI's modules and classes under ``obj`` (aliases skipped)."""
    if obj.path == SPI_PACKAGE or obj.path.startswith(f"{SPI_PACKAGE}."):
        yield obj
    for member in obj.members.values():
        if isinstance(member, griffe.Alias):
            continue
        if member.is_module or member.is_class:
            yield from _walk(member)
