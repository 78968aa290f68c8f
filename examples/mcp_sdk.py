"""The MCP contracts on the official MCP Python SDK: a tool proxy and a registry.

[`SdkToolProxy`][] implements ``ProtocolMCPToolProxy`` with ``mcp.Client``:
one connection per subsystem, opened on first use and reopened after it was
lost, reaching the server by the registration's transport:

- ``in_process``: an SDK ``Server`` held in an [`InProcessServers`][] table,
  spoken to over the SDK's in-memory streams (JSON-RPC framing, protocol
  revision 2026-07-28);
- ``stdio``: a subprocess started with ``StdioServerParameters``; the
  registration's ``credentials`` become its environment, resolved through a
  ``ProtocolSecretResolver`` when it starts (MCT-6).

[`SdkMCPRegistry`][] is the reference registry driving that proxy, plus
[`SdkMCPRegistry.register_server`][], which fronts a running server: it
lists every page of its tools and registers them, aliasing names that break
MCT-1.

[`serve_kit_server`][] turns an ``InProcessMCPServer`` (the conformance kit's
scripted tools) into an SDK ``Server``, so the kit's suites run against real
MCP servers; ``examples/mcp_sdk_server.py`` serves one over stdio. How each
rule maps to the SDK is in ``docs/guides/mcp-mapping.md``;
``tests/test_mcp_sdk_example.py`` runs the MCP suites against this module and
the scenarios over stdio subprocesses (a server killed mid-call, tool errors,
unknown tools, 500 tools paged, secrets kept out of logs).
"""

import asyncio
import base64
import contextlib
import logging
import re
from collections.abc import AsyncGenerator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Final, Self, cast, override
from uuid import UUID, uuid4

import anyio
import mcp_types as types
from mcp import Client, StdioServerParameters, stdio_client
from mcp.client import Transport
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import MCPError
from mcp.shared.memory import create_client_server_memory_streams
from mcp.shared.message import SessionMessage

from omnibase.protocols.core import ProtocolSecretResolver
from omnibase.protocols.errors import (
    DeadlineExceededError,
    InvalidInputError,
    NotFoundError,
    NotSupportedError,
    OnexError,
    OutcomeUnknownError,
    UnavailableError,
)
from omnibase.protocols.mcp import ProtocolMCPMonitor, ProtocolMCPValidator
from omnibase.protocols.types import (
    MCP_CORRELATION_META_KEY,
    JsonObject,
    JsonValue,
    ProtocolHealthCheckConfig,
    ProtocolMCPContentBlock,
    ProtocolMCPProgressHandler,
    ProtocolMCPSubsystemMetadata,
    ProtocolMCPSubsystemRegistration,
    ProtocolMCPToolDefinition,
    ProtocolMCPToolResult,
    ProtocolSecretValue,
    ProtocolValidationIssue,
)
from omnibase.spi_conformance.reference.factories import Clock, IdFactory, utc_now
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle
from omnibase.spi_conformance.reference.mcp_registry import (
    DEFAULT_HEALTH_CHECK,
    InMemoryMCPRegistry,
)
from omnibase.spi_conformance.reference.mcp_server import (
    InProcessMCPServer,
    ServerErrorReply,
)
from omnibase.spi_conformance.reference.mcp_tool_proxy import (
    DEFAULT_CALL_TIMEOUT,
    MonotonicProgress,
    error_for_reply,
)
from omnibase.spi_conformance.reference.mcp_validator import SimpleMCPValidator
from omnibase.spi_conformance.reference.values import (
    ContentAnnotations,
    ContentBlock,
    HealthReport,
    Icon,
    ToolAnnotations,
    ToolDefinition,
    ToolResult,
)

__all__ = [
    "InProcessServers",
    "SdkMCPRegistry",
    "SdkToolProxy",
    "definition_from_mcp",
    "serve_kit_server",
]

_LOG = logging.getLogger(__name__)
_LISTING_PAGES: Final = 1000
"""Most ``tools/list`` pages walked for one server (a paginator that never ends)."""
_TOOL_NAME: Final = re.compile(r"[A-Za-z0-9._-]{1,128}")
_CONNECTION_CLOSED: Final = -32000

