"""The rule gate (every numbered rule is executable) and the rule-id parser.

- every rule the SPI defines is classified once in ``omnibase.spi_conformance
  .rules.CLASSIFICATION`` and every classified rule is defined, once;
- every required rule is cited by a conformance test and broken by a
  variant that its tests catch (``test_broken_variants.py`` checks the
  catching), and every optional rule too;
- every optional rule's tests declare its capability, which the suite knows;
- every conformance test's name starts with its primary rule id;
- no file of the repository cites an undefined rule id.
"""

import importlib
import inspect
import re
import sys
from pathlib import Path

import pytest

from omnibase.spi_conformance.rules import (
    CLASSIFICATION,
    Optional,
    Untested,
    cited_rules,
    defined_rules,
    rule_definitions,
)
from omnibase.spi_conformance.suites import ALL_SUITES, capability_of, rules_of
from tests.conformance.test_broken_variants import VARIANTS

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("src", "tests", "examples", "benchmarks", "scripts", "docs")
SKIPPED_PARTS = {"fixtures", "__pycache__", "site"}


def suite_tests() -> list[tuple[type, str, object]]:
    """Every conformance test of every suite: (suite, name, function)."""
    return [
        (suite, name, member)
        for suite in ALL_SUITES
        for name, member in inspect.getmembers(suite)
        if name.startswith("test_") and rules_of(member)
    ]


def rules_with_tests() -> set[str]:
    return {rule for _, _, test in suite_tests() for rule in rules_of(test)}


def caught_rules() -> set[str]:
    return {rule for variant in VARIANTS for rule in variant.breaks}


def test_every_defined_rule_is_classified_and_every_classified_rule_defined() -> None:
    defined = set(defined_rules())
    assert sorted(defined - set(CLASSIFICATION)) == [], "unclassified rules"
    assert sorted(set(CLASSIFICATION) - defined) == [], "classified, not defined"


def test_no_rule_is_defined_twice() -> None:
    ids = [definition.rule_id for definition in rule_definitions()]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_every_required_and_optional_rule_has_a_test_and_a_catching_variant() -> None:
    executable = {
        rule
        for rule, classification in CLASSIFICATION.items()
        if not isinstance(classification, Untested)
    }
    assert sorted(executable - rules_with_tests()) == [], "rules without a test"
    assert sorted(executable - caught_rules()) == [], "rules no variant breaks"


def test_untested_rules_have_a_reason_and_no_test() -> None:
    for rule, classification in CLASSIFICATION.items():
        if isinstance(classification, Untested):
            assert classification.reason.strip(), rule
            assert rule not in rules_with_tests(), f"{rule} is tested: classify it"


def test_optional_rules_are_tested_under_their_capability() -> None:
    for suite, name, test in suite_tests():
        primary = rules_of(test)[0]
        classification = CLASSIFICATION.get(primary)
        capability = capability_of(test)
        if isinstance(classification, Optional):
            assert capability == classification.capability, f"{suite.__name__}.{name}"
        else:
            assert capability is None, f"{suite.__name__}.{name}: {primary} is required"
        if capability is not None:
            known = getattr(suite, "OPTIONAL_CAPABILITIES", {})
            assert capability in known, f"{suite.__name__} does not know {capability}"


def test_every_test_name_starts_with_its_primary_rule() -> None:
    for suite, name, test in suite_tests():
        expected = "test_" + rules_of(test)[0].replace("-", "_") + "_"
        assert name.startswith(expected), f"{suite.__name__}.{name}"
        assert set(rules_of(test)) <= set(CLASSIFICATION), name


def repository_texts() -> list[Path]:
    files: list[Path] = [ROOT / "README.md"]
    for folder in SCANNED:
        files += [
            path
            for path in (ROOT / folder).rglob("*")
            if path.suffix in {".py", ".md", ".txt", ".sh"}
            and not SKIPPED_PARTS & set(path.relative_to(ROOT).parts)
        ]
    return sorted(files)


def test_no_file_cites_an_undefined_rule() -> None:
    defined = set(defined_rules())
    undefined = {
        f"{path.relative_to(ROOT)}: {rule}"
        for path in repository_texts()
        for rule in cited_rules(path.read_text(encoding="utf-8"))
        if rule not in defined and not re.fullmatch(r"SPI\d+", rule)
    }
    assert sorted(undefined) == []


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        ("T-1 and T-5", {"T-1", "T-5"}),
        ("see MVA-2, 3", {"MVA-2", "MVA-3"}),
        ("(WP-1 to WP-4)", {"WP-1", "WP-2", "WP-3", "WP-4"}),
        ("MCR-5 to 7", {"MCR-5", "MCR-6", "MCR-7"}),
        ("WP-2, WEB-4 and EB-5", {"WP-2", "WEB-4", "EB-5"}),
        ("SHA-256 of UTF-8 bytes", set[str]()),
        ("ABCDE-1 is too long", set[str]()),
    ],
)
def test_citations_are_parsed_with_lists_and_ranges(text: str, cited: set[str]) -> None:
    assert cited_rules(text) == cited


def test_definitions_are_found_with_one_letter_prefixes() -> None:
    rules = defined_rules()
    assert {"T-1", "T-2", "T-3", "T-4", "T-5"} <= set(rules)
    assert rules["T-5"].owner is None
    assert rules["WP-2"].owner == "ProtocolWorkflowPersistence"


def test_a_rule_defined_twice_is_refused_naming_both_places(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rule = "XY" + "-1"  # built, so the undefined-citation scan does not see it
    package = tmp_path / "twice_defined_rules"
    package.mkdir()
    (package / "__init__.py").write_text(f'"""Rules:\n    {rule}: first.\n"""\n')
    (package / "other.py").write_text(
        f'class P:\n    """Rules:\n        {rule}: again,\n'
        '            continued.\n    """\n'
    )
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    importlib.invalidate_caches()
    definitions = rule_definitions("twice_defined_rules")
    assert [(d.rule_id, d.owner, d.text) for d in definitions] == [
        (rule, None, "first."),
        (rule, "P", "again, continued."),
    ]
    with pytest.raises(ValueError, match=f"{rule} is defined twice"):
        defined_rules("twice_defined_rules")
