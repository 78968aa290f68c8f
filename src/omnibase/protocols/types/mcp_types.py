"""Model Context Protocol (MCP) types: tools, subsystems, calls, results, records.

An MCP *subsystem* is a server that offers tools. Several subsystems may serve
the same tool name; the registry chooses among them and fails over. MCP itself
treats tool annotations as untrusted hints, so the registry keeps its own
authoritative ``idempotent`` and ``read_only`` flags, set at registration.

The types follow MCP revision 2026-07-28 (and keep what 2025-11-25 adds):
tool annotations, icons and ``_meta``; content blocks with their annotations;
structured content that may be any JSON value. The guide "MCP mapping" of the
documentation maps each rule to the MCP specification and the Python SDK.

Rules:
    MCT-1: Tool names are 1-128 characters of ``[A-Za-z0-9._-]``,
        case-sensitive, unique per subsystem; subsystem names are 1-64
        characters of ``[A-Za-z0-9_-]``. A server whose own tool name breaks
        this is fronted under an alias: ``name`` follows MCT-1 and
        ``upstream_name`` holds the server's name (1-128 characters, not
        blank), which is what the proxy sends; ``upstream_name=None`` means
        the server uses ``name``.
    MCT-2: ``parameters_schema`` is a valid JSON Schema (2020-12 unless
        ``$schema`` names another dialect) whose root has ``"type":
        "object"``; ``output_schema``, when given, is a valid JSON Schema of
        any root type. An invalid schema is refused where it is given.
    MCT-3: A result with ``is_error`` true is the tool's own answer: the tool
        ran and failed. It is returned to the caller, never retried elsewhere.
    MCT-4: ``has_structured_content`` tells a result without
        ``structuredContent`` (``False``, and ``structured_content`` is
        ``None``) from one with it (``True``): falsy values (``0``,
        ``false``, ``""``, ``[]``, ``{}``) and nested ``null`` values are kept
        exactly as the server sent them.
    MCT-5: Tool ``annotations`` are hints from an untrusted server, kept for
        display and for re-serving the tool; no decision of the SPI
        (failover, retries) reads them: only ``idempotent`` and ``read_only``
        count. ``tool_type`` is descriptive only (a ``query`` tool is not
        read-only unless ``read_only`` says so).
    MCT-6: ``endpoint`` depends on ``transport``: ``streamable_http``, an
        absolute ``http`` or ``https`` URL; ``stdio``, the executable to
        launch (with ``arguments``); ``in_process``, the non-blank name under
        which the implementation holds the server. ``credentials`` holds
        secret references only (SEC-2), resolved by a
        ``ProtocolSecretResolver`` when the server is reached and never
        stored resolved: a registration returns them unchanged.
    MCT-7: A JSON ``null`` the server sent as ``structuredContent`` is a
        result with ``has_structured_content`` true and ``structured_content``
        ``None`` (optional: the MCP Python SDK 2.3.0's server drops a
        top-level ``null``).
"""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Final, Literal, Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.types.core_types import (
    JsonObject,
    JsonValue,
    ProtocolHealthCheckConfig,
    ProtocolHealthReport,
    ProtocolSecretReference,
)

__all__ = [
    "MCP_CORRELATION_META_KEY",
    "MCPAttemptOutcome",
    "MCPBalancingStrategy",
    "MCPContentAudience",
    "MCPContentKind",
    "MCPIconTheme",
    "MCPSubsystemType",
    "MCPTaskSupport",
    "MCPToolChangeKind",
    "MCPToolType",
    "MCPTransport",
    "ProtocolMCPAttemptRecord",
    "ProtocolMCPContentAnnotations",
    "ProtocolMCPContentBlock",
    "ProtocolMCPIcon",
    "ProtocolMCPProgress",
    "ProtocolMCPProgressHandler",
    "ProtocolMCPSubsystemMetadata",
    "ProtocolMCPSubsystemRegistration",
    "ProtocolMCPToolAnnotations",
    "ProtocolMCPToolChange",
    "ProtocolMCPToolChangeHandler",
    "ProtocolMCPToolDefinition",
    "ProtocolMCPToolListing",
    "ProtocolMCPToolMetrics",
    "ProtocolMCPToolResult",
]

