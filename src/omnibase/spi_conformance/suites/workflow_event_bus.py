"""Conformance suite of ``ProtocolWorkflowEventBus`` (WEB-1 to WEB-8, WEH-1).

Subclass [`WorkflowEventBusSuite`][], write ``create_subject`` (a bus built
on a fresh store and a fresh broker) and
[`persistence`][WorkflowEventBusSuite.persistence] (the store the bus replays
from). Supply ``hook_event_bus`` when the bus runs
on a ``ProtocolEventBus`` the suite may use directly: the wire-format tests
(WEB-7) and the dead-letter topic checks (WEB-3, WEB-8) need it. Retry delays
follow [`retry_policy`][WorkflowEventBusSuite.retry_policy]; keep them short.
"""

import asyncio
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import ClassVar, cast, override
from uuid import UUID, uuid4

from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.types import (
    ProtocolEventRecord,
    ProtocolRetryPolicy,
    ProtocolWorkflowEvent,
)
from omnibase.protocols.workflow_orchestration import (
    ProtocolWorkflowEventBus,
    ProtocolWorkflowPersistence,
)
from omnibase.spi_conformance.reference.values import (
    BusMessage,
    BusMetadata,
    RetryPolicy,
    WorkflowEvent,
)
from omnibase.spi_conformance.suites._base import (
    SuiteEnvironment,
    check,
    check_equal,
    check_raises,
    fault_hook,
    rule,
)
from omnibase.spi_conformance.suites._workflow import (
    WORKFLOW_TYPE,
    EventFactory,
    collect,
    event_members,
    task_data,
)
from omnibase.spi_conformance.suites.lifecycle import Call, LifecycleChecks

__all__ = ["WorkflowEventBusSuite"]

type Bus = ProtocolWorkflowEventBus

DEFAULT_TOPIC = f"onex.workflow.{WORKFLOW_TYPE}"
DEAD_LETTER_TOPIC = f"{DEFAULT_TOPIC}.dead_letter"
COPY_TOPIC = "conformance.workflow_copies"


class KitPoisonError(Exception):
    """What the suite's handlers raise on purpose."""


class _Handler:
    """A workflow handler that records deliveries and fails when told to."""

    def __init__(self, fails: set[tuple[UUID, int]] | None = None) -> None:
        self.events: list[ProtocolWorkflowEvent] = []
        self.deliveries: Counter[UUID] = Counter()
        self._fails = set[tuple[UUID, int]]() if fails is None else fails
        self.always_fail: set[UUID] = set()
        self.slow: set[UUID] = set()

    async def __call__(self, event: ProtocolWorkflowEvent, /) -> None:
        self.deliveries[event.event_id] += 1
        attempt = self.deliveries[event.event_id]
        if event.event_id in self.slow:
            await asyncio.sleep(0.05)  # a slow handler still keeps its stream's order
        if (
            event.event_id in self.always_fail
            or (event.event_id, attempt) in self._fails
        ):
            raise KitPoisonError(
                f"refused {event.sequence_number} on attempt {attempt}"
            )
        if all(seen.event_id != event.event_id for seen in self.events):
            self.events.append(event)


class _RawHandler:
    """A plain event-bus handler that keeps every record."""

    def __init__(self) -> None:
        self.records: list[ProtocolEventRecord] = []

    async def __call__(self, record: ProtocolEventRecord, /) -> None:
        self.records.append(record)


def _stream_and_sequence(record: ProtocolEventRecord) -> tuple[object, object]:
    body = cast("dict[str, object]", json.loads(record.value or b"{}"))
    return body.get("instance_id"), body.get("sequence_number")


