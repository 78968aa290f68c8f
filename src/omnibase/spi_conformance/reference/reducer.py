"""A ``ProtocolWorkflowReducer`` whose state is the reference ``WorkflowSnapshot``.

The reducer is the single place where the SPI's transition tables and
payload rules are enforced: writers fold an event before they append it, so
an illegal event is refused before it is stored, and readers fold the same
events into the same state.

Demonstrates:
    WF-2: ``workflow.created`` is event 1 and puts the workflow in
        ``pending``; ``task.scheduled`` creates a ``pending`` task.
    WF-3 / WR-4: every other event moves the workflow (via
        ``WORKFLOW_EVENT_STATES``) or its task (via ``TASK_EVENT_STATES``)
        along ``WORKFLOW_TRANSITIONS`` / ``TASK_TRANSITIONS``, else
        ``IllegalTransitionError``.
    WF-4 / WEV-5: a ``task_id`` picks the task table for ``dependency.*``
        events; task events without one, and workflow events with one, are
        refused.
    WF-5: ``state.transitioned`` moves along the tables from the state it
        names.
    WF-6 / WF-11 / WF-12: compensation in reverse dependency order, only of
        tasks with something to undo; ``compensation.completed`` once nothing
        is left; a failed compensation returns the task to ``completed``.
    WF-7: nothing follows a terminal workflow state.
    WF-9: the payloads of ``workflow.created`` and ``task.scheduled``.
    WF-10: dependencies name tasks scheduled earlier; a task runs only once
        they completed.
    WCX-2 / WCX-3: tasks need only granted capabilities; at most
        ``"max_running_tasks"`` tasks run at once.
    WSN-2 / WSN-3: every state carries the reducer's schema version and the
        time of the last folded event.
    WR-1 / WR-2: pure and deterministic; the input state is never mutated.
    WR-3: events of another stream, or out of sequence, are refused.
    WR-5: event types it does not know only advance the sequence number.

Deliberate simplifications:
    The initial state (before ``workflow.created``) says ``pending`` with a
    nil correlation id and the Unix epoch as ``taken_at``, because the
    snapshot contract has no "not created yet".
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, timedelta
from types import MappingProxyType
from typing import Final, TypeGuard, cast, get_args
from uuid import UUID

from omnibase.protocols.errors import IllegalTransitionError, InvalidInputError
from omnibase.protocols.types import (
    TASK_EVENT_STATES,
    TASK_TRANSITIONS,
    WORKFLOW_EVENT_STATES,
    WORKFLOW_TRANSITIONS,
    IsolationLevel,
    ProtocolWorkflowEvent,
    ProtocolWorkflowSnapshot,
    TaskState,
    WorkflowData,
    WorkflowEventType,
    WorkflowState,
)
from omnibase.spi_conformance.reference.values import (
    RetryPolicy,
    SecretReference,
    TaskConfiguration,
    WorkflowContext,
    WorkflowSnapshot,
    workflow_snapshot_of,
)

__all__ = ["DEFAULT_SCHEMA_VERSION", "MAX_RUNNING_TASKS", "WorkflowReducer"]

DEFAULT_SCHEMA_VERSION: Final = "omnibase.reference.reducer/1"
"""The reference reducer's schema version (WSN-2)."""

MAX_RUNNING_TASKS: Final = "max_running_tasks"
"""The ``resource_limits`` key the orchestration enforces (WCX-3)."""

_NIL: Final = UUID(int=0)
_ISOLATION_LEVELS: Final[frozenset[str]] = frozenset(get_args(IsolationLevel))
_WORKFLOW_STATES: Final[frozenset[str]] = frozenset(get_args(WorkflowState))
_TASK_STATES: Final[frozenset[str]] = frozenset(get_args(TaskState))
_EVENT_TYPES: Final[frozenset[str]] = frozenset(get_args(WorkflowEventType))
_CONTEXT_KEYS: Final = frozenset(
    {"isolation_level", "capabilities", "resource_limits", "secrets"}
)
_TASK_ONLY: Final = ("task.", "compensation.task_")
_WORKFLOW_ONLY: Final = (
    "workflow.",
    "compensation.started",
    "compensation.completed",
    "compensation.failed",
)