MCP_CORRELATION_META_KEY: Final = "ai.onex/correlation-id"
"""The ``_meta`` key of a ``tools/call`` request that carries the correlation
id, as the canonical text of the UUID (MTP-6)."""

MCPToolType = Literal["query", "compute", "transform", "action"]
"""What a tool does, for discovery only (MCT-5): ``query`` reads, ``compute``
derives, ``transform`` converts its input, ``action`` changes the world."""

MCPSubsystemType = Literal[
    "search", "database", "analytics", "ai_model", "workflow", "integration", "custom"
]
"""Kind of MCP subsystem, for discovery (``list_subsystems(subsystem_type=)``)."""

MCPContentKind = Literal["text", "image", "audio", "resource_link", "resource"]
"""Kind of an MCP content block."""

MCPContentAudience = Literal["user", "assistant"]
"""Who a content block is meant for (MCP ``Role``)."""

MCPIconTheme = Literal["light", "dark"]
"""The background an icon is designed for."""

MCPTransport = Literal["streamable_http", "stdio", "in_process"]
"""How a subsystem's MCP server is reached (MCT-6)."""

MCPTaskSupport = Literal["forbidden", "optional", "required"]
"""Whether a tool supports MCP task-augmented execution
(``execution.taskSupport``, MCP 2025-11-25). The SPI runs tools without tasks:
a ``required`` tool is refused (MCR-14)."""

MCPBalancingStrategy = Literal["ordered", "round_robin"]
"""How a registry orders the healthy subsystems serving a tool (MCR-5)."""

MCPToolChangeKind = Literal["registered", "updated", "removed"]
"""What happened to the tools a subsystem serves (MCR-13)."""

MCPAttemptOutcome = Literal[
    "result",
    "tool_error",
    "unavailable",
    "outcome_unknown",
    "deadline_exceeded",
    "resource_exhausted",
    "not_supported",
]
"""How one attempt of an execution ended.

``result`` and ``tool_error`` (MCT-3): a subsystem answered. The others name
the error the attempt ended with (``UnavailableError``,
``OutcomeUnknownError``, ``DeadlineExceededError``,
``ResourceExhaustedError``, ``NotSupportedError``).
"""


@runtime_checkable
class ProtocolMCPToolAnnotations(Protocol):
    """MCP tool annotations: hints from the server, never trusted (MCT-5).

    ``None`` means the server did not say; MCP's defaults then apply
    (read-only false, destructive true, idempotent false, open-world true).
    """

    @property
    def title(self) -> str | None:
        """Display name the server suggests."""
        ...

    @property
    def read_only_hint(self) -> bool | None:
        """The server says the tool changes nothing."""
        ...

    @property
    def destructive_hint(self) -> bool | None:
        """The server says the tool may destroy data (meaningful if not read-only)."""
        ...

    @property
    def idempotent_hint(self) -> bool | None:
        """The server says a repeated call has no further effect."""
        ...

    @property
    def open_world_hint(self) -> bool | None:
        """The server says the tool reaches entities outside a closed domain."""
        ...


@runtime_checkable
class ProtocolMCPIcon(Protocol):
    """An icon of a tool, as MCP describes it."""

    @property
    def src(self) -> str:
        """URI of the image (``https:`` or ``data:``)."""
        ...

    @property
    def mime_type(self) -> str | None:
        """Media type of the image."""
        ...

    @property
    def sizes(self) -> Sequence[str]:
        """Sizes the image is available in, e.g. ``"48x48"`` or ``"any"``."""
        ...

    @property
    def theme(self) -> MCPIconTheme | None:
        """The background the icon is designed for."""
        ...


