"""A ``ProtocolWorkflowReducer`` whose state is the example's ``WorkflowSnapshot``.

The reducer is the single place where the SPI's transition tables are
enforced: writers fold an event before they append it, so an illegal event is
refused before it is stored, and readers fold the same events into the same
state.

Demonstrates:
    WF-2: ``workflow.created`` is event 1 and puts the workflow in
        ``pending``; ``task.scheduled`` creates a ``pending`` task.
    WF-3 / WR-4: every other event moves the workflow (via
        ``WORKFLOW_EVENT_STATES``) or its task (via ``TASK_EVENT_STATES``)
        along ``WORKFLOW_TRANSITIONS`` / ``TASK_TRANSITIONS``, else
        ``IllegalTransitionError``.
    WF-4 / WEV-5: a ``task_id`` picks the task table for ``dependency.*``
        events; task events without one are refused.
    WF-5: ``state.transitioned`` moves along the tables too.
    WF-6: a task enters ``compensating`` only while the workflow compensates,
        and only the latest completed task not yet undone.
    WR-1 / WR-2: pure and deterministic; the input state is never mutated.
    WR-3: events of another stream, or out of sequence, are refused.
    WR-5: event types it does not know only advance the sequence number.

Deliberate simplifications:
    A pure reducer cannot read a clock, so ``taken_at`` is the time of the
    last folded event; whoever saves a snapshot stamps the real time. The
    initial state (before ``workflow.created``) says ``pending`` with a nil
    correlation id, because the snapshot contract has no "not created yet".
"""

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Final, TypeGuard, get_args
from uuid import UUID

from omnibase.protocols.errors import IllegalTransitionError, InvalidInputError
from omnibase.protocols.types import (
    TASK_EVENT_STATES,
    TASK_TRANSITIONS,
    WORKFLOW_EVENT_STATES,
    WORKFLOW_TRANSITIONS,
    IsolationLevel,
    ProtocolWorkflowEvent,
    TaskState,
    WorkflowData,
    WorkflowState,
)
from omnibase.spi_conformance.reference.values import (
    TaskConfiguration,
    WorkflowContext,
    WorkflowSnapshot,
)

__all__ = ["WorkflowReducer"]

_NIL: Final = UUID(int=0)
_ISOLATION_LEVELS: Final[frozenset[str]] = frozenset(get_args(IsolationLevel))
_WORKFLOW_STATES: Final[frozenset[str]] = frozenset(get_args(WorkflowState))
_TASK_STATES: Final[frozenset[str]] = frozenset(get_args(TaskState))


class WorkflowReducer:
    """Folds workflow events into [`WorkflowSnapshot`][] values."""

    def initial_state(self, workflow_type: str, instance_id: UUID) -> WorkflowSnapshot:
        """Return the state before ``workflow.created`` (sequence number 0)."""
        context = WorkflowContext(workflow_type, instance_id, correlation_id=_NIL)
        return WorkflowSnapshot(workflow_type, instance_id, 0, "pending", context)

    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        """Fold one event into ``state`` (WR-1 to WR-5)."""
        if (event.workflow_type, event.instance_id) != (
            state.workflow_type,
            state.instance_id,
        ):
            raise InvalidInputError(
                f"event {event.event_id} is for another stream (WR-3)"
            )
        if event.sequence_number != state.sequence_number + 1:
            raise InvalidInputError(
                f"event {event.sequence_number} cannot follow "
                f"{state.sequence_number} (WR-3)"
            )
        if (event.sequence_number == 1) != (event.event_type == "workflow.created"):
            if event.sequence_number == 1:
                raise InvalidInputError("a stream starts with workflow.created (WF-2)")
            raise IllegalTransitionError(state.state, "pending")
        folded = replace(
            state, sequence_number=event.sequence_number, taken_at=event.occurred_at
        )
        match event.event_type:
            case "workflow.created":
                return _created(folded, event)
            case "task.scheduled":
                return _scheduled(folded, event)
            case "state.transitioned":
                return _explicit_transition(folded, event)
            case _:
                pass
        task_state = TASK_EVENT_STATES.get(event.event_type)
        workflow_state = WORKFLOW_EVENT_STATES.get(event.event_type)
        if event.task_id is not None:
            if task_state is None:
                raise InvalidInputError(
                    f"{event.event_type} carries no task_id (WEV-5)"
                )
            return _move_task(folded, event.task_id, task_state)
        if workflow_state is not None:
            return _move_workflow(folded, workflow_state)
        if task_state is not None:
            raise InvalidInputError(f"{event.event_type} needs a task_id (WEV-5)")
        return folded  # an event type from the future (WR-5)


