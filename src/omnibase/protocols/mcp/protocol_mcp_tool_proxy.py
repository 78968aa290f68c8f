"""Tool execution proxying: one call to one MCP subsystem."""

from datetime import timedelta
from typing import Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.types.core_types import JsonObject
from omnibase.protocols.types.mcp_types import (
    ProtocolMCPProgressHandler,
    ProtocolMCPSubsystemRegistration,
    ProtocolMCPToolResult,
)

__all__ = ["ProtocolMCPToolProxy"]


@runtime_checkable
class ProtocolMCPToolProxy(ProtocolLifecycle, Protocol):
    """Forwards a tool call to one subsystem's MCP server.

    The registry chooses the subsystem and fails over (MCR-5 to MCR-7); the
    proxy only speaks to the one it is given and tells the two kinds of
    failure apart.

    Rules:
        MTP-1: A tool that ran returns a result, with ``is_error`` true when
            it failed (MCT-3); the proxy never raises for that.
        MTP-2: A call that could not be delivered, or got a protocol error
            (unknown tool, malformed request, internal error), raises
            ``UnavailableError``.
        MTP-3: Progress notifications reach ``progress_handler`` in order;
            none arrives after the call returned.
        MTP-4: Cancelling the awaiting task sends MCP's cancellation to the
            subsystem and re-raises ``asyncio.CancelledError`` (ERR-2).
    """

    async def call_tool(
        self,
        subsystem: ProtocolMCPSubsystemRegistration,
        tool_name: str,
        parameters: JsonObject,
        correlation_id: UUID,
        *,
        timeout: timedelta | None = None,
        progress_handler: ProtocolMCPProgressHandler | None = None,
    ) -> ProtocolMCPToolResult:
        """Call ``tool_name`` on ``subsystem`` (MTP-1 to MTP-4).

        Args:
            subsystem: The subsystem to call.
            tool_name: The tool's name within the subsystem.
            parameters: Arguments, already validated by the caller.
            correlation_id: Correlation id to pass along.
            timeout: Limit for this one call (T-3).
            progress_handler: Receives progress notifications (MTP-3).

        Returns:
            The tool's result, which may be a tool error (MTP-1).

        Raises:
            UnavailableError: Transport or protocol failure (MTP-2).
            DeadlineExceededError: ``timeout`` passed first; the call may
                still take effect.
        """
        ...
