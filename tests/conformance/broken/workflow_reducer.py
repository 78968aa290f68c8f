"""Broken workflow reducers: each breaks one rule of the fold (WR, WF, WCX, WSN)."""

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import override
from uuid import UUID

from omnibase.protocols.errors import IllegalTransitionError
from omnibase.protocols.types import ProtocolWorkflowEvent, TaskState, WorkflowData
from omnibase.spi_conformance.reference.reducer import WorkflowReducer
from omnibase.spi_conformance.reference.values import WorkflowEvent, WorkflowSnapshot
from omnibase.spi_conformance.suites import SuiteEnvironment
from tests.conformance.harness import Variant
from tests.conformance.test_reference_workflow_reducer import (
    TestReferenceWorkflowReducer,
)


def _as_value(
    event: ProtocolWorkflowEvent,
    *,
    event_type: str | None = None,
    workflow_type: str | None = None,
    instance_id: UUID | None = None,
    data: Mapping[str, WorkflowData] | None = None,
) -> WorkflowEvent:
    return WorkflowEvent(
        event.event_id,
        event.event_type if event_type is None else event_type,
        event.workflow_type if workflow_type is None else workflow_type,
        event.instance_id if instance_id is None else instance_id,
        event.sequence_number,
        event.occurred_at,
        event.causation_id,
        tuple(event.correlation_chain),
        event.task_id,
        event.data if data is None else data,
    )


class RemembersTheLastStream(WorkflowReducer):
    """Records in the context which other stream it folded last (WR-1)."""

    def __init__(self) -> None:
        super().__init__()
        self._last: UUID | None = None

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        previous, self._last = self._last, event.instance_id
        result = super().reduce(state, event)
        if event.event_type == "workflow.created" and previous not in (
            None,
            event.instance_id,
        ):
            data = {**result.context.data, "folded_after": str(previous)}
            result = replace(result, context=replace(result.context, data=data))
        return result


class MutatesItsInput(WorkflowReducer):
    """Writes the new time into the state it was given (WR-2)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        result = super().reduce(state, event)
        object.__setattr__(state, "taken_at", result.taken_at)
        return result


class AcceptsForeignStreams(WorkflowReducer):
    """Folds an event of another instance as if it were its own (WR-3)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        if event.sequence_number > 1:
            event = _as_value(
                event, workflow_type=state.workflow_type, instance_id=state.instance_id
            )
        return super().reduce(state, event)


class SwapsTheStates(WorkflowReducer):
    """Raises ``IllegalTransitionError`` with current and requested swapped (WR-4)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        try:
            return super().reduce(state, event)
        except IllegalTransitionError as error:
            raise IllegalTransitionError(
                error.requested_state, error.current_state, error.task_id
            ) from None


class UnknownTypesDoNotAdvance(WorkflowReducer):
    """Leaves the sequence number behind on an unknown event type (WR-5)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        result = super().reduce(state, event)
        if str(event.event_type).endswith("_v9"):
            return replace(result, sequence_number=state.sequence_number)
        return result


class RevivesFailedTasks(WorkflowReducer):
    """Lets ``task.started`` move a failed task back to running (WF-1)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        task = event.task_id
        if (
            event.event_type == "task.started"
            and task is not None
            and state.task_states.get(task) == "failed"
        ):
            states: dict[UUID, TaskState] = {**state.task_states, task: "running"}
            return replace(
                state,
                sequence_number=event.sequence_number,
                taken_at=event.occurred_at,
                task_states=MappingProxyType(states),
            )
        return super().reduce(state, event)


class StartsWithAnyEvent(WorkflowReducer):
    """Takes any first event as ``workflow.created`` (WF-2)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        if event.sequence_number == 1:
            event = _as_value(event, event_type="workflow.created")
        return super().reduce(state, event)


