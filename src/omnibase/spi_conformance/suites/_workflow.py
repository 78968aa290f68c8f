"""What the workflow suites share: event streams to feed, snapshots to compare.

The suites build their own events (frozen dataclasses of the reference
values), so an implementation is tested on inputs it did not choose, and
compare snapshots member by member through [`snapshot_members`][], so any
implementation of ``ProtocolWorkflowSnapshot`` can be compared with any
other.
"""

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Final
from uuid import UUID, uuid4

from omnibase.protocols.types import (
    ProtocolClosableIterator,
    ProtocolTaskConfiguration,
    ProtocolWorkflowEvent,
    ProtocolWorkflowSnapshot,
    WorkflowData,
    WorkflowEventType,
)
from omnibase.spi_conformance.reference.values import WorkflowEvent
from omnibase.spi_conformance.support import DEFAULT_START

__all__ = [
    "WORKFLOW_TYPE",
    "EventFactory",
    "collect",
    "event_members",
    "saga",
    "snapshot_members",
    "task_data",
]

WORKFLOW_TYPE: Final = "conformance_flow"
"""The workflow type the suites write (WEV-6)."""


class EventFactory:
    """Makes the next event of one stream: numbered, timed, chained (WEV-1 to WEV-4)."""

    def __init__(
        self,
        workflow_type: str = WORKFLOW_TYPE,
        instance_id: UUID | None = None,
        *,
        start: datetime = DEFAULT_START,
    ) -> None:
        """Start a stream.

        Args:
            workflow_type: The stream's workflow type.
            instance_id: The stream's instance (a fresh UUID when ``None``).
            start: ``occurred_at`` of event 1; later events follow a second
                apart.
        """
        self.workflow_type = workflow_type
        self.instance_id = uuid4() if instance_id is None else instance_id
        self.sequence = 0
        self.correlation_id = uuid4()
        self._start = start
        self._previous: UUID | None = None

    def next(
        self,
        event_type: WorkflowEventType | str,
        *,
        task_id: UUID | None = None,
        data: Mapping[str, WorkflowData] | None = None,
        occurred_at: datetime | None = None,
    ) -> WorkflowEvent:
        """Return the stream's next event.

        Args:
            event_type: What happened.
            task_id: The task it is about (WEV-5).
            data: Its payload.
            occurred_at: Its time (default: a second after the previous one).

        Returns:
            The event, numbered after the previous one.
        """
        self.sequence += 1
        event = WorkflowEvent(
            event_id=uuid4(),
            event_type=event_type,
            workflow_type=self.workflow_type,
            instance_id=self.instance_id,
            sequence_number=self.sequence,
            occurred_at=(
                self._start + timedelta(seconds=self.sequence)
                if occurred_at is None
                else occurred_at
            ),
            causation_id=self._previous,
            correlation_chain=(self.correlation_id,),
            task_id=task_id,
            data={} if data is None else dict(data),
        )
        self._previous = event.event_id
        return event

    def batch(self, count: int) -> list[WorkflowEvent]:
        """Return the next ``count`` events; the first is ``workflow.created``.

        The stream is legal for any reducer: created, then ``workflow.started``,
        then tasks scheduled (an event type every version knows).

        Args:
            count: How many events.

        Returns:
            The events.
        """
        events: list[WorkflowEvent] = []
        for _ in range(count):
            if self.sequence == 0:
                events.append(self.next("workflow.created", data={"capabilities": []}))
            elif self.sequence == 1:
                events.append(self.next("workflow.started"))
            else:
                events.append(
                    self.next("task.scheduled", task_id=uuid4(), data=task_data("step"))
                )
        return events


def task_data(
    name: str,
    *,
    depends_on: Sequence[UUID] = (),
    undo: str | None = None,
    capabilities: Sequence[str] = (),
) -> dict[str, WorkflowData]:
    """Return the payload of a ``task.scheduled`` event (WF-9).

    Args:
        name: The task's name and type.
        depends_on: Tasks it depends on (WF-10).
        undo: Its compensation task type (WF-6).
        capabilities: Capabilities it requires (WCX-2).

    Returns:
        The payload.
    """
    data: dict[str, WorkflowData] = {
        "task_name": name,
        "task_type": name,
        "depends_on": [str(task_id) for task_id in depends_on],
        "required_capabilities": list(capabilities),
        "inputs": {"item": name},
    }
    if undo is not None:
        data["compensation_task_type"] = undo
    return data


