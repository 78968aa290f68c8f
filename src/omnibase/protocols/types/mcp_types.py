"""Model Context Protocol (MCP) types: tools, subsystems, calls and results.

An MCP *subsystem* is a server that offers tools. Several subsystems may serve
the same tool name; the registry chooses among them and fails over. MCP itself
treats tool annotations as untrusted hints, so the registry keeps its own
authoritative ``idempotent`` and ``read_only`` flags, set at registration.

Rules:
    MCT-1: Tool names are 1-128 characters of ``[A-Za-z0-9._-]``,
        case-sensitive, unique per subsystem. Subsystem names are 1-64
        characters of ``[A-Za-z0-9_-]`` (no dot), so the registry-qualified
        name ``"{subsystem}.{tool}"`` splits unambiguously at its first dot.
    MCT-2: ``parameters_schema`` is a JSON Schema (2020-12 unless ``$schema``
        says otherwise) whose root has ``"type": "object"``.
    MCT-3: A result with ``is_error`` true is the tool's own answer: the tool
        ran and failed. It is returned to the caller, never retried elsewhere.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Literal, Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.types.core_types import (
    JsonObject,
    JsonValue,
    ProtocolHealthReport,
)

__all__ = [
    "MCPContentKind",
    "MCPSubsystemType",
    "MCPToolType",
    "ProtocolMCPContentBlock",
    "ProtocolMCPProgress",
    "ProtocolMCPProgressHandler",
    "ProtocolMCPSubsystemMetadata",
    "ProtocolMCPSubsystemRegistration",
    "ProtocolMCPToolDefinition",
    "ProtocolMCPToolListing",
    "ProtocolMCPToolMetrics",
    "ProtocolMCPToolResult",
]

MCPToolType = Literal["query", "compute", "transform", "action"]
"""What a tool does: ``query`` reads, ``compute`` derives, ``transform``
converts its input, ``action`` changes the world."""

MCPSubsystemType = Literal[
    "search", "database", "analytics", "ai_model", "workflow", "integration", "custom"
]
"""Kind of MCP subsystem, for discovery."""

MCPContentKind = Literal["text", "image", "audio", "resource_link", "resource"]
"""Kind of an MCP content block."""


@runtime_checkable
class ProtocolMCPToolDefinition(Protocol):
    """A tool as a subsystem declares it and the registry records it."""

    @property
    def name(self) -> str:
        """Tool name, unique within its subsystem (MCT-1)."""
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
        """What kind of tool it is."""
        ...

    @property
    def parameters_schema(self) -> JsonObject:
        """JSON Schema of the arguments; root ``"type": "object"`` (MCT-2)."""
        ...

    @property
    def output_schema(self) -> JsonObject | None:
        """JSON Schema of the structured result, if the tool declares one."""
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
        """Default limit of one call; ``None`` for the registry's default."""
        ...


@runtime_checkable
class ProtocolMCPSubsystemMetadata(Protocol):
    """Identity of an MCP subsystem (a server offering tools)."""

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
    def endpoint(self) -> str:
        """URI at which the subsystem's MCP server is reached."""
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
        """The subsystem's identity."""
        ...

    @property
    def tools(self) -> Sequence[ProtocolMCPToolDefinition]:
        """Tools the subsystem serves."""
        ...

    @property
    def configuration(self) -> JsonObject:
        """Subsystem configuration given at registration (never secrets)."""
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
class ProtocolMCPContentBlock(Protocol):
    """One block of a tool result's content."""

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


@runtime_checkable
class ProtocolMCPToolResult(Protocol):
    """Outcome of one tool execution that reached a subsystem (MCT-3)."""

    @property
    def execution_id(self) -> UUID:
        """Id of this execution."""
        ...

    @property
    def tool_name(self) -> str:
        """The tool that ran."""
        ...

    @property
    def subsystem_name(self) -> str:
        """The subsystem that served the call."""
        ...

    @property
    def correlation_id(self) -> UUID:
        """Correlation id the caller passed."""
        ...

    @property
    def is_error(self) -> bool:
        """The tool ran and reported failure (MCT-3)."""
        ...

    @property
    def content(self) -> Sequence[ProtocolMCPContentBlock]:
        """Unstructured result blocks."""
        ...

    @property
    def structured_content(self) -> JsonValue:
        """Structured result; conforms to the output schema when one exists."""
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
        MPR-1: ``progress`` increases with every notification of one call.
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
class ProtocolMCPToolMetrics(Protocol):
    """Execution statistics of one tool over a time window."""

    @property
    def tool_name(self) -> str:
        """The tool measured."""
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
        """Executions that reached a subsystem."""
        ...

    @property
    def tool_errors(self) -> int:
        """Executions whose result had ``is_error`` (MCT-3)."""
        ...

    @property
    def transport_failures(self) -> int:
        """Attempts that failed to reach a subsystem or got a protocol error."""
        ...

    @property
    def latency_p50(self) -> timedelta | None:
        """Median duration; ``None`` without calls."""
        ...

    @property
    def latency_p95(self) -> timedelta | None:
        """95th-percentile duration; ``None`` without calls."""
        ...
