"""An in-process model of an MCP server: tools with scripted behaviour, and a call log.

[`InProcessMCPServer`][] is what the fake tool proxy reaches instead of a
network server, what the conformance kit hands an implementer as "the
server behind a subsystem" (the kit controls each tool's behaviour and reads
the call log), and what an example wraps in a real MCP server (the SDK example
serves one over the SDK's transports).

A tool's behaviour is an async function of the call (arguments, ``_meta``)
and a progress reporter; it answers a [`ServerReply`][] (an answer, a tool
error, or a request for input) or raises [`ServerErrorReply`][] (a JSON-RPC
error reply). The builders below cover what the kit needs: answer, fail as a
tool, hang until released or cancelled, report progress (in any order, and
after answering), refuse with an error code, ask for input.

A name the server does not serve is answered as the MCP SDK's servers answer
it: with an ``isError`` result, not a protocol error. Telling the two apart is
the proxy's job (MTP-2).
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from omnibase.protocols.types import (
    JsonObject,
    JsonValue,
    ProtocolMCPContentBlock,
    ProtocolMCPToolDefinition,
)
from omnibase.spi_conformance.reference.values import ContentBlock

__all__ = [
    "CallState",
    "InProcessMCPServer",
    "ProgressReporter",
    "ServedTool",
    "ServerCall",
    "ServerErrorReply",
    "ServerReply",
    "ToolBehaviour",
    "answer",
    "ask_for_input",
    "fail_as_tool",
    "hang",
    "refuse",
    "report_progress",
    "text_block",
]

type ProgressReporter = Callable[[float, float | None, str | None], Awaitable[None]]
"""Sends one progress notification: ``(progress, total, message)``."""

CallState = Literal["running", "answered", "refused", "cancelled"]
"""Where a call to the server stands."""


def text_block(text: str) -> ContentBlock:
    """Return a plain ``text`` content block.

    Args:
        text: The text.

    Returns:
        The block.
    """
    return ContentBlock("text", text=text)


@dataclass(frozen=True, slots=True)
class ServerReply:
    """What a tool answers.

    Attributes:
        content: Content blocks, in order.
        structured_content: The structured result, when ``has_structured_content``.
        has_structured_content: Whether the answer carries ``structuredContent``.
        is_error: The tool ran and failed (MCT-3).
        input_required: The server asks the client for input instead of
            answering (MTP-5); the other fields are ignored.
    """

    content: tuple[ProtocolMCPContentBlock, ...] = ()
    structured_content: JsonValue = None
    has_structured_content: bool = False
    is_error: bool = False
    input_required: bool = False


class ServerErrorReply(Exception):  # noqa: N818 - a reply, raised by a behaviour
    """A JSON-RPC error reply the server sends instead of a result (MTP-2).

    Attributes:
        code: The JSON-RPC error code.
        message: The error message.
        data: The error's ``data``, or ``None``.
    """

    def __init__(self, code: int, message: str, data: JsonObject | None = None) -> None:
        """Describe the error reply.

        Args:
            code: The JSON-RPC error code.
            message: The error message.
            data: The error's ``data``.
        """
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.data = data


@dataclass(eq=False, slots=True)
class ServerCall:
    """One call the server received.

    Attributes:
        tool_name: The name the call asked for (the server's name of the tool).
        arguments: The arguments, as received.
        meta: The request's ``_meta``, as received.
        state: Where the call stands.
        release: Set it to let a [`hang`][] behaviour answer.
        send_late: Set it to make a [`report_progress`][] behaviour send its
            ``late`` values, after its answer left.
        late_progress_sent: Set once those late values were sent (or failed
            to be).
    """

    tool_name: str
    arguments: JsonObject
    meta: JsonObject
    state: CallState = "running"
    release: asyncio.Event = field(default_factory=asyncio.Event)
    send_late: asyncio.Event = field(default_factory=asyncio.Event)
    late_progress_sent: asyncio.Event = field(default_factory=asyncio.Event)


type ToolBehaviour = Callable[[ServerCall, ProgressReporter], Awaitable[ServerReply]]
"""The body of a served tool: the call and a progress reporter in, a reply out."""


@dataclass(frozen=True, slots=True)
class ServedTool:
    """A tool the server lists and runs.

    Attributes:
        definition: The tool as the server lists it; the server serves it
            under ``upstream_name`` when there is one, else ``name``.
        behaviour: What a call does.
    """

    definition: ProtocolMCPToolDefinition
    behaviour: ToolBehaviour

    @property
    def served_name(self) -> str:
        """The name the server lists the tool under."""
        return self.definition.upstream_name or self.definition.name


class InProcessMCPServer:
    """An MCP server's tools and calls, in process."""

    def __init__(self, name: str, tools: Iterable[ServedTool] = ()) -> None:
        """Serve ``tools``.

        Args:
            name: The server's name (the subsystem's, usually).
            tools: The tools, in listing order.
        """
        self.name = name
        self._tools: dict[str, ServedTool] = {}
        for tool in tools:
            self.add_tool(tool)
        self.calls: list[ServerCall] = []
        """Every call received, in order."""

    def add_tool(self, tool: ServedTool) -> None:
        """Serve one more tool (or replace the one of that name).

        Args:
            tool: The tool.
        """
        self._tools[tool.served_name] = tool

    def remove_tool(self, served_name: str) -> None:
        """Stop serving a tool.

        Args:
            served_name: The name the server lists it under.
        """
        self._tools.pop(served_name, None)

    @property
    def tools(self) -> tuple[ServedTool, ...]:
        """The served tools, in listing order."""
        return tuple(self._tools.values())

    def serves(self, served_name: str) -> bool:
        """Whether the server lists a tool of that name.

        Args:
            served_name: The name to look up.

        Returns:
            ``True`` if listed.
        """
        return served_name in self._tools

    def calls_of(self, served_name: str) -> list[ServerCall]:
        """The calls received for one tool name, in order.

        Args:
            served_name: The name the calls asked for.

        Returns:
            Those calls.
        """
        return [call for call in self.calls if call.tool_name == served_name]

    async def call(
        self,
        tool_name: str,
        arguments: JsonObject,
        *,
        meta: JsonObject,
        progress: ProgressReporter,
    ) -> ServerReply:
        """Run one call as the server would.

        Args:
            tool_name: The name the request asked for.
            arguments: The arguments.
            meta: The request's ``_meta``.
            progress: Sends progress notifications to the caller.

        Returns:
            The reply; an ``isError`` reply for a name the server does not
            serve (as the MCP SDK's servers answer it).

        Raises:
            ServerErrorReply: The behaviour refused the call.
        """
        call = ServerCall(tool_name, dict(arguments), dict(meta))
        self.calls.append(call)
        tool = self._tools.get(tool_name)
        if tool is None:
            call.state = "answered"
            return ServerReply(
                (text_block(f"Unknown tool: {tool_name}"),), is_error=True
            )
        try:
            reply = await tool.behaviour(call, progress)
        except asyncio.CancelledError:
            call.state = "cancelled"
            raise
        except ServerErrorReply:
            call.state = "refused"
            raise
        call.state = "answered"
        return reply

    def release_all(self) -> None:
        """Let every hanging call answer (at the end of a test)."""
        for call in self.calls:
            call.release.set()
            call.send_late.set()


def answer(
    text: str = "done",
    *,
    structured: JsonValue = None,
    has_structured: bool | None = None,
    content: Sequence[ProtocolMCPContentBlock] | None = None,
) -> ToolBehaviour:
    """A tool that answers at once.

    Args:
        text: Text of the one content block (unless ``content`` is given).
        structured: The structured content.
        has_structured: Whether to send structured content; ``None`` sends it
            when ``structured`` is not ``None``.
        content: The content blocks to send instead of ``text``.

    Returns:
        The behaviour.
    """
    blocks = tuple(content) if content is not None else (text_block(text),)
    present = structured is not None if has_structured is None else has_structured

    async def behaviour(call: ServerCall, progress: ProgressReporter) -> ServerReply:
        return ServerReply(blocks, structured, present)

    return behaviour


def fail_as_tool(text: str = "the tool failed") -> ToolBehaviour:
    """A tool that runs and reports failure (``isError``, MCT-3).

    Args:
        text: The error text.

    Returns:
        The behaviour.
    """

    async def behaviour(call: ServerCall, progress: ProgressReporter) -> ServerReply:
        return ServerReply((text_block(text),), is_error=True)

    return behaviour


def hang(then: ToolBehaviour | None = None) -> ToolBehaviour:
    """A tool that waits until ``call.release`` is set (or it is cancelled).

    Args:
        then: What it does once released; answers ``"released"`` by default.

    Returns:
        The behaviour.
    """
    after = then or answer("released")

    async def behaviour(call: ServerCall, progress: ProgressReporter) -> ServerReply:
        await call.release.wait()
        return await after(call, progress)

    return behaviour


def report_progress(
    values: Sequence[float],
    *,
    then: ToolBehaviour | None = None,
    total: float | None = None,
    late: Sequence[float] = (),
) -> ToolBehaviour:
    """A tool that sends progress ``values`` in the given order, then runs ``then``.

    Args:
        values: Progress values, sent as given (they may go down).
        then: What it does next; answers ``"done"`` by default.
        total: The ``total`` of every notification.
        late: Values sent after the answer left, once ``call.send_late`` is
            set (``call.late_progress_sent`` is set once they were sent, or
            failed to be).

    Returns:
        The behaviour.
    """
    after = then or answer()

    async def behaviour(call: ServerCall, progress: ProgressReporter) -> ServerReply:
        for value in values:
            await progress(value, total, f"at {value:g}")
        reply = await after(call, progress)
        if late:

            async def send_late() -> None:
                try:
                    await call.send_late.wait()
                    for value in late:
                        with contextlib.suppress(Exception):
                            await progress(value, total, f"late {value:g}")
                finally:
                    call.late_progress_sent.set()

            _detach(asyncio.ensure_future(send_late()))
        return reply

    return behaviour


_DETACHED: set[asyncio.Future[None]] = set()


def _detach(task: asyncio.Future[None]) -> None:
    """Keep a reference to a fire-and-forget task until it ends."""
    _DETACHED.add(task)
    task.add_done_callback(_DETACHED.discard)


def refuse(code: int, message: str, data: JsonObject | None = None) -> ToolBehaviour:
    """A tool whose server answers with a JSON-RPC error (MTP-2).

    Args:
        code: The error code, e.g. ``-32603`` or ``-32008``.
        message: The error message.
        data: The error's ``data``.

    Returns:
        The behaviour.
    """

    async def behaviour(call: ServerCall, progress: ProgressReporter) -> ServerReply:
        raise ServerErrorReply(code, message, data)

    return behaviour


def ask_for_input() -> ToolBehaviour:
    """A tool whose server asks the client for input before answering (MTP-5).

    Returns:
        The behaviour.
    """

    async def behaviour(call: ServerCall, progress: ProgressReporter) -> ServerReply:
        return ServerReply(input_required=True)

    return behaviour
