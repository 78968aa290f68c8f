"""The reference implementations (``omnibase.spi_conformance.reference``), one by one.

Each test names the rule it checks. The protocol-typed assignments also make
mypy and pyright verify every implementation against its contract.
"""

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import cast
from uuid import UUID

import pytest

from omnibase.protocols.container import ProtocolServiceRegistry
from omnibase.protocols.core import ProtocolWorkflowReducer
from omnibase.protocols.errors import (
    ConcurrencyConflictError,
    IllegalTransitionError,
    InvalidInputError,
)
from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.mcp import (
    ProtocolMCPRegistry,
    ProtocolMCPToolProxy,
    ProtocolMCPValidator,
)
from omnibase.protocols.types import (
    ProtocolEventRecord,
    ProtocolHealthReport,
    ProtocolPage,
    ProtocolSecretValue,
    ProtocolWorkflowEvent,
    ProtocolWorkflowSnapshot,
    WorkflowData,
    WorkflowEventType,
)
from omnibase.protocols.workflow_orchestration import (
    ProtocolWorkflowEventBus,
    ProtocolWorkflowPersistence,
)
from omnibase.spi_conformance import protocol_type
from omnibase.spi_conformance.reference import (
    FakeToolProxy,
    InMemoryEventBus,
    InMemoryMCPRegistry,
    InMemoryServiceRegistry,
    InMemoryWorkflowEventBus,
    InMemoryWorkflowPersistence,
    SeededIds,
    SimpleMCPValidator,
    SteppingClock,
    WorkflowReducer,
)
from omnibase.spi_conformance.reference.codec import (
    decode_workflow_event,
    encode_workflow_event,
)
from omnibase.spi_conformance.reference.event_bus import retry_delay
from omnibase.spi_conformance.reference.values import (
    BusMessage,
    BusMetadata,
    HealthReport,
    Page,
    RetryPolicy,
    SecretValue,
    WorkflowEvent,
    WorkflowSnapshot,
)

WF = "order_fulfilment"
INSTANCE = UUID("00000000-0000-4000-8000-000000000001")
OTHER = UUID("00000000-0000-4000-8000-000000000002")
TASK_A = UUID("00000000-0000-4000-8000-0000000000a1")
TASK_B = UUID("00000000-0000-4000-8000-0000000000b1")
CORRELATION = UUID("00000000-0000-4000-8000-0000000000c0")
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def event(
    sequence: int,
    event_type: WorkflowEventType = "workflow.created",
    *,
    instance: UUID = INSTANCE,
    task_id: UUID | None = None,
    data: dict[str, WorkflowData] | None = None,
    event_id: UUID | None = None,
) -> WorkflowEvent:
    return WorkflowEvent(
        event_id=event_id or UUID(int=instance.int + sequence * 2**64),
        event_type=event_type,
        workflow_type=WF,
        instance_id=instance,
        sequence_number=sequence,
        occurred_at=T0 + timedelta(seconds=sequence),
        causation_id=None,
        correlation_chain=(CORRELATION,),
        task_id=task_id,
        data=data or {},
    )


def stream(*types: WorkflowEventType, instance: UUID = INSTANCE) -> list[WorkflowEvent]:
    return [event(n, t, instance=instance) for n, t in enumerate(types, start=1)]


async def collect[T](iterator: AsyncIterator[T]) -> list[T]:
    return [item async for item in iterator]


def message(topic: str, key: str | None, value: str = "v") -> BusMessage:
    return BusMessage(
        topic=topic,
        key=None if key is None else key.encode(),
        value=value.encode(),
        metadata=BusMetadata(str(UUID(int=len(value))), "test.event", "/tests", T0),
    )


class Recorder:
    """An event handler that records what it got and can fail on purpose."""

    def __init__(self, failures: int = 0, error: Exception | None = None) -> None:
        self.records: list[ProtocolEventRecord] = []
        self.failures = failures
        self.error = error or RuntimeError("try again")

    async def __call__(self, record: ProtocolEventRecord, /) -> None:
        self.records.append(record)
        if self.failures:
            self.failures -= 1
            raise self.error

    @property
    def values(self) -> list[bytes]:
        return [record.value or b"" for record in self.records]


# --- static conformance: each implementation is its protocol ------------------


