"""The kit's own machinery: clock, eventually, rule-prefixed failures, skips, hooks."""

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Mapping
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime, timedelta, timezone
from typing import ClassVar, override

import pytest

from omnibase.spi_conformance.suites import (
    ConformanceError,
    ConformanceSuite,
    SuiteEnvironment,
    capability_of,
    check_raises,
    fault_hook,
    rule,
    rules_of,
)
from omnibase.spi_conformance.support import ManualClock, eventually


def test_manual_clock_moves_only_forward_and_reports_utc() -> None:
    clock = ManualClock(datetime(2026, 1, 1, 12, tzinfo=timezone(timedelta(hours=2))))
    assert clock() == datetime(2026, 1, 1, 10, tzinfo=UTC)
    assert clock.advance(timedelta(seconds=5)) == datetime(
        2026, 1, 1, 10, 0, 5, tzinfo=UTC
    )
    with pytest.raises(ValueError, match="cannot go back"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError, match="timezone-aware"):
        ManualClock(datetime(2026, 1, 1))


def test_eventually_retries_until_the_check_passes() -> None:
    attempts: list[int] = []

    async def check() -> int:
        attempts.append(1)
        assert len(attempts) >= 3, "not yet"
        return len(attempts)

    result = asyncio.run(
        eventually(check, within=timedelta(seconds=5), interval=timedelta(0))
    )
    assert result == 3


def test_eventually_gives_up_with_the_last_failure_and_the_wait() -> None:
    async def check() -> None:
        raise AssertionError("WP-2: expected a conflict; got 3")

    with pytest.raises(AssertionError) as caught:
        asyncio.run(eventually(check, within=timedelta(milliseconds=20)))
    assert str(caught.value).startswith("WP-2: expected a conflict; got 3")
    assert "still failing after 0.02 s" in str(caught.value)


class Thing:
    """A subject with one async method."""

    async def answer(self) -> int:
        return 42


class ThingSuite(ConformanceSuite[Thing, SuiteEnvironment]):
    contract: ClassVar[type] = Thing
    OPTIONAL_CAPABILITIES: ClassVar[Mapping[str, str]] = {"extra": "does more"}

    @override
    async def create_subject(self, env: SuiteEnvironment) -> AsyncIterator[Thing]:
        yield Thing()

    @fault_hook
    async def fault_break(self, subject: Thing, env: SuiteEnvironment) -> None:
        """Break the thing."""

    @rule("SRR-1")
    async def test_SRR_1_raises_a_builtin(
        self, subject: Thing, env: SuiteEnvironment
    ) -> None:
        raise KeyError("oops")

    @rule("SRR-2", "SEC-1")
    async def test_SRR_2_plain_assert(
        self, subject: Thing, env: SuiteEnvironment
    ) -> None:
        assert await subject.answer() == 41, "wrong answer"

    @rule("SRR-3", capability="extra")
    async def test_SRR_3_needs_extra(
        self, subject: Thing, env: SuiteEnvironment
    ) -> None:
        assert await subject.answer() == 42

    @rule("LC-1")
    async def test_LC_1_needs_a_hook(
        self, subject: Thing, env: SuiteEnvironment
    ) -> None:
        self.require_hook("fault_break")
        await self.fault_break(subject, env)
        await check_raises("LC-1", ValueError, subject.answer(), doing="answer")


def test_unexpected_exceptions_become_failures_naming_the_rule() -> None:
    with pytest.raises(ConformanceError) as caught:
        ThingSuite().test_SRR_1_raises_a_builtin()
    assert str(caught.value) == "SRR-1: the implementation raised KeyError: 'oops'"


def test_plain_assertions_are_prefixed_with_every_rule_of_the_test() -> None:
    with pytest.raises(ConformanceError, match=r"^SRR-2, SEC-1: wrong answer"):
        ThingSuite().test_SRR_2_plain_assert()


def test_an_optional_test_is_skipped_unless_its_capability_is_declared() -> None:
    with pytest.raises(pytest.skip.Exception, match="optional capability 'extra'"):
        ThingSuite().test_SRR_3_needs_extra()

    class WithExtra(ThingSuite):
        capabilities: ClassVar[AbstractSet[str]] = frozenset({"extra"})

    WithExtra().test_SRR_3_needs_extra()


def test_an_unknown_capability_is_refused_when_the_subclass_is_defined() -> None:
    with pytest.raises(TypeError, match=r"unknown capabilities \['extar'\]"):

        class Typo(ThingSuite):  # pyright: ignore[reportUnusedClass]
            capabilities: ClassVar[AbstractSet[str]] = frozenset({"extar"})


def test_a_hook_not_supplied_skips_and_a_supplied_one_runs() -> None:
    with pytest.raises(pytest.skip.Exception, match="fault hook 'fault_break'"):
        ThingSuite().test_LC_1_needs_a_hook()

    class Supplied(ThingSuite):
        @override
        async def fault_break(self, subject: Thing, env: SuiteEnvironment) -> None:
            env.notes["broken"] = True

    with pytest.raises(ConformanceError, match="LC-1: expected ValueError"):
        Supplied().test_LC_1_needs_a_hook()
    assert ThingSuite.hooks() == Supplied.hooks() == ["fault_break"]
    with pytest.raises(TypeError, match="no fault hook 'fault_missing'"):
        ThingSuite().require_hook("fault_missing")


def test_a_subclass_without_a_factory_fails_with_instructions() -> None:
    class NoFactory(ConformanceSuite[Thing, SuiteEnvironment]):
        contract: ClassVar[type] = Thing

        @rule("SRR-1")
        async def test_SRR_1_anything(
            self, subject: Thing, env: SuiteEnvironment
        ) -> None:
            raise AssertionError("never reached")

    with pytest.raises(ConformanceError, match="must define `async def create_subject"):
        NoFactory().test_SRR_1_anything()


def test_a_factory_may_return_an_async_context_manager() -> None:
    class Managed(ThingSuite):
        @override
        def create_subject(self, env: SuiteEnvironment) -> AsyncIterator[Thing]:
            @contextlib.asynccontextmanager
            async def managed() -> AsyncGenerator[Thing]:
                yield Thing()

            return managed()  # type: ignore[return-value]

    with pytest.raises(ConformanceError, match="SRR-2, SEC-1: wrong answer"):
        Managed().test_SRR_2_plain_assert()


def test_rule_metadata_is_readable_and_a_rule_is_required() -> None:
    assert rules_of(ThingSuite.test_SRR_2_plain_assert) == ("SRR-2", "SEC-1")
    assert capability_of(ThingSuite.test_SRR_3_needs_extra) == "extra"
    assert capability_of(ThingSuite.test_SRR_1_raises_a_builtin) is None
    assert rules_of(test_rule_metadata_is_readable_and_a_rule_is_required) == ()
    with pytest.raises(ValueError, match="at least one rule"):
        rule()


def test_each_test_gets_a_fresh_subject_and_teardown_runs() -> None:
    events: list[str] = []

    class Counting(ThingSuite):
        @override
        async def create_subject(self, env: SuiteEnvironment) -> AsyncIterator[Thing]:
            events.append("setup")
            yield Thing()
            events.append("teardown")

    with pytest.raises(ConformanceError):
        Counting().test_SRR_1_raises_a_builtin()
    with pytest.raises(ConformanceError):
        Counting().test_SRR_2_plain_assert()
    assert events == ["setup", "teardown", "setup", "teardown"]
