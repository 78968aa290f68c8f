"""A fake ``ProtocolMCPToolProxy`` that runs tools in process and injects faults.

The "MCP servers" are plain functions: a [`ToolFunction`][] gets the
arguments and answers a [`ToolReply`][], either an output or a tool error.
[`FakeToolProxy.fail_transport`][] makes the next calls to one subsystem's
tool fail before they reach it, as a dropped connection would.

Demonstrates:
    MTP-1: a tool that ran returns a result; a tool error is a result with
        ``is_error`` true, never an exception (MCT-3).
    MTP-2: a call that cannot be delivered, or names a tool the subsystem
        does not serve (MCP's -32602), raises ``UnavailableError``.
    MTP-3: progress reaches the handler before the call returns; a failing
        progress handler never fails the call.

Deliberate simplifications:
    No network, so ``timeout`` is never reached and cancellation (MTP-4) is
    just the ``CancelledError`` that asyncio raises. [`FakeToolProxy.calls`][]
    records every attempted call, for demos and tests.
"""

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from omnibase.protocols.errors import UnavailableError
from omnibase.protocols.types import (
    JsonObject,
    JsonValue,
    ProtocolMCPProgressHandler,
    ProtocolMCPSubsystemRegistration,
    ProtocolMCPToolResult,
)
from omnibase.spi_conformance.reference.factories import Clock, IdFactory, utc_now
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle
from omnibase.spi_conformance.reference.values import ContentBlock, Progress, ToolResult

__all__ = ["FakeToolProxy", "ToolFunction", "ToolReply"]


@dataclass(frozen=True, slots=True)
class ToolReply:
    """What a fake tool answers: structured output, or a tool error message."""

    output: JsonValue = None
    error: str | None = None


type ToolFunction = Callable[[JsonObject], ToolReply]
"""The body of a fake tool: arguments in, reply out."""


class FakeToolProxy(ReferenceLifecycle):
    """Calls in-process tool functions as if they were remote MCP servers."""

    def __init__(
        self,
        tools: Mapping[str, ToolFunction],
        *,
        clock: Clock = utc_now,
        ids: IdFactory,
    ) -> None:
        """Serve ``tools`` by name, on every subsystem that declares them.

        Args:
            tools: Tool functions by tool name.
            clock: Stamps ``started_at`` and measures ``duration``.
            ids: Makes execution ids.
        """
        super().__init__(clock=clock)
        self._tools = dict(tools)
        self._clock = clock
        self._ids = ids
        self._failures: dict[tuple[str, str], int] = {}
        self.calls: list[tuple[str, str]] = []
        """Every attempted call as ``(subsystem name, tool name)``, in order."""

    def fail_transport(
        self, subsystem_name: str, tool_name: str, *, times: int = 1
    ) -> None:
        """Make the next ``times`` calls of a tool on one subsystem fail (MTP-2).

        Args:
            subsystem_name: The subsystem whose "connection" drops.
            tool_name: The tool whose calls fail.
            times: How many calls fail before they succeed again.
        """
        self._failures[subsystem_name, tool_name] = times

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
        """Run ``tool_name`` "on" ``subsystem`` (MTP-1 to MTP-3)."""
        self._check_open()
        name = subsystem.subsystem.name
        self.calls.append((name, tool_name))
        if self._failures.get((name, tool_name), 0) > 0:
            self._failures[name, tool_name] -= 1
            raise UnavailableError(f"{name}: connection reset calling {tool_name!r}")
        function = self._tools.get(tool_name)
        if function is None or all(tool.name != tool_name for tool in subsystem.tools):
            raise UnavailableError(f"{name}: -32602 unknown tool {tool_name!r}")
        started_at = self._clock()
        reply = function(parameters)
        if progress_handler is not None:
            with contextlib.suppress(Exception):  # never fails the call
                await progress_handler(Progress(1.0, 1.0, "done"))
        text = reply.error if reply.error is not None else f"{tool_name} done"
        return ToolResult(
            execution_id=self._ids(),
            tool_name=tool_name,
            subsystem_name=name,
            correlation_id=correlation_id,
            is_error=reply.error is not None,
            content=(ContentBlock("text", text=text, mime_type="text/plain"),),
            structured_content=reply.output,
            started_at=started_at,
            duration=self._clock() - started_at,
        )