type _Streams = tuple[
    anyio.abc.ObjectReceiveStream[SessionMessage | Exception],
    anyio.abc.ObjectSendStream[SessionMessage],
]


# --- SPI values <-> MCP values ----------------------------------------------------


def _when(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None  # an untrusted hint; dropped rather than guessed
    return moment if moment.tzinfo is not None else None


def _annotations_from_mcp(
    annotations: types.Annotations | None,
) -> ContentAnnotations | None:
    if annotations is None:
        return None
    return ContentAnnotations(
        audience=tuple(annotations.audience or ()),
        priority=annotations.priority,
        last_modified=_when(annotations.last_modified),
    )


def _meta(meta: Mapping[str, object] | None) -> JsonObject:
    return cast("JsonObject", dict(meta or {}))


def block_from_mcp(block: types.ContentBlock) -> ContentBlock:
    """Convert one MCP content block to the SPI's (MTP-7).

    Args:
        block: A block of a ``CallToolResult``.

    Returns:
        The same block, every member kept.
    """
    annotations = _annotations_from_mcp(block.annotations)
    meta = _meta(block.meta)
    match block:
        case types.TextContent():
            return ContentBlock(
                "text", text=block.text, annotations=annotations, meta=meta
            )
        case types.ImageContent() | types.AudioContent():
            return ContentBlock(
                block.type,
                data=base64.b64decode(block.data),
                mime_type=block.mime_type,
                annotations=annotations,
                meta=meta,
            )
        case types.ResourceLink():
            return ContentBlock(
                "resource_link",
                uri=str(block.uri),
                name=block.name,
                title=block.title,
                description=block.description,
                mime_type=block.mime_type,
                size=block.size,
                annotations=annotations,
                meta=meta,
            )
        case types.EmbeddedResource():
            resource = block.resource
            text = (
                resource.text
                if isinstance(resource, types.TextResourceContents)
                else None
            )
            data = (
                base64.b64decode(resource.blob)
                if isinstance(resource, types.BlobResourceContents)
                else None
            )
            return ContentBlock(
                "resource",
                uri=str(resource.uri),
                text=text,
                data=data,
                mime_type=resource.mime_type,
                annotations=annotations,
                meta=meta,
            )


def block_to_mcp(block: ProtocolMCPContentBlock) -> types.ContentBlock:
    """Convert one SPI content block to MCP's (the kit's servers send these).

    Args:
        block: The block.

    Returns:
        The MCP block.
    """
    hints = block.annotations
    annotations = (
        None
        if hints is None
        else types.Annotations(
            audience=list(hints.audience) or None,
            priority=hints.priority,
            last_modified=(
                None if hints.last_modified is None else hints.last_modified.isoformat()
            ),
        )
    )
    meta = dict(block.meta) or None
    data = base64.b64encode(block.data or b"").decode()
    match block.kind:
        case "text":
            return types.TextContent(
                text=block.text or "", annotations=annotations, _meta=meta
            )
        case "image":
            return types.ImageContent(
                data=data,
                mime_type=block.mime_type or "",
                annotations=annotations,
                _meta=meta,
            )
        case "audio":
            return types.AudioContent(
                data=data,
                mime_type=block.mime_type or "",
                annotations=annotations,
                _meta=meta,
            )
        case "resource_link":
            return types.ResourceLink(
                uri=block.uri or "",
                name=block.name or "",
                title=block.title,
                description=block.description,
                mime_type=block.mime_type,
                size=block.size,
                annotations=annotations,
                _meta=meta,
            )
        case "resource":
            contents: types.TextResourceContents | types.BlobResourceContents = (
                types.BlobResourceContents(
                    uri=block.uri or "", blob=data, mime_type=block.mime_type
                )
                if block.data is not None
                else types.TextResourceContents(
                    uri=block.uri or "",
                    text=block.text or "",
                    mime_type=block.mime_type,
                )
            )
            return types.EmbeddedResource(
                resource=contents, annotations=annotations, _meta=meta
            )


def tool_to_mcp(tool: ProtocolMCPToolDefinition) -> types.Tool:
    """The MCP listing of a tool, under the server's own name.

    Args:
        tool: The tool.

    Returns:
        The MCP ``Tool``.
    """
    hints = tool.annotations
    return types.Tool(
        name=tool.upstream_name or tool.name,
        title=tool.title,
        description=tool.description,
        input_schema=cast("dict[str, object]", _plain(tool.parameters_schema)),
        output_schema=(
            None
            if tool.output_schema is None
            else cast("dict[str, object]", _plain(tool.output_schema))
        ),
        annotations=(
            None
            if hints is None
            else types.ToolAnnotations(
                title=hints.title,
                read_only_hint=hints.read_only_hint,
                destructive_hint=hints.destructive_hint,
                idempotent_hint=hints.idempotent_hint,
                open_world_hint=hints.open_world_hint,
            )
        ),
        icons=[
            types.Icon(
                src=icon.src,
                mime_type=icon.mime_type,
                sizes=list(icon.sizes) or None,
                theme=icon.theme,
            )
            for icon in tool.icons
        ]
        or None,
        _meta=cast("dict[str, object]", _plain(tool.meta)) or None,
    )


def _plain(value: JsonValue) -> object:
    """A JSON value in plain ``dict``/``list`` containers, for pydantic."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [_plain(v) for v in value]
    return value


def definition_from_mcp(
    tool: types.Tool,
    *,
    name: str | None = None,
    idempotent: bool = False,
    read_only: bool = False,
) -> ToolDefinition:
    """Register a server's tool: hints kept, authoritative flags given (MCT-5).

    Args:
        tool: The tool as the server lists it.
        name: The registry name; ``None`` keeps the server's (MCT-1 alias
            otherwise, with ``upstream_name`` set).
        idempotent: Authoritative flag, from the operator, never the hints.
        read_only: Authoritative flag, likewise.

    Returns:
        The definition.
    """
    hints = tool.annotations
    registry_name = name or tool.name
    return ToolDefinition(
        name=registry_name,
        upstream_name=None if registry_name == tool.name else tool.name,
        description=tool.description or "",
        tool_type="action",
        parameters_schema=cast("JsonObject", tool.input_schema),
        output_schema=cast("JsonObject | None", tool.output_schema),
        idempotent=idempotent,
        read_only=read_only,
        title=tool.title,
        annotations=(
            None
            if hints is None
            else ToolAnnotations(
                hints.title,
                hints.read_only_hint,
                hints.destructive_hint,
                hints.idempotent_hint,
                hints.open_world_hint,
            )
        ),
        icons=tuple(
            Icon(icon.src, icon.mime_type, tuple(icon.sizes or ()), icon.theme)
            for icon in tool.icons or ()
        ),
        meta=_meta(tool.meta),
    )


def _alias(name: str, taken: set[str]) -> str:
    """An MCT-1 name for a server's tool name that breaks it."""
    base = re.sub(r"[^A-Za-z0-9._-]", "_", name)[:120] or "tool"
    alias, n = base, 1
    while alias in taken:
        n += 1
        alias = f"{base}_{n}"
    return alias


