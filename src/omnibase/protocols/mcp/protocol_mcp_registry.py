"""MCP tool registration, discovery and execution across subsystems."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.types.core_types import (
    HealthStatus,
    JsonObject,
    ProtocolHealthCheckConfig,
    ProtocolPage,
    ProtocolSecretValue,
    ProtocolUnsubscribe,
)
from omnibase.protocols.types.mcp_types import (
    MCPBalancingStrategy,
    MCPSubsystemType,
    MCPToolType,
    ProtocolMCPProgressHandler,
    ProtocolMCPSubsystemMetadata,
    ProtocolMCPSubsystemRegistration,
    ProtocolMCPToolChangeHandler,
    ProtocolMCPToolDefinition,
    ProtocolMCPToolListing,
    ProtocolMCPToolResult,
)

__all__ = ["ProtocolMCPRegistry"]


@runtime_checkable
class ProtocolMCPRegistry(ProtocolLifecycle, Protocol):
    """Registry of MCP subsystems and their tools, and the entry point to run them.

    A registry accepts one or more API keys; each key is a principal. It
    reaches subsystems through a ``ProtocolMCPToolProxy`` and, when wired to a
    ``ProtocolMCPMonitor``, records every attempt there (MCR-15): callers
    never record executions themselves.

    Rules:
        MCR-1: ``register_subsystem`` checks the API key before anything
            else, then validates the metadata (MCT-1, MCT-6) and every tool
            (MCT-1, MCT-2, names unique) before storing anything: a
            registration is stored whole or not at all. What is stored is
            what was given: ``get_subsystem`` returns metadata and tools whose
            members all equal the registered ones.
        MCR-2: A subsystem name belongs to the API key that first registered
            it. Registering the name again with that key replaces its
            metadata, tools, configuration and ``health_check``, keeps its
            ``registration_id`` and its current health. Registering it, or
            calling ``heartbeat`` or ``unregister_subsystem`` for it, with
            another accepted key raises ``AuthenticationError`` and changes
            nothing.
        MCR-3: Health follows heartbeats and the registration's
            ``health_check``: ``critical`` from registration until the first
            heartbeat; then the status the last heartbeat reported, until
            ``ttl`` passes without one, when it becomes ``critical``. A
            subsystem that stayed ``critical`` for
            ``deregister_critical_after`` is removed by the registry itself
            (no other component expires it): its tools are no longer listed
            or run, and ``get_subsystem`` and ``heartbeat`` raise
            ``NotFoundError``.
        MCR-4: ``execute_tool`` calls a subsystem only with arguments its
            tool's ``parameters_schema`` accepts; when no candidate accepts
            them it raises ``InvalidInputError`` before any call.
        MCR-5: ``execute_tool`` tries the healthy (HLT-1) subsystems serving
            the tool: ``preferred_subsystem`` first when it is one of them,
            then the others in the order of ``balancing_strategy()``:
            ``ordered``, by subsystem name; ``round_robin``, by subsystem
            name rotated one further for each execution of that tool name.
        MCR-6: An answer is returned as is, ``is_error`` or not (MCT-3), and
            so is a ``NotSupportedError`` for a tool asking for input
            (MTP-5): neither is retried on another subsystem.
        MCR-7: After a failed attempt the registry moves on by what the
            error promises (ERR-5): after ``UnavailableError`` or
            ``ResourceExhaustedError`` (not performed) for any tool; after
            ``OutcomeUnknownError`` or the attempt's own deadline (MCR-12)
            only when the tool is ``idempotent`` or ``read_only``, otherwise
            that error is raised at once. When every candidate failed it
            raises ``OutcomeUnknownError`` if any attempt may have taken
            effect, else ``ResourceExhaustedError`` (with the shortest
            ``retry_after`` given) if every attempt was throttled, else
            ``UnavailableError``; with no healthy candidate,
            ``UnavailableError``.
        MCR-8: Cancelling the awaiting task cancels the attempt in flight
            (MTP-4) and re-raises ``asyncio.CancelledError`` (ERR-2).
        MCR-9: ``list_tools`` orders by tool name, then subsystem name; a
            tool served by several subsystems appears once per subsystem.
            ``list_subsystems`` orders by subsystem name. Filters keep what
            matches all of them (``healthy_only`` per HLT-1).
        MCR-10: Subsystems serving the same tool name and ``version`` serve
            the same tool: a registration whose tool differs from a namesake
            of the same version registered by another subsystem in
            ``parameters_schema``, ``output_schema``, ``tool_type``,
            ``idempotent`` or ``read_only`` raises ``AlreadyRegisteredError``
            and stores nothing. Schemas compare as JSON: object key order
            does not matter, numbers compare by value, and a boolean never
            equals a number (``{"const": 1}`` differs from ``{"const":
            true}``). Different versions co-exist (a rolling upgrade); a
            subsystem's own earlier registration is replaced, not compared.
        MCR-11: API keys and resolved credentials never appear in log
            records, error messages, or the ``str``/``repr`` of the registry
            or of what it returns (SEC-1, ERR-3).
        MCR-12: Each attempt is limited to ``attempt_timeout`` (default: the
            tool's ``timeout``, then the registry's documented default), cut
            short by what remains of ``timeout`` for the whole execution. An
            attempt that reaches its own limit counts as
            ``DeadlineExceededError`` for MCR-7; the whole ``timeout``
            passing raises ``DeadlineExceededError``.
        MCR-13: Every change of the tools the registry serves (a subsystem
            registered, re-registered, unregistered or removed by MCR-3) is
            delivered once to each handler subscribed with
            ``subscribe_tool_changes``, in the order of the changes and after
            ``list_tools`` shows it; a failing handler is ignored.
        MCR-14: A tool whose ``task_support`` is ``"required"`` cannot run
            without MCP tasks, which the SPI does not carry: ``execute_tool``
            raises ``NotSupportedError`` before any call.
        MCR-15: A registry wired to a ``ProtocolMCPMonitor`` records every
            attempt it made (answered or failed) before ``execute_tool``
            returns or raises (optional capability ``monitor``).
        MCR-16: ``tool_name`` is always a whole tool name, dots included;
            ``subsystem`` pins the execution to that one subsystem.
    """

    async def register_subsystem(
        self,
        subsystem_metadata: ProtocolMCPSubsystemMetadata,
        tools: Sequence[ProtocolMCPToolDefinition],
        api_key: ProtocolSecretValue,
        *,
        configuration: JsonObject | None = None,
        health_check: ProtocolHealthCheckConfig | None = None,
    ) -> UUID:
        """Register a subsystem and the tools it serves (MCR-1, MCR-2, MCR-10).

        Args:
            subsystem_metadata: Identity of the subsystem and how to reach it.
            tools: The tools it serves; names unique (MCT-1).
            api_key: Credential authorising the registration.
            configuration: Subsystem configuration (never secrets).
            health_check: TTL and grace period of its heartbeats (MCR-3);
                ``None`` for the registry's documented default.

        Returns:
            The registration id, stable across re-registrations.

        Raises:
            AuthenticationError: ``api_key`` is not accepted, or the name
                belongs to another key (MCR-2).
            InvalidInputError: A bad name, schema, endpoint or health check,
                duplicate tool names, or ``api_key`` not a
                ``ProtocolSecretValue``.
            AlreadyRegisteredError: A tool conflicts with a namesake of
                another subsystem (MCR-10).
            UnavailableError: The registry's backend could not be reached.
        """
        ...

    async def unregister_subsystem(
        self, registration_id: UUID, api_key: ProtocolSecretValue
    ) -> bool:
        """Remove a subsystem and its tools; idempotent (MCR-2).

        Args:
            registration_id: Id returned by ``register_subsystem``.
            api_key: The key that registered the subsystem.

        Returns:
            ``True`` if the subsystem was registered.

        Raises:
            AuthenticationError: ``api_key`` is not accepted, or not the
                subsystem's.
            UnavailableError: The registry's backend could not be reached.
        """
        ...

    async def heartbeat(
        self,
        registration_id: UUID,
        api_key: ProtocolSecretValue,
        *,
        status: HealthStatus = "passing",
        note: str | None = None,
    ) -> None:
        """Report a subsystem alive (MCR-2, MCR-3).

        Args:
            registration_id: Id returned by ``register_subsystem``.
            api_key: The key that registered the subsystem.
            status: Health the subsystem reports about itself.
            note: Human-readable detail kept in the health report's message.

        Raises:
            AuthenticationError: ``api_key`` is not accepted, or not the
                subsystem's.
            NotFoundError: The subsystem is not registered or was removed.
            InvalidInputError: ``status`` is not a ``HealthStatus``.
            UnavailableError: The registry's backend could not be reached.
        """
        ...

    async def get_subsystem(
        self, registration_id: UUID
    ) -> ProtocolMCPSubsystemRegistration:
        """Return one subsystem's registration (MCR-1).

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
        subsystem_type: MCPSubsystemType | None = None,
        cursor: str | None = None,
        limit: int = 100,
    ) -> ProtocolPage[ProtocolMCPSubsystemRegistration]:
        """List registered subsystems by name, one page at a time (MCR-9).

        Args:
            healthy_only: Only ``passing`` and ``warning`` subsystems (HLT-1).
            subsystem_type: Only subsystems of this type.
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

    async def subscribe_tool_changes(
        self, handler: ProtocolMCPToolChangeHandler
    ) -> ProtocolUnsubscribe:
        """Receive every later change of the tools the registry serves (MCR-13).

        This is the registry's ``notifications/tools/list_changed``.

        Args:
            handler: Called once per change.

        Returns:
            Await it to stop receiving changes (SUB-1, SUB-2).

        Raises:
            UnavailableError: The registry's backend could not be reached.
        """
        ...

    def balancing_strategy(self) -> MCPBalancingStrategy:
        """Return how the registry orders candidate subsystems (MCR-5).

        Returns:
            The strategy; it does not change during the registry's life.
        """
        ...

    async def execute_tool(
        self,
        tool_name: str,
        parameters: JsonObject,
        correlation_id: UUID,
        *,
        preferred_subsystem: str | None = None,
        subsystem: str | None = None,
        timeout: timedelta | None = None,
        attempt_timeout: timedelta | None = None,
        progress_handler: ProtocolMCPProgressHandler | None = None,
    ) -> ProtocolMCPToolResult:
        """Run a tool on one of the subsystems serving it (MCR-4 to MCR-16).

        Args:
            tool_name: The tool's name (MCR-16).
            parameters: Arguments; must satisfy the tool's schema (MCR-4).
            correlation_id: The originating request's id (T-7), sent to the
                server (MTP-6) and recorded with every attempt.
            preferred_subsystem: Subsystem to try first (MCR-5).
            subsystem: The only subsystem to try (MCR-16).
            timeout: Limit of the whole execution, failovers included (T-3,
                T-6); ``None`` for the registry's documented default.
            attempt_timeout: Limit of one attempt (MCR-12); ``None`` for the
                tool's ``timeout``, then the registry's default.
            progress_handler: Receives progress notifications (MPR-1).

        Returns:
            The tool's result, which may be a tool error (MCR-6), with the
            execution's id and the number of ``attempts``.

        Raises:
            NotFoundError: No registered subsystem (or not ``subsystem``)
                serves the tool.
            InvalidInputError: No candidate's schema accepts ``parameters``
                (MCR-4), or a bad argument (a non-positive timeout).
            NotSupportedError: The tool needs MCP tasks (MCR-14) or asked for
                input (MTP-5).
            UnavailableError: Not performed anywhere (MCR-7).
            ResourceExhaustedError: Every subsystem was throttled (MCR-7).
            OutcomeUnknownError: An attempt may have taken effect (MCR-7).
            DeadlineExceededError: ``timeout`` passed, or a non-idempotent
                tool's attempt reached its limit (MCR-7, MCR-12).
        """
        ...
