"""Workflow orchestration types: FSM states, their legal transitions, events.

A workflow instance is identified by ``{workflow_type, instance_id}`` and is
event-sourced: its state is the fold of its event stream (see
``ProtocolWorkflowReducer``). The transition tables below are part of the
contract: an implementation that moves a workflow or task along a pair not
listed here is wrong, and reducers raise ``IllegalTransitionError`` for it.

Rules:
    WF-1: Terminal states (an empty tuple in the transition table) absorb:
        nothing follows them.
    WF-2: ``workflow.created`` is the first event (sequence 1) of every
        stream and puts the workflow in ``pending``; ``task.scheduled``
        creates a task in ``pending``. Neither is a transition.
    WF-3: Every other event type listed in [`WORKFLOW_EVENT_STATES`][]
        moves the workflow into the state given there, and every event type
        listed in [`TASK_EVENT_STATES`][] moves the task named by the
        event's ``task_id`` into the state given there; the pair (current,
        new) must appear in the transition table.
    WF-4: ``dependency.*`` events carry a ``task_id`` when a task waits and
        none when the workflow itself waits.
    WF-5: ``state.transitioned`` records a transition no specific event
        names; its data holds ``"from_state"`` and ``"to_state"``.
    WF-6: A task may enter ``compensating`` only while its workflow is
        ``compensating``; compensation undoes completed tasks in the reverse
        order of their completion.
    WF-7: A workflow in a terminal state accepts no further event of any
        kind: its stream has ended.
    WF-8: The four tables of this module are read-only at run time
        (``types.MappingProxyType``): no importer can change the contract.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Final, Literal, Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.types.core_types import (
    ProtocolRetryPolicy,
    ProtocolSecretReference,
)

__all__ = [
    "TASK_EVENT_STATES",
    "TASK_TRANSITIONS",
    "WORKFLOW_EVENT_STATES",
    "WORKFLOW_TRANSITIONS",
    "IsolationLevel",
    "ProtocolTaskAssignment",
    "ProtocolTaskConfiguration",
    "ProtocolWorkflowContext",
    "ProtocolWorkflowEvent",
    "ProtocolWorkflowEventHandler",
    "ProtocolWorkflowSnapshot",
    "TaskState",
    "WorkflowData",
    "WorkflowEventType",
    "WorkflowState",
]

WorkflowState = Literal[
    "pending",
    "initializing",
    "running",
    "paused",
    "completed",
    "failed",
    "cancelled",
    "timeout",
    "retrying",
    "waiting_for_dependency",
    "compensating",
    "compensated",
]
"""States of a workflow instance; legal moves are in [`WORKFLOW_TRANSITIONS`][]."""

TaskState = Literal[
    "pending",
    "waiting_for_dependency",
    "running",
    "retrying",
    "paused",
    "completed",
    "failed",
    "cancelled",
    "timeout",
    "compensating",
    "compensated",
]
"""States of a task within a workflow; legal moves are in [`TASK_TRANSITIONS`][]."""

WorkflowEventType = Literal[
    "workflow.created",
    "workflow.initializing",
    "workflow.started",
    "workflow.paused",
    "workflow.resumed",
    "workflow.retrying",
    "workflow.completed",
    "workflow.failed",
    "workflow.cancelled",
    "workflow.timed_out",
    "task.scheduled",
    "task.started",
    "task.paused",
    "task.resumed",
    "task.retrying",
    "task.completed",
    "task.failed",
    "task.cancelled",
    "task.timed_out",
    "dependency.waiting",
    "dependency.resolved",
    "dependency.failed",
    "state.transitioned",
    "compensation.started",
    "compensation.completed",
    "compensation.failed",
    "compensation.task_started",
    "compensation.task_completed",
    "compensation.task_failed",
]
"""Types of workflow events: one for every workflow, task, dependency, state and
compensation transition (WF-2 to WF-5)."""

type WorkflowData = (
    str | int | float | bool | Sequence[str] | Mapping[str, str | int | float | bool]
)
"""A workflow data value: a scalar, a list of strings, or a flat mapping.

Read-only container types, so a ``list[str]`` or ``dict[str, int]`` fits.
"""

IsolationLevel = Literal[
    "read_uncommitted", "read_committed", "repeatable_read", "serializable"
]
"""Isolation a workflow instance's reads of shared data require (SQL levels)."""

WORKFLOW_TRANSITIONS: Final[Mapping[WorkflowState, tuple[WorkflowState, ...]]] = (
    MappingProxyType(
        {
            "pending": ("initializing", "cancelled", "timeout"),
            "initializing": ("running", "failed", "cancelled", "timeout"),
            "running": (
                "paused",
                "waiting_for_dependency",
                "retrying",
                "completed",
                "failed",
                "cancelled",
                "timeout",
                "compensating",
            ),
            "paused": ("running", "cancelled", "timeout", "compensating"),
            "waiting_for_dependency": (
                "running",
                "paused",
                "failed",
                "cancelled",
                "timeout",
                "compensating",
            ),
            "retrying": ("running", "failed", "cancelled", "timeout", "compensating"),
            "compensating": ("compensated", "failed"),
            "completed": (),
            "failed": (),
            "cancelled": (),
            "timeout": (),
            "compensated": (),
        }
    )
)
"""Legal workflow transitions: state -> the states it may move to (WF-1, WF-3)."""