class WorkflowReducer:
    """Folds workflow events into [`WorkflowSnapshot`][] values."""

    def __init__(self, *, schema_version: str = DEFAULT_SCHEMA_VERSION) -> None:
        """Create a reducer.

        Args:
            schema_version: Stamped on every state (WSN-2); change it when
                the fold of the same events changes.
        """
        self._schema_version = schema_version

    @property
    def schema_version(self) -> str:
        """The version stamped on every state (WSN-2)."""
        return self._schema_version

    def initial_state(self, workflow_type: str, instance_id: UUID) -> WorkflowSnapshot:
        """Return the state before ``workflow.created`` (sequence number 0)."""
        context = WorkflowContext(workflow_type, instance_id, correlation_id=_NIL)
        return WorkflowSnapshot(
            workflow_type,
            instance_id,
            0,
            "pending",
            context,
            schema_version=self._schema_version,
        )

    def adopt(self, snapshot: ProtocolWorkflowSnapshot) -> WorkflowSnapshot:
        """Continue from a snapshot a store returned, whatever its class (WSN-1).

        Args:
            snapshot: A snapshot this reducer's schema version folded.

        Returns:
            An equal [`WorkflowSnapshot`][] to fold on.

        Raises:
            InvalidInputError: Another schema version folded it (WSN-2).
        """
        if snapshot.schema_version != self._schema_version:
            raise InvalidInputError(
                f"snapshot of schema {snapshot.schema_version!r} cannot be folded "
                f"on by {self._schema_version!r} (WSN-2)"
            )
        return workflow_snapshot_of(snapshot)

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
        kind = str(event.event_type)
        _check_position(state, event, kind)
        _check_task_id(kind, event.task_id)
        folded = replace(
            state,
            sequence_number=event.sequence_number,
            taken_at=event.occurred_at.astimezone(UTC),
        )
        if kind == "workflow.created":
            return _created(folded, event)
        if kind == "task.scheduled":
            return _scheduled(folded, event)
        if kind == "state.transitioned":
            return _explicit_transition(folded, event)
        if not _is_event_type(kind):
            return folded  # an event type from the future (WR-5)
        if event.task_id is not None:
            target = TASK_EVENT_STATES.get(kind)
            if target is None:
                raise InvalidInputError(f"{kind} carries no task_id (WEV-5)")
            return _move_task(folded, event.task_id, target)
        workflow_target = WORKFLOW_EVENT_STATES.get(kind)
        if workflow_target is None:
            raise InvalidInputError(f"{kind} needs a task_id (WEV-5)")
        if kind == "compensation.completed":
            _check_nothing_left_to_undo(folded)
        return _move_workflow(folded, workflow_target)


def _check_position(
    state: WorkflowSnapshot, event: ProtocolWorkflowEvent, kind: str
) -> None:
    """WF-2: ``workflow.created`` is event 1, and only it; WF-7: then nothing."""
    if (event.sequence_number == 1) != (kind == "workflow.created"):
        if event.sequence_number == 1:
            raise InvalidInputError("a stream starts with workflow.created (WF-2)")
        raise IllegalTransitionError(state.state, "pending")
    if not WORKFLOW_TRANSITIONS[state.state] and event.sequence_number > 1:
        raise IllegalTransitionError(state.state, state.state, event.task_id)  # WF-7


def _check_task_id(kind: str, task_id: UUID | None) -> None:
    """WEV-5: task events carry a task id, workflow events none."""
    if kind.startswith(_TASK_ONLY) and task_id is None:
        raise InvalidInputError(f"{kind} needs a task_id (WEV-5)")
    if kind.startswith(_WORKFLOW_ONLY) and task_id is not None:
        raise InvalidInputError(f"{kind} carries no task_id (WEV-5)")


def _created(state: WorkflowSnapshot, event: ProtocolWorkflowEvent) -> WorkflowSnapshot:
    """WF-9: the context is the payload of ``workflow.created``."""
    data = event.data
    isolation = data.get("isolation_level", "read_committed")
    if not _is_isolation_level(isolation):
        raise InvalidInputError(f"unknown isolation_level {isolation!r} (WF-9)")
    if not event.correlation_chain:
        raise InvalidInputError("an empty correlation chain (WEV-4)")
    context = WorkflowContext(
        workflow_type=event.workflow_type,
        instance_id=event.instance_id,
        correlation_id=event.correlation_chain[0],
        isolation_level=isolation,
        data=MappingProxyType(
            {key: value for key, value in data.items() if key not in _CONTEXT_KEYS}
        ),
        secrets=MappingProxyType(
            {
                name: SecretReference(_secret_uri(uri, name))
                for name, uri in _flat(data.get("secrets", {}), "secrets").items()
            }
        ),
        capabilities=_texts(data.get("capabilities", ()), "capabilities"),
        resource_limits=MappingProxyType(
            {
                key: _non_negative_int(value, f"resource_limits.{key}")
                for key, value in _flat(
                    data.get("resource_limits", {}), "resource_limits"
                ).items()
            }
        ),
    )
    return replace(state, state="pending", context=context)


