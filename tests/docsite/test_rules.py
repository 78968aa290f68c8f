"""Rules on the built site: one anchored item each, every mention linked, an index."""

import re
from collections import Counter
from pathlib import Path

import pytest
from docs.hooks.spi_site import kit_tests

from omnibase.spi_conformance.rules import (
    CLASSIFICATION,
    RULE_ID,
    Optional,
    Required,
    Untested,
    defined_rules,
)
from tests.docsite.conftest import site_pages
from tests.docsite.html import Page, read_page

RULES = defined_rules()
_NOT_PROSE = ("a", "code", "pre", "script", "style", "title", "textarea")


@pytest.fixture(scope="module")
def pages(built_site: Path) -> dict[str, Page]:
    return {
        str(path.relative_to(built_site)): read_page(path.read_text(encoding="utf-8"))
        for path in site_pages(built_site)
    }


def test_every_rule_has_one_anchor_on_a_list_item(pages: dict[str, Page]) -> None:
    anchors = Counter(
        (rule_id, name)
        for name, page in pages.items()
        for rule_id in page.ids
        if rule_id in RULES
    )
    counts = Counter(rule_id for rule_id, _ in anchors.elements())
    assert {rule_id: counts[rule_id] for rule_id in RULES if counts[rule_id] != 1} == {}
    for (rule_id, name), _ in anchors.items():
        ancestors = pages[name].ids[rule_id]
        assert ancestors[-1][0] == "a", (rule_id, name)
        assert ancestors[-2][0] == "li", f"{rule_id} on {name} is not a list item"


def test_every_mention_of_a_rule_id_is_a_link(pages: dict[str, Page]) -> None:
    unlinked = [
        f"{name}: {match[0]} in {text.text.strip()[:80]!r}"
        for name, page in pages.items()
        for text in page.texts
        if not text.inside(*_NOT_PROSE)
        for match in RULE_ID.finditer(text.text)
        if match[0] in RULES
    ]
    assert unlinked == []


def test_a_rule_id_in_inline_code_is_a_link(pages: dict[str, Page]) -> None:
    orphans = [
        (name, text.text)
        for name, page in pages.items()
        for text in page.texts
        if text.text in RULES
        and text.inside("code")
        and not text.inside("pre")
        and not text.inside("a")
    ]
    assert orphans == []


def _entry(built_site: Path, rule_id: str) -> str:
    html = (built_site / "reference" / "rules" / "index.html").read_text(
        encoding="utf-8"
    )
    start = html.index(f'id="rule-{rule_id}"')
    end = html.find('id="rule-', start + 1)
    return html[start : end if end != -1 else None]


def test_the_index_lists_every_rule_with_its_classification(built_site: Path) -> None:
    for rule_id, definition in RULES.items():
        entry = _entry(built_site, rule_id)
        assert f'href="../{_page_of(built_site, rule_id)}/#{rule_id}"' in entry, rule_id
        classification = CLASSIFICATION.get(rule_id)
        match classification:
            case Required():
                assert "<strong>required</strong>" in entry, rule_id
            case Optional(capability=capability):
                assert capability in entry, rule_id
            case Untested(reason=reason):
                assert reason.split()[0] in entry, rule_id
            case None:
                assert "unclassified" in entry, rule_id
        first_word = definition.text.split()[0].strip("`[]")
        assert first_word in entry, rule_id


def test_the_index_names_the_kit_tests_citing_each_rule(built_site: Path) -> None:
    tests = kit_tests()
    assert tests, "the kit has suites, so some rules are cited"
    for rule_id, cited_by in tests.items():
        entry = _entry(built_site, rule_id)
        for test in cited_by:
            assert f"#{test.path}" in entry, (rule_id, test.path)
    uncited = next(rule_id for rule_id in RULES if rule_id not in tests)
    assert "no kit test cites it yet" in _entry(built_site, uncited)


def _page_of(built_site: Path, rule_id: str) -> str:
    for path in (built_site / "reference").glob("*/index.html"):
        if f'id="{rule_id}"' in path.read_text(encoding="utf-8"):
            return path.parent.name
    raise AssertionError(f"no reference page defines {rule_id}")


def test_no_page_shows_a_sphinx_role(pages: dict[str, Page]) -> None:
    roles = re.compile(r":(?:mod|class|func|meth|attr|data|exc|obj|ref):$")
    shown = [
        f"{name}: {text.text.strip()[-40:]!r}"
        for name, page in pages.items()
        for text in page.texts
        if roles.search(text.text) and not text.inside("pre", "code", "script")
    ]
    assert shown == []
