"""Workflow node coordination: which node runs which task, under a lease."""

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

    Rules:
        WNR-1: A task is assigned only to a healthy node (``passing`` or
            ``warning``) that declared every ``required_capabilities`` entry.
        WNR-2: A task holds at most one unexpired lease. Assigning a task
            that holds one returns that lease unchanged (idempotent retry).
        WNR-3: ``renew_assignment`` extends an unexpired lease; an expired or
            released lease raises ``NotFoundError`` and the task may already
            run elsewhere (TAS-1).
        WNR-4: ``release_assignment`` is idempotent.
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
        """Lease ``task`` to a capable, healthy node (WNR-1, WNR-2).

        Args:
            workflow_type: Workflow type of the task's instance.
            instance_id: The task's instance.
            task: The task to run.
            preferred_node: Node to choose when it qualifies.
            lease: Lease length; ``None`` for the registry's default.

        Returns:
            The assignment.

        Raises:
            UnavailableError: No healthy node has the required capabilities.
            InvalidInputError: A non-positive lease.
        """
        ...

    async def renew_assignment(
        self, assignment_id: UUID, *, lease: timedelta | None = None
    ) -> ProtocolTaskAssignment:
        """Extend a lease from now (WNR-3).

        Args:
            assignment_id: The assignment to extend.
            lease: New lease length from now; ``None`` for the default.

        Returns:
            The assignment with its new expiry.

        Raises:
            NotFoundError: The lease expired or was released (WNR-3).
            UnavailableError: The registry's backend could not be reached.
        """
        ...

    async def release_assignment(self, assignment_id: UUID) -> bool:
        """End a lease before it expires (WNR-4).

        Args:
            assignment_id: The assignment to end.

        Returns:
            ``True`` if the lease was active.

        Raises:
            UnavailableError: The registry's backend could not be reached.
        """
        ...