def _scheduled(
    state: WorkflowSnapshot, event: ProtocolWorkflowEvent
) -> WorkflowSnapshot:
    """WF-9, WF-10, WCX-2: a task's configuration is the payload."""
    task_id = event.task_id
    if task_id is None:
        raise InvalidInputError("task.scheduled needs a task_id (WEV-5)")
    if task_id in state.task_states:
        raise InvalidInputError(f"task {task_id} is already scheduled (WF-9)")
    data = event.data
    required = _texts(data.get("required_capabilities", ()), "required_capabilities")
    missing = sorted(set(required) - set(state.context.capabilities))
    if missing:
        raise InvalidInputError(
            f"task {task_id} requires {missing}, which the workflow was not "
            "granted (WCX-2)"
        )
    depends_on = tuple(
        _uuid(item, "depends_on")
        for item in _texts(data.get("depends_on", ()), "depends_on")
    )
    unknown = [str(item) for item in depends_on if item not in state.task_states]
    if unknown:
        raise InvalidInputError(
            f"task {task_id} depends on {unknown}, which are not scheduled "
            "(WF-10: dependencies are scheduled first, so there are no cycles)"
        )
    compensation = data.get("compensation_task_type")
    if compensation is not None and not (
        isinstance(compensation, str) and compensation
    ):
        raise InvalidInputError("compensation_task_type must be a non-empty string")
    task = TaskConfiguration(
        task_id=task_id,
        task_name=_text(data.get("task_name"), "task_name"),
        task_type=_text(data.get("task_type"), "task_type"),
        required_capabilities=required,
        depends_on=depends_on,
        inputs=MappingProxyType(dict(_flat(data.get("inputs", {}), "inputs"))),
        retry_policy=_retry_policy(data),
        timeout=_timeout(data.get("timeout_seconds")),
        compensation_task_type=compensation,
    )
    return replace(
        state,
        tasks=(*state.tasks, task),
        task_states=MappingProxyType({**state.task_states, task_id: "pending"}),
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
    if target == "compensated":
        _check_nothing_left_to_undo(state)
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
        raise IllegalTransitionError(current, target, task_id)
    task = state.task(task_id)
    if target == "running":
        _check_may_run(state, task, current)
    if target == "compensating" and not _may_compensate(state, task):
        raise IllegalTransitionError(current, target, task_id)  # WF-6
    order = state.completed_tasks
    if target == "completed" and current != "compensating":
        order = (*order, task_id)
    return replace(
        state,
        task_states=MappingProxyType({**state.task_states, task_id: target}),
        completed_tasks=order,
    )


def _check_may_run(
    state: WorkflowSnapshot, task: TaskConfiguration, current: TaskState
) -> None:
    """WF-10 (dependencies completed) and WCX-3 (the running-task ceiling)."""
    unfinished = [
        dependency
        for dependency in task.depends_on
        if state.task_states.get(dependency) != "completed"
    ]
    if unfinished:
        raise IllegalTransitionError(current, "running", task.task_id)
    limit = state.context.resource_limits.get(MAX_RUNNING_TASKS)
    running = sum(1 for value in state.task_states.values() if value == "running")
    if limit is not None and running >= limit:
        raise IllegalTransitionError(current, "running", task.task_id)


def _may_compensate(state: WorkflowSnapshot, task: TaskConfiguration) -> bool:
    """WF-6: only while compensating, with something to undo, dependants first."""
    if state.state != "compensating" or task.compensation_task_type is None:
        return False
    return not any(
        _has_something_to_undo(state, dependant)
        for dependant in _dependants(state, task.task_id)
    )


def _dependants(state: WorkflowSnapshot, task_id: UUID) -> list[TaskConfiguration]:
    """Every task that depends on ``task_id``, directly or through others."""
    found: dict[UUID, TaskConfiguration] = {}
    frontier = [task_id]
    while frontier:
        current = frontier.pop()
        for task in state.tasks:
            if current in task.depends_on and task.task_id not in found:
                found[task.task_id] = task
                frontier.append(task.task_id)
    return list(found.values())


def _has_something_to_undo(state: WorkflowSnapshot, task: TaskConfiguration) -> bool:
    return task.compensation_task_type is not None and state.task_states[
        task.task_id
    ] in ("completed", "compensating")


def _check_nothing_left_to_undo(state: WorkflowSnapshot) -> None:
    """WF-11: ``compensation.completed`` once every undo is done."""
    for task in state.tasks:
        if _has_something_to_undo(state, task):
            raise IllegalTransitionError(state.state, "compensated", task.task_id)


def _retry_policy(data: Mapping[str, WorkflowData]) -> RetryPolicy | None:
    """WF-9: ``retry_policy`` (four numbers) and ``non_retryable_errors``."""
    raw = data.get("retry_policy")
    errors = data.get("non_retryable_errors")
    if raw is None:
        if errors is not None:
            raise InvalidInputError("non_retryable_errors needs a retry_policy (WF-9)")
        return None
    fields = _flat(raw, "retry_policy")
    initial = _seconds(fields.get("initial_interval_seconds"), "initial_interval")
    maximum = _seconds(fields.get("maximum_interval_seconds"), "maximum_interval")
    coefficient = fields.get("backoff_coefficient")
    attempts = _non_negative_int(
        fields.get("maximum_attempts"), "retry_policy.maximum_attempts"
    )
    if (
        not isinstance(coefficient, int | float)
        or isinstance(coefficient, bool)
        or not coefficient >= 1
        or maximum < initial
    ):
        raise InvalidInputError(f"retry_policy {dict(fields)!r} breaks RP-3")
    return RetryPolicy(
        initial_interval=initial,
        backoff_coefficient=float(coefficient),
        maximum_interval=maximum,
        maximum_attempts=attempts,
        non_retryable_errors=(
            () if errors is None else _texts(errors, "non_retryable_errors")
        ),
    )


def _timeout(value: WorkflowData | None) -> timedelta | None:
    return None if value is None else _seconds(value, "timeout")


def _seconds(value: WorkflowData | None, name: str) -> timedelta:
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or not math.isfinite(value)
        or value <= 0
    ):
        raise InvalidInputError(f"{name} must be a positive number of seconds (WF-9)")
    return timedelta(seconds=value)