TASK_TRANSITIONS: Final[Mapping[TaskState, tuple[TaskState, ...]]] = MappingProxyType(
    {
        "pending": ("waiting_for_dependency", "running", "cancelled", "timeout"),
        "waiting_for_dependency": (
            "pending",
            "running",
            "failed",
            "cancelled",
            "timeout",
        ),
        "running": (
            "completed",
            "retrying",
            "failed",
            "timeout",
            "cancelled",
            "paused",
        ),
        "retrying": ("running", "failed", "cancelled", "timeout"),
        "paused": ("running", "cancelled"),
        "completed": ("compensating",),
        "compensating": ("compensated", "failed"),
        "failed": (),
        "cancelled": (),
        "timeout": (),
        "compensated": (),
    }
)
"""Legal task transitions: state -> the states it may move to (WF-1, WF-3, WF-6)."""

WORKFLOW_EVENT_STATES: Final[Mapping[WorkflowEventType, WorkflowState]] = (
    MappingProxyType(
        {
            "workflow.created": "pending",
            "workflow.initializing": "initializing",
            "workflow.started": "running",
            "workflow.paused": "paused",
            "workflow.resumed": "running",
            "workflow.retrying": "retrying",
            "workflow.completed": "completed",
            "workflow.failed": "failed",
            "workflow.cancelled": "cancelled",
            "workflow.timed_out": "timeout",
            "dependency.waiting": "waiting_for_dependency",
            "dependency.resolved": "running",
            "dependency.failed": "failed",
            "compensation.started": "compensating",
            "compensation.completed": "compensated",
            "compensation.failed": "failed",
        }
    )
)
"""Event types without a ``task_id`` -> the workflow state they lead to (WF-3)."""

TASK_EVENT_STATES: Final[Mapping[WorkflowEventType, TaskState]] = MappingProxyType(
    {
        "task.scheduled": "pending",
        "task.started": "running",
        "task.paused": "paused",
        "task.resumed": "running",
        "task.retrying": "retrying",
        "task.completed": "completed",
        "task.failed": "failed",
        "task.cancelled": "cancelled",
        "task.timed_out": "timeout",
        "dependency.waiting": "waiting_for_dependency",
        "dependency.resolved": "pending",
        "dependency.failed": "failed",
        "compensation.task_started": "compensating",
        "compensation.task_completed": "compensated",
        "compensation.task_failed": "failed",
    }
)
"""Event types with a ``task_id`` -> the task state they lead to (WF-3, WF-4)."""


@runtime_checkable
class ProtocolWorkflowEvent(Protocol):
    """One event of a workflow instance's stream.

    Rules:
        WEV-1: ``sequence_number`` counts the events of one
            ``{workflow_type, instance_id}`` stream from 1, without gaps.
        WEV-2: ``event_id`` is unique; a re-sent event keeps its id, so
            stores and consumers deduplicate on it.
        WEV-3: ``causation_id`` is the ``event_id`` of the event (or the id
            of the request) that directly caused this one; ``None`` only when
            nothing recorded caused it.
        WEV-4: ``correlation_chain`` is never empty: it starts with the
            correlation id of the request that started the workflow and ends
            with the correlation id of the request being served; an event
            caused by another event starts with that event's chain.
        WEV-5: ``task_id`` is set exactly for ``task.*`` and
            ``compensation.task_*`` events, and for ``dependency.*`` events
            about a task (WF-4).
    """

    @property
    def event_id(self) -> UUID:
        """Unique id of the event (WEV-2)."""
        ...

    @property
    def event_type(self) -> WorkflowEventType:
        """What happened."""
        ...

    @property
    def workflow_type(self) -> str:
        """Workflow type: the namespace of the instance."""
        ...

    @property
    def instance_id(self) -> UUID:
        """Workflow instance, unique within its workflow type."""
        ...

    @property
    def sequence_number(self) -> int:
        """Position in the instance's stream, from 1 (WEV-1)."""
        ...

    @property
    def occurred_at(self) -> datetime:
        """When the event happened (timezone-aware)."""
        ...

    @property
    def causation_id(self) -> UUID | None:
        """Id of the event or request that caused this one (WEV-3)."""
        ...

    @property
    def correlation_chain(self) -> Sequence[UUID]:
        """Correlation ids from the originating request to this one (WEV-4)."""
        ...

    @property
    def task_id(self) -> UUID | None:
        """The task the event is about, if any (WEV-5)."""
        ...

    @property
    def data(self) -> Mapping[str, WorkflowData]:
        """Event payload (task inputs or outputs, error details, reasons)."""
        ...


