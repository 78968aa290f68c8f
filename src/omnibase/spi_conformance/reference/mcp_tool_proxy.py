"""A fake ``ProtocolMCPToolProxy`` that reaches in-process servers and injects faults.

The "MCP servers" are [`InProcessMCPServer`][omnibase.spi_conformance.
reference.mcp_server.InProcessMCPServer]s: a subsystem registered with
``transport="in_process"`` reaches the server of that ``endpoint`` name
([`FakeToolProxy.add_server`][]). For the demo, plain functions serve too: a
[`ToolFunction`][] gets the arguments and answers a [`ToolReply`][], on every
subsystem whose registration lists the tool.

Faults: [`FakeToolProxy.refuse_connections`][] (calls cannot be delivered),
[`FakeToolProxy.break_connections`][] (calls in flight lose their
connection) and [`FakeToolProxy.fail_transport`][] (the next calls of one
tool cannot be delivered).

Demonstrates:
    MTP-1: a tool that ran returns a result; a tool error, and a result
        breaking the output schema, are results with ``is_error`` true.
    MTP-2: not delivered, or not listed by the server: ``UnavailableError``;
        error replies by their code; a connection lost after sending:
        ``OutcomeUnknownError``; the timeout: ``DeadlineExceededError``.
    MTP-3: progress goes through a [`MonotonicProgress`][] filter that drops
        what does not increase and everything after the call ended.
    MTP-4: cancelling the caller cancels the server's call.
    MTP-5: a server asking for input ends the call with ``NotSupportedError``.
    MTP-6: the correlation id travels in ``_meta``.
    MTP-7: content blocks are passed on unchanged.

Deliberate simplifications:
    No network: the "connection" is the awaiting task, ``timeout`` is real
    time. [`FakeToolProxy.calls`][] records every attempted call.
"""

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast
from uuid import UUID

from omnibase.protocols.errors import (
    DeadlineExceededError,
    InvalidInputError,
    NotFoundError,
    NotSupportedError,
    OnexError,
    OutcomeUnknownError,
    ResourceExhaustedError,
    UnavailableError,
)
from omnibase.protocols.mcp import ProtocolMCPValidator
from omnibase.protocols.types import (
    MCP_CORRELATION_META_KEY,
    JsonObject,
    JsonValue,
    ProtocolMCPProgress,
    ProtocolMCPProgressHandler,
    ProtocolMCPSubsystemRegistration,
    ProtocolMCPToolDefinition,
    ProtocolMCPToolResult,
)
from omnibase.spi_conformance.reference.factories import Clock, IdFactory, utc_now
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle
from omnibase.spi_conformance.reference.mcp_server import (
    InProcessMCPServer,
    ProgressReporter,
    ServedTool,
    ServerCall,
    ServerErrorReply,
    ServerReply,
    ToolBehaviour,
    text_block,
)
from omnibase.spi_conformance.reference.mcp_validator import SimpleMCPValidator
from omnibase.spi_conformance.reference.values import Progress, ToolResult

__all__ = [
    "DEFAULT_CALL_TIMEOUT",
    "FakeToolProxy",
    "MonotonicProgress",
    "ToolFunction",
    "ToolReply",
    "error_for_reply",
]

DEFAULT_CALL_TIMEOUT = timedelta(seconds=30)
"""Limit of one call when the caller passes none (T-3)."""

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ToolReply:
    """What a demo tool function answers: structured output, or a tool error."""

    output: JsonValue = None
    error: str | None = None


type ToolFunction = Callable[[JsonObject], ToolReply]
"""The body of a demo tool: arguments in, reply out."""


class MonotonicProgress:
    """A progress handler that passes on only increasing progress (MPR-1, MTP-3).

    Wraps the caller's handler: a notification whose progress does not exceed
    the last one passed on is dropped, and after [`close`][] nothing passes. A
    failing handler is logged and ignored.
    """

    def __init__(self, handler: ProtocolMCPProgressHandler | None) -> None:
        """Wrap ``handler`` (``None``: drop everything).

        Args:
            handler: The caller's handler.
        """
        self._handler = handler
        self._last: float | None = None
        self._closed = False

    def close(self) -> None:
        """Stop passing notifications on (the call ended)."""
        self._closed = True

    async def report(
        self, progress: float, total: float | None, message: str | None
    ) -> None:
        """Pass one notification on if it increases the progress.

        Args:
            progress: Work done so far.
            total: Total work, if known.
            message: Human-readable status.
        """
        await self(Progress(progress, total, message))

    async def __call__(self, progress: ProtocolMCPProgress, /) -> None:
        """Pass ``progress`` on if it increases and the call is still running."""
        if self._handler is None or self._closed:
            return
        if self._last is not None and progress.progress <= self._last:
            return
        self._last = progress.progress
        try:
            await self._handler(progress)
        except Exception:  # a failing handler never fails the call
            _LOG.warning("progress handler failed", exc_info=True)


