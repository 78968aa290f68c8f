"""FSM state reduction: how a workflow's state is folded from its events."""

from typing import Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.types.workflow_orchestration_types import ProtocolWorkflowEvent

__all__ = ["ProtocolWorkflowReducer"]


@runtime_checkable
class ProtocolWorkflowReducer[StateT](Protocol):
    """Folds a workflow instance's events into its state.

    ``StateT`` is the reducer's own state type, often a
    ``ProtocolWorkflowSnapshot`` implementation: then every state it returns
    carries the reducer's ``schema_version`` (WSN-2) and the ``occurred_at``
    of the last folded event as ``taken_at`` (WSN-3), and the state after
    event ``n`` can be saved as the snapshot of sequence ``n``. Reduction is
    pure computation: no I/O, so the methods are plain ``def``. Writers fold
    every event before they append it, so the reducer is where the
    transition tables and the payload rules (WF-1 to WF-12, WCX-2, WCX-3)
    are enforced.

    Rules:
        WR-1: ``reduce`` is pure and deterministic: the same state and event
            always give an equal result, and nothing else is read or changed
            (no clock, no counter, no cache shared between calls).
        WR-2: ``reduce`` never mutates ``state``; it returns a new value (or
            ``state`` itself when nothing changes).
        WR-3: Events are folded in ``sequence_number`` order starting at 1;
            an event for another ``{workflow_type, instance_id}`` or out of
            order raises ``InvalidInputError``.
        WR-4: An event whose state change the rules forbid raises
            ``IllegalTransitionError`` (a pair missing from
            ``WORKFLOW_TRANSITIONS`` or ``TASK_TRANSITIONS``, WF-3; an
            unfinished dependency, WF-10; compensation out of order, WF-6,
            WF-11; the running-task ceiling, WCX-3), naming the current and
            the requested state and the task; a malformed event (WEV-5,
            WF-9, WCX-2) raises ``InvalidInputError``. The state passed in
            stays valid: the caller may fold another event into it.
        WR-5: Event types the reducer does not know leave the state unchanged
            apart from the last folded sequence number and ``taken_at``
            (forward compatibility); ``event_type`` is compared as a
            ``str``.
    """

    def initial_state(self, workflow_type: str, instance_id: UUID) -> StateT:
        """Return the state of an instance before its first event.

        Args:
            workflow_type: Workflow type of the instance (WEV-6).
            instance_id: The instance.

        Returns:
            The empty state (sequence number 0) that ``workflow.created`` is
            folded into (WF-2).
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
            InvalidInputError: The event belongs to another instance, is out
                of sequence (WR-3) or is malformed (WEV-5, WF-9, WCX-2).
            IllegalTransitionError: The event asks for a transition the rules
                forbid (WR-4).
        """
        ...
