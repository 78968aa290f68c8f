"""Generated content follows the code: rule items, diagrams, tables, blocks."""

import re
from collections.abc import Mapping
from types import MappingProxyType

import pytest
from docs.hooks.griffe_rules import rewrite_rules
from docs.hooks.spi_site import (
    KitTest,
    contracts_table,
    event_states_table,
    expand_generated_blocks,
    kit_tests,
    qualify_crossrefs,
    rules_index,
    stability_table,
    state_machine,
)
from mkdocs.exceptions import PluginError

from omnibase.protocols.types import workflow_orchestration_types as workflow_types
from omnibase.spi_conformance.rules import RuleDefinition, defined_rules
from omnibase.spi_conformance.suites import ALL_SUITES, rules_of


def _rule(
    rule_id: str, text: str, owner: str | None = "ProtocolThing"
) -> RuleDefinition:
    return RuleDefinition(
        rule_id, text, "omnibase.protocols.core.protocol_thing", owner, 1
    )


DOCSTRING = """A contract with odd rules.

Intro prose.

Rules:
    Some words before the rules.
    SRR-1: First rule, with ``code``, [brackets], *stars*
        and a continuation line.
    SRR-2: Second rule:
        - not a list for the kit,
          just more text.
    Words after the rules.

Attributes:
    x: Not a rule: SRR-3 is mentioned, not defined.
"""


def test_each_rule_becomes_one_anchored_list_item_whatever_its_text() -> None:
    rules = {
        "SRR-1": _rule(
            "SRR-1",
            "First rule, with ``code``, [brackets], *stars* and a continuation line.",
        ),
        "SRR-2": _rule(
            "SRR-2", "Second rule: - not a list for the kit, just more text."
        ),
    }
    text, rewritten = rewrite_rules(DOCSTRING, rules, where="thing")
    assert rewritten == ["SRR-1", "SRR-2"]
    lines = text.splitlines()
    first = lines.index("    - [](){#SRR-1} **SRR-1**: " + rules["SRR-1"].text)
    assert lines[first - 1] == ""  # a list after prose needs a blank line
    assert lines[first + 1] == "    - [](){#SRR-2} **SRR-2**: " + rules["SRR-2"].text
    assert lines[first + 2] == ""  # and ends before the prose that follows
    assert "    Words after the rules." in lines
    assert "    x: Not a rule: SRR-3 is mentioned, not defined." in lines


def test_no_blank_line_is_added_below_a_section_title() -> None:
    docstring = "Summary.\n\nRules:\n    SRR-1: Only rule.\n"
    text, _ = rewrite_rules(
        docstring, {"SRR-1": _rule("SRR-1", "Only rule.")}, where="t"
    )
    assert "Rules:\n    - [](){#SRR-1} **SRR-1**: Only rule." in text


def test_a_rule_whose_lines_disagree_with_the_kit_is_an_error_naming_it() -> None:
    with pytest.raises(ValueError, match="thing: the lines of SRR-1"):
        rewrite_rules(
            DOCSTRING, {"SRR-1": _rule("SRR-1", "Another text.")}, where="thing"
        )


def test_every_spi_rule_is_rewritten_from_its_docstring() -> None:
    import griffe
    from docs.hooks.griffe_rules import RuleAnchors

    extension = RuleAnchors()
    package = griffe.load(
        "omnibase.protocols",
        search_paths=["src"],
        extensions=griffe.load_extensions(extension),
    )
    assert isinstance(package, griffe.Module)
    anchored = set(re.findall(r"\{#([A-Z]{1,4}-\d+)\}", _all_docstrings(package)))
    assert anchored == set(defined_rules())


def _all_docstrings(obj: object) -> str:
    import griffe

    assert isinstance(obj, griffe.Object)
    own = obj.docstring.value if obj.docstring else ""
    members = [
        _all_docstrings(member)
        for member in obj.members.values()
        if not isinstance(member, griffe.Alias)
        and (member.is_module or member.is_class)
    ]
    return "\n".join([own, *members])


