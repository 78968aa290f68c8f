"""Conformance suite of ``ProtocolEventBus`` (EB-1 to EB-12 and the rules it carries).

Written for brokers that deliver asynchronously: every outcome is awaited
with ``eventually``, "nothing more happens" is checked after a short settle
time, and every duration the suite uses (retry intervals, settle time) is
multiplied by ``time_scale``, so an implementation on a networked broker
runs the suite unchanged with a larger scale. Topic and group names are
unique per test (``onex-conformance.<run>.<name>``), so a shared broker's
leftovers never interfere.

Besides ``create_subject``, an implementer declares ``drain_timeout`` (the
subject's, EB-6 and SUB-1) and, if the broker has one, ``max_message_bytes``,
and overrides the fault hooks they can supply: the broker unreachable and
reachable again, the broker stalled, a member crashing mid-handler, a raw
record written by a foreign producer, and retention removing records.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import ClassVar, Final, cast, get_args, override
from uuid import UUID, uuid4

import pytest

from omnibase.protocols.errors import (
    DeadlineExceededError,
    InvalidInputError,
    NotFoundError,
    OutcomeUnknownError,
    UnavailableError,
)
from omnibase.protocols.event_bus import ProtocolEventBus, ProtocolRebalanceListener
from omnibase.protocols.types import (
    DEAD_LETTER_HEADERS,
    HEALTHY_STATUSES,
    RAW_RECORD_EVENT_TYPE,
    EventMessage,
    Headers,
    OffsetReset,
    ProtocolEventHandler,
    ProtocolEventRecord,
    ProtocolPublishReceipt,
    ProtocolRetryPolicy,
    ProtocolUnsubscribe,
    TimestampType,
)
from omnibase.spi_conformance.suites._base import (
    SuiteEnvironment,
    check,
    check_equal,
    check_raises,
    fail,
    fault_hook,
    rule,
)
from omnibase.spi_conformance.suites._messaging import (
    Behaviour,
    Blocker,
    BrokerChecks,
    ConformanceFatalError,
    ConformanceFatalSubError,
    ConformanceHandlerError,
    ListenerEvent,
    Recorder,
    RecordingListener,
    SuiteMessage,
    SuiteMetadata,
    SuiteRetryPolicy,
    attributes_of,
    ownership_violations,
    qualified_name,
)
from omnibase.spi_conformance.suites.lifecycle import Call

__all__ = ["EventBusSuite"]

SETTLE: Final = timedelta(milliseconds=20)
"""How long "nothing more happens" is watched, before ``time_scale``."""

RETRY_INTERVAL: Final = timedelta(milliseconds=1)
"""The suite's retry policies' ``initial_interval``, before ``time_scale``."""

POISON: Final = b"poison"
"""The value the suite's failing handlers fail on."""