def test_the_implementations_satisfy_their_protocols() -> None:
    ids = SeededIds(1)
    proxy: ProtocolMCPToolProxy = FakeToolProxy({}, ids=ids)
    validator: ProtocolMCPValidator = SimpleMCPValidator()
    bus: ProtocolEventBus = InMemoryEventBus()
    persistence: ProtocolWorkflowPersistence = InMemoryWorkflowPersistence()
    workflow_bus: ProtocolWorkflowEventBus = InMemoryWorkflowEventBus(bus, persistence)
    reducer: ProtocolWorkflowReducer[WorkflowSnapshot] = WorkflowReducer()
    mcp: ProtocolMCPRegistry = InMemoryMCPRegistry(
        proxy=proxy, validator=validator, api_key=SecretValue("k"), ids=ids
    )
    container: ProtocolServiceRegistry = InMemoryServiceRegistry()
    secret: ProtocolSecretValue = SecretValue("k")
    page: ProtocolPage[int] = Page((1, 2), None)
    health: ProtocolHealthReport = HealthReport("passing", T0)
    snapshot: ProtocolWorkflowSnapshot = reducer.initial_state(WF, INSTANCE)
    for value, interface in [
        (proxy, ProtocolMCPToolProxy),
        (validator, ProtocolMCPValidator),
        (bus, ProtocolEventBus),
        (persistence, ProtocolWorkflowPersistence),
        (workflow_bus, ProtocolWorkflowEventBus),
        (reducer, ProtocolWorkflowReducer),
        (mcp, ProtocolMCPRegistry),
        (container, ProtocolServiceRegistry),
        (secret, ProtocolSecretValue),
        (page, ProtocolPage),
        (health, ProtocolHealthReport),
        (snapshot, ProtocolWorkflowSnapshot),
        (event(1), ProtocolWorkflowEvent),
    ]:
        assert isinstance(value, interface)
        container.register(interface, value, name=type(value).__name__)


def test_a_secret_never_shows_in_str_or_repr() -> None:
    secret = SecretValue("hunter2")
    assert "hunter2" not in repr(secret)
    assert "hunter2" not in str(secret)
    assert "hunter2" not in repr(
        HealthReport("passing", T0, details={"key": str(secret)})
    )
    assert secret.get_secret_value() == "hunter2"


def test_deterministic_factories() -> None:
    assert [SeededIds(3)() for _ in range(2)] == [SeededIds(3)()] * 2
    ids = SeededIds(3)
    assert ids() != ids()
    assert ids().version == 4
    clock = SteppingClock(T0, timedelta(seconds=2))
    assert (clock(), clock()) == (T0, T0 + timedelta(seconds=2))
    with pytest.raises(ValueError, match="timezone"):
        SteppingClock(datetime(2025, 1, 1), timedelta(seconds=1))


def test_workflow_events_survive_the_wire() -> None:
    original = replace(
        event(3, "task.completed", task_id=TASK_A),
        causation_id=OTHER,
        data={"n": 2, "ok": True, "tags": ("a", "b"), "flat": {"x": 1.5}},
    )
    message = encode_workflow_event(original, "onex.workflow.x")
    assert message.key == f"{WF}:{INSTANCE}".encode()  # WEB-1
    assert message.value is not None
    assert decode_workflow_event(message.value) == original
    with pytest.raises(InvalidInputError):
        decode_workflow_event(b'{"event_type": "workflow.exploded"}')
    with pytest.raises(InvalidInputError):
        decode_workflow_event(b"not json")


# --- workflow persistence -----------------------------------------------------


def test_append_numbers_and_idempotency() -> None:
    async def scenario() -> None:
        store = InMemoryWorkflowPersistence()
        assert await store.last_sequence(WF, INSTANCE) == 0
        first = stream("workflow.created", "workflow.initializing")
        assert await store.append_events(WF, INSTANCE, first, 0) == 2
        # A retry after a lost reply: same ids at the same positions (WP-4).
        assert await store.append_events(WF, INSTANCE, first, 0) == 2
        assert await store.append_events(WF, INSTANCE, first[1:], 1) == 2
        assert await store.last_sequence(WF, INSTANCE) == 2

    asyncio.run(scenario())


