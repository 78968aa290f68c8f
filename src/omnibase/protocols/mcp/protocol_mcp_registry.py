"""MCP tool registration, discovery and execution across subsystems."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.types.core_types import (
    HealthStatus,
    JsonObject,
    ProtocolPage,
    ProtocolSecretValue,
)
from omnibase.protocols.types.mcp_types import (
    MCPToolType,
    ProtocolMCPProgressHandler,
    ProtocolMCPSubsystemMetadata,
    ProtocolMCPSubsystemRegistration,
    ProtocolMCPToolDefinition,
    ProtocolMCPToolListing,
    ProtocolMCPToolResult,
)

__all__ = ["ProtocolMCPRegistry"]


@runtime_checkable
class ProtocolMCPRegistry(ProtocolLifecycle, Protocol):
    """Registry of MCP subsystems and their tools, and the entry point to run them.

    Rules:
        MCR-1: ``register_subsystem`` checks the API key before anything
            else and validates every tool (MCT-1, MCT-2) before storing
            anything: a registration is stored whole or not at all.
        MCR-2: Registration is idempotent by subsystem name: registering a
            name again replaces its tools and configuration and returns the
            same ``registration_id``.
        MCR-3: Subsystems heartbeat like nodes (NR-2, NR-3): ``critical``
            until the first heartbeat and after a missed TTL, removed after
            the grace period.
        MCR-4: ``execute_tool`` validates ``parameters`` against the tool's
            ``parameters_schema`` before any subsystem is called.
        MCR-5: ``execute_tool`` tries healthy subsystems serving the tool,
            ``preferred_subsystem`` first when it is healthy, then the others
            in the registry's balancing order.
        MCR-6: A result (``is_error`` or not) is returned as is: a tool error
            is never retried on another subsystem (MCT-3).
        MCR-7: A transport or protocol failure moves on to the next
            subsystem only when the tool is ``idempotent`` or ``read_only``;
            otherwise it raises ``UnavailableError`` at once, because the
            call may have taken effect.
        MCR-8: Cancelling the awaiting task cancels the remote execution
            (MCP ``notifications/cancelled``) on a best-effort basis and
            re-raises ``asyncio.CancelledError`` (ERR-2).
        MCR-9: ``list_tools`` orders by tool name, then subsystem name; a
            tool served by several subsystems appears once per subsystem.
        MCR-10: Subsystems serving the same tool name serve the same tool:
            a registration whose tool differs from an already registered one
            of that name in ``parameters_schema``, ``output_schema``,
            ``tool_type``, ``idempotent`` or ``read_only`` raises
            ``AlreadyRegisteredError`` and stores nothing.
    """

    async def register_subsystem(
        self,
        subsystem_metadata: ProtocolMCPSubsystemMetadata,
        tools: Sequence[ProtocolMCPToolDefinition],
        api_key: ProtocolSecretValue,
        *,
        configuration: JsonObject | None = None,
    ) -> UUID:
        """Register a subsystem and the tools it serves (MCR-1, MCR-2).

        Args:
            subsystem_metadata: Identity of the subsystem.
            tools: The tools it serves; names unique (MCT-1).
            api_key: Credential authorising the registration.
            configuration: Subsystem configuration (never secrets).

        Returns:
            The registration id, stable across re-registrations.

        Raises:
            AuthenticationError: ``api_key`` is not accepted.
            InvalidInputError: A bad name or schema, or duplicate tool names.
            AlreadyRegisteredError: A tool conflicts with the same tool of
                another subsystem (MCR-10).
            UnavailableError: The registry's backend could not be reached.
        """
        ...

    async def unregister_subsystem(self, registration_id: UUID) -> bool:
        """Remove a subsystem and its tools; idempotent.

        Args:
            registration_id: Id returned by ``register_subsystem``.

        Returns:
            ``True`` if the subsystem was registered.

        Raises:
            UnavailableError: The registry's backend could not be reached.
        """
        ...

    async def heartbeat(
        self,
        registration_id: UUID,
        *,
        status: HealthStatus = "passing",
        note: str | None = None,
    ) -> None:
        """Report a subsystem alive (MCR-3).

        Args:
            registration_id: Id returned by ``register_subsystem``.
            status: Health the subsystem reports about itself.
            note: Human-readable detail.

        Raises:
            NotFoundError: The subsystem is not registered or was removed.
            UnavailableError: The registry's backend could not be reached.
        """
        ...

    async def get_subsystem(
        self, registration_id: UUID
    ) -> ProtocolMCPSubsystemRegistration:
        """Return one subsystem's registration.

        Args:
            registration_id: Id returned by ``register_subsystem``.

        Returns:
            The registration with its current health.

        Raises:
            NotFoundError: The subsystem is not registered.
            UnavailableError: The registry's backend could not be reached.
        """
        ...

    async def list_subsystems(
        self,
        *,
        healthy_only: bool = False,
        cursor: str | None = None,
        limit: int = 100,
    ) -> ProtocolPage[ProtocolMCPSubsystemRegistration]:
        """List registered subsystems by name, one page at a time.

        Args:
            healthy_only: Only ``passing`` and ``warning`` subsystems.
            cursor: ``next_cursor`` of the previous page; ``None`` to start.
            limit: Most items on the page (PG-4).

        Returns:
            One page of registrations.

        Raises:
            InvalidInputError: A bad cursor or limit (PG-3, PG-4).
            UnavailableError: The registry's backend could not be reached.
        """
        ...

    async def list_tools(
        self,
        *,
        tool_type: MCPToolType | None = None,
        subsystem_name: str | None = None,
        cursor: str | None = None,
        limit: int = 100,
    ) -> ProtocolPage[ProtocolMCPToolListing]:
        """Discover tools (MCR-9), one page at a time.

        Args:
            tool_type: Only tools of this type.
            subsystem_name: Only tools of this subsystem.
            cursor: ``next_cursor`` of the previous page; ``None`` to start.
            limit: Most items on the page (PG-4).

        Returns:
            One page of tools, each with the subsystem serving it.

        Raises:
            InvalidInputError: A bad cursor or limit (PG-3, PG-4).
            UnavailableError: The registry's backend could not be reached.
        """
        ...

    async def execute_tool(
        self,
        tool_name: str,
        parameters: JsonObject,
        correlation_id: UUID,
        *,
        preferred_subsystem: str | None = None,
        timeout: timedelta | None = None,
        progress_handler: ProtocolMCPProgressHandler | None = None,
    ) -> ProtocolMCPToolResult:
        """Run a tool on one of the subsystems serving it (MCR-4 to MCR-8).

        Args:
            tool_name: Tool name, or ``"{subsystem}.{tool}"`` to pin one
                subsystem (MCT-1).
            parameters: Arguments; must satisfy the tool's schema (MCR-4).
            correlation_id: Correlation id recorded with the execution.
            preferred_subsystem: Subsystem to try first (MCR-5).
            timeout: Limit for the whole execution, failovers included (T-3);
                ``None`` for the tool's own default.
            progress_handler: Receives progress notifications.

        Returns:
            The tool's result, which may be a tool error (MCR-6).

        Raises:
            NotFoundError: No registered subsystem serves the tool.
            InvalidInputError: ``parameters`` do not satisfy the schema.
            UnavailableError: No healthy subsystem could be reached (MCR-7).
            DeadlineExceededError: ``timeout`` passed first.
        """
        ...