class WorkflowEventBusSuite(LifecycleChecks[Bus, SuiteEnvironment]):
    """Checks a ``ProtocolWorkflowEventBus``.

    Attributes:
        retry_policy: What the suite's failing subscriptions use (WEB-8).
    """

    contract: ClassVar[type] = ProtocolWorkflowEventBus
    retry_policy: ClassVar[ProtocolRetryPolicy] = RetryPolicy(
        initial_interval=timedelta(milliseconds=1),
        backoff_coefficient=2.0,
        maximum_interval=timedelta(milliseconds=4),
        maximum_attempts=2,
    )

    def persistence(
        self, subject: Bus, env: SuiteEnvironment
    ) -> ProtocolWorkflowPersistence:
        """Return the store ``subject`` replays from (WEB-4, WEB-5).

        Args:
            subject: The bus under test.
            env: The test's environment.

        Returns:
            The store.
        """
        raise NotImplementedError(f"{type(self).__qualname__}.persistence")

    @fault_hook
    async def hook_event_bus(
        self, subject: Bus, env: SuiteEnvironment
    ) -> ProtocolEventBus:
        """Return the ``ProtocolEventBus`` that carries ``subject``'s messages.

        Args:
            subject: The bus under test.
            env: The test's environment.

        Returns:
            The underlying bus, for raw publishing and subscribing.
        """
        raise NotImplementedError

    @override
    def calls_after_close(
        self, subject: Bus, env: SuiteEnvironment
    ) -> Mapping[str, Call]:
        """Every method after ``aclose`` (LC-3)."""
        event = EventFactory().batch(1)[0]
        return {
            "publish_workflow_event": lambda: subject.publish_workflow_event(event),
            "subscribe_to_workflow_events": (
                lambda: subject.subscribe_to_workflow_events(
                    WORKFLOW_TYPE, "conformance", _Handler()
                )
            ),
            "replay_events": lambda: subject.replay_events(
                WORKFLOW_TYPE, event.instance_id
            ),
        }

    async def _publish(
        self,
        subject: Bus,
        env: SuiteEnvironment,
        events: Sequence[WorkflowEvent],
        *,
        target_topic: str | None = None,
    ) -> None:
        """Append (one batch per stream, in order) then publish (WEB-1)."""
        store = self.persistence(subject, env)
        for event in events:
            await store.append_events(
                event.workflow_type,
                event.instance_id,
                [event],
                event.sequence_number - 1,
            )
            await subject.publish_workflow_event(event, target_topic=target_topic)

    async def _subscribe(
        self,
        subject: Bus,
        group: str,
        handler: _Handler,
        **options: object,
    ) -> None:
        await subject.subscribe_to_workflow_events(
            WORKFLOW_TYPE,
            group,
            handler,
            offset_reset="earliest",
            retry_policy=self.retry_policy,
            **cast("dict[str, None]", options),
        )

    # --- WEB-1, WEB-2, WEH-1: delivery -------------------------------------------

    @rule("WEB-1")
    async def test_WEB_1_each_streams_events_arrive_in_order(
        self, subject: Bus, env: SuiteEnvironment
    ) -> None:
        """Two interleaved streams: each reaches the group in sequence order."""
        left, right = EventFactory(), EventFactory()
        handler = _Handler()
        await self._subscribe(subject, "conformance_order", handler)
        first, second = left.batch(5), right.batch(5)
        handler.slow |= {first[0].event_id, second[0].event_id}
        await self._publish(
            subject,
            env,
            [event for pair in zip(first, second, strict=True) for event in pair],
        )

        async def all_arrived() -> None:
            check_equal("WEB-1", "events delivered", 10, len(handler.events))

        await self.eventually(all_arrived)
        for factory in (left, right):
            numbers = [
                event.sequence_number
                for event in handler.events
                if event.instance_id == factory.instance_id
            ]
            check_equal("WEB-1", "one stream's order", [1, 2, 3, 4, 5], numbers)

    @rule("WEB-2")
    async def test_WEB_2_every_group_gets_every_event(
        self, subject: Bus, env: SuiteEnvironment
    ) -> None:
        """Two consumer groups each receive all events."""
        groups = {"conformance_a": _Handler(), "conformance_b": _Handler()}
        for group, handler in groups.items():
            await self._subscribe(subject, group, handler)
        events = EventFactory().batch(4)
        await self._publish(subject, env, events)
        expected = [event.event_id for event in events]

        async def all_arrived() -> None:
            for group, handler in groups.items():
                check_equal(
                    "WEB-2",
                    f"events of group {group}",
                    expected,
                    [event.event_id for event in handler.events],
                )

        await self.eventually(all_arrived)

    @rule("WEH-1", "WEB-2")
    async def test_WEH_1_raising_asks_for_redelivery_returning_acknowledges(
        self, subject: Bus, env: SuiteEnvironment
    ) -> None:
        """A handler that raised gets the event again; handled events come once."""
        events = EventFactory().batch(3)
        handler = _Handler(fails={(events[1].event_id, 1)})
        await self._subscribe(subject, "conformance_redelivery", handler)
        await self._publish(subject, env, events)

        async def all_handled() -> None:
            check_equal(
                "WEH-1",
                "handled events",
                [event.event_id for event in events],
                [event.event_id for event in handler.events],
            )

        await self.eventually(all_handled)
        check_equal(
            "WEH-1",
            "deliveries per event",
            [1, 2, 1],
            [handler.deliveries[event.event_id] for event in events],
        )

    # --- WEB-3: topics ------------------------------------------------------------

    @rule("WEB-3")
    async def test_WEB_3_a_target_topic_gets_a_copy(
        self, subject: Bus, env: SuiteEnvironment
    ) -> None:
        """An event sent with ``target_topic`` still reaches the type's groups."""
        handler = _Handler()
        await self._subscribe(subject, "conformance_copies", handler)
        events = EventFactory().batch(2)
        await self._publish(subject, env, events, target_topic=COPY_TOPIC)

        async def arrived() -> None:
            check_equal("WEB-3", "events delivered", 2, len(handler.events))

        await self.eventually(arrived)

    @rule("WEB-3")
    async def test_WEB_3_the_default_topic_and_the_copy_on_the_wire(
        self, subject: Bus, env: SuiteEnvironment
    ) -> None:
        """``onex.workflow.{type}`` and the target topic both hold the event."""
        self.require_hook("hook_event_bus")
        raw = await self.hook_event_bus(subject, env)
        default, copy = _RawHandler(), _RawHandler()
        await raw.subscribe_to_topic(
            DEFAULT_TOPIC, "conformance_raw", default, offset_reset="earliest"
        )
        await raw.subscribe_to_topic(
            COPY_TOPIC, "conformance_raw", copy, offset_reset="earliest"
        )
        event = EventFactory().batch(1)[0]
        await self._publish(subject, env, [event], target_topic=COPY_TOPIC)

        async def arrived() -> None:
            for name, handler in ((DEFAULT_TOPIC, default), (COPY_TOPIC, copy)):
                check_equal(
                    "WEB-3",
                    f"records on {name}",
                    [str(event.event_id)],
                    [record.metadata.event_id for record in handler.records],
                )

        await self.eventually(arrived)

    # --- WEB-4, WEB-5: replay ---------------------------------------------------

    @rule("WEB-4")
    async def test_WEB_4_replay_takes_the_specifications_call(
        self, subject: Bus, env: SuiteEnvironment
    ) -> None:
        """``await bus.replay_events(...)`` with keywords yields the store's range."""
        factory = EventFactory()
        await self._publish(subject, env, factory.batch(5))
        events = await subject.replay_events(
            workflow_type=WORKFLOW_TYPE,
            instance_id=factory.instance_id,
            from_sequence=2,
            to_sequence=4,
        )
        check_equal(
            "WEB-4",
            "replayed sequence numbers",
            [2, 3, 4],
            [event.sequence_number for event in await collect(events)],
        )
        everything = await subject.replay_events(WORKFLOW_TYPE, factory.instance_id)
        check_equal(
            "WEB-4",
            "a replay without bounds",
            [1, 2, 3, 4, 5],
            [event.sequence_number for event in await collect(everything)],
        )
        unknown = await subject.replay_events(WORKFLOW_TYPE, uuid4())
        check_equal(
            "WEB-4", "a replay of an unknown instance", [], await collect(unknown)
        )
        for first, last in ((0, None), (4, 2)):
            await check_raises(
                "WEB-4",
                InvalidInputError,
                _replay_first(subject, factory.instance_id, first, last),
                doing=f"replay_events(from_sequence={first}, to_sequence={last})",
            )

    @rule("WEB-5")
    async def test_WEB_5_replay_reads_the_store_not_the_broker(
        self, subject: Bus, env: SuiteEnvironment
    ) -> None:
        """Events appended but never published are replayed."""
        factory = EventFactory()
        events = factory.batch(3)
        await self.persistence(subject, env).append_events(
            WORKFLOW_TYPE, factory.instance_id, events, 0
        )
        replayed = await subject.replay_events(WORKFLOW_TYPE, factory.instance_id)
        check_equal(
            "WEB-5",
            "replayed events",
            [event.event_id for event in events],
            [event.event_id for event in await collect(replayed)],
        )

    # --- WEB-6: filters ---------------------------------------------------------

    @rule("WEB-6", "WEB-2")
    async def test_WEB_6_a_filter_delivers_only_listed_types(
        self, subject: Bus, env: SuiteEnvironment
    ) -> None:
        """Only the listed event types reach a filtered handler; others get all."""
        filtered, everything = _Handler(), _Handler()
        await self._subscribe(
            subject, "conformance_filtered", filtered, event_types=["task.scheduled"]
        )
        await self._subscribe(subject, "conformance_unfiltered", everything)
        events = EventFactory().batch(5)  # created, started, 3 x task.scheduled
        await self._publish(subject, env, events)

        async def arrived() -> None:
            check_equal("WEB-6", "unfiltered events", 5, len(everything.events))
            check_equal(
                "WEB-6",
                "filtered events",
                [event.event_id for event in events[2:]],
                [event.event_id for event in filtered.events],
            )

        await self.eventually(arrived)
        bad: object
        for bad in ("task.scheduled", list[str]()):
            await check_raises(
                "WEB-6",
                InvalidInputError,
                subject.subscribe_to_workflow_events(
                    WORKFLOW_TYPE,
                    "conformance_bad_filter",
                    _Handler(),
                    event_types=cast("Sequence[str]", bad),
                ),
                doing=f"subscribe_to_workflow_events(event_types={bad!r})",
            )

    # --- WEB-7: the wire format ---------------------------------------------------

    @rule("WEB-7")
    async def test_WEB_7_published_messages_follow_the_wire_format(
        self, subject: Bus, env: SuiteEnvironment
    ) -> None:
        """Key, JSON value and CloudEvents attributes are the documented ones."""
        self.require_hook("hook_event_bus")
        raw = await self.hook_event_bus(subject, env)
        records = _RawHandler()
        await raw.subscribe_to_topic(
            DEFAULT_TOPIC, "conformance_wire", records, offset_reset="earliest"
        )
        factory = EventFactory()
        created = factory.next(
            "workflow.created", data={"amount": 2.0, "count": 3, "names": ["a"]}
        )
        task = uuid4()
        scheduled = factory.next("task.scheduled", task_id=task, data=task_data("a"))
        await self._publish(subject, env, [created, scheduled])

        async def arrived() -> None:
            check_equal(
                "WEB-7", "records on the default topic", 2, len(records.records)
            )

        await self.eventually(arrived)
        record = records.records[1]
        key = f"{WORKFLOW_TYPE}:{factory.instance_id}".encode()
        check_equal("WEB-7", "the record key", key, record.key)
        body = cast("dict[str, object]", json.loads(record.value or b"null"))
        occurred = datetime.fromisoformat(cast("str", body.pop("occurred_at")))
        check(
            occurred == scheduled.occurred_at and occurred.utcoffset() == timedelta(0),
            "WEB-7",
            f"occurred_at {scheduled.occurred_at.astimezone(UTC).isoformat()}",
            occurred.isoformat(),
        )
        check_equal(
            "WEB-7",
            "the JSON value",
            {
                "event_id": str(scheduled.event_id),
                "event_type": "task.scheduled",
                "workflow_type": WORKFLOW_TYPE,
                "instance_id": str(factory.instance_id),
                "sequence_number": 2,
                "causation_id": str(created.event_id),
                "correlation_chain": [str(factory.correlation_id)],
                "task_id": str(task),
                "data": {
                    key: (list(v) if isinstance(v, list | tuple) else v)
                    for key, v in scheduled.data.items()
                },
            },
            body,
        )
        first = cast(
            "dict[str, object]", json.loads(records.records[0].value or b"null")
        )
        amount = cast("dict[str, object]", first["data"])["amount"]
        check(
            isinstance(amount, float),
            "WEB-7",
            "a float written as a float",
            repr(amount),
        )
        meta = record.metadata
        check_equal(
            "WEB-7",
            "the CloudEvents attributes",
            (
                str(scheduled.event_id),
                f"/workflows/{WORKFLOW_TYPE}/{factory.instance_id}",
                "onex.workflow.task.scheduled",
                factory.correlation_id,
                str(created.event_id),
                "2",
            ),
            (
                meta.event_id,
                meta.source,
                meta.event_type,
                meta.correlation_id,
                meta.causation_id,
                meta.extensions.get("sequence"),
            ),
        )
        check(
            meta.content_type in (None, "application/json"),
            "WEB-7",
            "datacontenttype application/json",
            meta.content_type,
        )

    @rule("WEB-7", "WR-5")
    async def test_WEB_7_messages_in_the_wire_format_are_delivered(
        self, subject: Bus, env: SuiteEnvironment
    ) -> None:
        """A message written by another implementation reaches the handler intact."""
        self.require_hook("hook_event_bus")
        raw = await self.hook_event_bus(subject, env)
        handler = _Handler()
        await self._subscribe(subject, "conformance_foreign", handler)
        instance, chain = uuid4(), [uuid4(), uuid4()]
        when = datetime(2026, 2, 3, 4, 5, 6, 789000, tzinfo=UTC)
        event = WorkflowEvent(
            event_id=uuid4(),
            event_type="workflow.archived_v9",
            workflow_type=WORKFLOW_TYPE,
            instance_id=instance,
            sequence_number=7,
            occurred_at=when,
            causation_id=None,
            correlation_chain=tuple(chain),
            task_id=None,
            data={"ratio": 1.0, "n": 1, "ok": True, "tags": ("x",), "flat": {"k": "v"}},
        )
        body = {
            "event_id": str(event.event_id),
            "event_type": event.event_type,
            "workflow_type": WORKFLOW_TYPE,
            "instance_id": str(instance),
            "sequence_number": 7,
            "occurred_at": "2026-02-03T04:05:06.789000Z",
            "causation_id": None,
            "correlation_chain": [str(item) for item in chain],
            "task_id": None,
            "data": {
                "ratio": 1.0,
                "n": 1,
                "ok": True,
                "tags": ["x"],
                "flat": {"k": "v"},
            },
        }
        await raw.publish(
            BusMessage(
                topic=DEFAULT_TOPIC,
                key=f"{WORKFLOW_TYPE}:{instance}".encode(),
                value=json.dumps(body).encode(),
                metadata=BusMetadata(
                    event_id=str(event.event_id),
                    event_type=f"onex.workflow.{event.event_type}",
                    source=f"/workflows/{WORKFLOW_TYPE}/{instance}",
                    occurred_at=when,
                    correlation_id=chain[0],
                    extensions={"sequence": "7"},
                ),
            )
        )

        async def arrived() -> None:
            check_equal("WEB-7", "events delivered", 1, len(handler.events))

        await self.eventually(arrived)
        check_equal(
            "WEB-7",
            "the delivered event",
            event_members(event),
            event_members(handler.events[0]),
        )

    # --- WEB-8: dead letters park streams ---------------------------------------

    async def _poison(
        self,
        subject: Bus,
        env: SuiteEnvironment,
        handler: _Handler,
    ) -> tuple[EventFactory, EventFactory]:
        """Stream X whose event 2 always fails, and a healthy stream Y."""
        poisoned, healthy = EventFactory(), EventFactory()
        x_events, y_events = poisoned.batch(4), healthy.batch(2)
        handler.always_fail.add(x_events[1].event_id)
        await self._publish(
            subject,
            env,
            [
                x_events[0],
                x_events[1],
                y_events[0],
                x_events[2],
                y_events[1],
                x_events[3],
            ],
        )
        return poisoned, healthy

    @rule("WEB-8")
    async def test_WEB_8_a_dead_letter_parks_its_stream(
        self, subject: Bus, env: SuiteEnvironment
    ) -> None:
        """After X2 is dead-lettered, X3 and X4 never reach the handler; Y flows on."""
        handler = _Handler()
        await self._subscribe(subject, "conformance_parking", handler)
        poisoned, healthy = await self._poison(subject, env, handler)

        async def settled() -> None:
            report = await subject.health_check()
            check_equal(
                "WEB-8", "health while a stream is parked", "warning", report.status
            )
            check_equal(
                "WEB-8",
                "details['parked_streams']",
                [f"{WORKFLOW_TYPE}:{poisoned.instance_id}"],
                report.details.get("parked_streams"),
            )
            check_equal(
                "WEB-8",
                "healthy stream Y delivered",
                [1, 2],
                [
                    e.sequence_number
                    for e in handler.events
                    if e.instance_id == healthy.instance_id
                ],
            )

        await self.eventually(settled)
        delivered = [
            event.sequence_number
            for event in handler.events
            if event.instance_id == poisoned.instance_id
        ]
        check_equal("WEB-8", "events of the parked stream handled", [1], delivered)

    @rule("WEB-8")
    async def test_WEB_8_parked_events_go_to_the_dead_letter_topic_in_order(
        self, subject: Bus, env: SuiteEnvironment
    ) -> None:
        """The default dead-letter topic receives X2, X3, X4 in order."""
        self.require_hook("hook_event_bus")
        raw = await self.hook_event_bus(subject, env)
        dead = _RawHandler()
        await raw.subscribe_to_topic(
            DEAD_LETTER_TOPIC, "conformance_dlq", dead, offset_reset="earliest"
        )
        handler = _Handler()
        await self._subscribe(subject, "conformance_parking_dlq", handler)
        poisoned, _ = await self._poison(subject, env, handler)
        instance = str(poisoned.instance_id)

        async def dead_lettered() -> None:
            check_equal(
                "WEB-8",
                "dead-lettered sequence numbers of X",
                [2, 3, 4],
                [
                    number
                    for stream, number in map(_stream_and_sequence, dead.records)
                    if stream == instance
                ],
            )

        await self.eventually(dead_lettered)

    @rule("WEB-8", "RP-2")
    async def test_WEB_8_a_non_retryable_error_parks_at_once(
        self, subject: Bus, env: SuiteEnvironment
    ) -> None:
        """A non-retryable error is not retried: the stream is parked after one try."""
        handler = _Handler()
        events = EventFactory().batch(3)
        handler.always_fail.add(events[0].event_id)
        base = self.retry_policy
        policy = RetryPolicy(
            initial_interval=base.initial_interval,
            backoff_coefficient=base.backoff_coefficient,
            maximum_interval=base.maximum_interval,
            maximum_attempts=5,
            non_retryable_errors=(KitPoisonError.__name__,),
        )
        await subject.subscribe_to_workflow_events(
            WORKFLOW_TYPE,
            "conformance_poison",
            handler,
            offset_reset="earliest",
            retry_policy=policy,
        )
        await self._publish(subject, env, events)

        async def parked() -> None:
            report = await subject.health_check()
            check_equal(
                "WEB-8", "health after a non-retryable error", "warning", report.status
            )

        await self.eventually(parked)
        check_equal(
            "WEB-8",
            "(deliveries of event 1, events handled)",
            (1, 0),
            (handler.deliveries[events[0].event_id], len(handler.events)),
        )

    # --- WEV-4, WEV-6 on the bus ---------------------------------------------------

    @rule("WEV-6")
    async def test_WEV_6_the_bus_refuses_bad_workflow_types(
        self, subject: Bus, env: SuiteEnvironment
    ) -> None:
        """Subscribing to, publishing and replaying ``a.b`` are refused."""
        await check_raises(
            "WEV-6",
            InvalidInputError,
            subject.subscribe_to_workflow_events("a.b", "conformance", _Handler()),
            doing="subscribe_to_workflow_events('a.b', ...)",
        )
        event = EventFactory("a-b").batch(1)[0]
        await check_raises(
            "WEV-6",
            InvalidInputError,
            subject.publish_workflow_event(event),
            doing="publish_workflow_event of a workflow type 'a-b'",
        )
        await check_raises(
            "WEV-6",
            InvalidInputError,
            _replay_first(subject, uuid4(), 1, None, workflow_type="a b"),
            doing="replay_events('a b', ...)",
        )

    @rule("WEV-4")
    async def test_WEV_4_the_bus_refuses_an_empty_chain(
        self, subject: Bus, env: SuiteEnvironment
    ) -> None:
        """An event without a correlation chain is not published."""
        event = replace(EventFactory().batch(1)[0], correlation_chain=())
        await check_raises(
            "WEV-4",
            InvalidInputError,
            subject.publish_workflow_event(event),
            doing="publish_workflow_event of an empty correlation chain",
        )


async def _replay_first(
    bus: Bus,
    instance: UUID,
    first: int,
    last: int | None,
    *,
    workflow_type: str = WORKFLOW_TYPE,
) -> object:
    """Call ``replay_events`` and take the first step of its iterator."""
    events = await bus.replay_events(
        workflow_type, instance, from_sequence=first, to_sequence=last
    )
    try:
        return await anext(events)
    except StopAsyncIteration:
        return "an iterator that ended"