def _non_negative_int(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidInputError(f"{name} must be an integer >= 0 (WF-9)")
    return value


def _flat(
    value: WorkflowData | None, name: str
) -> Mapping[str, str | int | float | bool]:
    checked = cast("object", value)
    if not isinstance(checked, Mapping):
        raise InvalidInputError(f"{name} must be a flat mapping (WF-9)")
    return cast("Mapping[str, str | int | float | bool]", checked)


def _secret_uri(value: str | float | bool, name: str) -> str:
    if not isinstance(value, str) or ":" not in value.strip(":"):
        raise InvalidInputError(f"secret {name!r} must be a scheme:location URI")
    return value


def _text(value: WorkflowData | None, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidInputError(f"{name} must be a non-empty string (WF-9)")
    return value


def _texts(value: WorkflowData | None, name: str) -> tuple[str, ...]:
    checked = cast("object", value)
    if isinstance(checked, str) or not isinstance(checked, Sequence):
        raise InvalidInputError(f"{name} must be a list of strings (T-5, WF-9)")
    items = tuple(cast("Sequence[object]", checked))
    if not all(isinstance(item, str) and item for item in items):
        raise InvalidInputError(f"{name} must hold non-empty strings (WF-9)")
    return cast("tuple[str, ...]", items)


def _uuid(value: str, name: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise InvalidInputError(f"{name}: {value!r} is not a task id (WF-9)") from None


def _is_isolation_level(value: object) -> TypeGuard[IsolationLevel]:
    return isinstance(value, str) and value in _ISOLATION_LEVELS


def _is_workflow_state(value: str) -> TypeGuard[WorkflowState]:
    return value in _WORKFLOW_STATES


def _is_task_state(value: str) -> TypeGuard[TaskState]:
    return value in _TASK_STATES


def _is_event_type(value: str) -> TypeGuard[WorkflowEventType]:
    return value in _EVENT_TYPES
