"""Conformance suite of ``ProtocolMCPMonitor`` (MMO-1 to MMO-4).

Besides ``create_subject``, nothing is required: the kit records attempts it
builds itself. Wire ``env.clock`` into the monitor (``until=None`` means its
"now") and set ``clock_wired = True``.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import ClassVar, override
from uuid import UUID, uuid4

from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.mcp import ProtocolMCPMonitor
from omnibase.protocols.types import MCPAttemptOutcome, ProtocolMCPAttemptRecord
from omnibase.spi_conformance.reference.values import AttemptRecord
from omnibase.spi_conformance.suites._base import (
    SuiteEnvironment,
    check_equal,
    check_raises,
    rule,
)
from omnibase.spi_conformance.suites.lifecycle import Call, LifecycleChecks

__all__ = ["MCPMonitorSuite"]

_ERRORS: Mapping[MCPAttemptOutcome, str | None] = {
    "result": None,
    "tool_error": None,
    "unavailable": "UnavailableError",
    "outcome_unknown": "OutcomeUnknownError",
    "deadline_exceeded": "DeadlineExceededError",
    "resource_exhausted": "ResourceExhaustedError",
    "not_supported": "NotSupportedError",
}


class MCPMonitorSuite(LifecycleChecks[ProtocolMCPMonitor, SuiteEnvironment]):
    """Checks a ``ProtocolMCPMonitor``."""

    contract: ClassVar[type] = ProtocolMCPMonitor

    @override
    def calls_after_close(
        self, subject: ProtocolMCPMonitor, env: SuiteEnvironment
    ) -> Mapping[str, Call]:
        """Every monitor method after ``aclose`` (LC-3)."""
        record = self.record(env.clock(), "t", "kit_a", "result")
        since = env.clock() - timedelta(hours=1)
        return {
            "record_attempt": lambda: subject.record_attempt(record),
            "get_tool_metrics": lambda: subject.get_tool_metrics("t", since),
            "list_attempts": lambda: subject.list_attempts(uuid4()),
        }

    def record(
        self,
        started_at: datetime,
        tool: str,
        subsystem: str,
        outcome: MCPAttemptOutcome,
        *,
        duration: timedelta = timedelta(milliseconds=10),
        correlation_id: UUID | None = None,
        execution_id: UUID | None = None,
        attempt: int = 1,
    ) -> AttemptRecord:
        """Build one attempt record."""
        return AttemptRecord(
            execution_id=execution_id or uuid4(),
            attempt=attempt,
            correlation_id=correlation_id or uuid4(),
            tool_name=tool,
            subsystem_name=subsystem,
            outcome=outcome,
            started_at=started_at,
            duration=duration,
            error_type=_ERRORS[outcome],
        )

    @rule("MMO-1")
    async def test_MMO_1_recording_an_attempt_twice_counts_it_once(
        self, subject: ProtocolMCPMonitor, env: SuiteEnvironment
    ) -> None:
        """The same ``(execution_id, attempt)`` is one attempt."""
        start = env.clock()
        record = self.record(start, "t", "kit_a", "result")
        await subject.record_attempt(record)
        await subject.record_attempt(record)
        second = self.record(
            start, "t", "kit_a", "result", execution_id=record.execution_id, attempt=2
        )
        await subject.record_attempt(second)
        metrics = await subject.get_tool_metrics(
            "t", start, until=start + timedelta(seconds=1)
        )
        check_equal("MMO-1", "calls", 2, metrics.calls)
        page = await subject.list_attempts(record.correlation_id)
        check_equal("MMO-1", "attempts listed", 1, len(page.items))

    @rule("MMO-2")
    async def test_MMO_2_outcomes_are_counted_by_kind(
        self, subject: ProtocolMCPMonitor, env: SuiteEnvironment
    ) -> None:
        """Answers are calls; tool errors among them; the rest are failures."""
        start = env.clock()
        for outcome in _ERRORS:
            await subject.record_attempt(self.record(start, "t", "kit_a", outcome))
        await subject.record_attempt(self.record(start, "other", "kit_a", "result"))
        metrics = await subject.get_tool_metrics(
            "t", start, until=start + timedelta(seconds=1)
        )
        counted = (
            metrics.tool_name,
            metrics.calls,
            metrics.tool_errors,
            metrics.transport_failures,
        )
        check_equal(
            "MMO-2",
            "(tool, calls, tool_errors, transport_failures)",
            ("t", 2, 1, 5),
            counted,
        )

    @rule("MMO-2")
    async def test_MMO_2_the_window_is_half_open(
        self, subject: ProtocolMCPMonitor, env: SuiteEnvironment
    ) -> None:
        """``started_at`` in ``[since, until)``."""
        start = env.clock()
        for offset in (-1, 0, 5, 10):
            await subject.record_attempt(
                self.record(start + timedelta(seconds=offset), "t", "kit_a", "result")
            )
        metrics = await subject.get_tool_metrics(
            "t", start, until=start + timedelta(seconds=10)
        )
        check_equal("MMO-2", "calls in [start, start + 10 s)", 2, metrics.calls)
        check_equal(
            "MMO-2",
            "window",
            (start, start + timedelta(seconds=10)),
            (metrics.window_start, metrics.window_end),
        )

    @rule("MMO-2")
    async def test_MMO_2_metrics_per_subsystem(
        self, subject: ProtocolMCPMonitor, env: SuiteEnvironment
    ) -> None:
        """``subsystem_name`` narrows to one subsystem's attempts."""
        start = env.clock()
        await subject.record_attempt(self.record(start, "t", "kit_a", "result"))
        await subject.record_attempt(self.record(start, "t", "kit_b", "unavailable"))
        await subject.record_attempt(self.record(start, "t", "kit_b", "result"))
        until = start + timedelta(seconds=1)
        whole = await subject.get_tool_metrics("t", start, until=until)
        only_b = await subject.get_tool_metrics(
            "t", start, until=until, subsystem_name="kit_b"
        )
        check_equal(
            "MMO-2",
            "(calls, failures) of all subsystems",
            (2, 1),
            (whole.calls, whole.transport_failures),
        )
        check_equal(
            "MMO-2",
            "(calls, failures) of kit_b",
            (1, 1),
            (only_b.calls, only_b.transport_failures),
        )
        check_equal(
            "MMO-2",
            "subsystem_name of the metrics",
            ("kit_b", None),
            (only_b.subsystem_name, whole.subsystem_name),
        )

    @rule("MMO-2")
    async def test_MMO_2_latencies_are_nearest_rank_percentiles(
        self, subject: ProtocolMCPMonitor, env: SuiteEnvironment
    ) -> None:
        """Of 1..20 ms: p50 is 10 ms, p95 is 19 ms; failures do not count."""
        start = env.clock()
        for millis in range(20, 0, -1):
            await subject.record_attempt(
                self.record(
                    start,
                    "t",
                    "kit_a",
                    "result",
                    duration=timedelta(milliseconds=millis),
                )
            )
        await subject.record_attempt(
            self.record(
                start, "t", "kit_a", "deadline_exceeded", duration=timedelta(seconds=9)
            )
        )
        metrics = await subject.get_tool_metrics(
            "t", start, until=start + timedelta(seconds=1)
        )
        expected = (timedelta(milliseconds=10), timedelta(milliseconds=19))
        check_equal(
            "MMO-2", "(p50, p95)", expected, (metrics.latency_p50, metrics.latency_p95)
        )
        empty = await subject.get_tool_metrics(
            "none", start, until=start + timedelta(seconds=1)
        )
        check_equal(
            "MMO-2",
            "(p50, p95) without answers",
            (None, None),
            (empty.latency_p50, empty.latency_p95),
        )

    @rule("MMO-3")
    async def test_MMO_3_attempts_of_one_correlation_id_in_order(
        self, subject: ProtocolMCPMonitor, env: SuiteEnvironment
    ) -> None:
        """By ``started_at``, then execution id as text, then attempt; paged."""
        start = env.clock()
        correlation_id = uuid4()
        first, second = sorted((uuid4(), uuid4()), key=str)
        records = [
            self.record(
                start + timedelta(seconds=2),
                "t",
                "kit_b",
                "result",
                correlation_id=correlation_id,
                execution_id=first,
                attempt=2,
            ),
            self.record(
                start + timedelta(seconds=1),
                "t",
                "kit_a",
                "unavailable",
                correlation_id=correlation_id,
                execution_id=first,
                attempt=1,
            ),
            self.record(
                start + timedelta(seconds=2),
                "t",
                "kit_a",
                "result",
                correlation_id=correlation_id,
                execution_id=second,
            ),
            self.record(start, "t", "kit_a", "result"),
        ]
        for record in records:
            await subject.record_attempt(record)
        listed: list[ProtocolMCPAttemptRecord] = []
        cursor: str | None = None
        for _ in range(10):
            page = await subject.list_attempts(correlation_id, cursor=cursor, limit=2)
            listed.extend(page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
        got = [(r.execution_id, r.attempt) for r in listed]
        check_equal(
            "MMO-3",
            "(execution, attempt) in order",
            [(first, 1), (first, 2), (second, 1)],
            got,
        )

    @rule("MMO-4", "T-2")
    async def test_MMO_4_a_bad_window_is_invalid_input(
        self, subject: ProtocolMCPMonitor, env: SuiteEnvironment
    ) -> None:
        """``until`` not after ``since``, or a naive datetime."""
        start = env.clock()
        for until in (start, start - timedelta(seconds=1)):
            await check_raises(
                "MMO-4",
                InvalidInputError,
                subject.get_tool_metrics("t", start, until=until),
                doing=f"get_tool_metrics with until {until - start} after since",
            )
        naive = start.replace(tzinfo=None)
        await check_raises(
            "T-2",
            InvalidInputError,
            subject.get_tool_metrics("t", naive),
            doing="get_tool_metrics with a naive since",
        )

    @rule("MMO-4")
    async def test_MMO_4_until_defaults_to_now(
        self, subject: ProtocolMCPMonitor, env: SuiteEnvironment
    ) -> None:
        """Without ``until`` the window ends now."""
        start = env.clock()
        await subject.record_attempt(self.record(start, "t", "kit_a", "result"))
        await self.advance_time(env, timedelta(seconds=5))
        metrics = await subject.get_tool_metrics("t", start - timedelta(seconds=1))
        check_equal("MMO-4", "calls up to now", 1, metrics.calls)
        if self.clock_wired:
            check_equal("MMO-4", "window_end", env.clock(), metrics.window_end)