def test_a_stale_expected_sequence_conflicts_and_stores_nothing() -> None:
    async def scenario() -> None:
        store = InMemoryWorkflowPersistence()
        await store.append_events(WF, INSTANCE, stream("workflow.created"), 0)
        late = event(2, "workflow.initializing")
        with pytest.raises(ConcurrencyConflictError) as caught:
            await store.append_events(
                WF, INSTANCE, [replace(late, sequence_number=1)], 0
            )
        conflict = caught.value
        assert conflict.subject == f"stream {WF}/{INSTANCE}"
        assert (conflict.expected, conflict.actual) == (0, 1)
        with pytest.raises(ConcurrencyConflictError) as ahead:
            await store.append_events(WF, INSTANCE, [late], 5)
        assert (ahead.value.expected, ahead.value.actual) == (5, 1)
        assert await store.last_sequence(WF, INSTANCE) == 1  # WP-2: nothing stored

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("events", "reason"),
    [
        ([], "at least one"),
        ([event(2)], "expected 1"),  # misnumbered (WP-3)
        ([event(1), event(3)], "expected 2"),  # a gap, and nothing stored (WP-1)
        ([event(1, instance=OTHER)], "another stream"),
        ([event(1), event(2, event_id=event(1).event_id)], "reused"),  # WEV-2
    ],
)
def test_append_refuses_bad_batches(events: list[WorkflowEvent], reason: str) -> None:
    async def scenario() -> None:
        store = InMemoryWorkflowPersistence()
        with pytest.raises(InvalidInputError, match=reason):
            await store.append_events(WF, INSTANCE, events, 0)
        assert await store.last_sequence(WF, INSTANCE) == 0

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (1, None, [1, 2, 3, 4, 5]),
        (2, 4, [2, 3, 4]),
        (3, 3, [3]),
        (4, 3, []),  # an empty range
        (5, 9, [5]),
        (6, None, []),
    ],
)
def test_reads_and_replays_have_inclusive_bounds(
    first: int, last: int | None, expected: list[int]
) -> None:
    async def scenario() -> None:
        store = InMemoryWorkflowPersistence()
        bus = InMemoryWorkflowEventBus(InMemoryEventBus(), store)
        events = stream(
            "workflow.created",
            "workflow.initializing",
            "workflow.started",
            "workflow.paused",
            "workflow.resumed",
        )
        await store.append_events(WF, INSTANCE, events, 0)
        read = store.read_events(WF, INSTANCE, from_sequence=first, to_sequence=last)
        replay = bus.replay_events(WF, INSTANCE, from_sequence=first, to_sequence=last)
        assert [e.sequence_number for e in await collect(read)] == expected  # WP-5
        assert [e.sequence_number for e in await collect(replay)] == expected  # WEB-4
        assert await collect(bus.replay_events(WF, OTHER)) == []  # unknown instance

    asyncio.run(scenario())


@pytest.mark.parametrize(("first", "last"), [(0, None), (3, 1)])
def test_bad_bounds_raise_while_iterating(first: int, last: int | None) -> None:
    async def scenario() -> None:
        store = InMemoryWorkflowPersistence()
        events = store.read_events(WF, INSTANCE, from_sequence=first, to_sequence=last)
        with pytest.raises(InvalidInputError):
            await collect(events)

    asyncio.run(scenario())


def test_snapshots_at_or_before() -> None:
    async def scenario() -> None:
        store = InMemoryWorkflowPersistence()
        reducer = WorkflowReducer()
        events = stream(
            "workflow.created",
            "workflow.initializing",
            "workflow.started",
            "workflow.completed",
        )
        await store.append_events(WF, INSTANCE, events, 0)
        state = reducer.initial_state(WF, INSTANCE)
        for item in events:
            state = reducer.reduce(state, item)
            if item.sequence_number in (2, 3):
                await store.save_snapshot(state)
        await store.save_snapshot(replace(state, sequence_number=3))  # twice: one kept
        latest = await store.load_snapshot(WF, INSTANCE)
        assert latest is not None
        assert latest.sequence_number == 3
        assert latest.state == "completed"  # the second save replaced the first
        early = await store.load_snapshot(WF, INSTANCE, at_or_before=2)
        assert early is not None
        assert early.sequence_number == 2  # WP-6
        assert await store.load_snapshot(WF, INSTANCE, at_or_before=1) is None
        assert await store.load_snapshot(WF, OTHER) is None
        for missing in (0, 5):  # WP-7
            with pytest.raises(InvalidInputError):
                await store.save_snapshot(replace(state, sequence_number=missing))

    asyncio.run(scenario())


