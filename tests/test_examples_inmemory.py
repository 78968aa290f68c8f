"""The reference implementations (``omnibase.spi_conformance.reference``), one by one.

Each test names the rule it checks. The protocol-typed assignments also make
mypy and pyright verify every implementation against its contract.
"""

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Protocol, cast
from uuid import UUID

import pytest

from omnibase.protocols.container import ProtocolServiceRegistry
from omnibase.protocols.core import ProtocolWorkflowReducer
from omnibase.protocols.errors import (
    AlreadyRegisteredError,
    AuthenticationError,
    ConcurrencyConflictError,
    DeadlineExceededError,
    IllegalTransitionError,
    InvalidInputError,
    NotFoundError,
    UnavailableError,
)
from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.mcp import (
    ProtocolMCPRegistry,
    ProtocolMCPToolProxy,
    ProtocolMCPValidator,
)
from omnibase.protocols.types import (
    JsonObject,
    ProtocolEventRecord,
    ProtocolHealthReport,
    ProtocolMCPProgressHandler,
    ProtocolMCPSubsystemRegistration,
    ProtocolMCPToolResult,
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
    ToolReply,
    WorkflowReducer,
)
from omnibase.spi_conformance.reference.codec import (
    decode_workflow_event,
    encode_workflow_event,
)
from omnibase.spi_conformance.reference.event_bus import retry_delay
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle
from omnibase.spi_conformance.reference.values import (
    BusMessage,
    BusMetadata,
    HealthReport,
    Page,
    RetryPolicy,
    SecretValue,
    SubsystemMetadata,
    ToolDefinition,
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


# --- MCP ----------------------------------------------------------------------

KEY = SecretValue("right-key")


def tool(
    name: str, *, idempotent: bool = False, read_only: bool = False
) -> ToolDefinition:
    return ToolDefinition(
        name=name,
        description=name,
        tool_type="query" if read_only else "action",
        parameters_schema={
            "type": "object",
            "properties": {"id": {"type": "string"}, "n": {"type": "integer"}},
            "required": ["id"],
            "additionalProperties": False,
        },
        idempotent=idempotent,
        read_only=read_only,
    )


TOOLSET = (
    tool("read", read_only=True),
    tool("upsert", idempotent=True),
    tool("charge"),
)


def subsystem(name: str, endpoint: str | None = None) -> SubsystemMetadata:
    return SubsystemMetadata(
        name=name,
        subsystem_type="custom",
        version="1",
        endpoint=endpoint or f"https://{name}.test/mcp",
        description=name,
    )


def answer(arguments: JsonObject) -> ToolReply:
    if arguments.get("id") == "missing":
        return ToolReply(error="no such record")
    return ToolReply({"id": arguments.get("id")})


async def registry_with(
    *names: str, heartbeat: bool = True
) -> tuple[InMemoryMCPRegistry, FakeToolProxy]:
    ids = SeededIds(5)
    proxy = FakeToolProxy({t.name: answer for t in TOOLSET}, ids=ids)
    registry = InMemoryMCPRegistry(
        proxy=proxy, validator=SimpleMCPValidator(), api_key=KEY, ids=ids
    )
    for name in names:
        registration_id = await registry.register_subsystem(
            subsystem(name), TOOLSET, KEY
        )
        if heartbeat:
            await registry.heartbeat(registration_id)
    return registry, proxy


def test_a_transport_failure_fails_over_for_read_only_and_idempotent_tools() -> None:
    async def scenario() -> None:
        registry, proxy = await registry_with("alpha", "beta")
        for name in ("read", "upsert"):
            proxy.fail_transport("alpha", name)
            result = await registry.execute_tool(name, {"id": "1"}, CORRELATION)
            assert (result.subsystem_name, result.attempts) == ("beta", 2)  # MCR-7
            assert result.correlation_id == CORRELATION
        assert proxy.calls == [
            ("alpha", "read"),
            ("beta", "read"),
            ("alpha", "upsert"),
            ("beta", "upsert"),
        ]

    asyncio.run(scenario())


def test_a_transport_failure_of_another_tool_is_raised_at_once() -> None:
    async def scenario() -> None:
        registry, proxy = await registry_with("alpha", "beta")
        proxy.fail_transport("alpha", "charge")
        with pytest.raises(UnavailableError, match="MCR-7"):
            await registry.execute_tool("charge", {"id": "1"}, CORRELATION)
        assert proxy.calls == [("alpha", "charge")]

    asyncio.run(scenario())


def test_a_tool_error_is_returned_not_failed_over() -> None:
    async def scenario() -> None:
        registry, proxy = await registry_with("alpha", "beta")
        result = await registry.execute_tool("read", {"id": "missing"}, CORRELATION)
        assert result.is_error  # MCR-6, even for a read-only tool
        assert (result.subsystem_name, result.attempts) == ("alpha", 1)
        assert proxy.calls == [("alpha", "read")]
        assert result.content[0].text == "no such record"

    asyncio.run(scenario())


def test_the_preferred_subsystem_goes_first() -> None:
    async def scenario() -> None:
        registry, proxy = await registry_with("alpha", "beta")
        result = await registry.execute_tool(
            "read", {"id": "1"}, CORRELATION, preferred_subsystem="beta"
        )
        assert result.subsystem_name == "beta"  # MCR-5
        proxy.fail_transport("beta", "read")
        result = await registry.execute_tool(
            "read", {"id": "1"}, CORRELATION, preferred_subsystem="beta"
        )
        assert (result.subsystem_name, result.attempts) == ("alpha", 2)
        pinned = await registry.execute_tool("beta.read", {"id": "1"}, CORRELATION)
        assert pinned.subsystem_name == "beta"  # MCT-1's qualified name

    asyncio.run(scenario())


def test_every_subsystem_failing_is_unavailable() -> None:
    async def scenario() -> None:
        registry, proxy = await registry_with("alpha", "beta")
        proxy.fail_transport("alpha", "read")
        proxy.fail_transport("beta", "read")
        with pytest.raises(UnavailableError):
            await registry.execute_tool("read", {"id": "1"}, CORRELATION)

    asyncio.run(scenario())


@pytest.mark.parametrize(
    "arguments",
    [{}, {"id": 7}, {"id": "1", "n": "two"}, {"id": "1", "extra": True}],
)
def test_arguments_are_validated_before_any_call(arguments: JsonObject) -> None:
    async def scenario() -> None:
        registry, proxy = await registry_with("alpha")
        with pytest.raises(InvalidInputError):
            await registry.execute_tool("read", arguments, CORRELATION)  # MCR-4
        assert proxy.calls == []

    asyncio.run(scenario())


def test_unknown_tools_and_unhealthy_subsystems() -> None:
    async def scenario() -> None:
        registry, proxy = await registry_with("alpha", heartbeat=False)
        with pytest.raises(NotFoundError):
            await registry.execute_tool("nope", {"id": "1"}, CORRELATION)
        with pytest.raises(UnavailableError):  # critical until a heartbeat (MCR-3)
            await registry.execute_tool("read", {"id": "1"}, CORRELATION)
        assert proxy.calls == []

    asyncio.run(scenario())


class SlowProxy(ReferenceLifecycle):
    """A tool proxy whose calls never finish in time."""

    async def call_tool(
        self,
        subsystem: ProtocolMCPSubsystemRegistration,
        tool_name: str,
        parameters: JsonObject,
        correlation_id: UUID,
        *,
        timeout: timedelta | None = None,
        progress_handler: ProtocolMCPProgressHandler | None = None,
    ) -> ProtocolMCPToolResult:
        await asyncio.sleep(10)
        raise UnavailableError("unreachable")


def test_a_slow_execution_exceeds_its_deadline() -> None:
    async def scenario() -> None:
        proxy: ProtocolMCPToolProxy = SlowProxy()
        registry = InMemoryMCPRegistry(
            proxy=proxy, validator=SimpleMCPValidator(), api_key=KEY, ids=SeededIds(1)
        )
        registration_id = await registry.register_subsystem(
            subsystem("alpha"), TOOLSET, KEY
        )
        await registry.heartbeat(registration_id)
        with pytest.raises(DeadlineExceededError):
            await registry.execute_tool(
                "read", {"id": "1"}, CORRELATION, timeout=timedelta(milliseconds=5)
            )

    asyncio.run(scenario())


def test_registration_checks_the_key_first_and_stores_whole() -> None:
    async def scenario() -> None:
        registry, _ = await registry_with()
        with pytest.raises(AuthenticationError) as caught:
            await registry.register_subsystem(
                subsystem("alpha"), TOOLSET, SecretValue("wrong")
            )
        assert "wrong" not in str(caught.value)  # ERR-3
        bad_tools = [
            (tool("bad name"),),
            (tool("ok"), tool("ok")),
            (replace(tool("ok"), parameters_schema={"type": "array"}),),
            (
                replace(
                    tool("ok"), output_schema={"$ref": "https://example.com/s.json"}
                ),
            ),
        ]
        for tools in bad_tools:
            with pytest.raises(InvalidInputError):
                await registry.register_subsystem(subsystem("alpha"), tools, KEY)
        with pytest.raises(InvalidInputError):
            await registry.register_subsystem(
                subsystem("alpha", "not a uri"), TOOLSET, KEY
            )
        with pytest.raises(InvalidInputError, match="MCT-1"):
            await registry.register_subsystem(subsystem("al.pha"), TOOLSET, KEY)
        assert (await registry.list_subsystems()).items == ()  # MCR-1

    asyncio.run(scenario())


def test_a_tool_name_means_the_same_tool_on_every_subsystem() -> None:
    async def scenario() -> None:
        registry, _ = await registry_with("alpha")
        drifted = replace(tool("charge"), idempotent=True)
        with pytest.raises(AlreadyRegisteredError, match="MCR-10"):
            await registry.register_subsystem(subsystem("beta"), (drifted,), KEY)
        assert [r.subsystem.name for r in (await registry.list_subsystems()).items] == [
            "alpha"
        ]
        beta = await registry.register_subsystem(subsystem("beta"), TOOLSET, KEY)
        with pytest.raises(AlreadyRegisteredError):  # beta serves charge now
            await registry.register_subsystem(subsystem("alpha"), (drifted,), KEY)
        await registry.unregister_subsystem(beta)
        alpha = await registry.register_subsystem(subsystem("alpha"), (drifted,), KEY)
        assert (await registry.get_subsystem(alpha)).tools == (drifted,)

    asyncio.run(scenario())


def test_re_registration_keeps_the_id_and_the_health() -> None:
    async def scenario() -> None:
        registry, _ = await registry_with()
        first = await registry.register_subsystem(subsystem("alpha"), TOOLSET, KEY)
        assert (await registry.get_subsystem(first)).health.status == "critical"
        await registry.heartbeat(first, status="warning", note="slow disk")
        again = await registry.register_subsystem(subsystem("alpha"), TOOLSET[:1], KEY)
        assert again == first  # MCR-2
        registration = await registry.get_subsystem(first)
        assert len(registration.tools) == 1
        assert registration.health.status == "warning"
        assert registration.health.message == "slow disk"
        assert await registry.unregister_subsystem(first)
        assert not await registry.unregister_subsystem(first)
        with pytest.raises(NotFoundError):
            await registry.heartbeat(first)
        with pytest.raises(NotFoundError):
            await registry.get_subsystem(first)

    asyncio.run(scenario())


def test_listings_are_ordered_and_paged() -> None:
    async def scenario() -> None:
        registry, _ = await registry_with("beta", "alpha")
        first = await registry.list_tools(limit=4)
        rest = await registry.list_tools(cursor=first.next_cursor, limit=4)
        assert rest.next_cursor is None  # PG-1
        listed = [(t.tool.name, t.subsystem_name) for t in (*first.items, *rest.items)]
        assert listed == [
            ("charge", "alpha"),
            ("charge", "beta"),
            ("read", "alpha"),
            ("read", "beta"),
            ("upsert", "alpha"),
            ("upsert", "beta"),
        ]  # MCR-9
        only = await registry.list_tools(tool_type="query", subsystem_name="beta")
        assert [(t.tool.name, t.subsystem_name) for t in only.items] == [
            ("read", "beta")
        ]
        subsystems = await registry.list_subsystems(healthy_only=True)
        assert [r.subsystem.name for r in subsystems.items] == ["alpha", "beta"]
        for cursor, limit in (("x", 1), ("99", 1), (None, 0)):
            with pytest.raises(InvalidInputError):  # PG-3, PG-4
                await registry.list_tools(cursor=cursor, limit=limit)

    asyncio.run(scenario())


def test_the_validator_reports_sorted_issues_without_raising() -> None:
    validator = SimpleMCPValidator()
    broken = replace(
        tool("bad name"),
        parameters_schema={"type": "object", "$defs": {"x": {"$ref": "http://a/b"}}},
    )
    issues = validator.validate_tool_definition(broken)
    assert [issue.code for issue in issues] == ["pattern", "remote_ref"]  # MVA-2, 3
    assert [issue.path for issue in issues] == [
        "/name",
        "/parameters_schema/$defs/x/$ref",
    ]
    issues = validator.validate_parameters(tool("t"), {"n": 1.5, "zz": 1})
    assert [(issue.path, issue.code) for issue in issues] == [
        ("/id", "required"),
        ("/n", "type"),
        ("/zz", "additionalProperties"),
    ]
    assert validator.validate_parameters(tool("t"), {"id": "1", "n": 2}) == ()


# --- service registry ---------------------------------------------------------


class SyncPublishBus:
    """Has every member of ``ProtocolEventBus``, but ``publish`` is not async."""

    def publish(self, message: object, *, timeout: object = None) -> None: ...
    async def subscribe_to_topic(
        self,
        topic: str,
        group_id: str,
        handler: object,
        *,
        offset_reset: str = "latest",
        retry_policy: object = None,
        dead_letter_topic: object = None,
    ) -> None: ...
    async def health_check(self) -> None: ...
    async def close(self) -> None: ...


class RenamedParameterBus:
    """Async where it should be, but ``publish`` names its parameter ``msg``."""

    async def publish(self, msg: object, *, timeout: object = None) -> None: ...
    async def subscribe_to_topic(
        self,
        topic: str,
        group_id: str,
        handler: object,
        *,
        offset_reset: str = "latest",
        retry_policy: object = None,
        dead_letter_topic: object = None,
    ) -> None: ...
    async def health_check(self) -> None: ...
    async def close(self) -> None: ...


class NotRuntimeCheckable(Protocol):
    def run(self) -> None: ...


@pytest.mark.parametrize(
    ("implementation", "reason"),
    [
        (object(), "publish: is missing"),
        (SyncPublishBus(), r"publish: is a plain `def`; the contract says `async def`"),
        (RenamedParameterBus(), "publish: parameter #1 is named `msg`"),
    ],
)
def test_the_container_refuses_non_conforming_objects(
    implementation: object, reason: str
) -> None:
    container: ProtocolServiceRegistry = InMemoryServiceRegistry()
    with pytest.raises(InvalidInputError, match=reason):  # SR-1
        container.register(protocol_type(ProtocolEventBus), implementation)
    assert container.registered_interfaces() == ()


@pytest.mark.parametrize("interface", [int, NotRuntimeCheckable])
def test_the_container_refuses_non_protocol_keys(interface: type[object]) -> None:
    container: ProtocolServiceRegistry = InMemoryServiceRegistry()
    with pytest.raises(InvalidInputError, match="SR-2"):
        container.register(interface, 3)


def test_registration_is_unique_per_interface_and_name() -> None:
    container: ProtocolServiceRegistry = InMemoryServiceRegistry()
    bus_type = protocol_type(ProtocolEventBus)
    first, second = InMemoryEventBus(), InMemoryEventBus()
    container.register(bus_type, first)
    container.register(bus_type, first)  # the same object: a no-op (SR-3)
    with pytest.raises(AlreadyRegisteredError):
        container.register(bus_type, second)
    assert container.resolve(bus_type) is first  # SR-4
    container.register(bus_type, second, name="replica")
    container.register(bus_type, second, replace=True)
    assert container.resolve(bus_type) is second
    assert container.resolve(bus_type, name="replica") is second
    assert container.registered_interfaces() == (
        (ProtocolEventBus, "default"),
        (ProtocolEventBus, "replica"),
    )  # SR-5
    assert container.unregister(ProtocolEventBus, name="replica")
    assert not container.unregister(ProtocolEventBus, name="replica")
    with pytest.raises(NotFoundError):
        container.resolve(bus_type, name="replica")


def test_protocol_type_keeps_the_class() -> None:
    assert protocol_type(ProtocolEventBus) is ProtocolEventBus
    assert (
        protocol_type(ProtocolWorkflowReducer[WorkflowSnapshot])
        is ProtocolWorkflowReducer
    )
    with pytest.raises(InvalidInputError):
        protocol_type(len)
