"""In-memory ``ProtocolMCPMonitor``: attempt records, metrics, lookup by correlation.

Demonstrates:
    MMO-1: records are kept by ``(execution_id, attempt)``; recording one
        again changes nothing.
    MMO-2: metrics over ``[since, until)``, per tool and optionally per
        subsystem; nearest-rank latency percentiles of answered attempts.
    MMO-3: the attempts of one correlation id, in ``(started_at,
        execution_id, attempt)`` order, paged.
    MMO-4: an empty or reversed window is refused.

Deliberate simplifications:
    Everything is kept in memory for the monitor's life; a real monitor
    would expire old records and keep histograms instead of durations.
"""

import math
from datetime import datetime, timedelta
from typing import cast, get_args
from uuid import UUID

from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.types import (
    MCPAttemptOutcome,
    ProtocolMCPAttemptRecord,
    ProtocolMCPToolMetrics,
    ProtocolPage,
)
from omnibase.spi_conformance.reference.factories import Clock, utc_now
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle
from omnibase.spi_conformance.reference.paging import paginate
from omnibase.spi_conformance.reference.values import AttemptRecord, ToolMetrics

__all__ = ["InMemoryMCPMonitor", "nearest_rank"]

_ANSWERED: frozenset[MCPAttemptOutcome] = frozenset({"result", "tool_error"})


def nearest_rank(durations: list[timedelta], percent: int) -> timedelta | None:
    """Return the nearest-rank percentile of ``durations`` (MMO-2).

    Args:
        durations: The sample, in any order.
        percent: The percentile, 1 to 100.

    Returns:
        The ``ceil(percent / 100 * n)``-th smallest value; ``None`` when the
        sample is empty.
    """
    if not durations:
        return None
    ordered = sorted(durations)
    rank = max(1, math.ceil(percent * len(ordered) / 100))
    return ordered[rank - 1]


def _aware(value: object, what: str) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidInputError(f"{what} must be a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInputError(f"{what} must be timezone-aware (T-2), got {value!r}")
    return value


class InMemoryMCPMonitor(ReferenceLifecycle):
    """Keeps attempt records in memory and summarises them."""

    def __init__(self, *, clock: Clock = utc_now) -> None:
        """Create an empty monitor.

        Args:
            clock: "Now", for windows without ``until``.
        """
        super().__init__(clock=clock)
        self._records: dict[tuple[UUID, int], AttemptRecord] = {}

    async def record_attempt(self, record: ProtocolMCPAttemptRecord) -> None:
        """Keep ``record`` unless that attempt is already recorded (MMO-1)."""
        self._check_open()
        value = cast("object", record)
        if not isinstance(value, ProtocolMCPAttemptRecord):
            raise InvalidInputError(
                f"record must be a ProtocolMCPAttemptRecord, got {value!r}"
            )
        outcome = cast("object", record.outcome)
        if outcome not in get_args(MCPAttemptOutcome):
            raise InvalidInputError(f"unknown outcome {outcome!r}")
        if record.attempt < 1:
            raise InvalidInputError(f"attempt must be at least 1, got {record.attempt}")
        if record.duration < timedelta(0):
            raise InvalidInputError(
                f"duration must not be negative, got {record.duration}"
            )
        started_at = _aware(record.started_at, "started_at")
        key = (record.execution_id, record.attempt)
        if key in self._records:
            return
        self._records[key] = AttemptRecord(
            execution_id=record.execution_id,
            attempt=record.attempt,
            correlation_id=record.correlation_id,
            tool_name=record.tool_name,
            subsystem_name=record.subsystem_name,
            outcome=cast("MCPAttemptOutcome", outcome),
            started_at=started_at,
            duration=record.duration,
            error_type=record.error_type,
        )

    async def get_tool_metrics(
        self,
        tool_name: str,
        since: datetime,
        *,
        until: datetime | None = None,
        subsystem_name: str | None = None,
    ) -> ProtocolMCPToolMetrics:
        """Count the tool's attempts in ``[since, until)`` (MMO-2, MMO-4)."""
        self._check_open()
        start = _aware(since, "since")
        end = self._clock() if until is None else _aware(until, "until")
        if end <= start:
            raise InvalidInputError(
                f"until ({end}) must be after since ({start}) (MMO-4)"
            )
        chosen = [
            record
            for record in self._records.values()
            if record.tool_name == tool_name
            and (subsystem_name is None or record.subsystem_name == subsystem_name)
            and start <= record.started_at < end
        ]
        answered = [r for r in chosen if r.outcome in _ANSWERED]
        durations = [r.duration for r in answered]
        return ToolMetrics(
            tool_name=tool_name,
            subsystem_name=subsystem_name,
            window_start=start,
            window_end=end,
            calls=len(answered),
            tool_errors=sum(r.outcome == "tool_error" for r in chosen),
            transport_failures=len(chosen) - len(answered),
            latency_p50=nearest_rank(durations, 50),
            latency_p95=nearest_rank(durations, 95),
        )

    async def list_attempts(
        self,
        correlation_id: UUID,
        *,
        cursor: str | None = None,
        limit: int = 100,
    ) -> ProtocolPage[ProtocolMCPAttemptRecord]:
        """The attempts of one correlation id, in order (MMO-3)."""
        self._check_open()
        matching = sorted(
            (r for r in self._records.values() if r.correlation_id == correlation_id),
            key=lambda r: (r.started_at, str(r.execution_id), r.attempt),
        )
        return paginate(matching, cursor=cursor, limit=limit)