@runtime_checkable
class ProtocolMCPToolDefinition(Protocol):
    """A tool as a subsystem declares it and the registry records it."""

    @property
    def name(self) -> str:
        """Tool name, unique within its subsystem (MCT-1)."""
        ...

    @property
    def upstream_name(self) -> str | None:
        """The server's own name of the tool when it breaks MCT-1; else ``None``."""
        ...

    @property
    def version(self) -> str | None:
        """Version of the tool's contract; namesakes of one version agree (MCR-10)."""
        ...

    @property
    def title(self) -> str | None:
        """Display name, if different from [`name`][]."""
        ...

    @property
    def description(self) -> str:
        """What the tool does, for humans and models."""
        ...

    @property
    def tool_type(self) -> MCPToolType:
        """What kind of tool it is; descriptive only (MCT-5)."""
        ...

    @property
    def parameters_schema(self) -> JsonObject:
        """JSON Schema of the arguments; root ``"type": "object"`` (MCT-2)."""
        ...

    @property
    def output_schema(self) -> JsonObject | None:
        """JSON Schema of the structured result, if the tool declares one (MCT-2)."""
        ...

    @property
    def idempotent(self) -> bool:
        """Authoritative: a repeated call has no additional effect."""
        ...

    @property
    def read_only(self) -> bool:
        """Authoritative: the tool changes nothing."""
        ...

    @property
    def timeout(self) -> timedelta | None:
        """Default limit of one attempt (MCR-12); ``None`` for the registry's."""
        ...

    @property
    def annotations(self) -> ProtocolMCPToolAnnotations | None:
        """The server's hints (MCT-5), or ``None`` when it gave none."""
        ...

    @property
    def icons(self) -> Sequence[ProtocolMCPIcon]:
        """Icons for display; may be empty."""
        ...

    @property
    def meta(self) -> JsonObject:
        """The tool's MCP ``_meta``, kept unchanged; may be empty."""
        ...

    @property
    def task_support(self) -> MCPTaskSupport:
        """MCP ``execution.taskSupport``; ``"forbidden"`` when not declared."""
        ...


@runtime_checkable
class ProtocolMCPSubsystemMetadata(Protocol):
    """Identity of an MCP subsystem and how its server is reached (MCT-6)."""

    @property
    def name(self) -> str:
        """Unique subsystem name (MCT-1), e.g. ``"subsystem_a"``."""
        ...

    @property
    def subsystem_type(self) -> MCPSubsystemType:
        """Kind of subsystem."""
        ...

    @property
    def version(self) -> str:
        """Version of the subsystem's software."""
        ...

    @property
    def transport(self) -> MCPTransport:
        """How its MCP server is reached (MCT-6)."""
        ...

    @property
    def endpoint(self) -> str:
        """Where its MCP server is reached; the meaning depends on the transport."""
        ...

    @property
    def arguments(self) -> Sequence[str]:
        """Command-line arguments of a ``stdio`` server; empty otherwise."""
        ...

    @property
    def credentials(self) -> Mapping[str, ProtocolSecretReference]:
        """Secrets presented to the server, as references (MCT-6).

        For ``streamable_http``: HTTP header name -> reference of the header's
        value (``"Authorization"`` -> a ``Bearer ...`` token). For ``stdio``:
        environment variable -> reference of its value.
        """
        ...

    @property
    def description(self) -> str:
        """What the subsystem offers."""
        ...

    @property
    def labels(self) -> Mapping[str, str]:
        """Free-form string metadata (region, owner)."""
        ...


@runtime_checkable
class ProtocolMCPSubsystemRegistration(Protocol):
    """What the registry holds for one registered subsystem."""

    @property
    def registration_id(self) -> UUID:
        """Id returned by ``register_subsystem``."""
        ...

    @property
    def subsystem(self) -> ProtocolMCPSubsystemMetadata:
        """The subsystem's identity, as registered (MCR-1)."""
        ...

    @property
    def tools(self) -> Sequence[ProtocolMCPToolDefinition]:
        """Tools the subsystem serves, as registered (MCR-1)."""
        ...

    @property
    def configuration(self) -> JsonObject:
        """Subsystem configuration given at registration (never secrets)."""
        ...

    @property
    def health_check(self) -> ProtocolHealthCheckConfig:
        """TTL and grace period of its heartbeats (MCR-3)."""
        ...

    @property
    def health(self) -> ProtocolHealthReport:
        """Current health; ``critical`` until the first heartbeat (MCR-3)."""
        ...

    @property
    def registered_at(self) -> datetime:
        """When the subsystem (last) registered."""
        ...


