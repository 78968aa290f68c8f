"""Run a conformance suite in process and judge deliberately broken implementations.

A [`Variant`][] is a reference implementation with one rule broken on
purpose. The kit is proven when, for each variant, the tests citing the
broken rule fail (with the rule id in the message) and every other test of
the suite still passes.
"""

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import pytest

from omnibase.spi_conformance.suites import rules_of

type Outcome = Literal["passed", "failed", "skipped"]


@dataclass(frozen=True, slots=True)
class Result:
    """The outcome of one test of a suite."""

    test: str
    rules: tuple[str, ...]
    outcome: Outcome
    message: str


@dataclass(frozen=True, slots=True)
class Variant:
    """A reference implementation broken on purpose.

    Attributes:
        name: What is broken, e.g. ``"caches_secrets"``.
        breaks: The rule ids whose tests must fail.
        suite: The suite subclass that runs the reference implementation.
        overrides: Attributes replaced on that subclass, typically its
            ``build`` method, to construct the broken implementation instead.
    """

    name: str
    breaks: tuple[str, ...]
    suite: type
    overrides: Mapping[str, object]

    @property
    def label(self) -> str:
        """``<suite>:<name>``, the variant's test id."""
        return f"{self.suite.__name__}:{self.name}"

    def suite_class(self) -> type:
        """Return the suite subclass that runs the broken implementation."""
        return type(
            f"Broken_{self.name}", (self.suite,), dict(self.overrides, __test__=False)
        )


def test_names(suite: type) -> list[str]:
    """Return the names of a suite's tests, sorted."""
    return sorted(
        name
        for name, member in inspect.getmembers(suite)
        if name.startswith("test_") and callable(member)
    )


def run_suite(
    suite: type, *, only: Callable[[str], bool] | None = None
) -> list[Result]:
    """Run every test of ``suite`` in this process, as pytest would one by one.

    Args:
        suite: A concrete suite subclass.
        only: Restrict to the tests whose name passes this filter.

    Returns:
        One result per test.
    """
    results: list[Result] = []
    for name in test_names(suite):
        if only is not None and not only(name):
            continue
        method = getattr(suite(), name)
        rules = rules_of(method)
        try:
            method()
        except pytest.skip.Exception as skipped:
            results.append(Result(name, rules, "skipped", str(skipped)))
        except (AssertionError, Exception) as failure:
            results.append(Result(name, rules, "failed", str(failure)))
        else:
            results.append(Result(name, rules, "passed", ""))
    return results


def verdict(variant: Variant, results: list[Result]) -> list[str]:
    """Judge a variant's run: return what is wrong (empty when the kit caught it).

    Args:
        variant: The broken implementation.
        results: Its suite's results.

    Returns:
        Problems: the broken rule's tests all passed, a failure message lacks
        the rule id, or a test of another rule failed.
    """
    problems: list[str] = []
    targeted = [r for r in results if set(r.rules) & set(variant.breaks)]
    caught = [r for r in targeted if r.outcome == "failed"]
    if not targeted:
        problems.append(f"no test cites {variant.breaks}")
    elif not caught:
        problems.append(
            f"no test of {', '.join(variant.breaks)} failed: "
            + ", ".join(f"{r.test}={r.outcome}" for r in targeted)
        )
    elif not any(rule in r.message for r in caught for rule in variant.breaks):
        problems.append(f"failures do not name {variant.breaks}: {caught[0].message}")
    collateral = [
        r
        for r in results
        if r.outcome == "failed" and not set(r.rules) & set(variant.breaks)
    ]
    problems.extend(
        f"unrelated test failed: {r.test}: {r.message.splitlines()[0]}"
        for r in collateral
    )
    return problems