@runtime_checkable
class ProtocolWorkflowContext(Protocol):
    """Execution context of one workflow instance.

    Rules:
        WCX-1: A context holds secret references, never secret values
            (SEC-2): the snapshot that carries it can be persisted and
            logged; the component about to use a secret resolves it with a
            ``ProtocolSecretResolver``.
    """

    @property
    def workflow_type(self) -> str:
        """Workflow type: the namespace of the instance."""
        ...

    @property
    def instance_id(self) -> UUID:
        """Workflow instance, unique within its workflow type."""
        ...

    @property
    def correlation_id(self) -> UUID:
        """Correlation id of the request that started the instance."""
        ...

    @property
    def isolation_level(self) -> IsolationLevel:
        """Isolation the instance's reads of shared data require."""
        ...

    @property
    def data(self) -> Mapping[str, WorkflowData]:
        """Workflow-specific input data."""
        ...

    @property
    def secrets(self) -> Mapping[str, ProtocolSecretReference]:
        """References to the instance's secrets by name (WCX-1)."""
        ...

    @property
    def capabilities(self) -> Sequence[str]:
        """Capabilities the instance may use, e.g. ``"email"``."""
        ...

    @property
    def resource_limits(self) -> Mapping[str, int]:
        """Resource ceilings; each key names its unit (``"memory_mib"``)."""
        ...


@runtime_checkable
class ProtocolTaskConfiguration(Protocol):
    """How one task of a workflow is to be run."""

    @property
    def task_id(self) -> UUID:
        """Id of the task, unique within its workflow instance."""
        ...

    @property
    def task_name(self) -> str:
        """Human-readable name."""
        ...

    @property
    def task_type(self) -> str:
        """What the task does; nodes declare the types they can execute."""
        ...

    @property
    def required_capabilities(self) -> Sequence[str]:
        """Capabilities a node needs to run the task."""
        ...

    @property
    def depends_on(self) -> Sequence[UUID]:
        """Tasks that must complete before this one starts."""
        ...

    @property
    def inputs(self) -> Mapping[str, WorkflowData]:
        """Input values of the task."""
        ...

    @property
    def retry_policy(self) -> ProtocolRetryPolicy | None:
        """How failures are retried; ``None`` for the orchestrator's default (T-3)."""
        ...

    @property
    def timeout(self) -> timedelta | None:
        """Limit for one attempt (start to close); ``None`` for the default."""
        ...

    @property
    def compensation_task_type(self) -> str | None:
        """Task type that undoes this task; ``None`` if nothing to undo."""
        ...


@runtime_checkable
class ProtocolWorkflowSnapshot(Protocol):
    """The state of a workflow instance after folding its first N events.

    Rules:
        WSN-1: A snapshot equals the fold of events 1..``sequence_number``
            of its stream; loading a snapshot and folding the events after it
            gives the same state as folding the whole stream.
    """

    @property
    def workflow_type(self) -> str:
        """Workflow type: the namespace of the instance."""
        ...

    @property
    def instance_id(self) -> UUID:
        """Workflow instance, unique within its workflow type."""
        ...

    @property
    def sequence_number(self) -> int:
        """Sequence number of the last event folded in (WSN-1)."""
        ...

    @property
    def state(self) -> WorkflowState:
        """Workflow state after that event."""
        ...

    @property
    def context(self) -> ProtocolWorkflowContext:
        """The instance's execution context."""
        ...

    @property
    def tasks(self) -> Sequence[ProtocolTaskConfiguration]:
        """Configured tasks, in scheduling order."""
        ...

    @property
    def task_states(self) -> Mapping[UUID, TaskState]:
        """State of every scheduled task by ``task_id``."""
        ...

    @property
    def completed_tasks(self) -> Sequence[UUID]:
        """Tasks that completed, in completion order (undone backwards, WF-6)."""
        ...

    @property
    def taken_at(self) -> datetime:
        """When the snapshot was taken (timezone-aware)."""
        ...


@runtime_checkable
class ProtocolTaskAssignment(Protocol):
    """A lease of one task to one node.

    Rules:
        TAS-1: The lease ends at ``lease_expires_at`` unless the node
            heartbeats; an expired lease makes the task assignable again.
    """

    @property
    def assignment_id(self) -> UUID:
        """Id of this assignment."""
        ...

    @property
    def workflow_type(self) -> str:
        """Workflow type of the task's instance."""
        ...

    @property
    def instance_id(self) -> UUID:
        """Workflow instance the task belongs to."""
        ...

    @property
    def task_id(self) -> UUID:
        """The assigned task."""
        ...

    @property
    def node_id(self) -> UUID:
        """The node that holds the lease."""
        ...

    @property
    def assigned_at(self) -> datetime:
        """When the lease was granted."""
        ...

    @property
    def lease_expires_at(self) -> datetime:
        """When the lease ends without a heartbeat (TAS-1)."""
        ...


@runtime_checkable
class ProtocolWorkflowEventHandler(Protocol):
    """Callback that processes one workflow event.

    Rules:
        WEH-1: Returning normally acknowledges the event; raising asks for a
            redelivery. Handlers deduplicate on ``event.event_id``.
    """

    async def __call__(self, event: ProtocolWorkflowEvent, /) -> None:
        """Process one workflow event (WEH-1).

        Args:
            event: The delivered event.

        Raises:
            Exception: Any exception means "not processed"; the bus redelivers
                the event.
        """
        ...
