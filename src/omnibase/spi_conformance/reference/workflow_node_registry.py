"""In-memory ``ProtocolWorkflowNodeRegistry``: nodes, TTL health and task leases.

Demonstrates:
    WNR-1: a task goes to a healthy node (HLT-1) that declared every
        required capability, the preferred one when it qualifies.
    WNR-2: a task holds at most one unexpired lease; assigning it again
        returns that lease.
    WNR-3 / WNR-4: only the task's current, unexpired lease can be renewed
        (else ``NotFoundError``) or released with ``True``.
    WNR-5: a node polls its leases, waiting up to ``max_wait`` for one.
    TAS-1 / TAS-2: an expired or released lease frees the task; the next
        assignment has the next ``attempt`` and a greater ``fencing_token``.

Deliberate simplifications:
    The node registry underneath is a minimal private one (``_Nodes``):
    TTL health computed when read (``critical`` until the first heartbeat
    and after a missed TTL, removed after the grace period), listings by
    ``node_id`` with the last id as cursor. Lease expiry follows the
    injected clock; ``poll_assignments`` waits in real time.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Final, cast, override
from uuid import UUID, uuid4

from omnibase.protocols.errors import (
    InvalidInputError,
    NotFoundError,
    UnavailableError,
)
from omnibase.protocols.types import (
    HEALTHY_STATUSES,
    HealthStatus,
    NodeMetadata,
    ProtocolHealthCheckConfig,
    ProtocolNodeRecord,
    ProtocolPage,
    ProtocolTaskAssignment,
    ProtocolTaskConfiguration,
)
from omnibase.spi_conformance.reference.factories import (
    Clock,
    IdFactory,
    utc_now,
)
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle
from omnibase.spi_conformance.reference.values import (
    HealthReport,
    Page,
    TaskAssignment,
)
from omnibase.spi_conformance.reference.workflow_checks import check_workflow_type

__all__ = ["DEFAULT_LEASE", "DEFAULT_MAX_WAIT", "InMemoryWorkflowNodeRegistry"]

DEFAULT_LEASE: Final = timedelta(seconds=30)
"""The lease of ``lease=None`` (T-3)."""

DEFAULT_MAX_WAIT: Final = timedelta(seconds=10)
"""How long ``poll_assignments`` waits when ``max_wait=None`` (T-3)."""

type _TaskKey = tuple[str, UUID, UUID]


@dataclass(frozen=True, slots=True)
class _NodeRecord:
    """``ProtocolNodeRecord``: what the registry knows about one node."""

    node: NodeMetadata
    capabilities: tuple[str, ...]
    health_check: ProtocolHealthCheckConfig
    health: HealthReport
    registered_at: datetime


@dataclass(slots=True)
class _Entry:
    node: NodeMetadata
    capabilities: tuple[str, ...]
    health_check: ProtocolHealthCheckConfig
    registered_at: datetime
    status: HealthStatus = "critical"
    note: str | None = "no heartbeat yet (NR-2)"
    last_heartbeat: datetime | None = None


class _Nodes:
    """A minimal node registry: registrations and their TTL health."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._entries: dict[UUID, _Entry] = {}

    def _health(self, entry: _Entry) -> tuple[HealthStatus, str | None, datetime]:
        """Current status, note, and since when it has been ``critical``."""
        now = self._clock()
        config = entry.health_check
        if entry.last_heartbeat is None:
            return "critical", entry.note, entry.registered_at
        expired_at = entry.last_heartbeat + config.ttl
        if now > expired_at:
            return "critical", "TTL expired without a heartbeat (NR-3)", expired_at
        return entry.status, entry.note, now

    def _live(self, node_id: UUID) -> _Entry | None:
        """The entry, unless it stayed critical past its grace period (NR-3)."""
        entry = self._entries.get(node_id)
        if entry is None:
            return None
        status, _, since = self._health(entry)
        if (
            status == "critical"
            and self._clock() - since > entry.health_check.deregister_critical_after
        ):
            del self._entries[node_id]
            return None
        return entry

    def record(self, entry: _Entry) -> _NodeRecord:
        status, note, _ = self._health(entry)
        return _NodeRecord(
            node=entry.node,
            capabilities=entry.capabilities,
            health_check=entry.health_check,
            health=HealthReport(status, self._clock(), note),
            registered_at=entry.registered_at,
        )

    def register(
        self,
        node: NodeMetadata,
        capabilities: Sequence[str],
        config: ProtocolHealthCheckConfig,
    ) -> _NodeRecord:
        value = cast("object", capabilities)
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise InvalidInputError("capabilities must be a list of strings (NR-6)")
        names = tuple(cast("Sequence[object]", value))
        if not all(isinstance(name, str) and name for name in names):
            raise InvalidInputError("capabilities must be non-empty strings (NR-6)")
        if config.ttl <= timedelta(0):
            raise InvalidInputError("the TTL must be positive (T-6)")
        previous = self._live(node.node_id)
        entry = _Entry(
            node, cast("tuple[str, ...]", names), config, registered_at=self._clock()
        )
        if previous is not None:  # NR-1: keep the current health
            entry.status = previous.status
            entry.note = previous.note
            entry.last_heartbeat = previous.last_heartbeat
        self._entries[node.node_id] = entry
        return self.record(entry)

    def heartbeat(self, node_id: UUID, status: HealthStatus, note: str | None) -> None:
        entry = self._live(node_id)
        if entry is None:
            raise NotFoundError(f"node {node_id} is not registered (NR-3)")
        entry.status = status
        entry.note = note
        entry.last_heartbeat = self._clock()

    def deregister(self, node_id: UUID) -> bool:
        return self._entries.pop(node_id, None) is not None

    def get(self, node_id: UUID) -> _NodeRecord:
        entry = self._live(node_id)
        if entry is None:
            raise NotFoundError(f"node {node_id} is not registered")
        return self.record(entry)

    def records(self) -> list[_NodeRecord]:
        return [
            self.record(entry)
            for node_id in sorted(self._entries)
            if (entry := self._live(node_id)) is not None
        ]


