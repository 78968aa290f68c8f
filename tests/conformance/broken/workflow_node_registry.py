"""Broken workflow node registries: each breaks one lease rule (WNR, TAS, T-6)."""

import itertools
from collections.abc import Sequence
from dataclasses import replace
from datetime import timedelta
from typing import override
from uuid import UUID, uuid4

from omnibase.protocols.types import (
    HEALTHY_STATUSES,
    ProtocolTaskAssignment,
    ProtocolTaskConfiguration,
)
from omnibase.spi_conformance.reference.values import TaskAssignment
from omnibase.spi_conformance.reference.workflow_node_registry import (
    InMemoryWorkflowNodeRegistry,
)
from omnibase.spi_conformance.suites import SuiteEnvironment
from tests.conformance.harness import Variant
from tests.conformance.test_reference_workflow_node_registry import (
    TestInMemoryWorkflowNodeRegistry,
)


class AssignsToCriticalNodes(InMemoryWorkflowNodeRegistry):
    """Picks a capable node without looking at its health (WNR-1)."""

    @override
    def _qualified(self, needed: tuple[str, ...]) -> list[UUID]:
        unhealthy = [
            record.node.node_id
            for record in self._matching(self._now(), None, needed, False)
            if record.health.status not in HEALTHY_STATUSES
        ]
        return [*unhealthy, *super()._qualified(needed)]


class TreatsWarningAsUnhealthy(InMemoryWorkflowNodeRegistry):
    """Skips ``warning`` nodes, which are healthy (HLT-1)."""

    @override
    def _qualified(self, needed: tuple[str, ...]) -> list[UUID]:
        return [
            record.node.node_id
            for record in self._matching(self._now(), None, needed, True)
            if record.health.status == "passing"
        ]


class PrefersUnqualifiedNodes(InMemoryWorkflowNodeRegistry):
    """Gives the task to ``preferred_node`` whether or not it qualifies (WNR-1)."""

    @override
    async def assign_task(
        self,
        workflow_type: str,
        instance_id: UUID,
        task: ProtocolTaskConfiguration,
        *,
        preferred_node: UUID | None = None,
        lease: timedelta | None = None,
    ) -> ProtocolTaskAssignment:
        assignment = await super().assign_task(
            workflow_type, instance_id, task, preferred_node=preferred_node, lease=lease
        )
        if preferred_node is None or assignment.node_id == preferred_node:
            return assignment
        moved = replace(_value(assignment), node_id=preferred_node)
        self._assignments[moved.assignment_id] = moved
        return moved


def _value(assignment: ProtocolTaskAssignment) -> TaskAssignment:
    return TaskAssignment(
        assignment.assignment_id,
        assignment.workflow_type,
        assignment.instance_id,
        assignment.task_id,
        assignment.node_id,
        assignment.attempt,
        assignment.fencing_token,
        assignment.assigned_at,
        assignment.lease_expires_at,
    )


class NewLeaseEveryTime(InMemoryWorkflowNodeRegistry):
    """Leases a task again although it holds an unexpired lease (WNR-2)."""

    @override
    async def assign_task(
        self,
        workflow_type: str,
        instance_id: UUID,
        task: ProtocolTaskConfiguration,
        *,
        preferred_node: UUID | None = None,
        lease: timedelta | None = None,
    ) -> ProtocolTaskAssignment:
        assignment = await super().assign_task(
            workflow_type, instance_id, task, preferred_node=preferred_node, lease=lease
        )
        twin = replace(_value(assignment), assignment_id=uuid4())
        self._assignments[twin.assignment_id] = twin
        self._current[(workflow_type, instance_id, task.task_id)] = twin.assignment_id
        return twin


class RenewsExpiredLeases(InMemoryWorkflowNodeRegistry):
    """Renews a lease that has expired, if nothing replaced it yet (WNR-3)."""

    @override
    async def renew_assignment(
        self, assignment_id: UUID, *, lease: timedelta | None = None
    ) -> ProtocolTaskAssignment:
        assignment = self._assignments.get(assignment_id)
        if assignment is not None and self._clock() >= assignment.lease_expires_at:
            key = (assignment.workflow_type, assignment.instance_id, assignment.task_id)
            if self._current.get(key) == assignment_id:
                self._assignments[assignment_id] = replace(
                    assignment, lease_expires_at=self._clock() + timedelta(seconds=1)
                )
        return await super().renew_assignment(assignment_id, lease=lease)


