"""FSM state reduction: how a workflow's state is folded from its events."""

from typing import Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.types.workflow_orchestration_types import ProtocolWorkflowEvent

__all__ = ["ProtocolWorkflowReducer"]


@runtime_checkable
class ProtocolWorkflowReducer[StateT](Protocol):
    """Folds a workflow instance's events into its state.

    ``StateT`` is the reducer's own state type (often a
    ``ProtocolWorkflowSnapshot`` implementation). Reduction is pure
    computation: no I/O, so the methods are plain ``def``.

    Rules:
        WR-1: ``reduce`` is pure and deterministic: the same state and event
            always give an equal result, and nothing else is read or changed.
        WR-2: ``reduce`` never mutates ``state``; it returns a new value (or
            ``state`` itself when nothing changes).
        WR-3: Events are folded in ``sequence_number`` order starting at 1;
            an event for another ``{workflow_type, instance_id}`` or out of
            order raises ``InvalidInputError``.
        WR-4: An event whose state change is not in ``WORKFLOW_TRANSITIONS``
            or ``TASK_TRANSITIONS`` raises ``IllegalTransitionError``
            (WF-3, WF-6).
        WR-5: Event types the reducer does not know leave the state unchanged
            apart from the last folded sequence number (forward
            compatibility).
    """

    def initial_state(self, workflow_type: str, instance_id: UUID) -> StateT:
        """Return the state of an instance before its first event.

        Args:
            workflow_type: Workflow type of the instance.
            instance_id: The instance.

        Returns:
            The empty state that ``workflow.created`` is folded into (WF-2).
        """
        ...

    def reduce(self, state: StateT, event: ProtocolWorkflowEvent) -> StateT:
        """Fold one event into ``state`` (WR-1 to WR-5).

        Args:
            state: The state after the previous event.
            event: The next event of the same instance.

        Returns:
            The state after ``event``.

        Raises:
            InvalidInputError: The event belongs to another instance or is out
                of sequence (WR-3).
            IllegalTransitionError: The event asks for a transition the tables
                forbid (WR-4).
        """
        ...
