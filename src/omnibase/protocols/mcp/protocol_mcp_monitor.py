"""Health and metrics monitoring of MCP subsystems and tool executions."""

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.types.core_types import ProtocolHealthReport
from omnibase.protocols.types.mcp_types import (
    ProtocolMCPToolMetrics,
    ProtocolMCPToolResult,
)

__all__ = ["ProtocolMCPMonitor"]


@runtime_checkable
class ProtocolMCPMonitor(ProtocolLifecycle, Protocol):
    """Watches subsystem health and records tool executions.

    Rules:
        MMO-1: ``record_execution`` is idempotent by ``execution_id``.
        MMO-2: Metrics cover executions whose ``started_at`` lies in
            ``[since, until)``.
        MMO-3: ``expire_stale_subsystems`` applies MCR-3: it marks overdue
            subsystems ``critical`` and removes those past their grace
            period, and is safe to run concurrently with itself.
    """

    async def check_subsystem_health(
        self, registration_id: UUID
    ) -> ProtocolHealthReport:
        """Probe one subsystem now.

        Args:
            registration_id: The subsystem's registration.

        Returns:
            The observed health.

        Raises:
            NotFoundError: The subsystem is not registered.
            DeadlineExceededError: The probe did not finish in time.
        """
        ...

    async def record_execution(self, result: ProtocolMCPToolResult) -> None:
        """Record one tool execution (MMO-1).

        Args:
            result: The execution's result.

        Raises:
            UnavailableError: The metrics store could not be reached.
        """
        ...

    async def get_tool_metrics(
        self, tool_name: str, since: datetime, *, until: datetime | None = None
    ) -> ProtocolMCPToolMetrics:
        """Summarise the executions of one tool (MMO-2).

        Args:
            tool_name: The tool.
            since: Start of the window (inclusive).
            until: End of the window (exclusive); ``None`` for now.

        Returns:
            The tool's metrics over the window.

        Raises:
            InvalidInputError: ``until`` is not after ``since``.
            UnavailableError: The metrics store could not be reached.
        """
        ...

    async def expire_stale_subsystems(self) -> Sequence[UUID]:
        """Apply TTL expiry to subsystem registrations (MMO-3).

        Returns:
            Registration ids removed by this run.

        Raises:
            UnavailableError: The registry's backend could not be reached.
        """
        ...