class ReleaseAlwaysTrue(InMemoryWorkflowNodeRegistry):
    """``release_assignment`` returns ``True`` for any id (WNR-4)."""

    @override
    async def release_assignment(self, assignment_id: UUID) -> bool:
        await super().release_assignment(assignment_id)
        return True


class PollDoesNotWait(InMemoryWorkflowNodeRegistry):
    """Returns an empty poll at once instead of waiting (WNR-5)."""

    @override
    async def poll_assignments(
        self, node_id: UUID, *, max_wait: timedelta | None = None
    ) -> Sequence[ProtocolTaskAssignment]:
        if max_wait is not None and max_wait <= timedelta(0):
            return await super().poll_assignments(node_id, max_wait=max_wait)
        return await super().poll_assignments(
            node_id, max_wait=timedelta(microseconds=1)
        )


class ExpiredLeasesBlock(InMemoryWorkflowNodeRegistry):
    """Keeps returning a task's expired lease: it is never assigned again (TAS-1)."""

    @override
    async def assign_task(
        self,
        workflow_type: str,
        instance_id: UUID,
        task: ProtocolTaskConfiguration,
        *,
        preferred_node: UUID | None = None,
        lease: timedelta | None = None,
    ) -> ProtocolTaskAssignment:
        held = self._current.get((workflow_type, instance_id, task.task_id))
        if held is not None:
            return self._assignments[held]
        return await super().assign_task(
            workflow_type, instance_id, task, preferred_node=preferred_node, lease=lease
        )


class ConstantFencingToken(InMemoryWorkflowNodeRegistry):
    """Every assignment of a task carries the same fencing token (TAS-2)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._first: dict[UUID, int] = {}
        self._counter = itertools.count(1)

    @override
    async def assign_task(
        self,
        workflow_type: str,
        instance_id: UUID,
        task: ProtocolTaskConfiguration,
        *,
        preferred_node: UUID | None = None,
        lease: timedelta | None = None,
    ) -> ProtocolTaskAssignment:
        assignment = await super().assign_task(
            workflow_type, instance_id, task, preferred_node=preferred_node, lease=lease
        )
        token = self._first.setdefault(task.task_id, assignment.fencing_token)
        fixed = replace(_value(assignment), fencing_token=token)
        self._assignments[fixed.assignment_id] = fixed
        return fixed


class AcceptsZeroLeases(InMemoryWorkflowNodeRegistry):
    """A zero or negative lease falls back to the default (T-6)."""

    @override
    def _lease(self, lease: timedelta | None) -> timedelta:
        if lease is not None and lease <= timedelta(0):
            return self._default_lease
        return super()._lease(lease)


class AcceptsDottedTypes(InMemoryWorkflowNodeRegistry):
    """Assigns tasks of any workflow type, ``a.b`` included (WEV-6)."""

    @override
    async def assign_task(
        self,
        workflow_type: str,
        instance_id: UUID,
        task: ProtocolTaskConfiguration,
        *,
        preferred_node: UUID | None = None,
        lease: timedelta | None = None,
    ) -> ProtocolTaskAssignment:
        return await super().assign_task(
            workflow_type.replace(".", "_"),
            instance_id,
            task,
            preferred_node=preferred_node,
            lease=lease,
        )


def _variant(
    name: str, breaks: tuple[str, ...], broken: type[InMemoryWorkflowNodeRegistry]
) -> Variant:
    def build(self: TestInMemoryWorkflowNodeRegistry, env: SuiteEnvironment) -> object:
        return broken(clock=env.clock)

    return Variant(name, breaks, TestInMemoryWorkflowNodeRegistry, {"build": build})


VARIANTS = [
    _variant("assigns_to_critical_nodes", ("WNR-1",), AssignsToCriticalNodes),
    _variant("treats_warning_as_unhealthy", ("HLT-1",), TreatsWarningAsUnhealthy),
    _variant("prefers_unqualified_nodes", ("WNR-1",), PrefersUnqualifiedNodes),
    _variant("new_lease_every_time", ("WNR-2",), NewLeaseEveryTime),
    _variant("renews_expired_leases", ("WNR-3",), RenewsExpiredLeases),
    _variant("release_always_true", ("WNR-4",), ReleaseAlwaysTrue),
    _variant("poll_does_not_wait", ("WNR-5",), PollDoesNotWait),
    _variant("expired_leases_block", ("TAS-1",), ExpiredLeasesBlock),
    _variant("constant_fencing_token", ("TAS-2",), ConstantFencingToken),
    _variant("accepts_zero_leases", ("T-6",), AcceptsZeroLeases),
    _variant("accepts_dotted_types", ("WEV-6",), AcceptsDottedTypes),
]
