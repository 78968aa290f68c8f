"""In-memory ``ProtocolWorkflowNodeRegistry``: the node registry plus task leases.

It extends the reference node registry (NR rules, watches, TTL health) with
the leases of ``ProtocolWorkflowNodeRegistry``.

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
    Lease expiry follows the injected clock; ``poll_assignments`` waits in
    real time. Among qualifying nodes the one with the smallest id is chosen.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Final, cast, override
from uuid import UUID, uuid4

from omnibase.protocols.errors import (
    InvalidInputError,
    NotFoundError,
    UnavailableError,
)
from omnibase.protocols.types import (
    ProtocolTaskAssignment,
    ProtocolTaskConfiguration,
)
from omnibase.spi_conformance.reference.factories import Clock, IdFactory, utc_now
from omnibase.spi_conformance.reference.node_registry import InMemoryNodeRegistry
from omnibase.spi_conformance.reference.values import TaskAssignment
from omnibase.spi_conformance.reference.workflow_checks import check_workflow_type

__all__ = ["DEFAULT_LEASE", "DEFAULT_MAX_WAIT", "InMemoryWorkflowNodeRegistry"]

DEFAULT_LEASE: Final = timedelta(seconds=30)
"""The lease of ``lease=None`` (T-3)."""

DEFAULT_MAX_WAIT: Final = timedelta(seconds=10)
"""How long ``poll_assignments`` waits when ``max_wait=None`` (T-3)."""

type _TaskKey = tuple[str, UUID, UUID]


class InMemoryWorkflowNodeRegistry(InMemoryNodeRegistry):
    """Registered nodes and the task leases they hold."""

    def __init__(
        self,
        *,
        clock: Clock = utc_now,
        ids: IdFactory | None = None,
        default_lease: timedelta = DEFAULT_LEASE,
        minimum_ttl: timedelta = timedelta(0),
        minimum_grace: timedelta = timedelta(0),
        tick: timedelta = timedelta(seconds=1),
    ) -> None:
        """Create an empty registry.

        Args:
            clock: Decides TTL health and lease expiry.
            ids: Makes assignment ids (``uuid4`` when ``None``).
            default_lease: The lease of ``lease=None`` (T-3).
            minimum_ttl: The shortest TTL granted (NR-3).
            minimum_grace: The shortest grace period granted (NR-3).
            tick: How often a watch looks at the clock (NR-7).
        """
        super().__init__(
            clock=clock, minimum_ttl=minimum_ttl, minimum_grace=minimum_grace, tick=tick
        )
        self._ids = ids
        self._default_lease = default_lease
        self._assignments: dict[UUID, TaskAssignment] = {}
        self._current: dict[_TaskKey, UUID] = {}
        self._attempts: dict[_TaskKey, int] = {}
        self._tokens = 0
        self._assigned = asyncio.Event()

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
        needed = tuple(task.required_capabilities)
        qualified = self._qualified(needed)
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

    def _qualified(self, needed: tuple[str, ...]) -> list[UUID]:
        """The healthy nodes that declared every capability, by node id (WNR-1)."""
        return [
            record.node.node_id
            for record in self._matching(self._now(), None, needed, True)
        ]

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
        self._entry(node_id, self._now())  # NotFoundError for an unknown node
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
        """Wake watchers and pollers, which then fail with ``UnavailableError``."""
        await super()._on_close()
        self._assigned.set()