def error_for_reply(subsystem: str, error: ServerErrorReply) -> OnexError:
    """Map a JSON-RPC error reply to the SPI's error by its code (MTP-2, ERR-4).

    Args:
        subsystem: The subsystem that replied, for the message.
        error: The reply.

    Returns:
        The error to raise.
    """
    text = f"{subsystem}: error {error.code}: {error.message}"
    if error.code in (-32601, -32602, -32005):
        return UnavailableError(f"{text} (refused, not run)")
    if error.code == -32008:
        seconds = (error.data or {}).get("retry_after")
        retry_after = (
            timedelta(seconds=seconds)
            if isinstance(seconds, int | float) and not isinstance(seconds, bool)
            else None
        )
        return ResourceExhaustedError(text, retry_after=retry_after)
    return OutcomeUnknownError(f"{text} (the call may have taken effect)")


def _function_behaviour(function: ToolFunction) -> ToolBehaviour:
    """Wrap a demo tool function as a server behaviour."""

    async def behaviour(call: ServerCall, progress: ProgressReporter) -> ServerReply:
        reply = function(call.arguments)
        await progress(1.0, 1.0, "done")
        if reply.error is not None:
            return ServerReply((text_block(reply.error),), is_error=True)
        return ServerReply(
            (text_block(f"{call.tool_name} done"),),
            reply.output,
            reply.output is not None,
        )

    return behaviour