@runtime_checkable
class ProtocolMCPToolListing(Protocol):
    """One tool as served by one subsystem, as tool discovery returns it."""

    @property
    def tool(self) -> ProtocolMCPToolDefinition:
        """The tool's definition."""
        ...

    @property
    def subsystem_name(self) -> str:
        """The subsystem that serves it."""
        ...

    @property
    def registration_id(self) -> UUID:
        """The serving subsystem's registration."""
        ...

    @property
    def health(self) -> ProtocolHealthReport:
        """The serving subsystem's current health."""
        ...


@runtime_checkable
class ProtocolMCPToolChange(Protocol):
    """A change of the tools a registry serves (MCR-13)."""

    @property
    def change(self) -> MCPToolChangeKind:
        """What happened to the subsystem's tools."""
        ...

    @property
    def subsystem_name(self) -> str:
        """The subsystem concerned."""
        ...

    @property
    def registration_id(self) -> UUID:
        """Its registration."""
        ...

    @property
    def observed_at(self) -> datetime:
        """When the registry made the change (T-2)."""
        ...


@runtime_checkable
class ProtocolMCPToolChangeHandler(Protocol):
    """Callback receiving the tool changes of a registry (MCR-13)."""

    async def __call__(self, change: ProtocolMCPToolChange, /) -> None:
        """Receive one change.

        Args:
            change: What changed.

        Raises:
            Exception: Ignored by the registry apart from being logged.
        """
        ...


@runtime_checkable
class ProtocolMCPContentAnnotations(Protocol):
    """MCP annotations of a content block: hints for the client."""

    @property
    def audience(self) -> Sequence[MCPContentAudience]:
        """Who the block is for; empty when the server did not say."""
        ...

    @property
    def priority(self) -> float | None:
        """Importance from 0.0 (optional) to 1.0 (required)."""
        ...

    @property
    def last_modified(self) -> datetime | None:
        """When the content last changed (T-2)."""
        ...


@runtime_checkable
class ProtocolMCPContentBlock(Protocol):
    """One block of a tool result's content (MTP-7)."""

    @property
    def kind(self) -> MCPContentKind:
        """What the block holds."""
        ...

    @property
    def text(self) -> str | None:
        """Text of a ``text`` block (or of an embedded text resource)."""
        ...

    @property
    def data(self) -> bytes | None:
        """Decoded bytes of an ``image``, ``audio`` or embedded binary resource."""
        ...

    @property
    def mime_type(self) -> str | None:
        """Media type of [`data`][] or of the linked resource."""
        ...

    @property
    def uri(self) -> str | None:
        """URI of a ``resource_link`` or ``resource`` block."""
        ...

    @property
    def name(self) -> str | None:
        """Name of a ``resource_link`` (required there by MCP)."""
        ...

    @property
    def title(self) -> str | None:
        """Display name of a ``resource_link``."""
        ...

    @property
    def description(self) -> str | None:
        """Description of a ``resource_link``."""
        ...

    @property
    def size(self) -> int | None:
        """Size in bytes of the resource a ``resource_link`` names, if known."""
        ...

    @property
    def annotations(self) -> ProtocolMCPContentAnnotations | None:
        """The block's MCP annotations, or ``None``."""
        ...

    @property
    def meta(self) -> JsonObject:
        """The block's MCP ``_meta``, kept unchanged; may be empty."""
        ...


@runtime_checkable
class ProtocolMCPToolResult(Protocol):
    """Outcome of one tool execution that reached a subsystem (MCT-3)."""

    @property
    def execution_id(self) -> UUID:
        """Id of the execution; every attempt of one ``execute_tool`` shares it."""
        ...

    @property
    def tool_name(self) -> str:
        """The tool that ran (its registry name)."""
        ...

    @property
    def subsystem_name(self) -> str:
        """The subsystem that served the call."""
        ...

    @property
    def correlation_id(self) -> UUID:
        """Correlation id the caller passed (T-7)."""
        ...

    @property
    def is_error(self) -> bool:
        """The tool ran and reported failure (MCT-3)."""
        ...

    @property
    def content(self) -> Sequence[ProtocolMCPContentBlock]:
        """Unstructured result blocks, in the server's order (MTP-7)."""
        ...

    @property
    def has_structured_content(self) -> bool:
        """The server sent ``structuredContent`` (MCT-4)."""
        ...

    @property
    def structured_content(self) -> JsonValue:
        """Structured result (MCT-4); conforms to the output schema unless an error."""
        ...

    @property
    def started_at(self) -> datetime:
        """When the serving subsystem was called."""
        ...

    @property
    def duration(self) -> timedelta:
        """Wall time of the successful attempt."""
        ...

    @property
    def attempts(self) -> int:
        """Subsystems tried, including the one that served (1 = no failover)."""
        ...


