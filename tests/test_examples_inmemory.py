"""The reference implementations (``omnibase.spi_conformance.reference``), one by one.

Each test names the rule it checks. The protocol-typed assignments also make
mypy and pyright verify every implementation against its contract.
"""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from omnibase.protocols.container import ProtocolServiceRegistry
from omnibase.protocols.core import ProtocolWorkflowReducer
from omnibase.protocols.errors import (
    AlreadyRegisteredError,
    AuthenticationError,
    DeadlineExceededError,
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
CORRELATION = UUID("00000000-0000-4000-8000-0000000000c0")
T0 = datetime(2025, 1, 1, tzinfo=UTC)
FAST_RETRY = RetryPolicy(timedelta(milliseconds=1), 1.0, timedelta(milliseconds=1), 2)


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


# --- event bus ------------------------------------------------------------------


def test_consumer_groups_share_records_and_each_group_gets_all() -> None:
    async def scenario() -> None:
        bus = InMemoryEventBus(partitions=3)
        one, two, audit = Recorder(), Recorder(), Recorder()
        await bus.subscribe_to_topic("orders", "billing", one)
        await bus.subscribe_to_topic("orders", "billing", two)
        await bus.subscribe_to_topic("orders", "audit", audit)
        sent = [f"m{n}".encode() for n in range(12)]
        for n in range(12):
            await bus.publish(message("orders", f"key-{n}", f"m{n}"))
        assert sorted(one.values + two.values) == sorted(sent)  # shared (EB-2)
        assert one.values
        assert two.values
        assert not set(one.values) & set(two.values)
        assert audit.values == sent  # every group gets every record, in order here
        assert (await bus.health_check()).status == "passing"

    asyncio.run(scenario())


def test_equal_keys_share_a_partition_in_publish_order() -> None:
    async def scenario() -> None:
        bus = InMemoryEventBus(partitions=4)
        receipts = [await bus.publish(message("t", "same", f"v{n}")) for n in range(5)]
        assert len({receipt.partition for receipt in receipts}) == 1  # EVT-3
        assert [receipt.offset for receipt in receipts] == [0, 1, 2, 3, 4]
        records = bus.topic_records("t")
        assert [r.value for r in records] == [f"v{n}".encode() for n in range(5)]

    asyncio.run(scenario())


def test_offset_reset_decides_where_a_new_group_starts() -> None:
    async def scenario() -> None:
        bus = InMemoryEventBus()
        await bus.publish(message("t", "k", "old"))
        earliest, latest = Recorder(), Recorder()
        await bus.subscribe_to_topic("t", "e", earliest, offset_reset="earliest")
        await bus.subscribe_to_topic("t", "l", latest)
        await bus.publish(message("t", "k", "new"))
        assert earliest.values == [b"old", b"new"]
        assert latest.values == [b"new"]

    asyncio.run(scenario())


def test_a_failing_record_is_redelivered_until_handled() -> None:
    async def scenario() -> None:
        bus = InMemoryEventBus()
        flaky = Recorder(failures=2)
        await bus.subscribe_to_topic(
            "t", "g", flaky, retry_policy=replace(FAST_RETRY, maximum_attempts=3)
        )
        await bus.publish(message("t", "k", "first"))
        await bus.publish(message("t", "k", "second"))
        attempts = [(r.value, r.delivery_attempt) for r in flaky.records]
        assert attempts == [(b"first", 1), (b"first", 2), (b"first", 3), (b"second", 1)]

    asyncio.run(scenario())


def test_an_exhausted_record_goes_to_the_dead_letter_topic() -> None:
    async def scenario() -> None:
        bus = InMemoryEventBus()
        poison = Recorder(failures=99, error=ValueError("bad payload"))
        dead = Recorder()
        await bus.subscribe_to_topic("t.dead", "ops", dead, offset_reset="earliest")
        await bus.subscribe_to_topic(
            "t", "g", poison, retry_policy=FAST_RETRY, dead_letter_topic="t.dead"
        )
        await bus.publish(message("t", "k", "poison"))
        assert [r.delivery_attempt for r in poison.records] == [1, 2]  # EB-5
        assert dead.values == [b"poison"]
        assert ("onex-error", b"ValueError: bad payload") in dead.records[0].headers
        poison.failures = 0
        await bus.publish(message("t", "k", "next"))
        assert poison.values[-1] == b"next"  # the poison record was acknowledged
        assert (await bus.health_check()).status == "passing"

    asyncio.run(scenario())


def test_a_non_retryable_error_is_not_retried() -> None:
    async def scenario() -> None:
        bus = InMemoryEventBus()
        handler = Recorder(failures=1, error=KeyError("x"))
        policy = replace(
            FAST_RETRY, maximum_attempts=5, non_retryable_errors=("KeyError",)
        )
        await bus.subscribe_to_topic(
            "t", "g", handler, retry_policy=policy, dead_letter_topic="dlq"
        )
        await bus.publish(message("t", "k"))
        assert len(handler.records) == 1
        assert len(bus.topic_records("dlq")) == 1

    asyncio.run(scenario())


def test_without_dead_letter_topic_nothing_is_lost_and_health_is_critical() -> None:
    async def scenario() -> None:
        bus = InMemoryEventBus()
        await bus.subscribe_to_topic(
            "t", "g", Recorder(failures=99), retry_policy=FAST_RETRY
        )
        await bus.publish(message("t", "k", "stuck"))
        health = await bus.health_check()
        assert health.status == "critical"  # EB-5
        rescuer = Recorder()
        await bus.subscribe_to_topic("t", "g", rescuer)  # same group, same position
        assert rescuer.values == [b"stuck"]

    asyncio.run(scenario())


def test_unsubscribe_is_idempotent_and_final() -> None:
    async def scenario() -> None:
        bus = InMemoryEventBus()
        handler = Recorder()
        unsubscribe = await bus.subscribe_to_topic("t", "g", handler)
        await unsubscribe()
        await unsubscribe()  # SUB-2
        await bus.publish(message("t", "k"))
        assert handler.records == []  # SUB-1

    asyncio.run(scenario())


def test_close_is_idempotent_and_final() -> None:
    async def scenario() -> None:
        bus = InMemoryEventBus()
        handler = Recorder()
        await bus.subscribe_to_topic("t", "g", handler)
        await bus.aclose()
        await bus.aclose()  # EB-6
        with pytest.raises(UnavailableError):
            await bus.publish(message("t", "k"))
        with pytest.raises(UnavailableError):
            await bus.subscribe_to_topic("t", "g", handler)
        assert (await bus.health_check()).status == "critical"

    asyncio.run(scenario())


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


# --- service registry (its rules: the kit's ServiceRegistrySuite) -------------


def test_protocol_type_keeps_the_class() -> None:
    assert protocol_type(ProtocolEventBus) is ProtocolEventBus
    assert (
        protocol_type(ProtocolWorkflowReducer[WorkflowSnapshot])
        is ProtocolWorkflowReducer
    )
    with pytest.raises(InvalidInputError):
        protocol_type(len)