class InMemoryWorkflowNodeRegistry(ReferenceLifecycle):
    """Registered nodes and the task leases they hold."""

    def __init__(
        self,
        *,
        clock: Clock = utc_now,
        ids: IdFactory | None = None,
        default_lease: timedelta = DEFAULT_LEASE,
    ) -> None:
        """Create an empty registry.

        Args:
            clock: Decides TTL health and lease expiry.
            ids: Makes assignment ids (``uuid4`` when ``None``).
            default_lease: The lease of ``lease=None`` (T-3).
        """
        super().__init__(clock=clock)
        self._nodes = _Nodes(clock)
        self._ids = ids
        self._default_lease = default_lease
        self._assignments: dict[UUID, TaskAssignment] = {}
        self._current: dict[_TaskKey, UUID] = {}
        self._attempts: dict[_TaskKey, int] = {}
        self._tokens = 0
        self._assigned = asyncio.Event()

    # --- ProtocolNodeRegistry ----------------------------------------------

    async def register_node(
        self,
        node_metadata: NodeMetadata,
        capabilities: Sequence[str],
        health_check_config: ProtocolHealthCheckConfig,
    ) -> ProtocolNodeRecord:
        """Register a node or replace its registration (NR-1, NR-2)."""
        self._check_open()
        return self._nodes.register(node_metadata, capabilities, health_check_config)

    async def heartbeat(
        self,
        node_id: UUID,
        *,
        status: HealthStatus = "passing",
        note: str | None = None,
    ) -> None:
        """Report the node alive (NR-3)."""
        self._check_open()
        self._nodes.heartbeat(node_id, status, note)

    async def deregister_node(self, node_id: UUID) -> bool:
        """Remove a node (NR-5)."""
        self._check_open()
        return self._nodes.deregister(node_id)

    async def get_node(self, node_id: UUID) -> ProtocolNodeRecord:
        """Return one node's record (NR-3)."""
        self._check_open()
        return self._nodes.get(node_id)

    async def discover_nodes(
        self,
        *,
        node_type: str | None = None,
        capabilities: Sequence[str] = (),
        healthy_only: bool = True,
        cursor: str | None = None,
        limit: int = 100,
    ) -> ProtocolPage[ProtocolNodeRecord]:
        """List matching nodes by ``node_id``, one page at a time (NR-4)."""
        self._check_open()
        size = cast("object", limit)
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise InvalidInputError(f"limit must be an int >= 1, got {limit!r} (PG-4)")
        after: UUID | None = None
        if cursor is not None:
            try:
                after = UUID(cursor)
            except (ValueError, TypeError, AttributeError):
                raise InvalidInputError(
                    f"unreadable cursor {cursor!r} (PG-3)"
                ) from None
        wanted = set(capabilities)
        matching = [
            record
            for record in self._nodes.records()
            if (after is None or record.node.node_id > after)
            and (node_type is None or record.node.node_type == node_type)
            and wanted <= set(record.capabilities)
            and (not healthy_only or record.health.status in HEALTHY_STATUSES)
        ]
        items = tuple(matching[:limit])
        more = len(matching) > limit
        next_cursor = str(items[-1].node.node_id) if more and items else None
        return Page[ProtocolNodeRecord](items, next_cursor)

    # --- ProtocolWorkflowNodeRegistry --------------------------------------

    def _lease(self, lease: timedelta | None) -> timedelta:
        value = cast("object", lease)
        if value is None:
            return self._default_lease
        if not isinstance(value, timedelta) or value <= timedelta(0):
            raise InvalidInputError(f"a lease must be a positive timedelta: {value!r}")
        return value

    def _active(self, assignment_id: UUID) -> TaskAssignment | None:
        """The assignment, if it is its task's current, unexpired lease."""
        assignment = self._assignments.get(assignment_id)
        if assignment is None:
            return None
        key = (assignment.workflow_type, assignment.instance_id, assignment.task_id)
        if self._current.get(key) != assignment_id:
            return None
        if self._clock() >= assignment.lease_expires_at:
            return None
        return assignment

    async def assign_task(
        self,
        workflow_type: str,
        instance_id: UUID,
        task: ProtocolTaskConfiguration,
        *,
        preferred_node: UUID | None = None,
        lease: timedelta | None = None,
    ) -> ProtocolTaskAssignment:
        """Lease ``task`` to a capable, healthy node (WNR-1, WNR-2, TAS-2)."""
        self._check_open()
        check_workflow_type(workflow_type)
        length = self._lease(lease)
        if not isinstance(cast("object", task), ProtocolTaskConfiguration):
            raise InvalidInputError(f"not a ProtocolTaskConfiguration: {task!r}")
        key = (workflow_type, instance_id, task.task_id)
        held = self._current.get(key)
        if held is not None:
            current = self._active(held)
            if current is not None:
                return current  # WNR-2
        needed = set(task.required_capabilities)
        qualified = [
            record.node.node_id
            for record in self._nodes.records()
            if record.health.status in HEALTHY_STATUSES
            and needed <= set(record.capabilities)
        ]
        if not qualified:
            raise UnavailableError(
                f"no healthy node has {sorted(needed)}; nothing assigned (WNR-1)"
            )
        node_id = (
            preferred_node
            if preferred_node is not None and preferred_node in qualified
            else qualified[0]
        )
        attempt = self._attempts.get(key, 0) + 1
        self._attempts[key] = attempt
        self._tokens += 1
        now = self._clock()
        assignment = TaskAssignment(
            assignment_id=self._new_id(),
            workflow_type=workflow_type,
            instance_id=instance_id,
            task_id=task.task_id,
            node_id=node_id,
            attempt=attempt,
            fencing_token=self._tokens,
            assigned_at=now,
            lease_expires_at=now + length,
        )
        self._assignments[assignment.assignment_id] = assignment
        self._current[key] = assignment.assignment_id
        self._assigned.set()
        return assignment

    def _new_id(self) -> UUID:
        return uuid4() if self._ids is None else self._ids()

    async def renew_assignment(
        self, assignment_id: UUID, *, lease: timedelta | None = None
    ) -> ProtocolTaskAssignment:
        """Extend the task's current lease from now (WNR-3)."""
        self._check_open()
        length = self._lease(lease)
        assignment = self._active(assignment_id)
        if assignment is None:
            raise NotFoundError(
                f"assignment {assignment_id} expired, was released or superseded "
                "(WNR-3)"
            )
        renewed = replace(assignment, lease_expires_at=self._clock() + length)
        self._assignments[assignment_id] = renewed
        return renewed

    async def release_assignment(self, assignment_id: UUID) -> bool:
        """End the task's current lease; ``False`` for any other (WNR-4)."""
        self._check_open()
        assignment = self._active(assignment_id)
        if assignment is None:
            return False
        del self._current[
            (assignment.workflow_type, assignment.instance_id, assignment.task_id)
        ]
        return True

    async def poll_assignments(
        self, node_id: UUID, *, max_wait: timedelta | None = None
    ) -> Sequence[ProtocolTaskAssignment]:
        """Return the node's leases, waiting up to ``max_wait`` for one (WNR-5)."""
        self._check_open()
        wait = cast("object", DEFAULT_MAX_WAIT if max_wait is None else max_wait)
        if not isinstance(wait, timedelta) or wait <= timedelta(0):
            raise InvalidInputError(f"max_wait must be a positive timedelta: {wait!r}")
        self._nodes.get(node_id)  # NotFoundError for an unknown node
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait.total_seconds()
        while True:
            held = self._held_by(node_id)
            if held:
                return held
            remaining = deadline - loop.time()
            if remaining <= 0:
                return ()
            self._assigned.clear()
            try:
                async with asyncio.timeout(remaining):
                    await self._assigned.wait()
            except TimeoutError:
                return self._held_by(node_id)
            self._check_open()

    def _held_by(self, node_id: UUID) -> tuple[TaskAssignment, ...]:
        held = [
            assignment
            for assignment_id in self._current.values()
            if (assignment := self._active(assignment_id)) is not None
            and assignment.node_id == node_id
        ]
        return tuple(sorted(held, key=lambda a: (a.assigned_at, a.assignment_id)))

    @override
    async def _on_close(self) -> None:
        """Wake pollers, which then fail with ``UnavailableError`` (LC-3)."""
        self._assigned.set()
