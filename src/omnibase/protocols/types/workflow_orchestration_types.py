"""Workflow orchestration types: FSM states, their legal transitions, events.

A workflow instance is identified by ``{workflow_type, instance_id}`` and is
event-sourced: its state is the fold of its event stream (see
``ProtocolWorkflowReducer``). The transition tables below are part of the
contract: an implementation that moves a workflow or task along a pair not
listed here is wrong, and reducers raise ``IllegalTransitionError`` for it.
The specification's arrow ``pending -> running -> completed`` (events
``workflow.created``, ``workflow.started``, ``workflow.completed``) is legal;
``initializing`` is an optional setup phase between ``pending`` and
``running``.

The payloads of ``workflow.created`` and ``task.scheduled`` are part of the
contract too (WF-9), so two reducers fold one stream into equal snapshots.
``workflow.created`` fills the context:

- ``isolation_level``: an [`IsolationLevel`][], default ``"read_committed"``
  (``context.isolation_level``, WCX-4);
- ``capabilities``: a list of str, default empty (``context.capabilities``,
  WCX-2);
- ``resource_limits``: a flat mapping of ints >= 0, default empty
  (``context.resource_limits``, WCX-3);
- ``secrets``: a flat mapping of names to secret URIs (``scheme:location``),
  default empty (``context.secrets``, references only, WCX-1);
- every other key: ``context.data``.

``task.scheduled`` (with the task's ``task_id``) fills the task's
``ProtocolTaskConfiguration``:

- ``task_name``, ``task_type``: non-empty strs, required;
- ``required_capabilities``: a list of str, default empty (WCX-2);
- ``depends_on``: a list of task ids as UUID text, default empty (WF-10);
- ``inputs``: a flat mapping, default empty;
- ``compensation_task_type``: a non-empty str, default none (WF-6);
- ``timeout_seconds``: a number > 0, default none (the default timeout);
- ``retry_policy``: a flat mapping of ``initial_interval_seconds``,
  ``backoff_coefficient``, ``maximum_interval_seconds`` and
  ``maximum_attempts`` (RP-3), default none (the default policy), with
  ``non_retryable_errors``: a list of str, default empty.

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
        names; its data holds ``"from_state"`` and ``"to_state"``, and
        ``from_state`` must be the current state.
    WF-6: Compensation runs in reverse dependency order: a task enters
        ``compensating`` only while its workflow is ``compensating``, only
        if it has something to undo (``compensation_task_type`` is set),
        and only when no task that depends on it, directly or through other
        tasks, is still ``completed`` with something to undo or
        ``compensating``. Tasks independent of each other may compensate
        concurrently; tasks with nothing to undo are skipped (no events,
        they stay ``completed``).
    WF-7: A workflow in a terminal state accepts no further event of any
        kind: its stream has ended.
    WF-8: The four tables of this module are read-only at run time
        (``types.MappingProxyType``): no importer can change the contract.
    WF-9: The data of ``workflow.created`` and ``task.scheduled`` follows
        the lists above; a value of the wrong type or outside its range
        (an unknown isolation level, a negative limit, an empty task name,
        a task id that is not a UUID) raises ``InvalidInputError``, and a
        second ``task.scheduled`` of one task id raises it too.
    WF-10: Task dependencies form a graph without cycles: every
        ``depends_on`` id names a task already scheduled in the instance
        (so an unknown id, a self-dependency or a cycle raises
        ``InvalidInputError`` at ``task.scheduled``). A task enters
        ``running`` only when every task it depends on is ``completed``,
        else ``IllegalTransitionError``; a task whose dependency failed, was
        cancelled or timed out therefore never runs, and the orchestrator
        ends it with ``dependency.failed`` (``pending`` or
        ``waiting_for_dependency`` -> ``failed``).
    WF-11: ``compensation.completed`` is legal only when no task with
        something to undo is still ``completed`` or ``compensating``, else
        ``IllegalTransitionError``.
    WF-12: A compensation that fails is not a dead end:
        ``compensation.task_failed`` returns the task to ``completed`` (its
        effect still stands) and the workflow stays ``compensating``, so the
        compensation can be started again (a redrive) as often as needed;
        ``compensation.failed`` ends the workflow in ``failed`` and leaves
        the remaining effects to manual intervention.
"""