class CannotResume(WorkflowReducer):
    """Refuses ``workflow.resumed`` out of ``paused`` (WF-3)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        if event.event_type == "workflow.resumed" and state.state == "paused":
            raise IllegalTransitionError("paused", "running")
        return super().reduce(state, event)


class WorkflowWaitMovesTasks(WorkflowReducer):
    """A workflow-level ``dependency.waiting`` also parks every pending task (WF-4)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        result = super().reduce(state, event)
        if event.event_type == "dependency.waiting" and event.task_id is None:
            states: dict[UUID, TaskState] = {
                task: "waiting_for_dependency" if value == "pending" else value
                for task, value in result.task_states.items()
            }
            result = replace(result, task_states=MappingProxyType(states))
        return result


class TransitionIgnoresFromState(WorkflowReducer):
    """Moves ``state.transitioned`` from wherever the workflow is (WF-5)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        if event.event_type == "state.transitioned" and event.task_id is None:
            data = {**event.data, "from_state": state.state}
            event = _as_value(event, data=data)
        return super().reduce(state, event)


def _with_states(
    state: WorkflowSnapshot, states: dict[UUID, TaskState]
) -> WorkflowSnapshot:
    return replace(state, task_states=MappingProxyType({**state.task_states, **states}))


class CompensatesInAnyOrder(WorkflowReducer):
    """Compensates a task while its dependants still wait to be undone (WF-6)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        task = event.task_id
        if event.event_type != "compensation.task_started" or task is None:
            return super().reduce(state, event)
        hidden: dict[UUID, TaskState] = {
            other.task_id: state.task_states[other.task_id]
            for other in state.tasks
            if task in other.depends_on
        }
        result = super().reduce(
            _with_states(state, dict.fromkeys(hidden, "compensated")), event
        )
        return _with_states(result, hidden)


class TerminalAcceptsTaskEvents(WorkflowReducer):
    """Folds task events after the workflow ended (WF-7)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        if state.state == "completed" and str(event.event_type).startswith("task."):
            running = replace(state, state="running")
            return replace(super().reduce(running, event), state="completed")
        return super().reduce(state, event)


class DefaultsUnknownIsolation(WorkflowReducer):
    """Reads an unknown isolation level as ``read_committed`` (WF-9)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        if event.event_type == "workflow.created" and event.data.get(
            "isolation_level"
        ) not in (
            None,
            "read_uncommitted",
            "read_committed",
            "repeatable_read",
            "serializable",
        ):
            data = {k: v for k, v in event.data.items() if k != "isolation_level"}
            event = _as_value(event, data=data)
        return super().reduce(state, event)


class StartsBeforeDependencies(WorkflowReducer):
    """Starts a task whose dependencies have not completed (WF-10)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        task = event.task_id
        if event.event_type != "task.started" or task is None:
            return super().reduce(state, event)
        if task not in state.task_states:
            return super().reduce(state, event)
        hidden: dict[UUID, TaskState] = {
            dependency: state.task_states[dependency]
            for dependency in state.task(task).depends_on
        }
        result = super().reduce(
            _with_states(state, dict.fromkeys(hidden, "completed")), event
        )
        return _with_states(result, hidden)


class CompletesCompensationEarly(WorkflowReducer):
    """Allows ``compensation.completed`` with undos still pending (WF-11)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        if (
            event.event_type == "compensation.completed"
            and state.state == "compensating"
        ):
            return replace(
                state,
                sequence_number=event.sequence_number,
                taken_at=event.occurred_at,
                state="compensated",
            )
        return super().reduce(state, event)


class FailedUndoIsFinal(WorkflowReducer):
    """A failed compensation leaves the task ``failed``: no redrive (WF-12)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        result = super().reduce(state, event)
        task = event.task_id
        if (
            event.event_type == "compensation.task_failed"
            and task is not None
            and state.task_states.get(task) == "compensating"
        ):
            states: dict[UUID, TaskState] = {**result.task_states, task: "failed"}
            result = replace(result, task_states=MappingProxyType(states))
        return result


class IgnoresCapabilities(WorkflowReducer):
    """Schedules tasks whatever capabilities they require (WCX-2)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        if event.event_type != "task.scheduled":
            return super().reduce(state, event)
        wanted = event.data.get("required_capabilities", ())
        extra = tuple(wanted) if isinstance(wanted, list | tuple) else ()
        granted = replace(
            state,
            context=replace(
                state.context, capabilities=(*state.context.capabilities, *extra)
            ),
        )
        result = super().reduce(granted, event)
        return replace(result, context=state.context)