@runtime_checkable
class ProtocolMCPProgress(Protocol):
    """A progress notification of a running tool execution.

    Rules:
        MPR-1: The notifications one progress handler receives for one
            execution have strictly increasing ``progress``, across failovers
            too (MCR-7): a notification whose ``progress`` does not exceed
            the last one delivered is dropped, never delivered late.
    """

    @property
    def progress(self) -> float:
        """Work done so far, in the tool's own unit (MPR-1)."""
        ...

    @property
    def total(self) -> float | None:
        """Total work, if known."""
        ...

    @property
    def message(self) -> str | None:
        """Human-readable status."""
        ...


@runtime_checkable
class ProtocolMCPProgressHandler(Protocol):
    """Callback receiving the progress notifications of one tool execution."""

    async def __call__(self, progress: ProtocolMCPProgress, /) -> None:
        """Receive one progress notification.

        Args:
            progress: The notification.

        Raises:
            Exception: Ignored by the caller apart from being logged; a
                failing handler never fails the tool execution.
        """
        ...


@runtime_checkable
class ProtocolMCPAttemptRecord(Protocol):
    """One attempt of a tool execution, as the registry records it (MMO-1).

    An execution that failed over has one record per subsystem tried, all
    sharing its ``execution_id``; ``attempt`` numbers them from 1.
    """

    @property
    def execution_id(self) -> UUID:
        """The execution the attempt belongs to."""
        ...

    @property
    def attempt(self) -> int:
        """Position of the attempt in its execution, from 1."""
        ...

    @property
    def correlation_id(self) -> UUID:
        """The execution's correlation id (T-7)."""
        ...

    @property
    def tool_name(self) -> str:
        """The tool called (its registry name)."""
        ...

    @property
    def subsystem_name(self) -> str:
        """The subsystem called."""
        ...

    @property
    def outcome(self) -> MCPAttemptOutcome:
        """How the attempt ended."""
        ...

    @property
    def error_type(self) -> str | None:
        """Class name of the error the attempt ended with; ``None`` for answers."""
        ...

    @property
    def started_at(self) -> datetime:
        """When the subsystem was called (T-2)."""
        ...

    @property
    def duration(self) -> timedelta:
        """How long the attempt took (zero or more)."""
        ...


@runtime_checkable
class ProtocolMCPToolMetrics(Protocol):
    """Attempt statistics of one tool over a time window (MMO-2)."""

    @property
    def tool_name(self) -> str:
        """The tool measured."""
        ...

    @property
    def subsystem_name(self) -> str | None:
        """The one subsystem measured, or ``None`` for all of them."""
        ...

    @property
    def window_start(self) -> datetime:
        """Start of the window (inclusive)."""
        ...

    @property
    def window_end(self) -> datetime:
        """End of the window (exclusive)."""
        ...

    @property
    def calls(self) -> int:
        """Attempts a subsystem answered (outcome ``result`` or ``tool_error``)."""
        ...

    @property
    def tool_errors(self) -> int:
        """Attempts whose answer had ``is_error`` (MCT-3)."""
        ...

    @property
    def transport_failures(self) -> int:
        """Attempts that ended with an error instead of an answer."""
        ...

    @property
    def latency_p50(self) -> timedelta | None:
        """Median duration of the answered attempts; ``None`` without any."""
        ...

    @property
    def latency_p95(self) -> timedelta | None:
        """95th-percentile duration of the answered attempts; ``None`` without any."""
        ...