from collections.abc import AsyncIterator, Awaitable, Mapping, Sequence
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
    "ProtocolClosableIterator",
    "ProtocolRecordedWorkflowEvent",
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
"""Types of workflow events this version knows: one for every workflow, task,
dependency, state and compensation transition (WF-2 to WF-5). A stream may
also hold types a newer version added; ``ProtocolWorkflowEvent.event_type`` is
therefore typed ``WorkflowEventType | str`` and reducers skip what they do not
know (WR-5)."""

type WorkflowData = (
    str | int | float | bool | Sequence[str] | Mapping[str, str | int | float | bool]
)
"""A workflow data value: a scalar, a list of strings, or a flat mapping.

Read-only container types, so a ``list[str]`` or ``dict[str, int]`` fits.
Floats are finite (NaN and infinities are refused, WP-3); what a store must
round-trip exactly is in WP-8 and WP-9.
"""

IsolationLevel = Literal[
    "read_uncommitted", "read_committed", "repeatable_read", "serializable"
]
"""Isolation the instance's tasks require of the shared data stores they use
(the SQL levels, weakest first; WCX-4)."""

WORKFLOW_TRANSITIONS: Final[Mapping[WorkflowState, tuple[WorkflowState, ...]]] = (
    MappingProxyType(
        {
            "pending": ("initializing", "running", "cancelled", "timeout"),
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
        "pending": (
            "waiting_for_dependency",
            "running",
            "failed",
            "cancelled",
            "timeout",
        ),
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
        "compensating": ("compensated", "completed"),
        "failed": (),
        "cancelled": (),
        "timeout": (),
        "compensated": (),
    }
)
"""Legal task transitions: state -> the states it may move to (WF-1, WF-3,
WF-6, WF-10, WF-12)."""

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
        "compensation.task_failed": "completed",
    }
)
"""Event types with a ``task_id`` -> the task state they lead to (WF-3, WF-4,
WF-12: a failed compensation leaves the task ``completed``)."""


@runtime_checkable
class ProtocolClosableIterator[ItemT](Protocol):
    """An asynchronous iterator the caller can close before its end.

    What streamed reads return, so a store may hold a server-side cursor or a
    read transaction while the caller iterates and release it when the caller
    stops early: ``async with contextlib.aclosing(store.read_events(...)) as
    events: ...``. An async generator satisfies it; annotate the implementing
    method ``-> AsyncGenerator[ItemT, None]``.
    """

    def __aiter__(self) -> AsyncIterator[ItemT]:
        """Return the iterator itself."""
        ...

    def __anext__(self) -> Awaitable[ItemT]:
        """Return the next item.

        Raises:
            StopAsyncIteration: The iteration ended, or ``aclose`` was called.
        """
        ...

    def aclose(self) -> Awaitable[None]:
        """Release what the iterator holds; later steps end the iteration.

        Calling it again, or after the iteration ended, does nothing.

        Raises:
            asyncio.CancelledError: Only cancellation propagates (ERR-2).
        """
        ...