# --- a kit server as an SDK server ---------------------------------------------------


def serve_kit_server(kit: InProcessMCPServer, *, page_size: int = 50) -> Server:
    """Serve an ``InProcessMCPServer``'s tools from a real SDK ``Server``.

    ``tools/list`` pages the kit's tools ``page_size`` at a time; ``tools/call``
    runs ``kit.call`` with the request's ``_meta`` and a progress reporter. A
    JSON-RPC error of the kit becomes an ``MCPError``; a request for input an
    ``InputRequiredResult``; an unknown name gets the kit's ``isError``
    answer, as the SDK's own servers give it.

    Args:
        kit: The scripted server.
        page_size: Tools per ``tools/list`` page.

    Returns:
        The SDK server.
    """

    async def list_tools(
        ctx: ServerRequestContext, params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        del ctx
        cursor = params.cursor if params is not None else None
        start = int(cursor) if cursor and cursor.isdigit() else 0
        page = kit.tools[start : start + page_size]
        end = start + page_size
        return types.ListToolsResult(
            tools=[tool_to_mcp(tool.definition) for tool in page],
            next_cursor=str(end) if end < len(kit.tools) else None,
        )

    async def call_tool(
        ctx: ServerRequestContext, params: types.CallToolRequestParams
    ) -> types.CallToolResult | types.InputRequiredResult:
        async def progress(
            value: float, total: float | None, message: str | None
        ) -> None:
            await ctx.session.report_progress(value, total, message)

        meta = cast("Mapping[str, JsonValue]", ctx.meta or {})
        try:
            reply = await kit.call(
                params.name,
                cast("JsonObject", params.arguments or {}),
                meta=dict(meta),
                progress=progress,
            )
        except ServerErrorReply as error:
            raise MCPError(
                code=error.code, message=error.message, data=error.data
            ) from None
        if reply.input_required:
            return types.InputRequiredResult(request_state="kit-input")
        content = [block_to_mcp(block) for block in reply.content]
        if reply.has_structured_content:
            return types.CallToolResult(
                content=content,
                structured_content=_plain(reply.structured_content),
                is_error=reply.is_error,
            )
        return types.CallToolResult(content=content, is_error=reply.is_error)

    return Server(kit.name, on_list_tools=list_tools, on_call_tool=call_tool)


# --- transports -------------------------------------------------------------------


class _WatchedStream:
    """A read stream that notes when the server's side ended (EOF)."""

    def __init__(
        self,
        inner: anyio.abc.ObjectReceiveStream[SessionMessage | Exception],
        lost: anyio.Event,
    ) -> None:
        self._inner = inner
        self._lost = lost

    async def receive(self) -> SessionMessage | Exception:
        try:
            return await self._inner.receive()
        except (
            anyio.EndOfStream,
            anyio.ClosedResourceError,
            anyio.BrokenResourceError,
        ):
            self._lost.set()
            raise

    async def aclose(self) -> None:
        await self._inner.aclose()

    def __aiter__(self) -> Self:
        return self

    async def __anext__(self) -> SessionMessage | Exception:
        try:
            return await self.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            raise StopAsyncIteration from None

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


class InProcessServers:
    """SDK servers reached by ``transport="in_process"`` registrations, by name.

    Each connection runs the server in a task of its own over the SDK's
    in-memory streams; [`kill`][] ends those tasks (the server "crashes"),
    [`refuse`][] makes new connections fail.
    """

    def __init__(self) -> None:
        """Start with no servers."""
        self._servers: dict[str, Server] = {}
        self._refused: set[str] = set()
        self._running: dict[str, set[anyio.CancelScope]] = {}

    def add(self, name: str, server: Server) -> None:
        """Serve ``server`` under ``name`` (the registration's ``endpoint``).

        Args:
            name: The endpoint name.
            server: The SDK server.
        """
        self._servers[name] = server

    def refuse(self, name: str, refused: bool = True) -> None:
        """Make connections to ``name`` fail, or succeed again.

        Args:
            name: The endpoint name.
            refused: ``False`` to accept connections again.
        """
        (self._refused.add if refused else self._refused.discard)(name)

    def kill(self, name: str) -> int:
        """End every running connection of ``name``, as a crash would.

        Args:
            name: The endpoint name.

        Returns:
            How many connections were ended.
        """
        scopes = self._running.pop(name, set())
        for scope in scopes:
            scope.cancel()
        return len(scopes)

    @contextlib.asynccontextmanager
    async def connect(self, name: str) -> AsyncGenerator[_Streams]:
        """Open a connection to ``name``: the client's two streams.

        Args:
            name: The endpoint name.

        Yields:
            The client side's read and write streams.

        Raises:
            ConnectionRefusedError: ``name`` is unknown or refused.
        """
        server = self._servers.get(name)
        if server is None or name in self._refused:
            raise ConnectionRefusedError(f"no in-process MCP server {name!r}")
        async with create_client_server_memory_streams() as (client, served):
            scope = anyio.CancelScope()
            self._running.setdefault(name, set()).add(scope)

            async def run() -> None:
                with scope:
                    await server.run(
                        served[0], served[1], server.create_initialization_options()
                    )
                await served[1].aclose()

            async with anyio.create_task_group() as group:
                group.start_soon(run)
                try:
                    yield cast("_Streams", client)
                finally:
                    scope.cancel()
                    self._running.get(name, set()).discard(scope)


# --- the proxy ---------------------------------------------------------------------


@dataclass(eq=False)
class _Connection:
    """One open ``mcp.Client`` to one subsystem, owned by a task of its own.

    The SDK's transports are structured (anyio task groups): the task that
    enters a ``Client`` must leave it. So a dedicated task holds the client
    until [`close`][] and callers use it from theirs.
    """

    label: str
    lost: anyio.Event = field(default_factory=anyio.Event)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    client: Client | None = None
    failure: BaseException | None = None
    listed: set[str] | None = None
    task: "asyncio.Task[None] | None" = None

    async def close(self) -> None:
        self.stop.set()
        if self.task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self.task


class SdkToolProxy(ReferenceLifecycle):
    """``ProtocolMCPToolProxy`` on ``mcp.Client`` (MTP-1 to MTP-7)."""

    def __init__(
        self,
        *,
        in_process: InProcessServers | None = None,
        resolver: ProtocolSecretResolver | None = None,
        ids: IdFactory = uuid4,
        clock: Clock = utc_now,
        validator: ProtocolMCPValidator | None = None,
        working_directory: Path | None = None,
    ) -> None:
        """Create a proxy with no connections yet.

        Args:
            in_process: The servers ``in_process`` registrations reach.
            resolver: Resolves the ``credentials`` of ``stdio`` servers.
            ids: Makes execution ids.
            clock: Stamps results.
            validator: Checks results against the registered output schemas.
            working_directory: Where ``stdio`` servers start.
        """
        super().__init__(clock=clock)
        self._in_process = in_process or InProcessServers()
        self._resolver = resolver
        self._ids = ids
        self._validator = validator or SimpleMCPValidator()
        self._cwd = working_directory
        self._connections: dict[str, _Connection] = {}

    @override
    def __repr__(self) -> str:
        """Show the connections, never a credential."""
        return f"SdkToolProxy({sorted(self._connections)})"

    # --- connections ---------------------------------------------------------

    async def disconnect(self, subsystem_name: str) -> None:
        """Close the connection to one subsystem, if open.

        Args:
            subsystem_name: The subsystem.
        """
        connection = self._connections.pop(subsystem_name, None)
        if connection is not None:
            await connection.close()

    @override
    async def _on_close(self) -> None:
        for name in list(self._connections):
            await self.disconnect(name)

    async def _transport(
        self, metadata: ProtocolMCPSubsystemMetadata
    ) -> contextlib.AbstractAsyncContextManager[_Streams]:
        if metadata.transport == "in_process":
            return self._in_process.connect(metadata.endpoint)
        if metadata.transport == "stdio":
            environment: dict[str, str] = {}
            for variable, reference in metadata.credentials.items():
                if self._resolver is None:
                    raise UnavailableError(f"no secret resolver for {variable!r}")
                try:
                    secret = await self._resolver.resolve(reference)
                except OnexError as error:  # not reachable without it: not sent
                    raise UnavailableError(
                        f"{metadata.name}: credential {variable!r} could not be "
                        f"resolved ({type(error).__name__})"
                    ) from None
                environment[variable] = secret.get_secret_value()
            parameters = StdioServerParameters(
                command=metadata.endpoint,
                args=list(metadata.arguments),
                env=environment or None,
                cwd=self._cwd,
            )
            return cast(
                "contextlib.AbstractAsyncContextManager[_Streams]",
                stdio_client(parameters),
            )
        raise NotSupportedError(
            f"{metadata.name}: transport {metadata.transport!r} is not wired in "
            "this example"
        )

    async def _connection(
        self, subsystem: ProtocolMCPSubsystemRegistration
    ) -> _Connection:
        """The open connection to ``subsystem``, (re)opened if needed (MTP-2)."""
        name = subsystem.subsystem.name
        current = self._connections.get(name)
        if (
            current is not None
            and current.client is not None
            and not current.lost.is_set()
        ):
            return current
        if current is not None:
            await self.disconnect(name)
        connection = _Connection(name)
        metadata = subsystem.subsystem
        _LOG.debug(
            "connecting to %s over %s (%s, %d credentials)",
            name,
            metadata.transport,
            metadata.endpoint,
            len(metadata.credentials),
        )
        transport = await self._transport(metadata)

        async def on_message(message: object) -> None:
            if isinstance(message, types.ToolListChangedNotification):
                connection.listed = None  # tools/list_changed: list again
            await anyio.lowlevel.checkpoint()

        async def hold() -> None:
            try:
                async with transport as (read, write):
                    watched = _WatchedStream(read, connection.lost)
                    streams = (watched, write)
                    opened = cast("Transport", _OpenStreams(streams))
                    async with Client(
                        opened, cache=None, message_handler=on_message
                    ) as client:
                        connection.client = client
                        connection.ready.set()
                        await connection.stop.wait()
            except BaseException as error:
                connection.failure = error
                connection.lost.set()
                if isinstance(error, asyncio.CancelledError):
                    raise
            finally:
                connection.ready.set()

        connection.task = asyncio.ensure_future(hold())
        await connection.ready.wait()
        if connection.client is None:
            failure = connection.failure
            reason = type(failure).__name__ if failure is not None else "closed"
            raise UnavailableError(f"{name}: could not connect ({reason})")
        self._connections[name] = connection
        return connection

    async def _lists(self, connection: _Connection, served_name: str) -> bool:
        """Whether the server lists ``served_name``, walking every page (MTP-2)."""
        if connection.listed is None or served_name not in connection.listed:
            listed: set[str] = set()
            cursor: str | None = None
            client = cast("Client", connection.client)
            for _ in range(_LISTING_PAGES):
                page = await client.list_tools(cursor=cursor)
                listed.update(tool.name for tool in page.tools)
                cursor = page.next_cursor
                if cursor is None:
                    break
            connection.listed = listed
        return served_name in connection.listed

    async def list_server_tools(
        self, subsystem: ProtocolMCPSubsystemRegistration
    ) -> list[types.Tool]:
        """Every tool the subsystem's server lists, all pages walked.

        Args:
            subsystem: A registration (its tools may be empty).

        Returns:
            The server's tools, in its order.

        Raises:
            UnavailableError: The server cannot be reached.
        """
        self._check_open()
        connection = await self._connection(subsystem)
        client = cast("Client", connection.client)
        tools: list[types.Tool] = []
        cursor: str | None = None
        try:
            for _ in range(_LISTING_PAGES):
                page = await client.list_tools(cursor=cursor)
                tools.extend(page.tools)
                cursor = page.next_cursor
                if cursor is None:
                    break
        except MCPError as error:
            raise UnavailableError(
                f"{subsystem.subsystem.name}: tools/list failed: {error.error.message}"
            ) from None
        connection.listed = {tool.name for tool in tools}
        return tools

    # --- calls ---------------------------------------------------------------------

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
        """Call ``tool_name`` on the subsystem's server (MTP-1 to MTP-7)."""
        self._check_open()
        tool = _tool_of(subsystem, tool_name, correlation_id, timeout)
        name = subsystem.subsystem.name
        served_name = tool.upstream_name or tool.name
        limit = timeout or DEFAULT_CALL_TIMEOUT
        deadline = asyncio.get_running_loop().time() + limit.total_seconds()
        try:  # connecting and listing count against the same limit as the call
            async with asyncio.timeout_at(deadline):
                connection = await self._connection(subsystem)
                if not await self._lists(connection, served_name):
                    raise UnavailableError(
                        f"{name}: the server does not list {served_name!r}"
                    )
        except TimeoutError:
            raise UnavailableError(
                f"{name}: no listing within {limit}; nothing sent"
            ) from None
        except MCPError as error:
            raise UnavailableError(
                f"{name}: tools/list failed: {error.error.message}"
            ) from None
        progress = MonotonicProgress(progress_handler)
        started_at = self._clock()
        sent_on_live_connection = not connection.lost.is_set()
        _LOG.debug(
            "calling %r on %s (correlation %s)", served_name, name, correlation_id
        )
        try:
            async with asyncio.timeout_at(deadline):
                answer = await cast("Client", connection.client).session.call_tool(
                    served_name,
                    cast("dict[str, object]", _plain(parameters)),
                    progress_callback=progress.report,
                    meta=cast(
                        "types.RequestParamsMeta",
                        {MCP_CORRELATION_META_KEY: str(correlation_id)},
                    ),
                    allow_input_required=True,
                )
        except TimeoutError:
            raise DeadlineExceededError(
                f"{name}: no reply within {limit}; the call may still take effect"
            ) from None
        except MCPError as error:
            _LOG.debug(
                "%s answered %r with error %d", name, served_name, error.error.code
            )
            raise self._error(name, error, sent=sent_on_live_connection) from None
        except RuntimeError as error:  # the SDK's output-schema check (MTP-1)
            return self._broken_schema(
                subsystem, tool, correlation_id, started_at, error
            )
        finally:
            progress.close()
        if isinstance(answer, types.InputRequiredResult):
            raise NotSupportedError(
                f"{name}: {tool.name!r} asked for input mid-call, which the SPI does "
                "not carry (MTP-5)"
            )
        if answer.is_error:  # the SDK's servers answer an unknown tool this way
            connection.listed = None
            if not await self._lists(connection, served_name):
                raise UnavailableError(
                    f"{name}: {served_name!r} is no longer listed; not run (MTP-2)"
                )
        return self._checked(
            self._result(subsystem, tool, answer, correlation_id, started_at), tool
        )

    def _checked(
        self, result: ToolResult, tool: ProtocolMCPToolDefinition
    ) -> ToolResult:
        """Check the registered output schema too: a violation is a tool error."""
        issues: Sequence[ProtocolValidationIssue] = (
            () if result.is_error else self._validator.validate_result(tool, result)
        )
        if not issues:
            return result
        text = "; ".join(f"{i.path or '/'}: {i.message}" for i in issues)
        return self._tool_error(result, f"the result breaks the output schema: {text}")

    def _error(self, name: str, error: MCPError, *, sent: bool) -> Exception:
        code = error.error.code
        if code == _CONNECTION_CLOSED:
            if not sent:
                return UnavailableError(f"{name}: connection closed before sending")
            return OutcomeUnknownError(
                f"{name}: connection lost after the call was sent"
            )
        data = error.error.data
        reply = ServerErrorReply(
            code,
            error.error.message,
            cast("JsonObject", data) if isinstance(data, dict) else None,
        )
        return error_for_reply(name, reply)

    def _result(
        self,
        subsystem: ProtocolMCPSubsystemRegistration,
        tool: ProtocolMCPToolDefinition,
        answer: types.CallToolResult,
        correlation_id: UUID,
        started_at: datetime,
    ) -> ToolResult:
        present = "structured_content" in answer.model_fields_set
        return ToolResult(
            execution_id=self._ids(),
            tool_name=tool.name,
            subsystem_name=subsystem.subsystem.name,
            correlation_id=correlation_id,
            is_error=answer.is_error,
            content=tuple(block_from_mcp(block) for block in answer.content),
            structured_content=(
                cast("JsonValue", answer.structured_content) if present else None
            ),
            has_structured_content=present,
            started_at=started_at,
            duration=max(self._clock() - started_at, timedelta(0)),
        )

    def _tool_error(self, result: ToolResult, text: str) -> ToolResult:
        return ToolResult(
            execution_id=result.execution_id,
            tool_name=result.tool_name,
            subsystem_name=result.subsystem_name,
            correlation_id=result.correlation_id,
            is_error=True,
            content=(*result.content, ContentBlock("text", text=text)),
            structured_content=result.structured_content,
            has_structured_content=result.has_structured_content,
            started_at=result.started_at,
            duration=result.duration,
        )

    def _broken_schema(
        self,
        subsystem: ProtocolMCPSubsystemRegistration,
        tool: ProtocolMCPToolDefinition,
        correlation_id: UUID,
        started_at: datetime,
        error: RuntimeError,
    ) -> ToolResult:
        """The SDK raised after the tool ran: a tool error, not failed over (MTP-1)."""
        text = str(error).splitlines()[0] if str(error) else type(error).__name__
        empty = ToolResult(
            execution_id=self._ids(),
            tool_name=tool.name,
            subsystem_name=subsystem.subsystem.name,
            correlation_id=correlation_id,
            is_error=True,
            content=(),
            structured_content=None,
            started_at=started_at,
            duration=max(self._clock() - started_at, timedelta(0)),
        )
        return self._tool_error(empty, text)


def _tool_of(
    subsystem: ProtocolMCPSubsystemRegistration,
    tool_name: str,
    correlation_id: UUID,
    timeout: timedelta | None,
) -> ProtocolMCPToolDefinition:
    """Check the arguments of a call; return the registered tool."""
    if not isinstance(cast("object", correlation_id), UUID):
        raise InvalidInputError("correlation_id must be a UUID")
    if timeout is not None and timeout <= timedelta(0):
        raise InvalidInputError(f"timeout must be positive, got {timeout} (T-6)")
    tool = next((t for t in subsystem.tools if t.name == tool_name), None)
    if tool is None:
        name = subsystem.subsystem.name
        raise NotFoundError(f"{name} has no tool {tool_name!r} registered")
    return tool


class _OpenStreams:
    """A ``Transport`` that hands ``mcp.Client`` two streams already open."""

    def __init__(self, streams: tuple[object, object]) -> None:
        self._streams = streams

    async def __aenter__(self) -> tuple[object, object]:
        return self._streams

    async def __aexit__(self, *exc: object) -> None:
        return None


# --- the registry --------------------------------------------------------------------


class SdkMCPRegistry(InMemoryMCPRegistry):
    """The reference registry over [`SdkToolProxy`][], fronting running servers."""

    def __init__(
        self,
        *,
        proxy: SdkToolProxy,
        api_keys: Sequence[ProtocolSecretValue],
        ids: IdFactory = uuid4,
        clock: Clock = utc_now,
        monitor: ProtocolMCPMonitor | None = None,
    ) -> None:
        """Create the registry.

        Args:
            proxy: The SDK proxy that reaches the servers.
            api_keys: Accepted keys, one principal each (MCR-2).
            ids: Makes registration and execution ids.
            clock: Stamps registrations; drives TTLs (MCR-3).
            monitor: Receives every attempt (MCR-15).
        """
        first, *others = api_keys
        super().__init__(
            proxy=proxy,
            validator=SimpleMCPValidator(),
            api_key=first,
            other_api_keys=others,
            ids=ids,
            clock=clock,
            monitor=monitor,
        )
        self.sdk_proxy = proxy

    async def register_server(
        self,
        subsystem_metadata: ProtocolMCPSubsystemMetadata,
        api_key: ProtocolSecretValue,
        *,
        trusted: Mapping[str, tuple[bool, bool]] | None = None,
        health_check: ProtocolHealthCheckConfig | None = None,
    ) -> UUID:
        """Register a running server with every tool it lists (all pages).

        Tool names breaking MCT-1 get an alias; authoritative flags come from
        ``trusted`` (server name -> ``(idempotent, read_only)``), never from
        the server's hints (MCT-5), and default to ``False``.

        Args:
            subsystem_metadata: How to reach the server.
            api_key: The registering key (MCR-1, MCR-2).
            trusted: Authoritative flags by the server's tool name.
            health_check: TTL and grace (MCR-3).

        Returns:
            The registration id.
        """
        self._check_open()
        self._principal(api_key)  # MCR-1: the key first, before reaching anything
        probe = _Probe(subsystem_metadata, self._clock())
        listed = await self.sdk_proxy.list_server_tools(probe)  # kept open for calls
        taken = {tool.name for tool in listed if _TOOL_NAME.fullmatch(tool.name)}
        definitions: list[ToolDefinition] = []
        for tool in listed:
            name = (
                tool.name
                if _TOOL_NAME.fullmatch(tool.name)
                else _alias(tool.name, taken)
            )
            taken.add(name)
            idempotent, read_only = (trusted or {}).get(tool.name, (False, False))
            definitions.append(
                definition_from_mcp(
                    tool, name=name, idempotent=idempotent, read_only=read_only
                )
            )
        return await self.register_subsystem(
            subsystem_metadata, definitions, api_key, health_check=health_check
        )


@dataclass(frozen=True)
class _Probe:
    """A registration-shaped view of metadata, to reach a server before registering."""

    subsystem: ProtocolMCPSubsystemMetadata
    registered_at: datetime
    tools: tuple[ToolDefinition, ...] = ()
    configuration: JsonObject = field(default_factory=dict[str, JsonValue])
    registration_id: UUID = field(default_factory=uuid4)

    @property
    def health(self) -> HealthReport:
        """Unknown yet: critical."""
        return HealthReport("critical", self.registered_at, "not registered")

    @property
    def health_check(self) -> ProtocolHealthCheckConfig:
        """Not registered yet: the registry's default."""
        return DEFAULT_HEALTH_CHECK