class EventBusSuite(BrokerChecks[ProtocolEventBus]):
    """Checks a ``ProtocolEventBus``.

    Attributes:
        time_scale: Multiplies every duration the suite uses; raise it for a
            networked broker (with ``eventually_within``).
        drain_timeout: The subject's drain timeout (EB-6, SUB-1): how long
            ``aclose`` and unsubscribing wait for handler calls in flight.
        max_message_bytes: The broker's message size limit (EB-12), or
            ``None`` to skip that check.
    """

    contract: ClassVar[type] = ProtocolEventBus
    OPTIONAL_CAPABILITIES: ClassVar[Mapping[str, str]] = {
        "partitions_lost": (
            "a member presumed dead hears on_partitions_lost for its "
            "partitions (RB-2); declare it if a crashed member (fault hook) "
            "survives to notice"
        ),
    }
    drain_timeout: ClassVar[timedelta] = timedelta(seconds=5)
    max_message_bytes: ClassVar[int | None] = None

    # --- what the implementer may supply -------------------------------------------

    @fault_hook
    async def fault_backend_restored(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """End what ``fault_backend_unreachable`` started.

        Args:
            subject: The bus under test.
            env: The test's environment.
        """

    @fault_hook
    async def fault_broker_stalls(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Make the broker stop answering without refusing connections.

        Publishes then wait for an acknowledgement that does not come.

        Args:
            subject: The bus under test.
            env: The test's environment.
        """

    @fault_hook
    async def fault_crash_member(
        self,
        subject: ProtocolEventBus,
        env: SuiteEnvironment,
        handler: ProtocolEventHandler,
    ) -> None:
        """Kill the member subscribed with ``handler`` while its handler runs.

        As a process crash or an expired session would: its call in flight
        never returns, it acknowledges nothing, and its group moves its
        partitions without an orderly hand-over.

        Args:
            subject: The bus under test.
            env: The test's environment.
            handler: The handler the member was subscribed with.
        """

    @fault_hook
    async def hook_write_raw_record(
        self,
        subject: ProtocolEventBus,
        env: SuiteEnvironment,
        topic: str,
        *,
        key: bytes,
        value: bytes,
        headers: Headers,
    ) -> None:
        """Write a record as a producer without CloudEvents headers would (EB-10).

        Args:
            subject: The bus under test.
            env: The test's environment.
            topic: The topic.
            key: The record key.
            value: The record value.
            headers: Its only headers (none reserved).
        """

    @fault_hook
    async def hook_expire_records(
        self,
        subject: ProtocolEventBus,
        env: SuiteEnvironment,
        topic: str,
        partition: int,
        before_offset: int,
    ) -> None:
        """Remove a partition's records before ``before_offset``, as retention does.

        Args:
            subject: The bus under test.
            env: The test's environment.
            topic: The topic.
            partition: The partition.
            before_offset: The oldest offset left.
        """

    # --- helpers ----------------------------------------------------------------------

    async def within[T](
        self, rule_id: str, limit: timedelta, what: str, operation: Awaitable[T]
    ) -> T:
        """Await ``operation``; fail ``rule_id`` if it takes longer than ``limit``."""
        deadline = asyncio.timeout(limit.total_seconds())
        try:
            async with deadline:
                return await operation
        except TimeoutError:
            if deadline.expired():
                raise fail(
                    rule_id, f"{what} within {limit}", "it did not finish"
                ) from None
            raise

    async def settle(self) -> None:
        """Give an asynchronous bus time to do what it must not do."""
        await asyncio.sleep(self.scaled(SETTLE).total_seconds())

    def retry_policy(
        self, attempts: int, *, non_retryable: tuple[str, ...] = ()
    ) -> ProtocolRetryPolicy:
        """Return a fast retry policy of ``attempts`` deliveries (0: unlimited)."""
        return cast(
            "ProtocolRetryPolicy",
            SuiteRetryPolicy(
                initial_interval=self.scaled(RETRY_INTERVAL),
                backoff_coefficient=2.0,
                maximum_interval=self.scaled(RETRY_INTERVAL * 4),
                maximum_attempts=attempts,
                non_retryable_errors=non_retryable,
            ),
        )

    def message(
        self,
        topic: str,
        value: bytes | None = b"value",
        *,
        key: bytes | None = b"key",
        headers: Headers = (),
        event_type: str = "onex.conformance.tested",
    ) -> EventMessage:
        """Return a message with fresh metadata."""
        return SuiteMessage(topic, key, value, SuiteMetadata.fresh(event_type), headers)

    async def until(
        self, rule_id: str, expected: str, probe: Callable[[], tuple[bool, object]]
    ) -> None:
        """Wait until ``probe`` reports success, failing ``rule_id`` otherwise."""

        async def attempt() -> None:
            ok, actual = probe()
            check(ok, rule_id, expected, actual)

        await self.eventually(attempt)

    async def delivered(
        self, rule_id: str, recorder: Recorder, count: int, what: str = "record"
    ) -> list[ProtocolEventRecord]:
        """Wait until ``recorder`` got at least ``count`` deliveries."""
        await self.until(
            rule_id,
            f"{count} {what} deliveries",
            lambda: (len(recorder.records) >= count, recorder.values()),
        )
        return recorder.records

    async def subscribe(
        self,
        subject: ProtocolEventBus,
        topic: str,
        group_id: str,
        handler: ProtocolEventHandler,
        *,
        offset_reset: OffsetReset = "earliest",
        retry_policy: ProtocolRetryPolicy | None = None,
        dead_letter_topic: str | None = None,
        listener: ProtocolRebalanceListener | None = None,
    ) -> ProtocolUnsubscribe:
        """``subscribe_to_topic`` with the suite's defaults (``earliest``)."""
        return await subject.subscribe_to_topic(
            topic,
            group_id,
            handler,
            offset_reset=offset_reset,
            retry_policy=retry_policy,
            dead_letter_topic=dead_letter_topic,
            rebalance_listener=listener,
        )

    async def healthy(self, subject: ProtocolEventBus) -> tuple[bool, object]:
        """Probe: is the bus healthy (HLT-1)?"""
        report = await subject.health_check()
        return report.status in HEALTHY_STATUSES, report.status

    @override
    def calls_after_close(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> Mapping[str, Call]:
        """``publish`` and ``subscribe_to_topic`` after ``aclose`` (LC-3)."""
        topic = self.topic(env, "closed")
        return {
            "publish": lambda: subject.publish(self.message(topic)),
            "subscribe_to_topic": lambda: subject.subscribe_to_topic(
                topic, self.group(env, "closed"), Recorder()
            ),
        }

    # --- messages (EVT) ---------------------------------------------------------------

    @rule("EVT-1")
    async def test_EVT_1_bad_topic_names_are_refused(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Names outside 1-249 of ``[A-Za-z0-9._-]``, ``.`` and ``..`` are refused."""
        group = self.group(env, "g")
        for bad in ("", ".", "..", "a/b", "x" * 250, "caf\u00e9", "a b"):
            await check_raises(
                "EVT-1",
                InvalidInputError,
                subject.publish(self.message(bad)),
                doing=f"publish to the topic {bad!r}",
            )
            await check_raises(
                "EVT-1",
                InvalidInputError,
                subject.subscribe_to_topic(bad, group, Recorder()),
                doing=f"subscribe_to_topic({bad!r})",
            )
        receipt = await subject.publish(self.message(self.topic(env, "a.b_c-D9...")))
        check_equal(
            "EVT-1",
            "the receipt's topic",
            self.topic(env, "a.b_c-D9..."),
            receipt.topic,
        )

    @rule("EVT-2")
    async def test_EVT_2_a_tombstone_is_delivered_and_needs_a_key(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """``value=None`` with a key is delivered; without a key it is refused."""
        topic = self.topic(env, "tombstones")
        recorder = Recorder()
        await self.subscribe(subject, topic, self.group(env, "g"), recorder)
        await subject.publish(self.message(topic, None, key=b"gone"))
        records = await self.delivered("EVT-2", recorder, 1, "tombstone")
        check_equal("EVT-2", "the tombstone's value", None, records[0].value)
        check_equal("EVT-2", "the tombstone's key", b"gone", records[0].key)
        await check_raises(
            "EVT-2",
            InvalidInputError,
            subject.publish(self.message(topic, None, key=None)),
            doing="publish of a message without key and value",
        )

    @rule("EVT-3")
    async def test_EVT_3_equal_keys_share_a_partition_in_publish_order(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """One producer's messages of one key share a partition and keep order."""
        topic = self.topic(env, "ordered")
        values = [f"m{n}".encode() for n in range(6)]
        receipts = [
            await subject.publish(self.message(topic, value, key=b"same"))
            for value in values
        ]
        partitions = {receipt.partition for receipt in receipts}
        check(len(partitions) == 1, "EVT-3", "one partition for one key", partitions)
        offsets = [receipt.offset for receipt in receipts]
        check(offsets == sorted(set(offsets)), "EVT-3", "growing offsets", offsets)
        recorder = Recorder()
        await self.subscribe(subject, topic, self.group(env, "g"), recorder)
        await self.delivered("EVT-3", recorder, len(values))
        check_equal("EVT-3", "the delivery order", values, recorder.values())

    @rule("EVT-4")
    async def test_EVT_4_reserved_header_names_are_refused(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """``ce_*``, ``onex-*`` and ``content-type`` headers are the bus's own."""
        topic = self.topic(env, "headers")
        for name in (
            "ce_id",
            "CE_Type",
            "ce_tenant",
            "onex-error-type",
            "ONEX-x",
            "content-type",
            "Content-Type",
        ):
            await check_raises(
                "EVT-4",
                InvalidInputError,
                subject.publish(self.message(topic, headers=((name, b"x"),))),
                doing=f"publish with an application header named {name!r}",
            )
        receipt = await subject.publish(self.message(topic, headers=(("x-ce_", b"1"),)))
        check_equal("EVT-4", "the receipt's topic", topic, receipt.topic)

    @rule("EVT-5", "EVM-3")
    async def test_EVT_5_a_record_carries_exactly_what_was_published(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Key, value, headers (order, repeats) and every attribute round-trip."""
        topic = self.topic(env, "round-trip")
        metadata = SuiteMetadata(
            event_id="conformance:" + uuid4().hex,
            source="/onex/conformance/round-trip",
            event_type="onex.conformance.round_trip",
            occurred_at=datetime(2026, 2, 3, 4, 5, 6, 789000, tzinfo=UTC),
            subject="order-17",
            content_type="application/cloudevents-test+json",
            data_schema="https://example.org/schemas/order.json",
            correlation_id=UUID("6f1c2f0e-8a3b-4c5d-9e7f-0a1b2c3d4e5f"),
            causation_id="cause-42",
            trace_parent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            trace_state="vendor=opaque",
            extensions={"tenant": "acme", "region7": "eu"},
        )
        headers = (("x-a", b"1"), ("x-b", b"\x00\xff"), ("x-a", b"3"))
        message = SuiteMessage(topic, b"key-1", b'{"n":1}', metadata, headers)
        recorder = Recorder()
        await self.subscribe(subject, topic, self.group(env, "g"), recorder)
        await subject.publish(message)
        record = (await self.delivered("EVT-5", recorder, 1))[0]
        check_equal("EVT-5", "the record's topic", topic, record.topic)
        check_equal("EVT-5", "the record's key", b"key-1", record.key)
        check_equal("EVT-5", "the record's value", b'{"n":1}', record.value)
        check_equal("EVT-5", "the record's headers", headers, tuple(record.headers))
        check_equal(
            "EVT-5",
            "the record's metadata",
            attributes_of(metadata),
            attributes_of(record.metadata),
        )

    @rule("REC-1", "T-2")
    async def test_REC_1_record_time_matches_the_receipt(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """A record's timestamp is its receipt's (when given), in UTC."""
        topic = self.topic(env, "times")
        recorder = Recorder()
        await self.subscribe(subject, topic, self.group(env, "g"), recorder)
        receipt = await subject.publish(self.message(topic))
        record = (await self.delivered("REC-1", recorder, 1))[0]
        if receipt.timestamp is not None:
            check_equal(
                "REC-1", "the record's timestamp", receipt.timestamp, record.timestamp
            )
            check(
                receipt.timestamp.utcoffset() == timedelta(0),
                "T-2",
                "a UTC receipt timestamp",
                receipt.timestamp,
            )
        check(
            record.timestamp.utcoffset() == timedelta(0),
            "T-2",
            "a UTC record timestamp",
            record.timestamp,
        )
        timestamp_type: object = record.timestamp_type
        check(
            timestamp_type in get_args(TimestampType),
            "REC-1",
            "a TimestampType",
            timestamp_type,
        )

    # --- handlers (EH) ----------------------------------------------------------------

    async def subscribe_failing_once(
        self,
        subject: ProtocolEventBus,
        env: SuiteEnvironment,
        topic: str,
        error: BaseException,
    ) -> Recorder:
        """Subscribe a recorder whose first delivery raises ``error``.

        Args:
            subject: The bus.
            env: The test's environment (names the group).
            topic: The topic.
            error: Raised by the handler on the first delivery only.

        Returns:
            The recorder; the subscription allows three attempts.
        """

        async def fail_first(record: ProtocolEventRecord) -> None:
            if len(recorder.records) == 1:
                raise error

        recorder = Recorder(fail_first)
        await self.subscribe(
            subject,
            topic,
            self.group(env, "g"),
            recorder,
            retry_policy=self.retry_policy(3),
        )
        return recorder

    @rule("EH-1")
    async def test_EH_1_a_failing_handler_gets_the_record_again(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """A handler that raises is called again; ``publish`` does not see it."""
        topic = self.topic(env, "flaky")

        recorder = await self.subscribe_failing_once(
            subject, env, topic, ConformanceHandlerError("first delivery fails")
        )
        try:
            await subject.publish(self.message(topic))
        except ConformanceHandlerError as error:
            raise fail("EH-1", "publish to return", "the handler's error") from error
        await self.delivered("EH-1", recorder, 2, "deliveries of the failed record:")

    @rule("EH-1")
    async def test_EH_1_cancelled_error_raised_by_a_handler_is_a_failure(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """A handler's own ``CancelledError`` means "not processed", nothing more."""
        topic = self.topic(env, "cancelling")

        recorder = await self.subscribe_failing_once(
            subject, env, topic, asyncio.CancelledError()
        )
        try:
            await subject.publish(self.message(topic))
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise
            raise fail(
                "EH-1", "publish to return", "the handler's CancelledError escaped"
            ) from None
        await self.delivered("EH-1", recorder, 2, "deliveries of the record:")

    @rule("EH-2", "EVM-1")
    async def test_EH_2_every_delivery_has_the_same_source_and_event_id(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """A redelivery carries the published ``(source, event_id)``."""
        topic = self.topic(env, "dedupe")

        recorder = await self.subscribe_failing_once(
            subject, env, topic, ConformanceHandlerError("first delivery fails")
        )
        message = self.message(topic)
        await subject.publish(message)
        records = await self.delivered("EH-2", recorder, 2)
        published = (message.metadata.source, message.metadata.event_id)
        for record in records:
            check_equal(
                "EH-2",
                "(source, event_id) of a delivery",
                published,
                (record.metadata.source, record.metadata.event_id),
            )

    # --- publish (EB-1, EB-12, T-6, ERR-1) --------------------------------------------

    @rule("EB-1")
    async def test_EB_1_the_receipt_names_where_the_record_is(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """A group finds each record at its receipt's partition and offset."""
        topic = self.topic(env, "receipts")
        values = [b"r0", b"r1", b"r2"]
        receipts: dict[bytes, ProtocolPublishReceipt] = {}
        for n, value in enumerate(values):
            receipts[value] = await subject.publish(
                self.message(topic, value, key=f"k{n}".encode())
            )
        for value, receipt in receipts.items():
            check_equal(
                "EB-1", f"the topic of the receipt of {value!r}", topic, receipt.topic
            )
        recorder = Recorder()
        await self.subscribe(subject, topic, self.group(env, "g"), recorder)
        await self.delivered("EB-1", recorder, len(values))
        for record in recorder.records:
            found = receipts.get(record.value or b"")
            if found is None:
                raise fail("EB-1", "only the published values", record.value)
            check_equal(
                "EB-1",
                f"the position of {record.value!r}",
                (found.partition, found.offset),
                (record.partition, record.offset),
            )

    @rule("EB-12")
    async def test_EB_12_unreachable_broker_refuses_and_loses_nothing(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Unreachable: ``UnavailableError``, nothing stored; back: delivery goes on."""
        self.require_hook("fault_backend_unreachable")
        self.require_hook("fault_backend_restored")
        topic = self.topic(env, "outage")
        recorder = Recorder()
        await self.subscribe(subject, topic, self.group(env, "g"), recorder)
        await subject.publish(self.message(topic, b"before", key=b"k"))
        await self.delivered("EB-12", recorder, 1)
        await self.fault_backend_unreachable(subject, env)
        await self.within(
            "EB-12",
            self.eventually_within,
            "publish to fail",
            check_raises(
                "EB-12",
                UnavailableError,
                subject.publish(self.message(topic, b"during", key=b"k")),
                doing="publish while the broker is unreachable",
            ),
        )
        await self.fault_backend_restored(subject, env)
        await subject.publish(self.message(topic, b"after", key=b"k"))
        await self.delivered("EB-12", recorder, 2)
        await self.settle()
        check_equal(
            "EB-12", "the values delivered", [b"before", b"after"], recorder.values()
        )

    @rule("EB-12")
    async def test_EB_12_stalled_broker_times_out(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """No acknowledgement within ``timeout``: ``DeadlineExceededError``."""
        self.require_hook("fault_broker_stalls")
        await self.fault_broker_stalls(subject, env)
        limit = self.scaled(timedelta(milliseconds=50))
        await self.within(
            "EB-12",
            limit + self.eventually_within,
            "publish to give up at its timeout",
            check_raises(
                "EB-12",
                DeadlineExceededError,
                subject.publish(
                    self.message(self.topic(env, "stalled")), timeout=limit
                ),
                doing="publish to a broker that does not answer",
            ),
        )

    @rule("EB-12")
    async def test_EB_12_a_message_above_the_size_limit_is_invalid_input(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Larger than the broker accepts: ``InvalidInputError``."""
        limit = self.max_message_bytes
        if limit is None:
            pytest.skip("max_message_bytes not declared")
        topic = self.topic(env, "sizes")
        await check_raises(
            "EB-12",
            InvalidInputError,
            subject.publish(self.message(topic, b"x" * (limit + 1))),
            doing=f"publish of a value of {limit + 1} bytes",
        )
        receipt = await subject.publish(self.message(topic, b"x" * (limit // 2)))
        check_equal("EB-12", "the receipt's topic", topic, receipt.topic)

    @rule("T-6")
    async def test_T_6_a_timeout_that_is_not_positive_is_refused(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """``timeout=timedelta(0)`` or negative raises, never "use the default"."""
        topic = self.topic(env, "timeouts")
        for timeout in (timedelta(0), timedelta(seconds=-1)):
            await check_raises(
                "T-6",
                InvalidInputError,
                subject.publish(self.message(topic), timeout=timeout),
                doing=f"publish(timeout={timeout!r})",
            )

    @rule("ERR-1")
    async def test_ERR_1_wrong_typed_arguments_are_invalid_input(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Wrong-typed input raises ``InvalidInputError``, not a builtin error."""
        topic = self.topic(env, "types")
        metadata = SuiteMetadata.fresh()
        wrong_messages: list[tuple[str, object]] = [
            ("topic=None", SuiteMessage(cast("str", None), b"k", b"v", metadata)),
            ("a str key", SuiteMessage(topic, cast("bytes", "k"), b"v", metadata)),
            ("a str value", SuiteMessage(topic, b"k", cast("bytes", "v"), metadata)),
            (
                "headers='x'",
                SuiteMessage(topic, b"k", b"v", metadata, cast("Headers", "x")),
            ),
            (
                "a str header value",
                SuiteMessage(
                    topic, b"k", b"v", metadata, cast("Headers", (("h", "v"),))
                ),
            ),
            (
                "metadata=None",
                SuiteMessage(topic, b"k", b"v", cast("SuiteMetadata", None)),
            ),
            ("None as the message", None),
        ]
        for what, message in wrong_messages:
            await check_raises(
                "ERR-1",
                InvalidInputError,
                subject.publish(cast("EventMessage", message)),
                doing=f"publish with {what}",
            )
        await check_raises(
            "ERR-1",
            InvalidInputError,
            subject.publish(self.message(topic), timeout=cast("timedelta", 5)),
            doing="publish with timeout=5",
        )
        group = self.group(env, "g")
        wrong_subscriptions: list[tuple[str, Callable[[], Awaitable[object]]]] = [
            (
                "topic=None",
                lambda: subject.subscribe_to_topic(
                    cast("str", None), group, Recorder()
                ),
            ),
            (
                "group_id=None",
                lambda: subject.subscribe_to_topic(
                    topic, cast("str", None), Recorder()
                ),
            ),
            ("group_id=''", lambda: subject.subscribe_to_topic(topic, "", Recorder())),
            (
                "handler=None",
                lambda: subject.subscribe_to_topic(
                    topic, group, cast("ProtocolEventHandler", None)
                ),
            ),
            (
                "offset_reset='begin'",
                lambda: subject.subscribe_to_topic(
                    topic, group, Recorder(), offset_reset=cast("OffsetReset", "begin")
                ),
            ),
        ]
        for what, call in wrong_subscriptions:
            await check_raises(
                "ERR-1",
                InvalidInputError,
                call(),
                doing=f"subscribe_to_topic with {what}",
            )

    # --- groups and positions (EB-2) --------------------------------------------------

    @rule("EB-2")
    async def test_EB_2_groups_get_every_record_and_members_share_them(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Each group gets each record once; a group's members split them."""
        topic = self.topic(env, "shared")
        first, second, alone = Recorder(), Recorder(), Recorder()
        await self.subscribe(subject, topic, self.group(env, "pair"), first)
        await self.subscribe(subject, topic, self.group(env, "pair"), second)
        await self.subscribe(subject, topic, self.group(env, "alone"), alone)
        count = 12
        for n in range(count):
            await subject.publish(
                self.message(topic, f"m{n}".encode(), key=f"k{n}".encode())
            )
        await self.until(
            "EB-2",
            f"{count} records in the pair group",
            lambda: (
                len(first.records) + len(second.records) >= count,
                first.values() + second.values(),
            ),
        )
        await self.delivered("EB-2", alone, count)
        await self.settle()
        ids_first = {r.metadata.event_id for r in first.records}
        ids_second = {r.metadata.event_id for r in second.records}
        check(
            not ids_first & ids_second,
            "EB-2",
            "no record handled by both members of a group",
            sorted(ids_first & ids_second),
        )
        check_equal(
            "EB-2",
            "deliveries in the pair group",
            count,
            len(first.records) + len(second.records),
        )
        check_equal(
            "EB-2", "deliveries in the single-member group", count, len(alone.records)
        )
        partitions_first = {r.partition for r in first.records}
        partitions_second = {r.partition for r in second.records}
        check(
            not partitions_first & partitions_second,
            "EB-2",
            "each partition consumed by one member",
            (partitions_first, partitions_second),
        )

    @rule("EB-2")
    async def test_EB_2_latest_starts_when_subscribe_returns(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """A new ``latest`` group gets what is published after, nothing before."""
        topic = self.topic(env, "latest")
        await subject.publish(self.message(topic, b"before", key=b"k"))
        recorder = Recorder()
        await self.subscribe(
            subject, topic, self.group(env, "g"), recorder, offset_reset="latest"
        )
        await subject.publish(self.message(topic, b"after", key=b"k"))
        await self.delivered("EB-2", recorder, 1)
        await self.settle()
        check_equal("EB-2", "the values delivered", [b"after"], recorder.values())

    @rule("EB-2")
    async def test_EB_2_earliest_starts_at_the_oldest_record(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """A new ``earliest`` group gets what was published before it."""
        topic = self.topic(env, "earliest")
        for value in (b"one", b"two"):
            await subject.publish(self.message(topic, value, key=b"k"))
        recorder = Recorder()
        await self.subscribe(subject, topic, self.group(env, "g"), recorder)
        await self.delivered("EB-2", recorder, 2)
        check_equal("EB-2", "the values delivered", [b"one", b"two"], recorder.values())

    @rule("EB-2")
    async def test_EB_2_none_for_a_new_group_is_not_found(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """``offset_reset="none"`` for a group without a position raises."""
        topic = self.topic(env, "none")
        await subject.publish(self.message(topic))
        await check_raises(
            "EB-2",
            NotFoundError,
            subject.subscribe_to_topic(
                topic, self.group(env, "new"), Recorder(), offset_reset="none"
            ),
            doing="subscribe_to_topic(offset_reset='none') for a new group",
        )

    @rule("EB-2")
    async def test_EB_2_a_group_resumes_at_its_position(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """A group without members resumes at its position, whatever the reset."""
        topic = self.topic(env, "resume")
        group = self.group(env, "g")
        recorder = Recorder()
        unsubscribe = await self.subscribe(subject, topic, group, recorder)
        await subject.publish(self.message(topic, b"m1", key=b"k"))
        await self.delivered("EB-2", recorder, 1)
        await unsubscribe()
        await subject.publish(self.message(topic, b"m2", key=b"k"))
        again = Recorder()
        unsubscribe = await self.subscribe(
            subject, topic, group, again, offset_reset="latest"
        )
        await self.delivered("EB-2", again, 1)
        await unsubscribe()
        await subject.publish(self.message(topic, b"m3", key=b"k"))
        third = Recorder()
        await self.subscribe(subject, topic, group, third, offset_reset="none")
        await self.delivered("EB-2", third, 1)
        await self.settle()
        check_equal("EB-2", "the values after rejoining", [b"m2"], again.values())
        check_equal(
            "EB-2", "the values after rejoining with none", [b"m3"], third.values()
        )

    async def _expired_backlog(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> tuple[str, str]:
        """Leave group ``g`` after m0; publish m1..m3; retention removes m0, m1."""
        self.require_hook("hook_expire_records")
        topic, group = self.topic(env, "retention"), self.group(env, "g")
        recorder, observer = Recorder(), Recorder()
        await self.subscribe(subject, topic, self.group(env, "observer"), observer)
        unsubscribe = await self.subscribe(subject, topic, group, recorder)
        await subject.publish(self.message(topic, b"m0", key=b"k"))
        await self.delivered("EB-2", recorder, 1)
        await unsubscribe()
        for value in (b"m1", b"m2", b"m3"):
            await subject.publish(self.message(topic, value, key=b"k"))
        await self.delivered("EB-2", observer, 4)
        for record in observer.records:
            if record.value in (b"m0", b"m1"):
                await self.hook_expire_records(
                    subject, env, topic, record.partition, record.offset + 1
                )
        return topic, group

    @rule("EB-2", "EVT-3")
    async def test_EB_2_a_lost_position_with_earliest_moves_to_the_oldest(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Position no longer retained, ``earliest``: the oldest retained next."""
        topic, group = await self._expired_backlog(subject, env)
        recorder = Recorder()
        await self.subscribe(subject, topic, group, recorder, offset_reset="earliest")
        await self.delivered("EB-2", recorder, 2)
        await self.settle()
        check_equal("EB-2", "the values delivered", [b"m2", b"m3"], recorder.values())

    @rule("EB-2", "EVT-3")
    async def test_EB_2_a_lost_position_with_latest_moves_to_the_end(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Position no longer retained, ``latest``: only what comes next."""
        topic, group = await self._expired_backlog(subject, env)
        recorder = Recorder()
        await self.subscribe(subject, topic, group, recorder, offset_reset="latest")
        await self.settle()
        await subject.publish(self.message(topic, b"m4", key=b"k"))
        await self.delivered("EB-2", recorder, 1)
        await self.settle()
        check_equal("EB-2", "the values delivered", [b"m4"], recorder.values())

    @rule("EB-2", "EB-8", "EVT-3")
    async def test_EB_2_a_lost_position_with_none_stops(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Position no longer retained, ``none``: nothing skipped, the bus stops."""
        topic, group = await self._expired_backlog(subject, env)
        recorder = Recorder()
        unsubscribe = await self.subscribe(
            subject, topic, group, recorder, offset_reset="none"
        )

        async def critical() -> tuple[bool, object]:
            report = await subject.health_check()
            return report.status == "critical", report.status

        async def probe() -> None:
            ok, status = await critical()
            check(ok, "EB-2", "health critical after a lost position with none", status)

        await self.eventually(probe)
        check_equal("EB-2", "the values delivered", [], recorder.values())
        await unsubscribe()

    # --- order and hand-over (EB-3) ---------------------------------------------------

    @rule("EB-3", "EVT-3")
    async def test_EB_3_a_partition_is_handled_one_call_at_a_time_in_order(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """No two calls for one partition overlap; they follow offset order."""
        topic = self.topic(env, "serial")
        running: dict[int, int] = {}
        overlaps: list[int] = []

        async def slow(record: ProtocolEventRecord) -> None:
            running[record.partition] = running.get(record.partition, 0) + 1
            if running[record.partition] > 1:
                overlaps.append(record.offset)
            for _ in range(3):
                await asyncio.sleep(
                    self.scaled(timedelta(milliseconds=1)).total_seconds()
                )
            running[record.partition] -= 1

        values = [f"m{n}".encode() for n in range(6)]
        for value in values:  # a backlog first: all pending at once
            await subject.publish(self.message(topic, value, key=b"same"))
        recorder = Recorder(slow)
        await self.subscribe(subject, topic, self.group(env, "g"), recorder)
        await subject.publish(self.message(topic, b"m6", key=b"same"))
        values.append(b"m6")
        await self.delivered("EB-3", recorder, len(values))
        check_equal("EB-3", "overlapping calls on one partition", [], overlaps)
        check_equal("EB-3", "the order of calls", values, recorder.values())

    @rule("EB-3", "EB-11")
    async def test_EB_3_a_hand_over_waits_for_the_call_in_flight(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """A joining member never overlaps the old owner's running call."""
        topic, group = self.topic(env, "hand-over"), self.group(env, "g")
        log: list[ListenerEvent] = []
        active: list[str] = []
        overlaps: list[str] = []
        blocker = Blocker(only=b"held")

        def tracked(name: str, then: Behaviour) -> Recorder:
            async def behaviour(record: ProtocolEventRecord) -> None:
                if active:
                    overlaps.append(f"{name} started while {active} ran")
                active.append(name)
                try:
                    await then(record)
                finally:
                    active.remove(name)

            return Recorder(behaviour)

        async def quick(record: ProtocolEventRecord) -> None:
            await asyncio.sleep(0)

        first, second = tracked("first", blocker), tracked("second", quick)
        await self.subscribe(
            subject, topic, group, first, listener=RecordingListener("first", log)
        )
        publishing = asyncio.create_task(
            subject.publish(self.message(topic, b"held", key=b"k"))
        )
        await self.within(
            "EB-3", self.eventually_within, "the handler called", blocker.started.wait()
        )
        joining = asyncio.create_task(
            self.subscribe(
                subject, topic, group, second, listener=RecordingListener("second", log)
            )
        )
        try:
            await self.settle()
            held = {(topic, first.records[0].partition)}
            early = [
                e
                for e in log
                if e.member == "first" and e.kind == "revoked" and e.partitions & held
            ]
            check_equal(
                "EB-11", "revokes of the busy partition while its call runs", [], early
            )
        finally:
            blocker.release.set()
        await publishing
        await joining
        await subject.publish(self.message(topic, b"next", key=b"k"))
        await self.until(
            "EB-3",
            "the next record delivered",
            lambda: (
                b"next" in first.values() + second.values(),
                first.values() + second.values(),
            ),
        )
        check_equal("EB-3", "calls overlapping on one partition", [], overlaps)

    # --- acknowledgement, retries, dead letters (EB-4, EB-5, EB-7, RP) ----------------

    @rule("EB-4")
    async def test_EB_4_a_crashed_member_acknowledged_nothing(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """The record a member was handling when it crashed goes to another."""
        self.require_hook("fault_crash_member")
        topic, group = self.topic(env, "crash"), self.group(env, "g")
        blocker = Blocker()
        doomed, survivor = Recorder(blocker), Recorder()
        await self.subscribe(subject, topic, group, doomed)
        publishing = asyncio.create_task(
            subject.publish(self.message(topic, b"m", key=b"k"))
        )
        await self.within(
            "EB-4", self.eventually_within, "the handler called", blocker.started.wait()
        )
        joining = asyncio.create_task(self.subscribe(subject, topic, group, survivor))
        await self.fault_crash_member(subject, env, doomed)
        await self.delivered("EB-4", survivor, 1, "redelivered")
        check_equal("EB-4", "the redelivered value", b"m", survivor.records[0].value)
        await publishing
        await joining

    @rule("EB-5", "EB-7")
    async def test_EB_5_a_failed_record_is_retried_with_growing_attempts(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Two failures, then success: attempts 1, 2, 3, then the next record."""
        topic = self.topic(env, "retries")

        async def fail_twice(record: ProtocolEventRecord) -> None:
            if record.value == POISON and record.delivery_attempt < 3:
                raise ConformanceHandlerError(f"attempt {record.delivery_attempt}")

        recorder = Recorder(fail_twice)
        await self.subscribe(
            subject,
            topic,
            self.group(env, "g"),
            recorder,
            retry_policy=self.retry_policy(5),
        )
        await subject.publish(self.message(topic, POISON, key=b"k"))
        await subject.publish(self.message(topic, b"next", key=b"k"))
        await self.delivered("EB-5", recorder, 4)
        check_equal(
            "EB-5",
            "(value, attempt) of the deliveries",
            [(POISON, 1), (POISON, 2), (POISON, 3), (b"next", 1)],
            [(r.value, r.delivery_attempt) for r in recorder.records],
        )

    @rule("EB-5")
    async def test_EB_5_an_exhausted_record_is_dead_lettered_with_its_details(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Key, value, metadata kept; headers then the dead-letter details."""
        topic, dead = self.topic(env, "work"), self.topic(env, "work-dead")
        group = self.group(env, "g")

        async def fail(record: ProtocolEventRecord) -> None:
            if record.value == POISON:
                raise ConformanceHandlerError("boom")

        recorder, letters = Recorder(fail), Recorder()
        await self.subscribe(subject, dead, self.group(env, "ops"), letters)
        await self.subscribe(
            subject,
            topic,
            group,
            recorder,
            retry_policy=self.retry_policy(2),
            dead_letter_topic=dead,
        )
        headers = (("x-a", b"1"),)
        poison = self.message(topic, POISON, key=b"k", headers=headers)
        await subject.publish(poison)
        await subject.publish(self.message(topic, b"next", key=b"k"))
        await self.delivered("EB-5", letters, 1, "dead-letter")
        await self.delivered("EB-5", recorder, 3)
        letter, failed = letters.records[0], recorder.records[0]
        check_equal("EB-5", "the dead letter's key", b"k", letter.key)
        check_equal("EB-5", "the dead letter's value", POISON, letter.value)
        check_equal(
            "EB-5",
            "the dead letter's metadata",
            attributes_of(poison.metadata),
            attributes_of(letter.metadata),
        )
        expected = (
            *headers,
            ("onex-error-type", qualified_name(ConformanceHandlerError).encode()),
            ("onex-error-message", b"boom"),
            ("onex-source-topic", topic.encode()),
            ("onex-source-partition", str(failed.partition).encode()),
            ("onex-source-offset", str(failed.offset).encode()),
            ("onex-source-group", group.encode()),
            ("onex-attempts", b"2"),
        )
        check_equal(
            "EB-5", "the dead letter's headers", expected, tuple(letter.headers)
        )
        check_equal(
            "EB-5",
            "header names after the record's own",
            DEAD_LETTER_HEADERS,
            tuple(name for name, _ in letter.headers[len(headers) :]),
        )
        check_equal(
            "EB-5",
            "deliveries on the topic",
            [(POISON, 1), (POISON, 2), (b"next", 1)],
            [(r.value, r.delivery_attempt) for r in recorder.records],
        )

    @rule("EB-5")
    async def test_EB_5_a_dead_letter_topic_equal_to_the_topic_is_refused(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Dead-lettering into the topic itself would loop: refused."""
        topic = self.topic(env, "loop")
        await check_raises(
            "EB-5",
            InvalidInputError,
            subject.subscribe_to_topic(
                topic, self.group(env, "g"), Recorder(), dead_letter_topic=topic
            ),
            doing="subscribe_to_topic with dead_letter_topic == topic",
        )

    @rule("EB-5", "T-3")
    async def test_EB_5_the_default_policy_gives_up_in_the_end(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """``retry_policy=None``: a finite default, then the dead-letter topic."""
        topic, dead = self.topic(env, "default"), self.topic(env, "default-dead")

        async def fail(record: ProtocolEventRecord) -> None:
            raise ConformanceHandlerError("always")

        letters = Recorder()
        await self.subscribe(subject, dead, self.group(env, "ops"), letters)
        await subject.subscribe_to_topic(
            topic,
            self.group(env, "g"),
            Recorder(fail),
            dead_letter_topic=dead,
            offset_reset="earliest",
        )
        await subject.publish(self.message(topic, POISON))
        await self.delivered("EB-5", letters, 1, "dead-letter")

    @rule("RP-1")
    async def test_RP_1_unlimited_attempts_never_overflow_the_delay(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """``maximum_attempts=0``: 64 failures, then success, then the next record."""
        topic = self.topic(env, "unlimited")
        failures = 64

        async def fail_long(record: ProtocolEventRecord) -> None:
            if record.value == POISON and record.delivery_attempt <= failures:
                raise ConformanceHandlerError(f"attempt {record.delivery_attempt}")

        recorder = Recorder(fail_long)
        policy = cast(
            "ProtocolRetryPolicy",
            SuiteRetryPolicy(
                initial_interval=self.scaled(RETRY_INTERVAL),
                backoff_coefficient=2.0,
                maximum_interval=self.scaled(RETRY_INTERVAL),
                maximum_attempts=0,
            ),
        )
        await self.subscribe(
            subject, topic, self.group(env, "g"), recorder, retry_policy=policy
        )
        await subject.publish(self.message(topic, POISON, key=b"k"))
        await subject.publish(self.message(topic, b"next", key=b"k"))
        await self.until(
            "RP-1",
            f"{failures + 1} deliveries of the failing record, then the next",
            lambda: (b"next" in recorder.values(), len(recorder.records)),
        )
        check_equal(
            "RP-1",
            "the attempt that succeeded",
            failures + 1,
            max(r.delivery_attempt for r in recorder.records if r.value == POISON),
        )

    async def _dead_lettered_after(
        self,
        subject: ProtocolEventBus,
        env: SuiteEnvironment,
        names: tuple[str, ...],
        error: type[Exception],
        failures: int,
    ) -> tuple[Recorder, Recorder]:
        topic, dead = self.topic(env, "fatal"), self.topic(env, "fatal-dead")

        async def fail(record: ProtocolEventRecord) -> None:
            if record.value == POISON and record.delivery_attempt <= failures:
                raise error("fatal")

        recorder, letters = Recorder(fail), Recorder()
        await self.subscribe(subject, dead, self.group(env, "ops"), letters)
        await self.subscribe(
            subject,
            topic,
            self.group(env, "g"),
            recorder,
            retry_policy=self.retry_policy(5, non_retryable=names),
            dead_letter_topic=dead,
        )
        await subject.publish(self.message(topic, POISON, key=b"k"))
        await subject.publish(self.message(topic, b"next", key=b"k"))
        await self.until(
            "RP-2",
            "the next record delivered",
            lambda: (b"next" in recorder.values(), recorder.values()),
        )
        await self.settle()
        return recorder, letters

    @rule("RP-2")
    async def test_RP_2_a_class_name_is_not_retried(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """An error whose ``__name__`` is listed is dead-lettered after one call."""
        recorder, letters = await self._dead_lettered_after(
            subject, env, ("ConformanceFatalError",), ConformanceFatalError, 5
        )
        check_equal(
            "RP-2",
            "calls with the failing record",
            [1],
            [r.delivery_attempt for r in recorder.records if r.value == POISON],
        )
        check_equal("RP-2", "dead letters", [POISON], letters.values())

    @rule("RP-2")
    async def test_RP_2_a_qualified_name_is_not_retried(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """An error whose ``module.qualname`` is listed is dead-lettered at once."""
        recorder, letters = await self._dead_lettered_after(
            subject,
            env,
            (qualified_name(ConformanceFatalError),),
            ConformanceFatalError,
            5,
        )
        check_equal(
            "RP-2",
            "calls with the failing record",
            [1],
            [r.delivery_attempt for r in recorder.records if r.value == POISON],
        )
        check_equal("RP-2", "dead letters", [POISON], letters.values())

    @rule("RP-2")
    async def test_RP_2_subclasses_of_a_listed_error_are_retried(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Base classes are not consulted: a subclass is retried like any error."""
        recorder, letters = await self._dead_lettered_after(
            subject,
            env,
            ("ConformanceFatalError", qualified_name(ConformanceFatalError)),
            ConformanceFatalSubError,
            2,
        )
        check_equal(
            "RP-2",
            "calls with the failing record",
            [1, 2, 3],
            [r.delivery_attempt for r in recorder.records if r.value == POISON],
        )
        check_equal("RP-2", "dead letters", [], letters.values())

    @rule("RP-3")
    async def test_RP_3_a_policy_out_of_bounds_is_refused(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Bad intervals, coefficients or attempts raise ``InvalidInputError``."""
        ms = timedelta(milliseconds=1)
        bad = {
            "initial_interval=0": SuiteRetryPolicy(timedelta(0), 2.0, ms, 3),
            "initial_interval<0": SuiteRetryPolicy(-ms, 2.0, ms, 3),
            "backoff_coefficient=0.5": SuiteRetryPolicy(ms, 0.5, ms, 3),
            "maximum_interval<initial": SuiteRetryPolicy(ms * 2, 2.0, ms, 3),
            "maximum_attempts=-1": SuiteRetryPolicy(ms, 2.0, ms, -1),
        }
        topic = self.topic(env, "policies")
        for what, policy in bad.items():
            await check_raises(
                "RP-3",
                InvalidInputError,
                subject.subscribe_to_topic(
                    topic,
                    self.group(env, "g"),
                    Recorder(),
                    retry_policy=cast("ProtocolRetryPolicy", policy),
                ),
                doing=f"subscribe_to_topic with a policy with {what}",
            )

    @rule("EB-7", "EB-8")
    async def test_EB_7_attempts_go_on_after_a_stop(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """The next member of a stopped group sees the count go on, not restart."""
        topic, group = self.topic(env, "stop"), self.group(env, "g")

        async def fail(record: ProtocolEventRecord) -> None:
            raise ConformanceHandlerError("always")

        failing = Recorder(fail)
        stopped = await self.subscribe(
            subject, topic, group, failing, retry_policy=self.retry_policy(1)
        )
        await subject.publish(self.message(topic, POISON, key=b"k"))

        async def probe() -> None:
            report = await subject.health_check()
            check(
                report.status == "critical",
                "EB-8",
                "critical after a stop",
                report.status,
            )

        await self.eventually(probe)
        await stopped()
        rescuer = Recorder()
        await self.subscribe(
            subject, topic, group, rescuer, retry_policy=self.retry_policy(0)
        )
        await self.delivered("EB-7", rescuer, 1)
        check_equal(
            "EB-7",
            "the next member's delivery_attempt",
            2,
            rescuer.records[0].delivery_attempt,
        )

    @rule("EB-7", "EB-4")
    async def test_EB_7_a_record_that_crashes_every_member_is_dead_lettered(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Deliveries lost with crashed members count; the budget runs out."""
        self.require_hook("fault_crash_member")
        topic, dead = self.topic(env, "crashes"), self.topic(env, "crashes-dead")
        group = self.group(env, "g")
        letters = Recorder()
        await self.subscribe(subject, dead, self.group(env, "ops"), letters)
        background: list[asyncio.Task[object]] = []
        for n in range(2):
            blocker = Blocker()
            doomed = Recorder(blocker)
            background.append(
                asyncio.create_task(
                    self.subscribe(
                        subject,
                        topic,
                        group,
                        doomed,
                        retry_policy=self.retry_policy(2),
                        dead_letter_topic=dead,
                    )
                )
            )
            if n == 0:
                background.append(
                    asyncio.create_task(
                        subject.publish(self.message(topic, POISON, key=b"k"))
                    )
                )
            await self.within(
                "EB-7",
                self.eventually_within,
                "the handler called",
                blocker.started.wait(),
            )
            check_equal(
                "EB-7",
                f"delivery_attempt of crash {n + 1}",
                n + 1,
                doomed.records[0].delivery_attempt,
            )
            await self.fault_crash_member(subject, env, doomed)
        last = Recorder()
        background.append(
            asyncio.create_task(
                self.subscribe(
                    subject,
                    topic,
                    group,
                    last,
                    retry_policy=self.retry_policy(2),
                    dead_letter_topic=dead,
                )
            )
        )
        await self.delivered("EB-7", letters, 1, "dead-letter")
        headers = dict(letters.records[0].headers)
        check_equal(
            "EB-7", "onex-error-type", b"member-lost", headers.get("onex-error-type")
        )
        check_equal("EB-7", "onex-attempts", b"2", headers.get("onex-attempts"))
        check_equal("EB-7", "calls after the budget ran out", [], last.values())
        await asyncio.gather(*background)

    # --- stopped subscriptions, filters, raw records (EB-8, EB-9, EB-10) --------------

    @rule("EB-8", "HLT-1")
    async def test_EB_8_a_stopped_subscription_is_critical_until_unsubscribed(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Stopped: no more calls, ``critical`` naming it; unsubscribed: healthy."""
        topic, group = self.topic(env, "stopped"), self.group(env, "g")

        async def fail(record: ProtocolEventRecord) -> None:
            raise ConformanceHandlerError("always")

        failing = Recorder(fail)
        unsubscribe = await self.subscribe(
            subject, topic, group, failing, retry_policy=self.retry_policy(1)
        )
        ok, status = await self.healthy(subject)
        check(ok, "EB-8", "healthy before the stop", status)
        await subject.publish(self.message(topic, POISON, key=b"k"))

        async def stopped() -> None:
            report = await subject.health_check()
            check(
                report.status == "critical",
                "EB-8",
                "critical after the stop",
                report.status,
            )
            shown = report.message or ""
            check(
                topic in shown and group in shown,
                "EB-8",
                "a message naming the topic and group",
                shown,
            )

        await self.eventually(stopped)
        await subject.publish(self.message(topic, b"later", key=b"other"))
        await self.settle()
        check_equal("EB-8", "calls of the stopped handler", [POISON], failing.values())
        await unsubscribe()

        async def recovered() -> None:
            ok, status = await self.healthy(subject)
            check(
                ok,
                "EB-8",
                "healthy once the stopped subscription is unsubscribed",
                status,
            )

        await self.eventually(recovered)

    @rule("EB-9")
    async def test_EB_9_event_types_filter_what_the_handler_gets(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Only the listed types reach the handler; the others are passed over."""
        topic, group = self.topic(env, "filtered"), self.group(env, "g")
        recorder = Recorder()
        unsubscribe = await subject.subscribe_to_topic(
            topic,
            group,
            recorder,
            offset_reset="earliest",
            event_types=["onex.conformance.wanted", "onex.conformance.also"],
        )
        for value, kind in (
            (b"a", "wanted"),
            (b"b", "other"),
            (b"c", "also"),
            (b"d", "other"),
        ):
            await subject.publish(
                self.message(
                    topic, value, key=b"k", event_type=f"onex.conformance.{kind}"
                )
            )
        await self.delivered("EB-9", recorder, 2)
        await self.settle()
        check_equal("EB-9", "the values delivered", [b"a", b"c"], recorder.values())
        await unsubscribe()
        await subject.publish(self.message(topic, b"e", key=b"k"))
        everything = Recorder()
        await self.subscribe(subject, topic, group, everything)
        await self.delivered("EB-9", everything, 1)
        await self.settle()
        check_equal("EB-9", "what the group still had", [b"e"], everything.values())

    @rule("EB-9", "T-5")
    async def test_EB_9_a_bare_string_or_empty_filter_is_refused(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """``event_types="x"`` and ``[]`` raise ``InvalidInputError``."""
        topic = self.topic(env, "filters")
        cases: list[tuple[str, object]] = [
            ("a bare str", "onex.conformance.x"),
            ("an empty list", []),
        ]
        for what, types in cases:
            await check_raises(
                "T-5" if isinstance(types, str) else "EB-9",
                InvalidInputError,
                subject.subscribe_to_topic(
                    topic,
                    self.group(env, "g"),
                    Recorder(),
                    event_types=cast("list[str]", types),
                ),
                doing=f"subscribe_to_topic with event_types as {what}",
            )

    @rule("EB-10")
    async def test_EB_10_a_raw_record_gets_metadata_from_its_position(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """No CloudEvents headers: the derived attributes, every header kept."""
        self.require_hook("hook_write_raw_record")
        topic = self.topic(env, "raw")

        recorder = Recorder()
        await self.subscribe(subject, topic, self.group(env, "g"), recorder)
        headers = (("x-origin", b"legacy"), ("x-origin", b"twice"))
        await self.hook_write_raw_record(
            subject, env, topic, key=b"k", value=b"raw", headers=headers
        )
        records = await self.delivered("EB-10", recorder, 1)
        for record in records:
            expected: dict[str, object] = {
                "event_id": f"{topic}/{record.partition}/{record.offset}",
                "source": f"/topics/{topic}",
                "event_type": RAW_RECORD_EVENT_TYPE,
                "spec_version": "1.0",
                "occurred_at": record.timestamp,
                "subject": None,
                "content_type": "application/octet-stream",
                "data_schema": None,
                "correlation_id": None,
                "causation_id": None,
                "trace_parent": None,
                "trace_state": None,
                "extensions": {},
            }
            check_equal(
                "EB-10",
                "the derived metadata",
                expected,
                attributes_of(record.metadata),
            )
            check_equal(
                "EB-10", "the raw record's headers", headers, tuple(record.headers)
            )
            check_equal("EB-10", "the raw record's value", b"raw", record.value)

    # --- rebalance listeners (EB-11, RB-1, RB-2) --------------------------------------

    @rule("EB-11", "RB-1")
    async def test_EB_11_members_hear_their_partitions_in_order(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Assigned before ``subscribe`` returns; revoked before another's assign."""
        topic, group = self.topic(env, "listeners"), self.group(env, "g")
        await subject.publish(self.message(topic))
        log: list[ListenerEvent] = []
        first = RecordingListener("first", log)
        await self.subscribe(subject, topic, group, Recorder(), listener=first)
        check(
            any(e.kind == "assigned" for e in first.events()),
            "EB-11",
            "on_partitions_assigned before subscribe_to_topic returned",
            log,
        )
        owned = set(first.events()[-1].partitions)
        check(
            bool(owned) and all(t == topic for t, _ in owned),
            "EB-11",
            "the only member assigned partitions of its topic",
            owned,
        )
        second = RecordingListener("second", log)
        unsubscribe = await self.subscribe(
            subject, topic, group, Recorder(), listener=second
        )
        check(
            any(e.kind == "assigned" for e in second.events()),
            "EB-11",
            "the second member's on_partitions_assigned before it joined",
            log,
        )
        await unsubscribe()
        given_up = {
            p for e in second.events() if e.kind == "revoked" for p in e.partitions
        }
        held = {
            p for e in second.events() if e.kind == "assigned" for p in e.partitions
        }
        check(
            held <= given_up,
            "EB-11",
            "the leaving member's partitions revoked before unsubscribe returned",
            log,
        )
        check_equal("RB-1", "partitions owned twice", [], ownership_violations(log))

    @rule("RB-2", capability="partitions_lost")
    async def test_RB_2_a_crashed_member_hears_its_partitions_lost(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Taken without a hand-over: ``on_partitions_lost``, no revoke."""
        self.require_hook("fault_crash_member")
        topic, group = self.topic(env, "lost"), self.group(env, "g")
        log: list[ListenerEvent] = []
        blocker = Blocker()
        doomed = Recorder(blocker)
        listener = RecordingListener("doomed", log)
        await self.subscribe(subject, topic, group, doomed, listener=listener)
        publishing = asyncio.create_task(
            subject.publish(self.message(topic, b"m", key=b"k"))
        )
        await self.within(
            "RB-2", self.eventually_within, "the handler called", blocker.started.wait()
        )
        await self.fault_crash_member(subject, env, doomed)
        partition = (topic, doomed.records[0].partition)
        await self.until(
            "RB-2",
            "on_partitions_lost with the crashed member's partition",
            lambda: (
                any(
                    e.kind == "lost" and partition in e.partitions
                    for e in listener.events()
                ),
                log,
            ),
        )
        revoked = [e for e in listener.events() if e.kind == "revoked"]
        check_equal("RB-2", "revokes of the crashed member", [], revoked)
        await publishing

    # --- close and unsubscribe (EB-6, SUB-1, SUB-2) -----------------------------------

    @rule("EB-6")
    async def test_EB_6_aclose_waits_for_a_call_in_flight(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """``aclose`` returns after the running call, and the publish returned."""
        topic = self.topic(env, "closing")
        blocker = Blocker()
        await self.subscribe(subject, topic, self.group(env, "g"), Recorder(blocker))
        publishing = asyncio.create_task(subject.publish(self.message(topic)))
        await self.within(
            "EB-6", self.eventually_within, "the handler called", blocker.started.wait()
        )
        closing = asyncio.create_task(subject.aclose())
        try:
            await self.settle()
            check(
                not closing.done(),
                "EB-6",
                "aclose still waiting while a handler call runs",
                "it returned",
            )
        finally:
            blocker.release.set()
        await self.within("EB-6", self.eventually_within, "aclose to return", closing)
        check(
            publishing.done(),
            "EB-6",
            "the publish finished before aclose returned",
            "it was still running",
        )
        receipt = await publishing
        check_equal("EB-6", "the publish's topic", topic, receipt.topic)

    @rule("EB-6")
    async def test_EB_6_a_call_still_running_at_the_drain_timeout_is_cancelled(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Past the drain timeout: the call is cancelled, ``aclose`` raises."""
        topic = self.topic(env, "stuck")
        blocker = Blocker()
        await self.subscribe(subject, topic, self.group(env, "g"), Recorder(blocker))
        publishing = asyncio.create_task(subject.publish(self.message(topic)))
        await self.within(
            "EB-6", self.eventually_within, "the handler called", blocker.started.wait()
        )
        await self.within(
            "EB-6",
            self.drain_timeout + self.eventually_within,
            "aclose to give up at its drain timeout",
            check_raises(
                "EB-6",
                DeadlineExceededError,
                subject.aclose(),
                doing="aclose with a handler call that never ends",
            ),
        )
        await self.until(
            "EB-6",
            "the running call cancelled",
            lambda: (blocker.cancelled, blocker.cancelled),
        )
        receipt = await publishing
        check_equal("EB-6", "the stored publish's topic", topic, receipt.topic)

    @rule("EB-6", "ERR-5")
    async def test_EB_6_a_publish_still_waiting_is_outcome_unknown(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """A publish without acknowledgement when ``aclose`` gives up: unknown."""
        self.require_hook("fault_broker_stalls")
        await self.fault_broker_stalls(subject, env)
        long = self.drain_timeout * 10 + self.eventually_within
        publishing = asyncio.create_task(
            subject.publish(self.message(self.topic(env, "unacked")), timeout=long)
        )
        await self.settle()
        limit = self.drain_timeout + self.eventually_within
        await self.within(
            "EB-6",
            limit,
            "aclose to give up at its drain timeout",
            check_raises(
                "EB-6",
                DeadlineExceededError,
                subject.aclose(),
                doing="aclose with a publish the broker never answers",
            ),
        )
        await self.within(
            "EB-6",
            limit,
            "the abandoned publish to end",
            check_raises(
                "EB-6",
                OutcomeUnknownError,
                publishing,
                doing="the publish abandoned by aclose",
            ),
        )

    @rule("SUB-1")
    async def test_SUB_1_unsubscribe_waits_for_the_call_in_flight(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Unsubscribing waits for the running call, whose record then counts."""
        topic, group = self.topic(env, "leaving"), self.group(env, "g")
        blocker = Blocker()
        unsubscribe = await self.subscribe(subject, topic, group, Recorder(blocker))
        publishing = asyncio.create_task(
            subject.publish(self.message(topic, b"m1", key=b"k"))
        )
        await self.within(
            "SUB-1",
            self.eventually_within,
            "the handler called",
            blocker.started.wait(),
        )
        leaving = asyncio.create_task(unsubscribe())
        try:
            await self.settle()
            check(
                not leaving.done(),
                "SUB-1",
                "unsubscribe still waiting while the call runs",
                "it returned",
            )
        finally:
            blocker.release.set()
        await self.within(
            "SUB-1", self.eventually_within, "unsubscribe to return", leaving
        )
        await publishing
        successor = Recorder()
        await self.subscribe(subject, topic, group, successor)
        await subject.publish(self.message(topic, b"m2", key=b"k"))
        await self.delivered("SUB-1", successor, 1)
        check_equal(
            "SUB-1",
            "the successor's first record (m1 was acknowledged)",
            b"m2",
            successor.records[0].value,
        )

    @rule("SUB-1")
    async def test_SUB_1_unsubscribe_from_inside_the_handler_returns(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Awaited in its own handler, unsubscribe does not wait for itself."""
        topic = self.topic(env, "self-stop")
        handle: list[ProtocolUnsubscribe] = []
        returned: list[bool] = []

        async def leave(record: ProtocolEventRecord) -> None:
            if len(recorder.records) == 1:
                await handle[0]()
                returned.append(True)

        recorder = Recorder(leave)
        handle.append(
            await self.subscribe(subject, topic, self.group(env, "g"), recorder)
        )
        publishing = asyncio.create_task(
            subject.publish(self.message(topic, b"m1", key=b"k"))
        )
        await self.within(
            "SUB-1",
            self.drain_timeout / 2,
            "unsubscribe to return inside the handler, not waiting for itself",
            self.until(
                "SUB-1",
                "unsubscribe returned inside the handler",
                lambda: (bool(returned), returned),
            ),
        )
        await publishing
        await subject.publish(self.message(topic, b"m2", key=b"k"))
        await self.settle()
        check_equal("SUB-1", "calls after unsubscribing", [b"m1"], recorder.values())

    @rule("SUB-1")
    async def test_SUB_1_no_call_after_unsubscribe_returned(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """Once unsubscribe returned, the handler is not called again."""
        topic = self.topic(env, "gone")
        recorder = Recorder()
        unsubscribe = await self.subscribe(
            subject, topic, self.group(env, "g"), recorder
        )
        await subject.publish(self.message(topic, b"m1", key=b"k"))
        await self.delivered("SUB-1", recorder, 1)
        await unsubscribe()
        await subject.publish(self.message(topic, b"m2", key=b"k"))
        await self.settle()
        check_equal("SUB-1", "calls after unsubscribe", [b"m1"], recorder.values())

    @rule("SUB-2")
    async def test_SUB_2_unsubscribe_again_or_after_close_is_a_no_op(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        """A second unsubscribe, and one after ``aclose``, return quietly."""
        topic = self.topic(env, "twice")
        first = await self.subscribe(subject, topic, self.group(env, "a"), Recorder())
        second = await self.subscribe(subject, topic, self.group(env, "b"), Recorder())
        for what, call in (("a first call", first), ("a second call", first)):
            try:
                await call()
            except Exception as error:
                raise fail(
                    "SUB-2",
                    f"{what} of unsubscribe to return",
                    f"{type(error).__name__}: {error}",
                ) from error
        await subject.aclose()
        try:
            await second()
        except Exception as error:
            raise fail(
                "SUB-2",
                "unsubscribe after aclose to return",
                f"{type(error).__name__}: {error}",
            ) from error