@runtime_checkable
class ProtocolWorkflowEvent(Protocol):
    """One event of a workflow instance's stream.

    Rules:
        WEV-1: ``sequence_number`` counts the events of one
            ``{workflow_type, instance_id}`` stream from 1, without gaps: a
            stream of ``n`` events holds exactly the numbers ``1..n``.
        WEV-2: ``event_id`` is unique within its stream, and stores refuse a
            second event with an id the stream already holds (KurrentDB's
            scope). Producers use random UUIDs, so ids do not repeat across
            streams in practice; a re-sent event keeps its id, so receivers
            deduplicate on ``(workflow_type, instance_id, event_id)``.
        WEV-3: ``causation_id`` is the ``event_id`` of the event (or the id
            of the request) that directly caused this one; ``None`` only when
            nothing recorded caused it.
        WEV-4: ``correlation_chain`` is never empty: it starts with the
            correlation id of the request that started the workflow and ends
            with the correlation id of the request being served; an event
            caused by another event starts with that event's chain. Stores
            and buses refuse an empty chain with ``InvalidInputError``.
        WEV-5: ``task_id`` is set exactly for ``task.*`` and
            ``compensation.task_*`` events, and for ``dependency.*`` events
            about a task (WF-4); reducers refuse other combinations with
            ``InvalidInputError``.
        WEV-6: ``workflow_type`` is 1 to 100 characters of
            ``[A-Za-z0-9_]``, so that it is a topic-name segment
            (``onex.workflow.{workflow_type}``), a KurrentDB category and a
            path segment; every method that takes a workflow type raises
            ``InvalidInputError`` for another one.
    """

    @property
    def event_id(self) -> UUID:
        """Unique id of the event within its stream (WEV-2)."""
        ...

    @property
    def event_type(self) -> WorkflowEventType | str:
        """What happened: a ``WorkflowEventType``, or a newer type (WR-5)."""
        ...

    @property
    def workflow_type(self) -> str:
        """Workflow type: the namespace of the instance (WEV-6)."""
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
        """When the event happened (timezone-aware, T-2)."""
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
        """Event payload (task inputs or outputs, error details; WF-9)."""
        ...


@runtime_checkable
class ProtocolRecordedWorkflowEvent(Protocol):
    """An event as a store-wide read returns it: with its position (WP-11)."""

    @property
    def position(self) -> int:
        """Store-wide position in commit order, from 1; gaps are allowed."""
        ...

    @property
    def event(self) -> ProtocolWorkflowEvent:
        """The event."""
        ...


@runtime_checkable
class ProtocolWorkflowContext(Protocol):
    """Execution context of one workflow instance, folded from ``workflow.created``.

    Rules:
        WCX-1: A context holds secret references, never secret values
            (SEC-2): the snapshot that carries it can be persisted and
            logged, and a store returns the references unchanged; the
            component about to use a secret resolves it with a
            ``ProtocolSecretResolver``.
        WCX-2: ``capabilities`` lists what the instance's tasks may use: a
            ``task.scheduled`` whose ``required_capabilities`` are not all in
            it raises ``InvalidInputError``, so a task never needs what its
            workflow was not granted.
        WCX-3: ``resource_limits`` are ceilings, each key naming its unit.
            The orchestration enforces ``"max_running_tasks"``: a task enters
            ``running`` only while fewer tasks of the instance are
            ``running``, else ``IllegalTransitionError``. Other keys (e.g.
            ``"memory_mib"``) are passed unchanged to the executors of the
            instance's tasks.
        WCX-4: ``isolation_level`` is the weakest isolation the instance's
            tasks may use in the shared data stores they touch: an executor
            runs their transactions at that level or a stronger one, or
            fails the task instead of running it weaker.
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
        """Correlation id of the request that started the instance (T-7)."""
        ...

    @property
    def isolation_level(self) -> IsolationLevel:
        """Isolation the instance's tasks require of shared data (WCX-4)."""
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
        """Capabilities the instance's tasks may use, e.g. ``"email"`` (WCX-2)."""
        ...

    @property
    def resource_limits(self) -> Mapping[str, int]:
        """Resource ceilings; each key names its unit (WCX-3)."""
        ...


