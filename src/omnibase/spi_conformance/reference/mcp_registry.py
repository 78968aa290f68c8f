"""In-memory ``ProtocolMCPRegistry``: subsystems, tools, and execution with failover.

The registry composes other contracts: a ``ProtocolMCPValidator`` checks
registrations and arguments, a ``ProtocolMCPToolProxy`` makes the calls, and
an optional ``ProtocolMCPMonitor`` receives every attempt.

Demonstrates:
    MCR-1: the API key is checked first, then the metadata and every tool;
        a registration is stored whole (deep copies, T-4) or not at all.
    MCR-2: a subsystem name belongs to the key that first registered it.
    MCR-3: health is computed from the clock at every read: ``critical``
        until the first heartbeat and after a missed TTL; removal after the
        grace period happens at the next call, by the registry itself.
    MCR-4: candidates whose schema rejects the arguments are never called.
    MCR-5: the preferred subsystem first, then by name (``ordered``) or
        rotated per tool name (``round_robin``).
    MCR-6, MCR-7: answers are returned; failures move on by what the error
        promises (ERR-5).
    MCR-10: namesakes of one version must agree, compared as JSON.
    MCR-12: each attempt has its own limit inside the overall one.
    MCR-13: tool changes reach subscribed handlers in order.
    MCR-15: every attempt is recorded with the monitor, if there is one.

Deliberate simplifications:
    Everything lives in memory; expiry runs lazily at the start of each call
    instead of on a timer, and handlers are called inline.
"""

import asyncio
import contextlib
import hmac
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Final, cast, get_args, override
from uuid import UUID

from omnibase.protocols.errors import (
    AlreadyRegisteredError,
    AuthenticationError,
    DeadlineExceededError,
    InvalidInputError,
    NotFoundError,
    NotSupportedError,
    OutcomeUnknownError,
    ResourceExhaustedError,
    UnavailableError,
)
from omnibase.protocols.mcp import (
    ProtocolMCPMonitor,
    ProtocolMCPToolProxy,
    ProtocolMCPValidator,
)
from omnibase.protocols.types import (
    HEALTHY_STATUSES,
    HealthStatus,
    JsonObject,
    JsonValue,
    MCPAttemptOutcome,
    MCPBalancingStrategy,
    MCPSubsystemType,
    MCPToolChangeKind,
    MCPToolType,
    ProtocolHealthCheckConfig,
    ProtocolMCPProgressHandler,
    ProtocolMCPSubsystemMetadata,
    ProtocolMCPSubsystemRegistration,
    ProtocolMCPToolChangeHandler,
    ProtocolMCPToolDefinition,
    ProtocolMCPToolListing,
    ProtocolMCPToolResult,
    ProtocolPage,
    ProtocolSecretValue,
    ProtocolUnsubscribe,
    ProtocolValidationIssue,
)
from omnibase.spi_conformance.reference.factories import Clock, IdFactory, utc_now
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle
from omnibase.spi_conformance.reference.mcp_tool_proxy import MonotonicProgress
from omnibase.spi_conformance.reference.mcp_validator import json_equal
from omnibase.spi_conformance.reference.paging import paginate
from omnibase.spi_conformance.reference.values import (
    AttemptRecord,
    HealthReport,
    Icon,
    SecretReference,
    SubsystemHealthCheck,
    SubsystemMetadata,
    SubsystemRegistration,
    ToolAnnotations,
    ToolChange,
    ToolDefinition,
    ToolListing,
    ValidationIssue,
    tool_result_with_attempts,
)

__all__ = [
    "DEFAULT_HEALTH_CHECK",
    "AttemptPlace",
    "Candidate",
    "InMemoryMCPRegistry",
    "SubsystemEntry",
    "copy_json",
]

_LOG = logging.getLogger(__name__)

DEFAULT_HEALTH_CHECK: Final = SubsystemHealthCheck(
    ttl=timedelta(seconds=30), deregister_critical_after=timedelta(minutes=5)
)
"""TTL and grace period of a registration that names none (T-3)."""


