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
    proxy only speaks to the one it is given and says, by the class of the
    error it raises, whether the call may have taken effect (ERR-5). It
    reaches the server by the registration's transport and endpoint, and
    resolves its ``credentials`` when it connects (MCT-6).

    Rules:
        MTP-1: A tool that ran returns a result, with ``is_error`` true when
            it failed (MCT-3); the proxy never raises for that. A result
            whose structured content is missing or breaks the tool's
            ``output_schema`` is returned as a tool error too (``is_error``
            true): the tool ran.
        MTP-2: The error says what happened to the call: not sent (the
            server cannot be reached, or does not list the tool: an unknown
            tool is a protocol error even when the server answers it with an
            ``isError`` result) raises ``UnavailableError``; a JSON-RPC error
            reply maps by its code: MCP's ``-32601`` and ``-32602`` (unknown
            method or tool, invalid arguments) and ERR-4's ``-32005``
            (unavailable) mean refused and not run, so ``UnavailableError``;
            ERR-4's ``-32008`` raises ``ResourceExhaustedError``
            (``retry_after`` from ``data.retry_after``, in seconds); any
            other code (``-32603`` internal error included) raises
            ``OutcomeUnknownError``, as does a connection lost after
            sending; ``timeout`` passing first raises
            ``DeadlineExceededError``.
        MTP-3: Progress notifications reach ``progress_handler`` with
            strictly increasing ``progress`` (MPR-1): one that does not
            exceed the last delivered is dropped, and none is delivered after
            ``call_tool`` returned or raised.
        MTP-4: Cancelling the awaiting task cancels the call on the server
            (MCP cancellation for the transport in use) and re-raises
            ``asyncio.CancelledError`` (ERR-2).
        MTP-5: A server that asks for input to complete the call (an MCP
            ``input_required`` result, an elicitation or a sampling request)
            gets no answer through the SPI: the call raises
            ``NotSupportedError``.
        MTP-6: The call carries the correlation id in its ``_meta`` under
            ``MCP_CORRELATION_META_KEY``, and the result carries it too
            (T-7).
        MTP-7: A result keeps every content block the server sent, in order,
            with all of its members (kind, text, decoded data, media type,
            URI, name, title, description, size, annotations, ``_meta``) and
            the structured content as sent (MCT-4).
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
        """Call ``tool_name`` on ``subsystem`` (MTP-1 to MTP-7).

        Args:
            subsystem: The subsystem to call, as registered.
            tool_name: The tool's registry name; the proxy sends its
                ``upstream_name`` when it has one (MCT-1).
            parameters: Arguments, already validated by the caller.
            correlation_id: The originating request's id (MTP-6, T-7).
            timeout: Limit for this one call (T-3, T-6).
            progress_handler: Receives progress notifications (MTP-3).

        Returns:
            The tool's result, which may be a tool error (MTP-1), with
            ``attempts`` 1 and an ``execution_id`` of the proxy's own.

        Raises:
            NotFoundError: ``tool_name`` is not a tool of the registration.
            UnavailableError: Not sent, or refused unrun (MTP-2).
            ResourceExhaustedError: The server throttled the call (MTP-2).
            OutcomeUnknownError: Sent, and no answer came (MTP-2).
            NotSupportedError: The server asked for input (MTP-5).
            DeadlineExceededError: ``timeout`` passed first; the call may
                still take effect.
        """
        ...