class FakeToolProxy(ReferenceLifecycle):
    """Calls in-process MCP servers as if they were remote."""

    def __init__(
        self,
        tools: Mapping[str, ToolFunction] | None = None,
        *,
        servers: Iterable[InProcessMCPServer] = (),
        clock: Clock = utc_now,
        ids: IdFactory,
        validator: ProtocolMCPValidator | None = None,
    ) -> None:
        """Reach ``servers`` by name, and serve ``tools`` on every other subsystem.

        Args:
            tools: Demo tool functions by tool name.
            servers: In-process servers, reached by ``transport="in_process"``
                registrations whose ``endpoint`` is the server's name.
            clock: Stamps ``started_at`` and measures ``duration``.
            ids: Makes execution ids.
            validator: Checks results against output schemas (MTP-1).
        """
        super().__init__(clock=clock)
        self._functions = dict(tools or {})
        self._servers = {server.name: server for server in servers}
        self._demo_servers: dict[str, InProcessMCPServer] = {}
        self._ids = ids
        self._validator = validator or SimpleMCPValidator()
        self._refused: set[str] = set()
        self._failures: dict[tuple[str, str], int] = {}
        self._lost: set[tuple[str, str]] = set()
        self._in_flight: dict[str, set[asyncio.Task[ServerReply]]] = {}
        self._broken: set[asyncio.Task[ServerReply]] = set()
        self.calls: list[tuple[str, str]] = []
        """Every attempted call as ``(subsystem name, tool name)``, in order."""

    def add_server(self, server: InProcessMCPServer) -> None:
        """Make ``server`` reachable under its name.

        Args:
            server: The server.
        """
        self._servers[server.name] = server

    def refuse_connections(self, subsystem_name: str, refused: bool = True) -> None:
        """Make calls to one subsystem undeliverable, or deliverable again (MTP-2).

        Args:
            subsystem_name: The subsystem.
            refused: ``False`` to end the fault.
        """
        if refused:
            self._refused.add(subsystem_name)
        else:
            self._refused.discard(subsystem_name)

    def break_connections(self, subsystem_name: str) -> int:
        """Drop the connection of every call in flight to one subsystem (MTP-2).

        The calls were sent, so their callers get ``OutcomeUnknownError``.

        Args:
            subsystem_name: The subsystem.

        Returns:
            How many calls were in flight.
        """
        in_flight = self._in_flight.get(subsystem_name, set())
        for task in in_flight:
            self._broken.add(task)
            task.cancel()
        return len(in_flight)

    def fail_transport(
        self,
        subsystem_name: str,
        tool_name: str,
        *,
        times: int = 1,
        after_sending: bool = False,
    ) -> None:
        """Make the next ``times`` calls of a tool on one subsystem fail (MTP-2).

        Args:
            subsystem_name: The subsystem whose "connection" drops.
            tool_name: The tool whose calls fail.
            times: How many calls fail before they succeed again.
            after_sending: Drop the connection after the call was sent
                (``OutcomeUnknownError``) rather than before
                (``UnavailableError``).
        """
        self._failures[subsystem_name, tool_name] = times
        if after_sending:
            self._lost.add((subsystem_name, tool_name))
        else:
            self._lost.discard((subsystem_name, tool_name))

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
        """Run ``tool_name`` on the subsystem's server (MTP-1 to MTP-7)."""
        self._check_open()
        if not isinstance(cast("object", correlation_id), UUID):
            raise InvalidInputError("correlation_id must be a UUID")
        if timeout is not None and timeout <= timedelta(0):
            raise InvalidInputError(f"timeout must be positive, got {timeout} (T-6)")
        name = subsystem.subsystem.name
        tool = next((t for t in subsystem.tools if t.name == tool_name), None)
        if tool is None:
            raise NotFoundError(f"{name} has no tool {tool_name!r} registered")
        self.calls.append((name, tool_name))
        if name in self._refused:
            raise UnavailableError(f"{name}: connection refused")
        if self._failures.get((name, tool_name), 0) > 0:
            self._failures[name, tool_name] -= 1
            if (name, tool_name) in self._lost:
                raise OutcomeUnknownError(
                    f"{name}: connection lost after {tool_name!r} was sent"
                )
            raise UnavailableError(f"{name}: connection reset before {tool_name!r}")
        server = self._server_of(subsystem)
        served_name = tool.upstream_name or tool.name
        if not self._listed(server, served_name):  # its isError answer never counts
            raise UnavailableError(f"{name}: the server does not list {served_name!r}")
        progress = self._progress_for(progress_handler)
        started_at = self._clock()
        call = asyncio.ensure_future(
            server.call(
                served_name,
                parameters,
                meta=self._meta(correlation_id),
                progress=progress.report,
            )
        )
        self._in_flight.setdefault(name, set()).add(call)
        try:
            reply = await self._await_reply(name, call, timeout or DEFAULT_CALL_TIMEOUT)
        finally:
            progress.close()
            self._in_flight[name].discard(call)
            self._broken.discard(call)
        return self._result(subsystem, tool, reply, correlation_id, started_at)

    async def _await_reply(
        self, name: str, call: "asyncio.Task[ServerReply]", limit: timedelta
    ) -> ServerReply:
        """Wait for the server's reply and classify what went wrong (MTP-2)."""
        try:
            async with asyncio.timeout(limit.total_seconds()):
                return await call
        except TimeoutError:
            call.cancel()
            raise DeadlineExceededError(
                f"{name}: no reply within {limit}; the call may still take effect"
            ) from None
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if call in self._broken and not (current and current.cancelling()):
                raise OutcomeUnknownError(
                    f"{name}: connection lost after the call was sent"
                ) from None
            call.cancel()  # MTP-4: the server's call is cancelled too
            raise
        except ServerErrorReply as error:
            raise error_for_reply(name, error) from None

    def _listed(self, server: InProcessMCPServer, served_name: str) -> bool:
        """Whether the server lists the tool, so the call may be sent (MTP-2)."""
        return server.serves(served_name)

    def _progress_for(
        self, handler: ProtocolMCPProgressHandler | None
    ) -> MonotonicProgress:
        """The per-call filter of progress notifications (MTP-3)."""
        return MonotonicProgress(handler)

    def _meta(self, correlation_id: UUID) -> JsonObject:
        """The ``_meta`` of a call (MTP-6)."""
        return {MCP_CORRELATION_META_KEY: str(correlation_id)}

    def _server_of(
        self, subsystem: ProtocolMCPSubsystemRegistration
    ) -> InProcessMCPServer:
        metadata = subsystem.subsystem
        if metadata.transport == "in_process":
            server = self._servers.get(metadata.endpoint)
            if server is None:
                raise UnavailableError(f"no in-process server {metadata.endpoint!r}")
            return server
        demo = self._demo_servers.get(metadata.name)
        if demo is None:
            demo = InProcessMCPServer(metadata.name)
            self._demo_servers[metadata.name] = demo
        for tool in subsystem.tools:
            function = self._functions.get(tool.name)
            if function is not None and not demo.serves(tool.name):
                demo.add_tool(ServedTool(tool, _function_behaviour(function)))
        return demo

    def _result(
        self,
        subsystem: ProtocolMCPSubsystemRegistration,
        tool: ProtocolMCPToolDefinition,
        reply: ServerReply,
        correlation_id: UUID,
        started_at: datetime,
    ) -> ToolResult:
        name = subsystem.subsystem.name
        if reply.input_required:
            raise NotSupportedError(
                f"{name}: {tool.name!r} asked for input mid-call, which the SPI "
                "does not carry (MTP-5)"
            )
        result = ToolResult(
            execution_id=self._ids(),
            tool_name=tool.name,
            subsystem_name=name,
            correlation_id=correlation_id,
            is_error=reply.is_error,
            content=tuple(reply.content),
            structured_content=reply.structured_content,
            has_structured_content=reply.has_structured_content,
            started_at=started_at,
            duration=self._clock() - started_at,
        )
        if result.is_error:
            return result
        issues = self._validator.validate_result(tool, result)
        if not issues:
            return result
        described = "; ".join(f"{i.path or '/'}: {i.message}" for i in issues)
        _LOG.debug("%s: %r broke its output schema: %s", name, tool.name, described)
        return ToolResult(
            execution_id=result.execution_id,
            tool_name=result.tool_name,
            subsystem_name=result.subsystem_name,
            correlation_id=result.correlation_id,
            is_error=True,  # MTP-1: the tool ran; its answer is wrong
            content=(
                *result.content,
                text_block(f"the result breaks the output schema: {described}"),
            ),
            structured_content=result.structured_content,
            has_structured_content=result.has_structured_content,
            started_at=result.started_at,
            duration=result.duration,
        )
