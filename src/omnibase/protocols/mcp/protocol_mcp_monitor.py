"""Execution records and metrics of MCP tools, per tool and per subsystem."""

from datetime import datetime
from typing import Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.types.core_types import ProtocolPage
from omnibase.protocols.types.mcp_types import (
    ProtocolMCPAttemptRecord,
    ProtocolMCPToolMetrics,
)

__all__ = ["ProtocolMCPMonitor"]


@runtime_checkable
class ProtocolMCPMonitor(ProtocolLifecycle, Protocol):
    """Keeps the attempts of tool executions and summarises them.

    The registry is the one recorder (MCR-15): it records every attempt it
    makes, answered or failed, so failures that never produced a result are
    counted too. Subsystem health and its expiry belong to the registry
    (MCR-3), not to the monitor.

    Rules:
        MMO-1: ``record_attempt`` is idempotent by ``(execution_id,
            attempt)``: recording the same attempt again changes nothing, so
            a recorder may retry after an ``UnavailableError``.
        MMO-2: ``get_tool_metrics`` counts the tool's attempts whose
            ``started_at`` lies in ``[since, until)``, of one subsystem when
            ``subsystem_name`` is given: ``calls`` those answered (``result``
            or ``tool_error``), ``tool_errors`` the ``tool_error`` ones,
            ``transport_failures`` the rest. Latencies are nearest-rank
            percentiles of the answered attempts' durations: the ``p``-th is
            the ``ceil(p / 100 * n)``-th smallest of ``n``.
        MMO-3: ``list_attempts`` returns the attempts recorded with one
            correlation id, ordered by ``started_at``, then ``execution_id``
            (as text), then ``attempt``.
        MMO-4: ``until`` not after ``since`` raises ``InvalidInputError``;
            ``until=None`` means now.
    """

    async def record_attempt(self, record: ProtocolMCPAttemptRecord) -> None:
        """Record one attempt of a tool execution (MMO-1).

        Args:
            record: The attempt.

        Raises:
            InvalidInputError: A malformed record (naive time, attempt below
                1, negative duration, unknown outcome).
            UnavailableError: The metrics store could not be reached.
        """
        ...

    async def get_tool_metrics(
        self,
        tool_name: str,
        since: datetime,
        *,
        until: datetime | None = None,
        subsystem_name: str | None = None,
    ) -> ProtocolMCPToolMetrics:
        """Summarise the attempts of one tool (MMO-2, MMO-4).

        Args:
            tool_name: The tool (its registry name).
            since: Start of the window (inclusive).
            until: End of the window (exclusive); ``None`` for now.
            subsystem_name: Only this subsystem's attempts; ``None`` for all.

        Returns:
            The tool's metrics over the window.

        Raises:
            InvalidInputError: ``until`` is not after ``since``, or a naive
                datetime (T-2).
            UnavailableError: The metrics store could not be reached.
        """
        ...

    async def list_attempts(
        self,
        correlation_id: UUID,
        *,
        cursor: str | None = None,
        limit: int = 100,
    ) -> ProtocolPage[ProtocolMCPAttemptRecord]:
        """Return the attempts of one conversation, one page at a time (MMO-3).

        Args:
            correlation_id: The originating request's id (T-7).
            cursor: ``next_cursor`` of the previous page; ``None`` to start.
            limit: Most items on the page (PG-4).

        Returns:
            One page of attempt records.

        Raises:
            InvalidInputError: A bad cursor or limit (PG-3, PG-4).
            UnavailableError: The metrics store could not be reached.
        """
        ...