class IgnoresTheRunningCeiling(WorkflowReducer):
    """Lets any number of tasks run (WCX-3)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        unlimited = replace(
            state,
            context=replace(
                state.context,
                resource_limits=MappingProxyType(
                    {
                        key: value
                        for key, value in state.context.resource_limits.items()
                        if key != "max_running_tasks"
                    }
                ),
            ),
        )
        result = super().reduce(unlimited, event)
        return (
            replace(
                result,
                context=replace(
                    result.context, resource_limits=state.context.resource_limits
                ),
            )
            if event.event_type != "workflow.created"
            else result
        )


class RenamesItsVersion(WorkflowReducer):
    """Stamps another schema version once a workflow starts (WSN-2)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        result = super().reduce(state, event)
        if result.state == "running":
            return replace(result, schema_version="renamed")
        return result


class KeepsTheEventsOffset(WorkflowReducer):
    """``taken_at`` keeps the event's offset instead of UTC (WSN-3)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        return replace(super().reduce(state, event), taken_at=event.occurred_at)


class TaskEventsWithoutIds(WorkflowReducer):
    """Ignores a task event that names no task instead of refusing it (WEV-5)."""

    @override
    def reduce(
        self, state: WorkflowSnapshot, event: ProtocolWorkflowEvent
    ) -> WorkflowSnapshot:
        kind = str(event.event_type)
        if kind.startswith(("task.", "compensation.task_")) and event.task_id is None:
            return replace(
                state, sequence_number=event.sequence_number, taken_at=event.occurred_at
            )
        return super().reduce(state, event)


def _variant(
    name: str, breaks: tuple[str, ...], broken: type[WorkflowReducer]
) -> Variant:
    def build(self: TestReferenceWorkflowReducer, env: SuiteEnvironment) -> object:
        return broken()

    return Variant(name, breaks, TestReferenceWorkflowReducer, {"build": build})


VARIANTS = [
    _variant("remembers_the_last_stream", ("WR-1",), RemembersTheLastStream),
    _variant("mutates_its_input", ("WR-2",), MutatesItsInput),
    _variant("accepts_foreign_streams", ("WR-3",), AcceptsForeignStreams),
    _variant("swaps_the_states", ("WR-4",), SwapsTheStates),
    _variant("unknown_types_do_not_advance", ("WR-5",), UnknownTypesDoNotAdvance),
    _variant("revives_failed_tasks", ("WF-1",), RevivesFailedTasks),
    _variant("starts_with_any_event", ("WF-2",), StartsWithAnyEvent),
    _variant("cannot_resume", ("WF-3",), CannotResume),
    _variant("workflow_wait_moves_tasks", ("WF-4",), WorkflowWaitMovesTasks),
    _variant("transition_ignores_from_state", ("WF-5",), TransitionIgnoresFromState),
    _variant("compensates_in_any_order", ("WF-6",), CompensatesInAnyOrder),
    _variant("terminal_accepts_task_events", ("WF-7",), TerminalAcceptsTaskEvents),
    _variant("defaults_unknown_isolation", ("WF-9",), DefaultsUnknownIsolation),
    _variant("starts_before_dependencies", ("WF-10",), StartsBeforeDependencies),
    _variant("completes_compensation_early", ("WF-11",), CompletesCompensationEarly),
    _variant("failed_undo_is_final", ("WF-12",), FailedUndoIsFinal),
    _variant("ignores_capabilities", ("WCX-2",), IgnoresCapabilities),
    _variant("ignores_the_running_ceiling", ("WCX-3",), IgnoresTheRunningCeiling),
    _variant("renames_its_version", ("WSN-2",), RenamesItsVersion),
    _variant("keeps_the_events_offset", ("WSN-3",), KeepsTheEventsOffset),
    _variant("task_events_without_ids", ("WEV-5",), TaskEventsWithoutIds),
]