@pytest.mark.parametrize(
    ("kind", "table"),
    [("workflow", "WORKFLOW_TRANSITIONS"), ("task", "TASK_TRANSITIONS")],
)
def test_the_diagram_has_exactly_the_transitions_of_the_table(
    kind: str, table: str
) -> None:
    transitions: Mapping[str, tuple[str, ...]] = getattr(workflow_types, table)
    diagram = state_machine(kind)
    edges = set(re.findall(r"^    s_(\w+) --> s_(\w+)$", diagram, flags=re.M))
    assert edges == {(a, b) for a, targets in transitions.items() for b in targets}
    terminal = {state for state, targets in transitions.items() if not targets}
    classed = re.search(r"^    class (\S+) terminal$", diagram, flags=re.M)
    assert classed is not None
    assert {name.removeprefix("s_") for name in classed[1].split(",")} == terminal


def test_the_diagram_is_drawn_from_the_table_as_it_is_at_build_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    changed = MappingProxyType(
        {"drafted": ("approved", "dropped"), "approved": (), "dropped": ()}
    )
    monkeypatch.setattr(workflow_types, "WORKFLOW_TRANSITIONS", changed)
    diagram = state_machine("workflow")
    assert "[*] --> s_drafted" in diagram
    assert "s_drafted --> s_dropped" in diagram
    assert "s_running" not in diagram


@pytest.mark.parametrize(
    ("kind", "table"),
    [("workflow", "WORKFLOW_EVENT_STATES"), ("task", "TASK_EVENT_STATES")],
)
def test_the_event_table_has_every_event_of_the_map(kind: str, table: str) -> None:
    events: Mapping[str, str] = getattr(workflow_types, table)
    rows = re.findall(
        r"^\| `([\w.]+)` \| `(\w+)` \|$", event_states_table(kind), flags=re.M
    )
    assert rows == list(events.items())


def test_the_rules_index_shows_each_classification_and_the_citing_tests() -> None:
    rules = {
        r.rule_id: r for r in [_rule("WP-1", "Atomic."), _rule("WP-2", "Conflict.")]
    }
    test = KitTest(
        "suites.x.Suite.test_WP_1_atomic", "Suite.test_WP_1_atomic", ("Suite",), None
    )
    index = rules_index(rules, {"WP-1": [test]})
    assert "### WP-1 { #rule-WP-1 }\n\nAtomic." in index
    assert "[`Suite.test_WP_1_atomic`][suites.x.Suite.test_WP_1_atomic]" in index
    assert "- Checked by: no kit test cites it yet" in index.split("rule-WP-2")[-1]
    assert "**required**" in index


def test_kit_tests_are_read_from_every_suite() -> None:
    by_rule = kit_tests()
    for suite in ALL_SUITES:
        for name in dir(suite):
            cited = rules_of(getattr(suite, name))
            for rule_id in cited:
                assert any(t.name.endswith(f".{name}") for t in by_rule[rule_id])


def test_scoped_cross_references_become_absolute_on_the_index() -> None:
    rule = defined_rules().get("WF-3")
    if rule is None or "][]" not in rule.text:
        pytest.skip("no rule with a scoped cross-reference today")
    qualified = qualify_crossrefs(rule)
    assert "][]" not in qualified
    assert f"][{rule.module}." in qualified


def test_contracts_and_stability_tables_name_protocols() -> None:
    table = contracts_table(["omnibase.protocols.core.protocol_secret_resolver"])
    assert "[`ProtocolSecretResolver`]" in table
    assert "| service |" in table
    assert "stable" in stability_table()
    with pytest.raises(PluginError, match="no protocol under nowhere"):
        contracts_table(["nowhere"])


def test_generated_blocks_expand_and_unknown_ones_fail_naming_the_page() -> None:
    page = "# Title\n\n<!-- spi:event-states task -->\n\ntext\n"
    expanded = expand_generated_blocks(page, "guides/x.md")
    assert "| `task.started` | `running` |" in expanded
    assert expand_generated_blocks("no blocks", "x.md") == "no blocks"
    with pytest.raises(
        PluginError, match=r"guides/x\.md: unknown generated block 'nope'"
    ):
        expand_generated_blocks("<!-- spi:nope -->\n", "guides/x.md")
    with pytest.raises(PluginError, match=r"guides/x\.md: .*expected one argument"):
        expand_generated_blocks("<!-- spi:state-machine -->\n", "guides/x.md")
    with pytest.raises(PluginError, match="unknown state machine 'order'"):
        expand_generated_blocks("<!-- spi:state-machine order -->\n", "guides/x.md")
    with pytest.raises(PluginError, match="malformed generated block"):
        expand_generated_blocks("<!-- spi:state-machine workflow", "guides/x.md")