# --- reducer ------------------------------------------------------------------


def fold(events: Sequence[ProtocolWorkflowEvent]) -> WorkflowSnapshot:
    reducer = WorkflowReducer()
    state = reducer.initial_state(WF, INSTANCE)
    for item in events:
        state = reducer.reduce(state, item)
    return state


def scheduled(
    sequence: int, task_id: UUID, *, undo: str | None = None
) -> WorkflowEvent:
    data: dict[str, WorkflowData] = {"task_name": "t", "task_type": "tool"}
    if undo:
        data["compensation_task_type"] = undo
    return event(sequence, "task.scheduled", task_id=task_id, data=data)


def running_with_tasks() -> list[WorkflowEvent]:
    return [
        event(1),
        event(2, "workflow.initializing"),
        scheduled(3, TASK_A, undo="undo_a"),
        scheduled(4, TASK_B, undo="undo_b"),
        event(5, "workflow.started"),
        event(6, "task.started", task_id=TASK_A),
        event(7, "task.completed", task_id=TASK_A),
        event(8, "task.started", task_id=TASK_B),
        event(9, "task.completed", task_id=TASK_B),
    ]


def test_the_reducer_folds_a_saga() -> None:
    events = [
        *running_with_tasks(),
        event(10, "compensation.started"),
        event(11, "compensation.task_started", task_id=TASK_B),
        event(12, "compensation.task_completed", task_id=TASK_B),
        event(13, "compensation.task_started", task_id=TASK_A),
        event(14, "compensation.task_completed", task_id=TASK_A),
        event(15, "compensation.completed"),
    ]
    state = fold(events)
    assert state.state == "compensated"
    assert dict(state.task_states) == {TASK_A: "compensated", TASK_B: "compensated"}
    assert state.sequence_number == 15
    assert state.context.correlation_id == CORRELATION
    assert [task.compensation_task_type for task in state.tasks] == ["undo_a", "undo_b"]


def test_the_reducer_is_pure() -> None:
    reducer = WorkflowReducer()
    before = fold(running_with_tasks()[:8])
    states = dict(before.task_states)
    after = reducer.reduce(before, event(9, "task.completed", task_id=TASK_B))
    assert dict(before.task_states) == states  # WR-2
    assert reducer.reduce(before, event(9, "task.completed", task_id=TASK_B)) == after


@pytest.mark.parametrize(
    ("events", "current", "requested"),
    [
        ([event(1), event(2, "workflow.started")], "pending", "running"),
        (
            [
                event(1),
                event(2, "workflow.initializing"),
                event(3, "workflow.completed"),
            ],
            "initializing",
            "completed",
        ),
        (
            [
                *running_with_tasks(),
                event(10, "workflow.completed"),
                event(11, "workflow.started"),
            ],
            "completed",
            "running",
        ),  # WF-1: terminal states absorb
        ([event(1), event(2)], "pending", "pending"),  # created twice
        (
            [*running_with_tasks()[:6], event(7, "task.started", task_id=TASK_A)],
            "running",
            "running",
        ),
        (  # WF-6: not while the workflow is running
            [
                *running_with_tasks(),
                event(10, "compensation.task_started", task_id=TASK_A),
            ],
            "completed",
            "compensating",
        ),
        (  # WF-6: the latest completed task first
            [
                *running_with_tasks(),
                event(10, "compensation.started"),
                event(11, "compensation.task_started", task_id=TASK_A),
            ],
            "completed",
            "compensating",
        ),
    ],
)
def test_illegal_transitions_are_refused(
    events: list[WorkflowEvent], current: str, requested: str
) -> None:
    with pytest.raises(IllegalTransitionError) as caught:
        fold(events)
    assert (caught.value.current_state, caught.value.requested_state) == (
        current,
        requested,
    )


@pytest.mark.parametrize(
    "events",
    [
        [event(2)],  # out of sequence (WR-3)
        [event(1), event(3, "workflow.initializing")],
        [event(1), event(2, "workflow.initializing", instance=OTHER)],  # another stream
        [event(1, "workflow.initializing")],  # a stream starts with created (WF-2)
        [event(1), event(2, "task.started")],  # no task_id (WEV-5)
        [event(1), event(2, "task.started", task_id=TASK_A)],  # never scheduled
        [event(1), event(2, "workflow.initializing", task_id=TASK_A)],
        [event(1), event(2, "task.scheduled", task_id=TASK_A)],  # no task_name
    ],
)
def test_malformed_streams_are_refused(events: list[WorkflowEvent]) -> None:
    with pytest.raises(InvalidInputError):
        fold(events)