def copy_json(value: JsonValue) -> JsonValue:
    """Deep-copy a JSON value into plain ``dict``/``list`` containers (T-4).

    Args:
        value: Any JSON value.

    Returns:
        An equal value sharing no container with ``value``.
    """
    if isinstance(value, Mapping):
        return {str(key): copy_json(item) for key, item in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [copy_json(item) for item in value]
    return value


def _copy_object(value: JsonObject) -> JsonObject:
    return cast("JsonObject", copy_json(value))


def _describe(issues: Sequence[ProtocolValidationIssue]) -> str:
    return "; ".join(f"{issue.path or '/'}: {issue.message}" for issue in issues)


def _copy_tool(tool: ProtocolMCPToolDefinition) -> ToolDefinition:
    hints = tool.annotations
    return ToolDefinition(
        name=tool.name,
        description=tool.description,
        tool_type=tool.tool_type,
        parameters_schema=_copy_object(tool.parameters_schema),
        idempotent=tool.idempotent,
        read_only=tool.read_only,
        title=tool.title,
        output_schema=(
            None if tool.output_schema is None else _copy_object(tool.output_schema)
        ),
        timeout=tool.timeout,
        upstream_name=tool.upstream_name,
        version=tool.version,
        annotations=(
            None
            if hints is None
            else ToolAnnotations(
                title=hints.title,
                read_only_hint=hints.read_only_hint,
                destructive_hint=hints.destructive_hint,
                idempotent_hint=hints.idempotent_hint,
                open_world_hint=hints.open_world_hint,
            )
        ),
        icons=tuple(
            Icon(icon.src, icon.mime_type, tuple(icon.sizes), icon.theme)
            for icon in tool.icons
        ),
        meta=_copy_object(tool.meta),
        task_support=tool.task_support,
    )


def _copy_subsystem(metadata: ProtocolMCPSubsystemMetadata) -> SubsystemMetadata:
    return SubsystemMetadata(
        name=metadata.name,
        subsystem_type=metadata.subsystem_type,
        version=metadata.version,
        endpoint=metadata.endpoint,
        description=metadata.description,
        labels=dict(metadata.labels),
        transport=metadata.transport,
        arguments=tuple(metadata.arguments),
        credentials={
            name: SecretReference(reference.uri)
            for name, reference in metadata.credentials.items()
        },
    )


def _contract_of(tool: ProtocolMCPToolDefinition) -> tuple[object, ...]:
    """What namesakes of one version must agree on (MCR-10)."""
    return (
        tool.parameters_schema,
        tool.output_schema,
        tool.tool_type,
        tool.idempotent,
        tool.read_only,
    )


def _same_contract(
    left: ProtocolMCPToolDefinition, right: ProtocolMCPToolDefinition
) -> bool:
    return all(
        json_equal(a, b)
        for a, b in zip(_contract_of(left), _contract_of(right), strict=True)
    )


@dataclass(slots=True)
class SubsystemEntry:
    """The registry's state of one subsystem: registration, owner, heartbeats."""

    registration: SubsystemRegistration
    owner: int
    first_registered_at: datetime
    last_heartbeat: datetime | None = None
    reported: HealthReport | None = None
    reported_critical_since: datetime | None = None


type Candidate = tuple[SubsystemEntry, ToolDefinition]
"""A subsystem that serves the tool, and its definition of the tool."""


@dataclass(frozen=True, slots=True)
class AttemptPlace:
    """Where one attempt happened, for its record (MCR-15)."""

    entry: SubsystemEntry
    tool: ToolDefinition
    execution_id: UUID
    attempt: int
    correlation_id: UUID
    started_at: datetime


@dataclass(slots=True)
class _Subscription:
    """One subscribed tool-change handler and its unsubscribe callable."""

    registry: "InMemoryMCPRegistry"
    handler: ProtocolMCPToolChangeHandler
    active: bool = field(default=True)

    async def __call__(self) -> None:
        """End the subscription (SUB-1); idempotent (SUB-2)."""
        if self.active:
            self.active = False
            self.registry.drop_subscription(self)


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
        other_api_keys: Sequence[ProtocolSecretValue] = (),
        monitor: ProtocolMCPMonitor | None = None,
        balancing: MCPBalancingStrategy = "ordered",
        default_timeout: timedelta = timedelta(seconds=60),
        default_attempt_timeout: timedelta = timedelta(seconds=30),
        default_health_check: ProtocolHealthCheckConfig = DEFAULT_HEALTH_CHECK,
    ) -> None:
        """Create an empty registry.

        Args:
            proxy: Makes the calls to subsystems.
            validator: Checks registrations (MCR-1) and arguments (MCR-4).
            api_key: A key registrations may present (MCR-1).
            ids: Makes registration and execution ids.
            clock: Stamps registrations, heartbeats and attempts; drives TTLs.
            other_api_keys: More accepted keys, each its own principal (MCR-2).
            monitor: Receives every attempt (MCR-15).
            balancing: The order of candidates (MCR-5).
            default_timeout: Limit of a whole execution (T-3).
            default_attempt_timeout: Limit of one attempt when the tool names
                none (MCR-12).
            default_health_check: TTL and grace of a registration naming none.
        """
        super().__init__(clock=clock)
        self._proxy = proxy
        self._validator = validator
        self._keys = (api_key, *other_api_keys)
        self._ids = ids
        self._monitor = monitor
        self._balancing: MCPBalancingStrategy = balancing
        self._default_timeout = default_timeout
        self._default_attempt_timeout = default_attempt_timeout
        self._default_health_check = SubsystemHealthCheck(
            default_health_check.ttl, default_health_check.deregister_critical_after
        )
        self._entries: dict[UUID, SubsystemEntry] = {}
        self._subscriptions: list[_Subscription] = []
        self._rotation: dict[str, int] = {}

    @override
    def __repr__(self) -> str:
        """Show the registry without its keys (MCR-11)."""
        return f"InMemoryMCPRegistry({len(self._entries)} subsystems)"

    # --- keys and principals --------------------------------------------------

    def _principal(self, api_key: ProtocolSecretValue) -> int:
        """Return the index of the accepted key ``api_key`` is (MCR-1, MCR-2)."""
        value = cast("object", api_key)
        if not isinstance(value, ProtocolSecretValue):
            raise InvalidInputError(
                f"api_key must be a ProtocolSecretValue, not {type(value).__name__}"
            )
        presented = api_key.get_secret_value().encode()
        for index, key in enumerate(self._keys):
            if hmac.compare_digest(presented, key.get_secret_value().encode()):
                return index
        raise AuthenticationError("the API key was not accepted")  # ERR-3

    def _owned(
        self, registration_id: UUID, api_key: ProtocolSecretValue
    ) -> SubsystemEntry | None:
        principal = self._principal(api_key)
        entry = self._entries.get(registration_id)
        if entry is not None and entry.owner != principal:
            raise AuthenticationError(
                f"subsystem {entry.registration.subsystem.name!r} belongs to "
                "another API key (MCR-2)"
            )
        return entry

    # --- health (MCR-3) ---------------------------------------------------------

    def _health(
        self, entry: SubsystemEntry, now: datetime
    ) -> tuple[HealthReport, bool]:
        """Return the entry's health at ``now`` and whether it is due for removal."""
        check = entry.registration.health_check
        critical_since: datetime | None
        if entry.last_heartbeat is None or entry.reported is None:
            critical_since = entry.first_registered_at
            report = HealthReport("critical", now, "no heartbeat yet")
        elif now - entry.last_heartbeat > check.ttl:
            critical_since = entry.last_heartbeat + check.ttl
            report = HealthReport(
                "critical", now, f"no heartbeat for {now - entry.last_heartbeat}"
            )
        else:
            report = entry.reported
            critical_since = (
                entry.reported_critical_since if report.status == "critical" else None
            )
        expired = (
            critical_since is not None
            and now - critical_since >= check.deregister_critical_after
        )
        return report, expired

    def _current(self, entry: SubsystemEntry) -> SubsystemRegistration:
        report, _ = self._health(entry, self._clock())
        return replace(entry.registration, health=report)

    async def _expire(self) -> None:
        """Remove the subsystems past their grace period (MCR-3)."""
        now = self._clock()
        for registration_id, entry in list(self._entries.items()):
            if self._health(entry, now)[1]:
                del self._entries[registration_id]
                await self._notify("removed", entry)

    async def _open(self) -> None:
        self._check_open()
        await self._expire()

    # --- tool changes (MCR-13) --------------------------------------------------

    def drop_subscription(self, subscription: _Subscription) -> None:
        """Forget an ended subscription.

        Args:
            subscription: The subscription.
        """
        with contextlib.suppress(ValueError):
            self._subscriptions.remove(subscription)

    async def _notify(self, kind: MCPToolChangeKind, entry: SubsystemEntry) -> None:
        change = ToolChange(
            kind,
            entry.registration.subsystem.name,
            entry.registration.registration_id,
            self._clock(),
        )
        for subscription in list(self._subscriptions):
            if not subscription.active:
                continue
            try:
                await subscription.handler(change)
            except Exception:  # a failing handler is ignored (MCR-13)
                _LOG.warning("tool change handler failed", exc_info=True)

    async def subscribe_tool_changes(
        self, handler: ProtocolMCPToolChangeHandler
    ) -> ProtocolUnsubscribe:
        """Call ``handler`` for every later change (MCR-13)."""
        await self._open()
        subscription = _Subscription(self, handler)
        self._subscriptions.append(subscription)
        return subscription

    def balancing_strategy(self) -> MCPBalancingStrategy:
        """The candidate order of ``execute_tool`` (MCR-5)."""
        self._check_open()
        return self._balancing

    # --- registration (MCR-1, MCR-2, MCR-10) -----------------------------------

    async def register_subsystem(
        self,
        subsystem_metadata: ProtocolMCPSubsystemMetadata,
        tools: Sequence[ProtocolMCPToolDefinition],
        api_key: ProtocolSecretValue,
        *,
        configuration: JsonObject | None = None,
        health_check: ProtocolHealthCheckConfig | None = None,
    ) -> UUID:
        """Register a subsystem and its tools, all or nothing (MCR-1, MCR-2)."""
        await self._open()
        principal = self._principal(api_key)
        given = cast("object", tools)
        if isinstance(given, str) or not isinstance(given, Sequence):
            raise InvalidInputError(
                "tools must be a sequence of tool definitions (T-5)"
            )
        issues = list(self._validator.validate_subsystem_metadata(subsystem_metadata))
        for index, tool in enumerate(tools):
            issues.extend(
                replace_path(issue, f"/tools/{index}")
                for issue in self._validator.validate_tool_definition(tool)
            )
        if issues:
            raise InvalidInputError(_describe(issues))
        names = [tool.name for tool in tools]
        if len(set(names)) != len(names):
            raise InvalidInputError(f"duplicate tool names in {names} (MCT-1)")
        check = self._health_check(health_check)
        previous = self._find(subsystem_metadata.name)
        if previous is not None:
            self._check_owner(previous, principal)
        self._refuse_conflicting_tools(subsystem_metadata.name, tools)
        now = self._clock()
        registration = SubsystemRegistration(
            registration_id=(
                previous.registration.registration_id if previous else self._ids()
            ),
            subsystem=self._copy_subsystem(subsystem_metadata),
            tools=tuple(self._copy_tool(tool) for tool in tools),
            configuration=_copy_object(configuration or {}),
            health=HealthReport("critical", now, "no heartbeat yet"),
            registered_at=now,
            health_check=check,
        )
        if previous is None:
            entry = SubsystemEntry(registration, principal, now)
        else:
            entry = replace(previous, registration=registration)  # keeps health
        self._entries[registration.registration_id] = entry
        await self._notify("updated" if previous else "registered", entry)
        return registration.registration_id

    def _health_check(
        self, given: ProtocolHealthCheckConfig | None
    ) -> SubsystemHealthCheck:
        if given is None:
            return self._default_health_check
        value = cast("object", given)
        if not isinstance(value, ProtocolHealthCheckConfig):
            raise InvalidInputError("health_check must be a ProtocolHealthCheckConfig")
        if given.ttl <= timedelta(0) or given.deregister_critical_after <= timedelta(0):
            raise InvalidInputError(
                f"ttl and deregister_critical_after must be positive (T-6), got {given}"
            )
        return SubsystemHealthCheck(given.ttl, given.deregister_critical_after)

    def _refuse_conflicting_tools(
        self, subsystem_name: str, tools: Sequence[ProtocolMCPToolDefinition]
    ) -> None:
        """Raise unless every tool agrees with its namesakes of one version (MCR-10)."""
        for entry in self._entries.values():
            other = entry.registration
            if other.subsystem.name == subsystem_name:
                continue  # its own earlier registration is replaced
            for registered in other.tools:
                for tool in tools:
                    if (
                        tool.name == registered.name
                        and tool.version == registered.version
                        and not self._same_contract(tool, registered)
                    ):
                        raise AlreadyRegisteredError(
                            f"tool {tool.name!r} (version {tool.version!r}) differs "
                            f"from the one {other.subsystem.name!r} serves (MCR-10)"
                        )

    async def unregister_subsystem(
        self, registration_id: UUID, api_key: ProtocolSecretValue
    ) -> bool:
        """Remove a subsystem and its tools; idempotent (MCR-2)."""
        await self._open()
        entry = self._owned(registration_id, api_key)
        if entry is None:
            return False
        del self._entries[registration_id]
        await self._notify("removed", entry)
        return True

    async def heartbeat(
        self,
        registration_id: UUID,
        api_key: ProtocolSecretValue,
        *,
        status: HealthStatus = "passing",
        note: str | None = None,
    ) -> None:
        """Record a heartbeat and the health it reports (MCR-2, MCR-3)."""
        await self._open()
        entry = self._owned(registration_id, api_key)
        if entry is None:
            raise NotFoundError(f"no subsystem registered as {registration_id}")
        reported = cast("object", status)
        if reported not in get_args(HealthStatus):
            raise InvalidInputError(f"status must be a HealthStatus, got {reported!r}")
        now = self._clock()
        was_critical = (
            entry.reported is not None and entry.reported.status == "critical"
        )
        entry.last_heartbeat = now
        entry.reported = HealthReport(status, now, note)
        if status != "critical":
            entry.reported_critical_since = None
        elif not was_critical:
            entry.reported_critical_since = now

    async def get_subsystem(
        self, registration_id: UUID
    ) -> ProtocolMCPSubsystemRegistration:
        """Return one registration with its current health."""
        await self._open()
        entry = self._entries.get(registration_id)
        if entry is None:
            raise NotFoundError(f"no subsystem registered as {registration_id}")
        return self._current(entry)

    async def list_subsystems(
        self,
        *,
        healthy_only: bool = False,
        subsystem_type: MCPSubsystemType | None = None,
        cursor: str | None = None,
        limit: int = 100,
    ) -> ProtocolPage[ProtocolMCPSubsystemRegistration]:
        """List registrations by subsystem name, one page at a time (MCR-9)."""
        await self._open()
        items = [
            registration
            for registration in (self._current(e) for e in self._by_name())
            if (not healthy_only or self._healthy(registration.health.status))
            and (
                subsystem_type is None
                or registration.subsystem.subsystem_type == subsystem_type
            )
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
        await self._open()
        listings = [
            ToolListing(
                tool=tool,
                subsystem_name=registration.subsystem.name,
                registration_id=registration.registration_id,
                health=registration.health,
            )
            for registration in (self._current(e) for e in self._entries.values())
            for tool in registration.tools
            if (tool_type is None or tool.tool_type == tool_type)
            and (
                subsystem_name is None or registration.subsystem.name == subsystem_name
            )
        ]
        listings.sort(key=self._listing_order)
        return paginate(listings, cursor=cursor, limit=limit)

    # --- execution (MCR-4 to MCR-16) -----------------------------------------

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
        """Validate, then call the candidates in order (MCR-4 to MCR-16)."""
        await self._open()
        self._check_arguments(
            tool_name, parameters, correlation_id, timeout, attempt_timeout
        )
        candidates = self._candidates(tool_name, subsystem)
        runnable = self._runnable(candidates)
        if not runnable:
            raise NotSupportedError(
                f"{tool_name!r} requires MCP task-augmented execution, which the "
                "SPI does not carry (MCR-14)"
            )
        accepting, issues = self._accepting(runnable, parameters)
        if not accepting:
            raise InvalidInputError(
                f"bad arguments for {tool_name!r}: {_describe(issues)}"
            )
        now = self._clock()
        healthy = [
            c for c in accepting if self._healthy(self._health(c[0], now)[0].status)
        ]
        if not healthy:
            raise UnavailableError(f"no healthy subsystem serves {tool_name!r} (MCR-5)")
        ordered = self._order(tool_name, healthy, preferred_subsystem)
        limit = timeout or self._default_timeout
        execution_id = self._ids()
        progress = self._progress_for(progress_handler)
        try:
            async with asyncio.timeout(limit.total_seconds()):
                return await self._attempts(
                    ordered,
                    parameters=parameters,
                    correlation_id=correlation_id,
                    execution_id=execution_id,
                    limit=limit,
                    attempt_timeout=attempt_timeout,
                    progress=progress,
                )
        except TimeoutError as error:
            if isinstance(error, DeadlineExceededError):
                raise
            raise DeadlineExceededError(f"{tool_name!r} took over {limit}") from None
        finally:
            progress.close()

    def _check_arguments(
        self,
        tool_name: object,
        parameters: object,
        correlation_id: object,
        timeout: object,
        attempt_timeout: object,
    ) -> None:
        if not isinstance(tool_name, str):
            raise InvalidInputError(f"tool_name must be a str, got {tool_name!r}")
        if not isinstance(parameters, Mapping):
            raise InvalidInputError("parameters must be a JSON object")
        if not isinstance(correlation_id, UUID):
            raise InvalidInputError("correlation_id must be a UUID")
        for name, value in (("timeout", timeout), ("attempt_timeout", attempt_timeout)):
            if value is not None and (
                not isinstance(value, timedelta) or value <= timedelta(0)
            ):
                raise InvalidInputError(f"{name} must be a positive timedelta (T-6)")

    async def _attempts(
        self,
        ordered: Sequence[Candidate],
        *,
        parameters: JsonObject,
        correlation_id: UUID,
        execution_id: UUID,
        limit: timedelta,
        attempt_timeout: timedelta | None,
        progress: MonotonicProgress,
    ) -> ProtocolMCPToolResult:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit.total_seconds()
        may_have_run = False
        throttled: list[ResourceExhaustedError] = []
        failures: list[str] = []
        for attempt, (entry, tool) in enumerate(ordered, start=1):
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise DeadlineExceededError(f"{tool.name!r} ran out of time")
            this_limit = self._attempt_limit(
                tool, attempt_timeout, timedelta(seconds=remaining)
            )
            started_at = self._clock()
            where = AttemptPlace(
                entry, tool, execution_id, attempt, correlation_id, started_at
            )
            try:
                result = await self._proxy.call_tool(
                    entry.registration,
                    tool.name,
                    parameters,
                    correlation_id,
                    timeout=this_limit,
                    progress_handler=progress,
                )
            except (UnavailableError, ResourceExhaustedError) as error:  # not run
                await self._record(error, where)
                if isinstance(error, ResourceExhaustedError):
                    throttled.append(error)
                failures.append(str(error))
                continue
            except (
                OutcomeUnknownError,
                DeadlineExceededError,
            ) as error:  # may have run
                await self._record(error, where)
                if not self._may_resend(tool):
                    raise  # MCR-7: never re-sent
                may_have_run = True
                failures.append(str(error))
                continue
            except NotSupportedError as error:  # MCR-6: the same everywhere
                await self._record(error, where)
                raise
            await self._record(result, where)
            if attempt < len(ordered) and self._answer_fails_over(result):
                failures.append(f"{entry.registration.subsystem.name}: tool error")
                continue
            return tool_result_with_attempts(result, attempt, execution_id=execution_id)
        summary = "; ".join(failures)
        if may_have_run:
            raise OutcomeUnknownError(
                f"every subsystem failed, one may have run: {summary}"
            )
        if throttled and len(throttled) == len(failures):
            hints = [e.retry_after for e in throttled if e.retry_after is not None]
            raise ResourceExhaustedError(
                f"every subsystem was throttled: {summary}",
                retry_after=min(hints) if hints else None,
            )
        raise UnavailableError(f"every subsystem failed: {summary}")

    async def _record(
        self, ended: ProtocolMCPToolResult | Exception, where: "AttemptPlace"
    ) -> None:
        """Record one attempt with the monitor (MCR-15); never fails the call."""
        if self._monitor is None:
            return
        outcome: MCPAttemptOutcome = "unavailable"
        error_type: str | None = None
        if isinstance(ended, Exception):
            error_type = type(ended).__name__
            for kind, name in _OUTCOMES.items():
                if isinstance(ended, kind):
                    outcome = name
                    break
        else:
            outcome = "tool_error" if ended.is_error else "result"
        record = AttemptRecord(
            execution_id=where.execution_id,
            attempt=where.attempt,
            correlation_id=where.correlation_id,
            tool_name=where.tool.name,
            subsystem_name=where.entry.registration.subsystem.name,
            outcome=outcome,
            started_at=where.started_at,
            duration=max(self._clock() - where.started_at, timedelta(0)),
            error_type=error_type,
        )
        try:
            await self._monitor.record_attempt(record)
        except Exception:
            _LOG.warning("could not record an attempt with the monitor", exc_info=True)

    # --- the decisions, one method each (broken variants override them) --------

    def _copy_tool(self, tool: ProtocolMCPToolDefinition) -> ToolDefinition:
        """A deep copy of ``tool`` to store (MCR-1, T-4)."""
        return _copy_tool(tool)

    def _copy_subsystem(
        self, metadata: ProtocolMCPSubsystemMetadata
    ) -> SubsystemMetadata:
        """A copy of ``metadata`` to store; credentials stay references (MCT-6)."""
        return _copy_subsystem(metadata)

    def _check_owner(self, entry: SubsystemEntry, principal: int) -> None:
        """Refuse a principal other than the registering one (MCR-2)."""
        if entry.owner != principal:
            raise AuthenticationError(
                f"subsystem {entry.registration.subsystem.name!r} belongs to "
                "another API key (MCR-2)"
            )

    def _same_contract(
        self, left: ProtocolMCPToolDefinition, right: ProtocolMCPToolDefinition
    ) -> bool:
        """Whether two namesakes of one version agree, as JSON (MCR-10)."""
        return _same_contract(left, right)

    def _healthy(self, status: HealthStatus) -> bool:
        """``passing`` or ``warning`` (HLT-1)."""
        return status in HEALTHY_STATUSES

    def _listing_order(self, listing: ToolListing) -> tuple[str, str]:
        """Tool name, then subsystem name (MCR-9)."""
        return (listing.tool.name, listing.subsystem_name)

    def _runnable(self, candidates: list[Candidate]) -> list[Candidate]:
        """The candidates that can run without MCP tasks (MCR-14)."""
        return [c for c in candidates if c[1].task_support != "required"]

    def _accepting(
        self, candidates: list[Candidate], parameters: JsonObject
    ) -> tuple[list[Candidate], Sequence[ProtocolValidationIssue]]:
        """The candidates whose schema accepts ``parameters``, and the first issues."""
        accepting: list[Candidate] = []
        issues: Sequence[ProtocolValidationIssue] = ()
        for entry, tool in candidates:
            found = self._validator.validate_parameters(tool, parameters)
            if found:
                issues = issues or found
            else:
                accepting.append((entry, tool))
        return accepting, issues

    def _progress_for(
        self, handler: ProtocolMCPProgressHandler | None
    ) -> MonotonicProgress:
        """One filter for the whole execution, across failovers (MPR-1)."""
        return MonotonicProgress(handler)

    def _attempt_limit(
        self,
        tool: ToolDefinition,
        attempt_timeout: timedelta | None,
        remaining: timedelta,
    ) -> timedelta:
        """The limit of one attempt, inside what remains (MCR-12)."""
        per_attempt = attempt_timeout or tool.timeout or self._default_attempt_timeout
        return min(per_attempt, remaining)

    def _may_resend(self, tool: ToolDefinition) -> bool:
        """Whether a call that may have run may go elsewhere (MCR-7, MCT-5)."""
        return tool.idempotent or tool.read_only

    def _answer_fails_over(self, result: ProtocolMCPToolResult) -> bool:
        """Whether an answer is retried elsewhere: never (MCR-6)."""
        del result
        return False

    def _by_name(self) -> list[SubsystemEntry]:
        return sorted(
            self._entries.values(), key=lambda e: e.registration.subsystem.name
        )

    def _find(self, subsystem_name: str) -> SubsystemEntry | None:
        for entry in self._entries.values():
            if entry.registration.subsystem.name == subsystem_name:
                return entry
        return None

    def _candidates(self, tool_name: str, subsystem: str | None) -> list[Candidate]:
        """The subsystems serving ``tool_name`` (only ``subsystem`` when pinned)."""
        if subsystem is not None:
            pinned = self._find(subsystem)
            entries = [pinned] if pinned is not None else []
        else:
            entries = self._by_name()
        found = [
            (entry, tool)
            for entry in entries
            for tool in entry.registration.tools
            if tool.name == tool_name
        ]
        if not found:
            where = (
                f"subsystem {subsystem!r}" if subsystem is not None else "no subsystem"
            )
            raise NotFoundError(f"{where} serves {tool_name!r} (MCR-16)")
        return found

    def _order(
        self,
        tool_name: str,
        healthy: list[Candidate],
        preferred: str | None,
    ) -> list[Candidate]:
        """Preferred first, then the balancing order (MCR-5)."""
        by_name = sorted(healthy, key=lambda c: c[0].registration.subsystem.name)
        if self._balancing == "round_robin":
            turn = self._rotation.get(tool_name, 0)
            self._rotation[tool_name] = turn + 1
            start = turn % len(by_name)
            by_name = by_name[start:] + by_name[:start]
        first = [c for c in by_name if c[0].registration.subsystem.name == preferred]
        return first + [c for c in by_name if c not in first]


_OUTCOMES: Final[Mapping[type[Exception], MCPAttemptOutcome]] = {
    UnavailableError: "unavailable",
    ResourceExhaustedError: "resource_exhausted",
    OutcomeUnknownError: "outcome_unknown",
    DeadlineExceededError: "deadline_exceeded",
    NotSupportedError: "not_supported",
}


def replace_path(
    issue: ProtocolValidationIssue, prefix: str
) -> ProtocolValidationIssue:
    """Return ``issue`` with ``prefix`` in front of its path.

    Args:
        issue: An issue about one tool.
        prefix: Where the tool sits in the registration, e.g. ``"/tools/2"``.

    Returns:
        The issue, located in the registration.
    """
    return ValidationIssue(prefix + issue.path, issue.code, issue.message)
