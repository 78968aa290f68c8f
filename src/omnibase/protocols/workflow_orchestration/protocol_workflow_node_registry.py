"""Workflow node coordination: which node runs which task, under a lease."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.core.protocol_node_registry import ProtocolNodeRegistry
from omnibase.protocols.types.workflow_orchestration_types import (
    ProtocolTaskAssignment,
    ProtocolTaskConfiguration,
)

__all__ = ["ProtocolWorkflowNodeRegistry"]


@runtime_checkable
class ProtocolWorkflowNodeRegistry(ProtocolNodeRegistry, Protocol):
    """A node registry that also leases workflow tasks to capable nodes.

    The orchestrator assigns a task (one attempt) to a node; the node learns
    its assignments by polling (``poll_assignments``, the way Temporal
    workers poll their task queues), renews its lease while it works
    (``renew_assignment``, a heartbeat) and releases it when it is done.
    The orchestrator records the attempt's outcome only after
    ``release_assignment`` returned ``True``: a node whose lease expired
    learns that its work no longer counts (TAS-1, TAS-2).

    Rules:
        WNR-1: A task is assigned only to a healthy node (HLT-1) that
            declared every ``required_capabilities`` entry; among those,
            ``preferred_node`` when it qualifies. When no node qualifies,
            ``UnavailableError`` and nothing is assigned.
        WNR-2: A task holds at most one unexpired lease. Assigning a task
            that holds one returns that lease unchanged (an idempotent
            retry).
        WNR-3: ``renew_assignment`` extends the task's current, unexpired
            lease to ``lease`` from now, keeping its ``attempt`` and
            ``fencing_token`` (TAS-2); an expired, released or superseded
            lease raises ``NotFoundError``, and the task may already run
            elsewhere (TAS-1).
        WNR-4: ``release_assignment`` ends a lease and returns ``True`` only
            when it was the task's current, unexpired lease; for an expired,
            released, superseded or unknown assignment it returns ``False``
            (idempotent), and the orchestrator discards that attempt's
            outcome.
        WNR-5: ``poll_assignments`` returns every unexpired lease held by
            ``node_id``, ordered by ``assigned_at`` then ``assignment_id``;
            when the node holds none it waits up to ``max_wait`` for one and
            returns an empty sequence if none came. A node that is not
            registered raises ``NotFoundError``.
    """

    async def assign_task(
        self,
        workflow_type: str,
        instance_id: UUID,
        task: ProtocolTaskConfiguration,
        *,
        preferred_node: UUID | None = None,
        lease: timedelta | None = None,
    ) -> ProtocolTaskAssignment:
        """Lease ``task`` to a capable, healthy node (WNR-1, WNR-2, TAS-2).

        Args:
            workflow_type: Workflow type of the task's instance (WEV-6).
            instance_id: The task's instance.
            task: The task to run.
            preferred_node: Node to choose when it qualifies.
            lease: Lease length; ``None`` for the registry's default (T-3).

        Returns:
            The assignment (a new one with the next ``attempt``, or the
            task's unexpired lease, WNR-2).

        Raises:
            UnavailableError: No healthy node has the required capabilities;
                nothing was assigned.
            InvalidInputError: A non-positive lease (T-6) or a bad workflow
                type (WEV-6).
        """
        ...

    async def renew_assignment(
        self, assignment_id: UUID, *, lease: timedelta | None = None
    ) -> ProtocolTaskAssignment:
        """Extend a lease from now (WNR-3): the node's heartbeat for its task.

        Args:
            assignment_id: The assignment to extend.
            lease: New lease length from now; ``None`` for the default (T-3).

        Returns:
            The assignment with its new expiry.

        Raises:
            NotFoundError: The lease expired, was released or superseded
                (WNR-3).
            InvalidInputError: A non-positive lease (T-6).
            UnavailableError: The registry's backend could not be reached.
        """
        ...

    async def release_assignment(self, assignment_id: UUID) -> bool:
        """End a lease before it expires (WNR-4).

        Args:
            assignment_id: The assignment to end.

        Returns:
            ``True`` if it was the task's current, unexpired lease.

        Raises:
            UnavailableError: The registry's backend could not be reached.
        """
        ...

    async def poll_assignments(
        self, node_id: UUID, *, max_wait: timedelta | None = None
    ) -> Sequence[ProtocolTaskAssignment]:
        """Return the leases ``node_id`` holds, waiting for one if it has none (WNR-5).

        Args:
            node_id: The polling node.
            max_wait: How long to wait when the node holds no lease; ``None``
                for the registry's default (T-3, T-6).

        Returns:
            The node's unexpired assignments; empty when none came in time.

        Raises:
            NotFoundError: The node is not registered.
            InvalidInputError: A non-positive ``max_wait`` (T-6).
            UnavailableError: The registry's backend could not be reached.
        """
        ...