def test_dependency_events_pick_the_task_or_the_workflow() -> None:
    prefix = running_with_tasks()[:5]
    waiting_task = fold([*prefix, event(6, "dependency.waiting", task_id=TASK_A)])
    assert waiting_task.task_states[TASK_A] == "waiting_for_dependency"  # WF-4
    assert waiting_task.state == "running"
    waiting = fold([*prefix, event(6, "dependency.waiting")])
    assert waiting.state == "waiting_for_dependency"


def test_state_transitioned_follows_the_tables() -> None:
    prefix = running_with_tasks()[:5]
    moved = event(
        6, "state.transitioned", data={"from_state": "running", "to_state": "paused"}
    )
    assert fold([*prefix, moved]).state == "paused"  # WF-5
    bad = event(
        6, "state.transitioned", data={"from_state": "running", "to_state": "pending"}
    )
    with pytest.raises(IllegalTransitionError):
        fold([*prefix, bad])


def test_unknown_event_types_only_advance_the_sequence() -> None:
    before = fold([event(1)])
    future = event(2, cast("WorkflowEventType", "workflow.annotated"))
    after = WorkflowReducer().reduce(before, future)
    assert after.sequence_number == 2  # WR-5
    assert replace(after, sequence_number=1) == before


# --- event bus ------------------------------------------------------------------


def test_bad_names_are_refused() -> None:
    async def scenario() -> None:
        bus = InMemoryEventBus()
        handler = Recorder()
        for topic in ("", "has space", "x" * 250):
            with pytest.raises(InvalidInputError):
                await bus.publish(message(topic, None))  # EVT-1
        with pytest.raises(InvalidInputError):
            await bus.subscribe_to_topic("t", "", handler)
        with pytest.raises(InvalidInputError):
            await bus.subscribe_to_topic("t", "g", handler, dead_letter_topic="a/b")
        workflow_bus = InMemoryWorkflowEventBus(bus, InMemoryWorkflowPersistence())
        with pytest.raises(InvalidInputError):
            await workflow_bus.subscribe_to_workflow_events(WF, "", handler_of_events)
        for target in ("bad topic", ""):  # a given target topic is used (WEB-3)
            with pytest.raises(InvalidInputError):
                await workflow_bus.publish_workflow_event(event(1), target_topic=target)

    asyncio.run(scenario())


async def handler_of_events(event: ProtocolWorkflowEvent, /) -> None:
    """A workflow event handler that ignores what it gets."""


def test_retry_delays_follow_the_policy() -> None:
    policy = RetryPolicy(timedelta(seconds=1), 2.0, timedelta(seconds=5), 0)
    delays = [retry_delay(policy, attempt).total_seconds() for attempt in range(1, 6)]
    assert delays == [1, 2, 4, 5, 5]


def test_workflow_events_reach_each_group_in_order() -> None:
    async def scenario() -> None:
        bus = InMemoryEventBus()
        workflow_bus = InMemoryWorkflowEventBus(bus, InMemoryWorkflowPersistence())
        seen: list[tuple[UUID, int]] = []

        async def handler(event: ProtocolWorkflowEvent, /) -> None:
            seen.append((event.instance_id, event.sequence_number))

        await workflow_bus.subscribe_to_workflow_events(WF, "g", handler)
        for n in range(1, 4):
            for instance in (INSTANCE, OTHER):
                await workflow_bus.publish_workflow_event(event(n, instance=instance))
        await workflow_bus.publish_workflow_event(event(4), target_topic="elsewhere")
        for instance in (INSTANCE, OTHER):
            assert [n for i, n in seen if i == instance] == [1, 2, 3]  # WEB-1, WEB-3
        assert len(bus.topic_records("elsewhere")) == 1

    asyncio.run(scenario())


def test_protocol_type_keeps_the_class() -> None:
    assert protocol_type(ProtocolEventBus) is ProtocolEventBus
    assert (
        protocol_type(ProtocolWorkflowReducer[WorkflowSnapshot])
        is ProtocolWorkflowReducer
    )
    with pytest.raises(InvalidInputError):
        protocol_type(len)