def saga(factory: EventFactory) -> list[WorkflowEvent]:
    """Return a legal stream of ten events: two tasks run, then are compensated.

    Args:
        factory: The stream's factory (fresh).

    Returns:
        created, started, A and B scheduled (B after A, both undoable), A and
        B run, compensation of B, then of A starts.
    """
    first, second = uuid4(), uuid4()
    return [
        factory.next(
            "workflow.created",
            data={"customer": "c-1", "capabilities": ["mcp"], "amount": 12.5},
        ),
        factory.next("workflow.started"),
        factory.next(
            "task.scheduled",
            task_id=first,
            data=task_data("reserve", undo="release", capabilities=["mcp"]),
        ),
        factory.next(
            "task.scheduled",
            task_id=second,
            data=task_data("charge", depends_on=[first], undo="refund"),
        ),
        factory.next("task.started", task_id=first),
        factory.next("task.completed", task_id=first, data={"reservation": "res-1"}),
        factory.next("task.started", task_id=second),
        factory.next("task.completed", task_id=second),
        factory.next("compensation.started"),
        factory.next("compensation.task_started", task_id=second),
    ]


async def collect[ItemT](
    iterator: AsyncIterator[ItemT] | ProtocolClosableIterator[ItemT],
) -> list[ItemT]:
    """Drain an asynchronous iterator into a list.

    Args:
        iterator: What a streamed read returned.

    Returns:
        Every item, in order.
    """
    return [item async for item in iterator]


def _plain(value: WorkflowData) -> object:
    if isinstance(value, str | int | float | bool):
        return (type(value).__name__, value)
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return ("list", [str(item) for item in value])


def _task_members(task: ProtocolTaskConfiguration) -> dict[str, object]:
    policy = task.retry_policy
    return {
        "task_id": task.task_id,
        "task_name": task.task_name,
        "task_type": task.task_type,
        "required_capabilities": list(task.required_capabilities),
        "depends_on": list(task.depends_on),
        "inputs": {key: _plain(value) for key, value in task.inputs.items()},
        "retry_policy": (
            None
            if policy is None
            else (
                policy.initial_interval,
                policy.backoff_coefficient,
                policy.maximum_interval,
                policy.maximum_attempts,
                list(policy.non_retryable_errors),
            )
        ),
        "timeout": task.timeout,
        "compensation_task_type": task.compensation_task_type,
    }


def snapshot_members(snapshot: ProtocolWorkflowSnapshot) -> dict[str, object]:
    """Return every member of a snapshot as plain, comparable values (WSN-1).

    Values keep their kind (a float stays distinguishable from an int) and
    times are compared as instants.

    Args:
        snapshot: Any implementation of ``ProtocolWorkflowSnapshot``.

    Returns:
        Member name -> value; equal for equal snapshots of any class.
    """
    context = snapshot.context
    return {
        "workflow_type": snapshot.workflow_type,
        "instance_id": snapshot.instance_id,
        "sequence_number": snapshot.sequence_number,
        "schema_version": snapshot.schema_version,
        "state": snapshot.state,
        "context": {
            "workflow_type": context.workflow_type,
            "instance_id": context.instance_id,
            "correlation_id": context.correlation_id,
            "isolation_level": context.isolation_level,
            "data": {key: _plain(value) for key, value in context.data.items()},
            "secrets": {
                name: reference.uri for name, reference in context.secrets.items()
            },
            "capabilities": list(context.capabilities),
            "resource_limits": dict(context.resource_limits),
        },
        "tasks": [_task_members(task) for task in snapshot.tasks],
        "task_states": dict(snapshot.task_states),
        "completed_tasks": list(snapshot.completed_tasks),
        "taken_at": snapshot.taken_at.astimezone(UTC),
    }


def event_members(event: ProtocolWorkflowEvent) -> dict[str, object]:
    """Return every member of an event as plain, comparable values (WP-8).

    Args:
        event: Any implementation of ``ProtocolWorkflowEvent``.

    Returns:
        Member name -> value; values keep their kind, times are instants.
    """
    return {
        "event_id": event.event_id,
        "event_type": str(event.event_type),
        "workflow_type": event.workflow_type,
        "instance_id": event.instance_id,
        "sequence_number": event.sequence_number,
        "occurred_at": event.occurred_at.astimezone(UTC),
        "causation_id": event.causation_id,
        "correlation_chain": list(event.correlation_chain),
        "task_id": event.task_id,
        "data": {key: _plain(value) for key, value in event.data.items()},
    }