def _created(state: WorkflowSnapshot, event: ProtocolWorkflowEvent) -> WorkflowSnapshot:
    isolation = event.data.get("isolation_level")
    context = WorkflowContext(
        workflow_type=event.workflow_type,
        instance_id=event.instance_id,
        correlation_id=event.correlation_chain[0],
        isolation_level=(
            isolation if _is_isolation_level(isolation) else "read_committed"
        ),
        data=dict(event.data),
    )
    return replace(state, state="pending", context=context)


def _scheduled(
    state: WorkflowSnapshot, event: ProtocolWorkflowEvent
) -> WorkflowSnapshot:
    task_id = event.task_id
    if task_id is None:
        raise InvalidInputError("task.scheduled needs a task_id (WEV-5)")
    if task_id in state.task_states:
        raise InvalidInputError(f"task {task_id} is already scheduled")
    inputs = event.data.get("inputs")
    compensation = event.data.get("compensation_task_type")
    task = TaskConfiguration(
        task_id=task_id,
        task_name=_text(event.data.get("task_name"), "task_name"),
        task_type=_text(event.data.get("task_type"), "task_type"),
        required_capabilities=_texts(event.data.get("required_capabilities", ())),
        depends_on=tuple(
            UUID(item) for item in _texts(event.data.get("depends_on", ()))
        ),
        inputs=dict(inputs) if isinstance(inputs, Mapping) else {},
        compensation_task_type=compensation if isinstance(compensation, str) else None,
    )
    return replace(
        state,
        tasks=(*state.tasks, task),
        task_states={**state.task_states, task_id: "pending"},
    )


def _explicit_transition(
    state: WorkflowSnapshot, event: ProtocolWorkflowEvent
) -> WorkflowSnapshot:
    """``state.transitioned``: its data names both states (WF-5)."""
    source = _text(event.data.get("from_state"), "from_state")
    target = _text(event.data.get("to_state"), "to_state")
    if event.task_id is not None:
        current = state.task_states.get(event.task_id)
        if current is None:
            raise InvalidInputError(
                f"state.transitioned of unknown task {event.task_id}"
            )
        if not _is_task_state(target):
            raise InvalidInputError(
                f"state.transitioned to unknown task state {target!r}"
            )
        if current != source:
            raise IllegalTransitionError(current, target, event.task_id)
        return _move_task(state, event.task_id, target)
    if not _is_workflow_state(target):
        raise InvalidInputError(
            f"state.transitioned to unknown workflow state {target!r}"
        )
    if state.state != source:
        raise IllegalTransitionError(state.state, target)
    return _move_workflow(state, target)


def _move_workflow(state: WorkflowSnapshot, target: WorkflowState) -> WorkflowSnapshot:
    if target not in WORKFLOW_TRANSITIONS[state.state]:
        raise IllegalTransitionError(state.state, target)
    return replace(state, state=target)


def _move_task(
    state: WorkflowSnapshot, task_id: UUID, target: TaskState
) -> WorkflowSnapshot:
    current = state.task_states.get(task_id)
    if current is None:
        raise InvalidInputError(f"task {task_id} was never scheduled")
    if target not in TASK_TRANSITIONS[current]:
        raise IllegalTransitionError(current, target)
    if target == "compensating" and (
        state.state != "compensating" or task_id != _next_to_undo(state)
    ):
        raise IllegalTransitionError(current, target)  # WF-6
    order = state.completed_tasks
    if target == "completed":
        order = (*order, task_id)
    return replace(
        state,
        task_states={**state.task_states, task_id: target},
        completed_tasks=order,
    )


def _next_to_undo(state: WorkflowSnapshot) -> UUID | None:
    """The latest completed task that has something to undo (WF-6)."""
    for task_id in reversed(state.completed_tasks):
        task = state.task(task_id)
        if state.task_states[task_id] == "completed" and task.compensation_task_type:
            return task_id
    return None


def _text(value: WorkflowData | None, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidInputError(f"{name} must be a non-empty string")
    return value


def _texts(value: WorkflowData) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise InvalidInputError("expected a list of strings (T-5)")
    return tuple(value)


def _is_isolation_level(value: WorkflowData | None) -> TypeGuard[IsolationLevel]:
    return isinstance(value, str) and value in _ISOLATION_LEVELS


def _is_workflow_state(value: str) -> TypeGuard[WorkflowState]:
    return value in _WORKFLOW_STATES


def _is_task_state(value: str) -> TypeGuard[TaskState]:
    return value in _TASK_STATES
