"""In-memory ``ProtocolMCPRegistry``: subsystems, tools, and execution with failover.

The registry composes two other contracts: a ``ProtocolMCPValidator`` checks
registrations and arguments, a ``ProtocolMCPToolProxy`` makes the calls.

Demonstrates:
    MCR-1: the API key is checked first, then every tool; a registration is
        stored whole or not at all.
    MCR-2: registering a subsystem name again keeps its registration id.
    MCR-3 (in part): a subsystem is ``critical`` until its first heartbeat,
        its health report keeps the heartbeat's note, and only healthy
        subsystems are called.
    MCR-4: arguments are validated before any subsystem is called.
    MCR-5: the preferred subsystem first, then the others by name.
    MCR-6: a result is returned as is, tool error or not; never failed over.
    MCR-7: a transport failure (``UnavailableError`` from the proxy) moves on
        only for ``idempotent`` or ``read_only`` tools; otherwise it is
        raised at once, because the call may have taken effect.
    MCR-9: ``list_tools`` by tool name, then subsystem name.
    MCR-10: a tool that differs from the same tool of another subsystem is
        refused with ``AlreadyRegisteredError``.

Deliberate simplifications:
    There is no TTL clock: health changes only through ``heartbeat``, so
    missed heartbeats (MCR-3's expiry) are the monitor's job and are not
    shown. The balancing order is the subsystem name, not round-robin.
    Arguments are validated against one candidate's definition, which MCR-10
    makes the same for every candidate.
"""

import asyncio
import hmac
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from uuid import UUID

from omnibase.protocols.errors import (
    AlreadyRegisteredError,
    AuthenticationError,
    DeadlineExceededError,
    InvalidInputError,
    NotFoundError,
    UnavailableError,
)
from omnibase.protocols.mcp import ProtocolMCPToolProxy, ProtocolMCPValidator
from omnibase.protocols.types import (
    HealthStatus,
    JsonObject,
    MCPToolType,
    ProtocolMCPProgressHandler,
    ProtocolMCPSubsystemMetadata,
    ProtocolMCPSubsystemRegistration,
    ProtocolMCPToolDefinition,
    ProtocolMCPToolListing,
    ProtocolMCPToolResult,
    ProtocolPage,
    ProtocolSecretValue,
    ProtocolValidationIssue,
)
from omnibase.spi_conformance.reference.factories import Clock, IdFactory, utc_now
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle
from omnibase.spi_conformance.reference.paging import paginate
from omnibase.spi_conformance.reference.values import (
    HealthReport,
    SubsystemMetadata,
    SubsystemRegistration,
    ToolDefinition,
    ToolListing,
    tool_result_with_attempts,
)

__all__ = ["InMemoryMCPRegistry"]

_HEALTHY: frozenset[HealthStatus] = frozenset({"passing", "warning"})

type _Candidate = tuple[SubsystemRegistration, ToolDefinition]


def _describe(issues: Sequence[ProtocolValidationIssue]) -> str:
    return "; ".join(f"{issue.path or '/'}: {issue.message}" for issue in issues)


def _contract_of(tool: ProtocolMCPToolDefinition) -> tuple[object, ...]:
    """Return what subsystems serving one tool name must agree on (MCR-10)."""
    return (
        tool.parameters_schema,
        tool.output_schema,
        tool.tool_type,
        tool.idempotent,
        tool.read_only,
    )


def _copy_tool(tool: ProtocolMCPToolDefinition) -> ToolDefinition:
    return ToolDefinition(
        name=tool.name,
        description=tool.description,
        tool_type=tool.tool_type,
        parameters_schema=tool.parameters_schema,
        idempotent=tool.idempotent,
        read_only=tool.read_only,
        title=tool.title,
        output_schema=tool.output_schema,
        timeout=tool.timeout,
    )


def _copy_subsystem(metadata: ProtocolMCPSubsystemMetadata) -> SubsystemMetadata:
    return SubsystemMetadata(
        name=metadata.name,
        subsystem_type=metadata.subsystem_type,
        version=metadata.version,
        endpoint=metadata.endpoint,
        description=metadata.description,
        labels=dict(metadata.labels),
    )


