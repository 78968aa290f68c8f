"""Opt-in pytest plugin: a per-rule verdict for every conformance suite that ran.

Not auto-loaded. Enable it for one run::

    pytest -p omnibase.spi_conformance.pytest_plugin
    pytest -p omnibase.spi_conformance.pytest_plugin --conformance-json report.json

or for good with ``pytest_plugins = ["omnibase.spi_conformance.pytest_plugin"]``
in a ``conftest.py``. After the run it prints, per suite subclass and
contract, each rule with ``passed``, ``FAILED`` (with the first line of the
failure) or ``skipped`` (with the reason: an optional capability not declared,
a fault hook not supplied), then the contract's untested rules with the
reason no test can check them. ``--conformance-json`` writes the same as JSON
for an implementer's CI.
"""

import json
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

import pytest

from omnibase.spi_conformance.rules import CLASSIFICATION, Untested, defined_rules
from omnibase.spi_conformance.suites._base import rules_of

__all__ = ["RuleVerdict", "SuiteReport"]

type Verdict = Literal["passed", "failed", "skipped", "untested"]

_REPORTS_KEY: Final = pytest.StashKey[dict[str, "SuiteReport"]]()
_TESTS_KEY: Final = pytest.StashKey[dict[str, tuple[str, tuple[str, ...]]]]()
_ORDER: Final[dict[Verdict, int]] = {"failed": 0, "skipped": 1, "passed": 2}


@dataclass(slots=True)
class RuleVerdict:
    """What the tests of one rule found, in one suite subclass.

    Attributes:
        rule: The rule id.
        verdict: ``failed`` if any of its tests failed, ``passed`` if one
            passed and none failed, ``skipped`` if all were skipped,
            ``untested`` for a rule no test can check.
        tests: The tests that cite the rule, by name.
        detail: The first failure line, the skip reason or the untested reason.
    """

    rule: str
    verdict: Verdict
    tests: list[str] = field(default_factory=list[str])
    detail: str = ""


@dataclass(slots=True)
class SuiteReport:
    """The per-rule verdicts of one suite subclass (one implementation).

    Attributes:
        suite: The subclass's pytest node id.
        contract: The name of the protocol it checks.
        rules: Verdicts by rule id.
    """

    suite: str
    contract: str
    rules: dict[str, RuleVerdict] = field(default_factory=dict[str, RuleVerdict])

    def record(self, rule_id: str, test: str, verdict: Verdict, detail: str) -> None:
        """Fold one test outcome into the rule's verdict (worst outcome wins).

        Args:
            rule_id: A rule the test cites.
            test: The test's name.
            verdict: The test's outcome.
            detail: Its failure line or skip reason.
        """
        current = self.rules.get(rule_id)
        if current is None:
            self.rules[rule_id] = RuleVerdict(rule_id, verdict, [test], detail)
            return
        current.tests.append(test)
        if _ORDER.get(verdict, 3) < _ORDER.get(current.verdict, 3):
            current.verdict = verdict
            current.detail = detail


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--conformance-json``."""
    parser.addoption(
        "--conformance-json",
        metavar="PATH",
        default=None,
        help="write the per-rule conformance verdicts to PATH as JSON",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Prepare the collected data."""
    config.stash[_REPORTS_KEY] = {}
    config.stash[_TESTS_KEY] = {}


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Remember which collected tests are conformance tests, and of what."""
    reports = config.stash[_REPORTS_KEY]
    tests = config.stash[_TESTS_KEY]
    for item in items:
        function: object = getattr(item, "function", None)
        rule_ids = rules_of(function)
        klass: object = getattr(item, "cls", None)
        contract: object = getattr(klass, "contract", None)
        if (
            not rule_ids
            or not isinstance(klass, type)
            or not isinstance(contract, type)
        ):
            continue
        suite_id = item.nodeid.rsplit("::", 1)[0]
        reports.setdefault(suite_id, SuiteReport(suite_id, contract.__name__))
        tests[item.nodeid] = (suite_id, rule_ids)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Fold each conformance test's outcome into its rules' verdicts."""
    report = yield
    known = item.config.stash[_TESTS_KEY].get(item.nodeid)
    if known is None or (
        report.when != "call" and not (report.failed or report.skipped)
    ):
        return report
    suite_id, rule_ids = known
    if report.skipped:
        verdict: Verdict = "skipped"
        longrepr: object = report.longrepr
        detail = str(longrepr[2]) if isinstance(longrepr, tuple) else str(longrepr)
        detail = detail.removeprefix("Skipped: ")
    elif report.failed:
        verdict = "failed"
        detail = _first_line(call.excinfo.value if call.excinfo else report.longrepr)
    else:
        verdict = "passed"
        detail = ""
    suite = item.config.stash[_REPORTS_KEY][suite_id]
    name = item.nodeid.rsplit("::", 1)[-1]
    for rule_id in rule_ids:
        suite.record(rule_id, name, verdict, detail)
    return report


def _first_line(error: object) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _with_untested(report: SuiteReport) -> SuiteReport:
    """Add the contract's untested rules, with their reasons."""
    for rule_id, definition in defined_rules().items():
        classification = CLASSIFICATION.get(rule_id)
        if (
            isinstance(classification, Untested)
            and definition.owner == report.contract
            and rule_id not in report.rules
        ):
            report.rules[rule_id] = RuleVerdict(
                rule_id, "untested", [], classification.reason
            )
    return report


def _sort_key(rule_id: str) -> tuple[str, int]:
    prefix, _, number = rule_id.partition("-")
    return prefix, int(number) if number.isdigit() else 0


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Print the per-rule verdicts and write the JSON report if asked."""
    reports = [_with_untested(r) for r in config.stash[_REPORTS_KEY].values()]
    if not reports:
        return
    write = terminalreporter.write_line
    terminalreporter.section("ONEX SPI conformance: verdict per rule")
    totals: dict[str, int] = {"passed": 0, "failed": 0, "skipped": 0, "untested": 0}
    for report in sorted(reports, key=lambda r: r.suite):
        write(f"{report.contract} ({report.suite})")
        for rule_id in sorted(report.rules, key=_sort_key):
            verdict = report.rules[rule_id]
            totals[verdict.verdict] += 1
            shown = "FAILED" if verdict.verdict == "failed" else verdict.verdict
            write(f"  {rule_id:<8} {shown:<8}  {verdict.detail}".rstrip())
    write(
        f"rules: {totals['passed']} passed, {totals['failed']} failed, "
        f"{totals['skipped']} skipped, {totals['untested']} untested"
    )
    destination: object = config.getoption("conformance_json")
    if isinstance(destination, str):
        document = {
            "suites": [
                {
                    "suite": report.suite,
                    "contract": report.contract,
                    "rules": [
                        {
                            "rule": verdict.rule,
                            "verdict": verdict.verdict,
                            "tests": verdict.tests,
                            "detail": verdict.detail,
                        }
                        for verdict in sorted(
                            report.rules.values(), key=lambda v: _sort_key(v.rule)
                        )
                    ],
                }
                for report in sorted(reports, key=lambda r: r.suite)
            ],
            "totals": totals,
        }
        path = Path(destination)
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        write(f"conformance report written to {path}")