@runtime_checkable
class ProtocolTaskConfiguration(Protocol):
    """How one task of a workflow is run (folded from ``task.scheduled``, WF-9)."""

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
        """What the task does: the executor's routing key.

        Nodes are matched by ``required_capabilities`` only (WNR-1); a task
        that needs a type-specific executor lists a capability for it.
        """
        ...

    @property
    def required_capabilities(self) -> Sequence[str]:
        """Capabilities a node needs to run the task (WNR-1, WCX-2)."""
        ...

    @property
    def depends_on(self) -> Sequence[UUID]:
        """Tasks that must complete before this one starts (WF-10)."""
        ...

    @property
    def inputs(self) -> Mapping[str, WorkflowData]:
        """Input values of the task."""
        ...

    @property
    def retry_policy(self) -> ProtocolRetryPolicy | None:
        """How failed attempts are retried; ``None`` for the default (T-3, TAS-3)."""
        ...

    @property
    def timeout(self) -> timedelta | None:
        """Limit for one attempt (start to close); ``None`` for the default (TAS-3)."""
        ...

    @property
    def compensation_task_type(self) -> str | None:
        """Task type that undoes this task; ``None`` if nothing to undo (WF-6)."""
        ...


@runtime_checkable
class ProtocolWorkflowSnapshot(Protocol):
    """The state of a workflow instance after folding its first N events.

    Rules:
        WSN-1: A snapshot equals the fold of events 1..``sequence_number``
            of its stream, and a store returns it unchanged, so loading a
            snapshot and folding the events after it gives the same state as
            folding the whole stream.
        WSN-2: ``schema_version`` names the reducer (and its version) that
            folded the snapshot. A reducer whose fold of the same events
            changes gets a new version, and readers load snapshots of their
            own version only (WP-6), so an old snapshot is never folded on by
            a changed reducer.
        WSN-3: ``taken_at`` is the ``occurred_at`` of the event at
            ``sequence_number`` (the last one folded), in UTC: a pure reducer
            computes it without a clock, and equal folds have equal
            ``taken_at``.
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
    def schema_version(self) -> str:
        """Reducer and version that folded the snapshot (WSN-2)."""
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
        """Tasks that completed, in completion order."""
        ...

    @property
    def taken_at(self) -> datetime:
        """``occurred_at`` of the last folded event, in UTC (WSN-3)."""
        ...


@runtime_checkable
class ProtocolTaskAssignment(Protocol):
    """A lease of one task to one node: one attempt of the task.

    Rules:
        TAS-1: The lease ends at ``lease_expires_at`` unless the node renews
            it; an expired or released lease makes the task assignable again.
        TAS-2: Every new assignment of a task (after the previous lease
            expired or was released) has an ``attempt`` one greater and a
            greater ``fencing_token`` than the previous one; a renewal keeps
            both. A resource that remembers the greatest token it has seen
            for a task can therefore refuse a node whose lease expired.
        TAS-3: An attempt ends when its node reports an outcome, when its
            lease expires without a renewal (a heartbeat timeout) or when
            the task's ``timeout`` (start to close) passes, whichever comes
            first. An attempt ended by lease expiry or timeout is a failed
            attempt: the orchestrator retries it per the task's retry policy
            (``task.retrying``) or, when the policy is exhausted, records
            ``task.timed_out``.
    """

    @property
    def assignment_id(self) -> UUID:
        """Id of this assignment (one lease, one attempt)."""
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
    def attempt(self) -> int:
        """Attempt number of the task, from 1 (TAS-2)."""
        ...

    @property
    def fencing_token(self) -> int:
        """Grows with every new assignment of the task (TAS-2)."""
        ...

    @property
    def assigned_at(self) -> datetime:
        """When the lease was granted."""
        ...

    @property
    def lease_expires_at(self) -> datetime:
        """When the lease ends without a renewal (TAS-1)."""
        ...


@runtime_checkable
class ProtocolWorkflowEventHandler(Protocol):
    """Callback that processes one workflow event.

    Rules:
        WEH-1: Returning normally acknowledges the event: it is not
            delivered again to that group. Raising asks for a redelivery
            (subject to the subscription's retry policy, WEB-8). Delivery is
            at least once, so handlers deduplicate on ``(workflow_type,
            instance_id, event_id)`` (WEV-2).
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