class InMemoryMCPRegistry(ReferenceLifecycle):
    """MCP subsystems and their tools, and the entry point that runs them."""

    def __init__(
        self,
        *,
        proxy: ProtocolMCPToolProxy,
        validator: ProtocolMCPValidator,
        api_key: ProtocolSecretValue,
        ids: IdFactory,
        clock: Clock = utc_now,
        default_timeout: timedelta = timedelta(seconds=30),
    ) -> None:
        """Create an empty registry.

        Args:
            proxy: Makes the calls to subsystems.
            validator: Checks registrations (MCR-1) and arguments (MCR-4).
            api_key: The key registrations must present (MCR-1).
            ids: Makes registration ids.
            clock: Stamps registrations and heartbeats.
            default_timeout: Limit of an execution whose tool declares none.
        """
        super().__init__(clock=clock)
        self._proxy = proxy
        self._validator = validator
        self._api_key = api_key
        self._ids = ids
        self._clock = clock
        self._default_timeout = default_timeout
        self._subsystems: dict[UUID, SubsystemRegistration] = {}

    async def register_subsystem(
        self,
        subsystem_metadata: ProtocolMCPSubsystemMetadata,
        tools: Sequence[ProtocolMCPToolDefinition],
        api_key: ProtocolSecretValue,
        *,
        configuration: JsonObject | None = None,
    ) -> UUID:
        """Register a subsystem and its tools, all or nothing (MCR-1, MCR-2)."""
        self._check_open()
        if not hmac.compare_digest(
            api_key.get_secret_value().encode(),
            self._api_key.get_secret_value().encode(),
        ):
            raise AuthenticationError("the API key was not accepted")  # ERR-3
        issues = list(self._validator.validate_subsystem_metadata(subsystem_metadata))
        for tool in tools:
            issues.extend(self._validator.validate_tool_definition(tool))
        names = [tool.name for tool in tools]
        if len(set(names)) != len(names):
            raise InvalidInputError(f"duplicate tool names in {names} (MCT-1)")
        if issues:
            raise InvalidInputError(_describe(issues))
        self._refuse_conflicting_tools(subsystem_metadata.name, tools)
        previous = self._find(subsystem_metadata.name)
        registration = SubsystemRegistration(
            registration_id=previous.registration_id if previous else self._ids(),
            subsystem=_copy_subsystem(subsystem_metadata),
            tools=tuple(_copy_tool(tool) for tool in tools),
            configuration=dict(configuration or {}),
            health=(
                previous.health
                if previous
                else HealthReport("critical", self._clock(), "no heartbeat yet")
            ),  # MCR-3
            registered_at=self._clock(),
        )
        self._subsystems[registration.registration_id] = registration
        return registration.registration_id

    async def unregister_subsystem(self, registration_id: UUID) -> bool:
        """Remove a subsystem and its tools; idempotent."""
        self._check_open()
        return self._subsystems.pop(registration_id, None) is not None

    async def heartbeat(
        self,
        registration_id: UUID,
        *,
        status: HealthStatus = "passing",
        note: str | None = None,
    ) -> None:
        """Record a heartbeat and the health it reports (MCR-3)."""
        self._check_open()
        registration = self._subsystems.get(registration_id)
        if registration is None:
            raise NotFoundError(f"no subsystem registered as {registration_id}")
        health = HealthReport(status, self._clock(), note)
        self._subsystems[registration_id] = replace(registration, health=health)

    async def get_subsystem(
        self, registration_id: UUID
    ) -> ProtocolMCPSubsystemRegistration:
        """Return one registration."""
        self._check_open()
        try:
            return self._subsystems[registration_id]
        except KeyError:
            raise NotFoundError(
                f"no subsystem registered as {registration_id}"
            ) from None

    async def list_subsystems(
        self,
        *,
        healthy_only: bool = False,
        cursor: str | None = None,
        limit: int = 100,
    ) -> ProtocolPage[ProtocolMCPSubsystemRegistration]:
        """List registrations by subsystem name, one page at a time."""
        self._check_open()
        items = [
            registration
            for registration in self._by_name()
            if not healthy_only or registration.health.status in _HEALTHY
        ]
        return paginate(items, cursor=cursor, limit=limit)

    async def list_tools(
        self,
        *,
        tool_type: MCPToolType | None = None,
        subsystem_name: str | None = None,
        cursor: str | None = None,
        limit: int = 100,
    ) -> ProtocolPage[ProtocolMCPToolListing]:
        """List tools by name, then subsystem name (MCR-9)."""
        self._check_open()
        listings = [
            ToolListing(
                tool=tool,
                subsystem_name=registration.subsystem.name,
                registration_id=registration.registration_id,
                health=registration.health,
            )
            for registration in self._subsystems.values()
            for tool in registration.tools
            if (tool_type is None or tool.tool_type == tool_type)
            and (
                subsystem_name is None or registration.subsystem.name == subsystem_name
            )
        ]
        listings.sort(key=lambda listing: (listing.tool.name, listing.subsystem_name))
        return paginate(listings, cursor=cursor, limit=limit)

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
        """Validate, then call the subsystems serving the tool in order (MCR-4 to 7)."""
        self._check_open()
        candidates = self._candidates(tool_name)
        if not candidates:
            raise NotFoundError(f"no registered subsystem serves {tool_name!r}")
        issues = self._validator.validate_parameters(candidates[0][1], parameters)
        if issues:
            raise InvalidInputError(_describe(issues))  # before any call (MCR-4)
        healthy = sorted(
            (c for c in candidates if c[0].health.status in _HEALTHY),
            key=lambda c: (
                c[0].subsystem.name != preferred_subsystem,
                c[0].subsystem.name,
            ),
        )
        if not healthy:
            raise UnavailableError(f"no healthy subsystem serves {tool_name!r}")
        limit = timeout or candidates[0][1].timeout or self._default_timeout
        try:
            async with asyncio.timeout(limit.total_seconds()):
                return await self._call_in_order(
                    healthy, parameters, correlation_id, limit, progress_handler
                )
        except DeadlineExceededError:
            raise
        except TimeoutError as error:
            raise DeadlineExceededError(f"{tool_name!r} took over {limit}") from error

    async def _call_in_order(
        self,
        candidates: Sequence[_Candidate],
        parameters: JsonObject,
        correlation_id: UUID,
        timeout: timedelta,
        progress_handler: ProtocolMCPProgressHandler | None,
    ) -> ProtocolMCPToolResult:
        failures: list[str] = []
        for attempt, (registration, tool) in enumerate(candidates, start=1):
            try:
                result = await self._proxy.call_tool(
                    registration,
                    tool.name,
                    parameters,
                    correlation_id,
                    timeout=timeout,
                    progress_handler=progress_handler,
                )
            except UnavailableError as error:
                if not (tool.idempotent or tool.read_only):
                    raise UnavailableError(
                        f"{tool.name!r} is neither idempotent nor read-only, so it "
                        f"is not retried elsewhere (MCR-7): {error}"
                    ) from error
                failures.append(str(error))
                continue
            return tool_result_with_attempts(result, attempt)  # as is (MCR-6)
        raise UnavailableError("every subsystem failed: " + "; ".join(failures))

    def _by_name(self) -> list[SubsystemRegistration]:
        return sorted(self._subsystems.values(), key=lambda r: r.subsystem.name)

    def _refuse_conflicting_tools(
        self, subsystem_name: str, tools: Sequence[ProtocolMCPToolDefinition]
    ) -> None:
        """Raise unless every tool equals the same tool of other subsystems (MCR-10).

        Args:
            subsystem_name: The subsystem registering; its own tools may change.
            tools: The tools it registers.

        Raises:
            AlreadyRegisteredError: A tool differs from a registered namesake.
        """
        for registration in self._subsystems.values():
            if registration.subsystem.name == subsystem_name:
                continue
            for registered in registration.tools:
                for tool in tools:
                    if tool.name == registered.name and _contract_of(
                        tool
                    ) != _contract_of(registered):
                        raise AlreadyRegisteredError(
                            f"tool {tool.name!r} differs from the one "
                            f"{registration.subsystem.name!r} serves (MCR-10)"
                        )

    def _find(self, subsystem_name: str) -> SubsystemRegistration | None:
        for registration in self._subsystems.values():
            if registration.subsystem.name == subsystem_name:
                return registration
        return None

    def _candidates(self, tool_name: str) -> list[_Candidate]:
        """Subsystems serving ``tool_name``, or the one ``{subsystem}.{tool}`` pins."""
        prefix, dot, rest = tool_name.partition(".")
        pinned = self._find(prefix) if dot else None
        registrations = [pinned] if pinned else self._by_name()
        wanted = rest if pinned else tool_name
        return [
            (registration, tool)
            for registration in registrations
            for tool in registration.tools
            if tool.name == wanted
        ]
