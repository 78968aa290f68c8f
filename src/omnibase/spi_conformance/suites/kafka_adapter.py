"""Conformance suite of ``ProtocolKafkaAdapter`` (KA-1 to KA-13, RB-1).

The subject is a started adapter; tests that need a second member of a
consumer group ask for a peer on the same cluster ([`create_peer`][
KafkaAdapterSuite.create_peer]). Records are collected by polling with short
timeouts until the expected ones arrived or ``eventually_within`` ran out,
and every duration is multiplied by ``time_scale``, so the suite runs
unchanged against a real Kafka cluster. Topic and group names are unique
per test. Tests that need one partition name it explicitly (``partition=0``)
rather than rely on the key.
"""

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar, Final, cast, get_args, override

from omnibase.protocols.errors import InvalidInputError, NotFoundError
from omnibase.protocols.event_bus import ProtocolKafkaAdapter
from omnibase.protocols.types import (
    EventMetadata,
    Headers,
    OffsetReset,
    ProtocolKafkaRecord,
    TimestampType,
    TopicPartition,
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
    BrokerChecks,
    ListenerEvent,
    RecordingListener,
    SuiteMetadata,
    attributes_of,
    ownership_violations,
)
from omnibase.spi_conformance.suites.lifecycle import Call

__all__ = ["KafkaAdapterSuite", "SuiteKafkaRecord"]

POLL: Final = timedelta(milliseconds=20)
"""One ``poll``'s timeout while the suite collects records, before ``time_scale``."""

SETTLE: Final = timedelta(milliseconds=20)
"""How long "nothing arrives" is watched, before ``time_scale``."""


@dataclass(frozen=True, slots=True)
class SuiteKafkaRecord:
    """A ``ProtocolKafkaRecord`` the suite builds itself (never polled)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None = None
    value: bytes | None = b"forged"
    headers: Headers = ()
    metadata: EventMetadata | None = None
    timestamp: datetime = field(default_factory=lambda: datetime.now().astimezone())
    timestamp_type: TimestampType = "create_time"


class KafkaAdapterSuite(BrokerChecks[ProtocolKafkaAdapter]):
    """Checks a ``ProtocolKafkaAdapter``.

    Besides ``create_subject`` (yield a *started* adapter), implement
    [`create_peer`][] (another adapter on the same cluster). The optional
    hooks: ``fault_backend_unreachable`` and ``hook_expire_records``.

    Attributes:
        time_scale: Multiplies every duration the suite uses.
    """

    contract: ClassVar[type] = ProtocolKafkaAdapter

    async def create_peer(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> ProtocolKafkaAdapter:
        """Return another adapter on ``subject``'s cluster, not started.

        The test starts it and closes it.

        Args:
            subject: The adapter under test.
            env: The test's environment.

        Returns:
            The peer.
        """
        raise NotImplementedError(f"{type(self).__qualname__}.create_peer")

    @fault_hook
    async def hook_expire_records(
        self,
        subject: ProtocolKafkaAdapter,
        env: SuiteEnvironment,
        topic: str,
        partition: int,
        before_offset: int,
    ) -> None:
        """Remove a partition's records before ``before_offset`` (retention).

        Args:
            subject: The adapter under test.
            env: The test's environment.
            topic: The topic.
            partition: The partition.
            before_offset: The oldest offset left.
        """

    # --- helpers ----------------------------------------------------------------------

    async def collect(
        self, rule_id: str, adapter: ProtocolKafkaAdapter, count: int
    ) -> list[ProtocolKafkaRecord]:
        """Poll until ``count`` records arrived; return them as ``poll`` gave them."""
        records: list[ProtocolKafkaRecord] = []
        deadline = time.monotonic() + self.eventually_within.total_seconds()
        while len(records) < count:
            if time.monotonic() > deadline:
                raise fail(
                    rule_id,
                    f"{count} records polled within {self.eventually_within}",
                    [(r.partition, r.offset, r.value) for r in records],
                )
            records.extend(await adapter.poll(timeout=self.scaled(POLL)))
        return records

    async def quiet(self, adapter: ProtocolKafkaAdapter) -> list[ProtocolKafkaRecord]:
        """Poll for the settle time; return whatever arrived."""
        return list(await adapter.poll(timeout=self.scaled(SETTLE)))

    async def peer(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> ProtocolKafkaAdapter:
        """A started peer."""
        peer = await self.create_peer(subject, env)
        await peer.start()
        return peer

    @override
    def calls_after_close(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> Mapping[str, Call]:
        """Every adapter method after ``aclose`` (LC-3)."""
        topic = self.topic(env, "closed")
        partition = (topic, 0)
        record = SuiteKafkaRecord(topic, 0, 0)
        return {
            "start": subject.start,
            "send": lambda: subject.send(topic, b"v", key=b"k"),
            "subscribe": lambda: subject.subscribe([topic], self.group(env, "g")),
            "poll": subject.poll,
            "acknowledge": lambda: _sync(lambda: subject.acknowledge(record)),
            "commit": subject.commit,
            "seek": lambda: _sync(lambda: subject.seek(partition, 0)),
            "seek_to_time": lambda: subject.seek_to_time(partition, record.timestamp),
            "pause": lambda: _sync(lambda: subject.pause([partition])),
            "resume": lambda: _sync(lambda: subject.resume([partition])),
            "assignment": lambda: _sync(subject.assignment),
        }

    async def _one_partition(
        self,
        subject: ProtocolKafkaAdapter,
        env: SuiteEnvironment,
        values: list[bytes],
        *,
        offset_reset: OffsetReset = "earliest",
    ) -> tuple[TopicPartition, list[ProtocolKafkaRecord]]:
        """Send ``values`` to partition 0 of a new topic; subscribe; poll them."""
        topic = self.topic(env, "single")
        for value in values:
            await subject.send(topic, value, key=b"k", partition=0)
        await subject.subscribe(
            [topic], self.group(env, "g"), offset_reset=offset_reset
        )
        records = await self.collect("KA-4", subject, len(values))
        return (topic, 0), sorted(records, key=lambda r: r.offset)

    # --- sending (KA-1, KA-2, KA-11, EVT-1, T-6, ERR-1) -------------------------------

    @rule("KA-1")
    async def test_KA_1_equal_keys_share_a_partition_in_send_order(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """Awaited sends of one key: one partition, growing offsets."""
        topic = self.topic(env, "keyed")
        values = [f"m{n}".encode() for n in range(5)]
        receipts = [await subject.send(topic, v, key=b"same") for v in values]
        check_equal(
            "KA-1", "partitions of one key", 1, len({r.partition for r in receipts})
        )
        offsets = [r.offset for r in receipts]
        check(offsets == sorted(set(offsets)), "KA-1", "growing offsets", offsets)
        check(
            all(r.topic == topic for r in receipts),
            "KA-1",
            "receipts naming the topic",
            receipts,
        )
        await subject.subscribe([topic], self.group(env, "g"), offset_reset="earliest")
        records = await self.collect("KA-1", subject, len(values))
        by_offset = sorted(records, key=lambda r: r.offset)
        check_equal(
            "KA-1", "values in offset order", values, [r.value for r in by_offset]
        )

    @rule("KA-2")
    async def test_KA_2_a_tombstone_needs_a_key(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """``value=None`` with a key is written; without one it is refused."""
        topic = self.topic(env, "tombstones")
        await check_raises(
            "KA-2",
            InvalidInputError,
            subject.send(topic, None),
            doing="send(value=None) without a key",
        )
        await subject.send(topic, None, key=b"gone", partition=0)
        await subject.subscribe([topic], self.group(env, "g"), offset_reset="earliest")
        (record,) = await self.collect("KA-2", subject, 1)
        check_equal(
            "KA-2",
            "(key, value) of the tombstone",
            (b"gone", None),
            (record.key, record.value),
        )

    @rule("KA-11", "EVT-4")
    async def test_KA_11_metadata_travels_as_headers_and_raw_records_have_none(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """``ce_*`` headers first, then the given ones; a raw record: no metadata."""
        topic = self.topic(env, "wire")
        metadata = SuiteMetadata.fresh("onex.conformance.wire")
        metadata = SuiteMetadata(
            metadata.event_id,
            metadata.source,
            metadata.event_type,
            metadata.occurred_at,
            extensions={"tenant": "acme"},
        )
        app = (("x-a", b"1"), ("x-a", b"2"))
        await subject.send(
            topic, b"cloud", key=b"k", partition=0, headers=app, metadata=metadata
        )
        raw_headers = (("x-legacy", b"yes"),)
        await subject.send(topic, b"raw", key=b"k", partition=0, headers=raw_headers)
        await check_raises(
            "KA-11",
            InvalidInputError,
            subject.send(
                topic, b"v", key=b"k", headers=(("ce_id", b"x"),), metadata=metadata
            ),
            doing="send with metadata and an application header named ce_id",
        )
        await subject.subscribe([topic], self.group(env, "g"), offset_reset="earliest")
        cloud, raw = sorted(
            await self.collect("KA-11", subject, 2), key=lambda r: r.offset
        )
        if cloud.metadata is None:
            raise fail("KA-11", "metadata decoded from the ce_* headers", None)
        check_equal(
            "KA-11",
            "the decoded metadata",
            attributes_of(metadata),
            attributes_of(cloud.metadata),
        )
        names = [name for name, _ in cloud.headers]
        check(
            "ce_id" in names and "ce_source" in names,
            "KA-11",
            "binary-mode ce_* headers on the record",
            names,
        )
        check_equal(
            "KA-11",
            "the application headers, last",
            app,
            tuple(cloud.headers[len(cloud.headers) - len(app) :]),
        )
        check_equal("KA-11", "a raw record's metadata", None, raw.metadata)
        check_equal("KA-11", "a raw record's headers", raw_headers, tuple(raw.headers))

    @rule("EVT-1")
    async def test_EVT_1_bad_topic_names_are_refused(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """``send`` and ``subscribe`` refuse names Kafka refuses."""
        for bad in ("", ".", "..", "a/b", "x" * 250):
            await check_raises(
                "EVT-1",
                InvalidInputError,
                subject.send(bad, b"v", key=b"k"),
                doing=f"send to {bad!r}",
            )
            await check_raises(
                "EVT-1",
                InvalidInputError,
                subject.subscribe([bad], self.group(env, "g")),
                doing=f"subscribe([{bad!r}])",
            )

    @rule("T-6", "ERR-1")
    async def test_T_6_bad_timeouts_and_types_are_invalid_input(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """A zero ``send`` timeout, ``topic=None``, a str key: ``InvalidInputError``."""
        topic = self.topic(env, "types")
        await check_raises(
            "T-6",
            InvalidInputError,
            subject.send(topic, b"v", key=b"k", timeout=timedelta(0)),
            doing="send(timeout=timedelta(0))",
        )
        await check_raises(
            "ERR-1",
            InvalidInputError,
            subject.send(cast("str", None), b"v", key=b"k"),
            doing="send(topic=None)",
        )
        await check_raises(
            "ERR-1",
            InvalidInputError,
            subject.send(topic, b"v", key=cast("bytes", "k")),
            doing="send with a str key",
        )

    @rule("T-5")
    async def test_T_5_a_bare_string_of_topics_is_refused(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """``subscribe("orders", ...)`` is not a list of one-letter topics."""
        await check_raises(
            "T-5",
            InvalidInputError,
            subject.subscribe(self.topic(env, "bare"), self.group(env, "g")),
            doing="subscribe with a bare str as topics",
        )

    @rule("T-2")
    async def test_T_2_record_and_receipt_times_are_utc(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """Timestamps are UTC; the receipt's, when given, is the record's."""
        receipt = await subject.send(
            self.topic(env, "times"), b"v", key=b"k", partition=0
        )
        await subject.subscribe(
            [receipt.topic], self.group(env, "g"), offset_reset="earliest"
        )
        (record,) = await self.collect("T-2", subject, 1)
        check(
            record.timestamp.utcoffset() == timedelta(0),
            "T-2",
            "a UTC record timestamp",
            record.timestamp,
        )
        if receipt.timestamp is not None:
            check_equal(
                "T-2", "the receipt's timestamp", record.timestamp, receipt.timestamp
            )
        kind: object = record.timestamp_type
        check(kind in get_args(TimestampType), "T-2", "a TimestampType", kind)

    # --- consuming (KA-3, KA-9, KA-10, KA-12) -----------------------------------------

    @rule("KA-3")
    async def test_KA_3_each_partition_comes_in_offset_order(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """Per partition, ``poll`` returns records in growing offset order."""
        topic = self.topic(env, "interleaved")
        for n in range(12):
            await subject.send(topic, f"m{n}".encode(), key=f"k{n % 3}".encode())
        await subject.subscribe([topic], self.group(env, "g"), offset_reset="earliest")
        records = await self.collect("KA-3", subject, 12)
        for partition in {r.partition for r in records}:
            offsets = [r.offset for r in records if r.partition == partition]
            check(
                offsets == sorted(set(offsets)),
                "KA-3",
                f"growing offsets on partition {partition}",
                offsets,
            )

    @rule("KA-9")
    async def test_KA_9_subscribe_returns_with_positions_resolved(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """``latest``: a record sent right after ``subscribe`` returned is polled."""
        topic = self.topic(env, "latest")
        await subject.send(topic, b"before", key=b"k", partition=0)
        await subject.subscribe([topic], self.group(env, "g"), offset_reset="latest")
        check(
            bool(subject.assignment()),
            "KA-9",
            "an assignment when subscribe returned",
            subject.assignment(),
        )
        await subject.send(topic, b"after", key=b"k", partition=0)
        records = await self.collect("KA-9", subject, 1)
        records += await self.quiet(subject)
        check_equal("KA-9", "the values polled", [b"after"], [r.value for r in records])

    @rule("KA-10")
    async def test_KA_10_none_without_a_committed_offset_raises_until_seek(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """``none``, no commit: ``poll`` raises ``NotFoundError`` until a ``seek``."""
        topic = self.topic(env, "none")
        await subject.send(topic, b"m0", key=b"k", partition=0)
        await subject.subscribe([topic], self.group(env, "g"), offset_reset="none")
        await check_raises(
            "KA-10",
            NotFoundError,
            subject.poll(timeout=self.scaled(POLL)),
            doing="poll with offset_reset='none' and no committed offset",
        )
        for partition in subject.assignment():
            subject.seek(partition, 0)
        (record,) = await self.collect("KA-10", subject, 1)
        check_equal("KA-10", "the record after seek", b"m0", record.value)

    @rule("KA-10")
    async def test_KA_10_a_position_lost_to_retention_raises_with_none(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """A commit no longer retained: ``none`` raises, ``earliest`` moves on."""
        self.require_hook("hook_expire_records")
        topic, group = self.topic(env, "retention"), self.group(env, "g")
        for value in (b"m0", b"m1", b"m2", b"m3"):
            await subject.send(topic, value, key=b"k", partition=0)
        await subject.subscribe([topic], group, offset_reset="earliest")
        first = sorted(await self.collect("KA-10", subject, 4), key=lambda r: r.offset)
        subject.acknowledge(first[0])
        await subject.commit()
        await self.hook_expire_records(subject, env, topic, 0, first[2].offset)
        peer = await self.peer(subject, env)
        try:
            await subject.aclose()
            await peer.subscribe([topic], group, offset_reset="none")
            await check_raises(
                "KA-10",
                NotFoundError,
                peer.poll(timeout=self.scaled(POLL)),
                doing="poll of a committed offset no longer retained",
            )
        finally:
            await peer.aclose()
        other = await self.peer(subject, env)
        try:
            await other.subscribe([topic], group, offset_reset="earliest")
            records = sorted(
                await self.collect("KA-10", other, 2), key=lambda r: r.offset
            )
            check_equal(
                "KA-10",
                "values from the oldest retained",
                [b"m2", b"m3"],
                [r.value for r in records],
            )
        finally:
            await other.aclose()

    @rule("KA-12")
    async def test_KA_12_poll_waits_at_most_its_timeout_and_bounds_the_batch(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """Nothing: empty after ``timeout``; ``max_records`` bounds a batch."""
        topic = self.topic(env, "batches")
        await subject.subscribe([topic], self.group(env, "g"), offset_reset="earliest")
        for timeout in (timedelta(0), self.scaled(POLL)):
            async with asyncio.timeout(
                (timeout + self.eventually_within).total_seconds()
            ):
                empty = await subject.poll(timeout=timeout)
            check_equal(
                "KA-12",
                f"poll(timeout={timeout}) with nothing to read",
                [],
                list(empty),
            )
        for n in range(3):
            await subject.send(topic, f"m{n}".encode(), key=b"k", partition=0)
        deadline = time.monotonic() + self.eventually_within.total_seconds()
        batch: list[ProtocolKafkaRecord] = []
        while not batch and time.monotonic() < deadline:
            batch = list(await subject.poll(timeout=self.scaled(POLL), max_records=1))
        check_equal("KA-12", "records in a poll with max_records=1", 1, len(batch))

    @rule("KA-12")
    async def test_KA_12_a_cancelled_poll_loses_nothing(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """A record arriving as a waiting ``poll`` is cancelled is polled later."""
        topic = self.topic(env, "cancelled")
        await subject.subscribe([topic], self.group(env, "g"), offset_reset="earliest")
        waiting = asyncio.create_task(subject.poll(timeout=self.eventually_within * 4))
        await asyncio.sleep(self.scaled(SETTLE).total_seconds())
        await subject.send(topic, b"m", key=b"k", partition=0)
        waiting.cancel()
        got: list[ProtocolKafkaRecord] = []
        try:
            got.extend(await waiting)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise
        if not got:
            got = await self.collect("KA-12", subject, 1)
        check_equal(
            "KA-12", "the record sent while poll waited", [b"m"], [r.value for r in got]
        )

    # --- acknowledgement and commits (KA-4 to KA-8, KA-13, RB-1) ----------------------

    @rule("KA-4")
    async def test_KA_4_commit_stores_the_contiguous_run(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """Acknowledged 0, 1 and 3: the commit stores 2; then 2 too: 4."""
        partition, records = await self._one_partition(
            subject, env, [b"m0", b"m1", b"m2", b"m3"]
        )
        base = records[0].offset
        for index in (0, 1, 3):
            subject.acknowledge(records[index])
        committed = await subject.commit()
        check_equal(
            "KA-4",
            "the committed offset after a gap",
            base + 2,
            committed.get(partition),
        )
        subject.acknowledge(records[2])
        committed = await subject.commit()
        check_equal(
            "KA-4",
            "the committed offset without gap",
            base + 4,
            committed.get(partition),
        )
        await check_raises(
            "KA-4",
            InvalidInputError,
            _sync(
                lambda: subject.acknowledge(
                    SuiteKafkaRecord(partition[0], 0, base + 99)
                )
            ),
            doing="acknowledge of a record never polled",
        )

    @rule("KA-5", "RB-1")
    async def test_KA_5_a_revoke_commits_what_was_acknowledged(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """The new owner starts after the records the old one acknowledged."""
        topic, group = self.topic(env, "revoke"), self.group(env, "g")
        log: list[ListenerEvent] = []
        for n in range(9):
            await subject.send(topic, f"m{n}".encode(), key=f"k{n}".encode())
        await subject.subscribe(
            [topic],
            group,
            offset_reset="earliest",
            rebalance_listener=RecordingListener("first", log),
        )
        for record in await self.collect("KA-5", subject, 9):
            subject.acknowledge(record)
        peer = await self.peer(subject, env)
        try:
            await peer.subscribe(
                [topic],
                group,
                offset_reset="earliest",
                rebalance_listener=RecordingListener("second", log),
            )
            again = await self.quiet(peer)
            check_equal(
                "KA-5",
                "records the new owner got again",
                [],
                [(r.partition, r.offset) for r in again],
            )
            check_equal("RB-1", "partitions owned twice", [], ownership_violations(log))
        finally:
            await peer.aclose()

    @rule("KA-6")
    async def test_KA_6_seek_back_replays_and_restarts_the_run(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """After a seek back the commit may go back; the records come again."""
        partition, records = await self._one_partition(
            subject, env, [b"m0", b"m1", b"m2", b"m3"]
        )
        base = records[0].offset
        for record in records:
            subject.acknowledge(record)
        check_equal(
            "KA-6",
            "the commit before the seek",
            base + 4,
            (await subject.commit()).get(partition),
        )
        subject.seek(partition, base + 1)
        check_equal(
            "KA-6",
            "the commit right after seeking back",
            base + 1,
            (await subject.commit()).get(partition),
        )
        replayed = sorted(
            await self.collect("KA-6", subject, 3), key=lambda r: r.offset
        )
        check_equal(
            "KA-6",
            "the replayed values",
            [b"m1", b"m2", b"m3"],
            [r.value for r in replayed],
        )
        for record in replayed:
            subject.acknowledge(record)
        check_equal(
            "KA-6",
            "the commit after the replay",
            base + 4,
            (await subject.commit()).get(partition),
        )

    @rule("KA-6")
    async def test_KA_6_seek_to_time_finds_the_first_record_at_or_after(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """``seek_to_time`` moves to the first record stamped at or after ``at``."""
        topic = self.topic(env, "times")
        await subject.send(topic, b"m0", key=b"k", partition=0)
        await self.advance_time(env, self.scaled(timedelta(milliseconds=10)))
        await subject.send(topic, b"m1", key=b"k", partition=0)
        await subject.send(topic, b"m2", key=b"k", partition=0)
        await subject.subscribe([topic], self.group(env, "g"), offset_reset="earliest")
        records = sorted(await self.collect("KA-6", subject, 3), key=lambda r: r.offset)
        partition = (topic, 0)
        found = await subject.seek_to_time(partition, records[1].timestamp)
        check_equal("KA-6", "the offset found", records[1].offset, found)
        again = sorted(await self.collect("KA-6", subject, 2), key=lambda r: r.offset)
        check_equal(
            "KA-6", "the values from there", [b"m1", b"m2"], [r.value for r in again]
        )
        later = records[2].timestamp + timedelta(hours=1)
        check_equal(
            "KA-6",
            "seek_to_time past the last record",
            None,
            await subject.seek_to_time(partition, later),
        )

    @rule("KA-7")
    async def test_KA_7_pause_stops_fetching_and_resume_goes_on(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """A paused partition yields nothing until resumed."""
        partition, _ = await self._one_partition(subject, env, [b"m0"])
        subject.pause([partition])
        await subject.send(partition[0], b"m1", key=b"k", partition=0)
        check_equal(
            "KA-7",
            "records of a paused partition",
            [],
            [r.value for r in await self.quiet(subject)],
        )
        subject.resume([partition])
        records = await self.collect("KA-7", subject, 1)
        check_equal(
            "KA-7", "the record after resume", [b"m1"], [r.value for r in records]
        )

    @rule("KA-8")
    async def test_KA_8_start_twice_and_aclose_commits(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """A second ``start`` is harmless; ``aclose`` commits what was acknowledged."""
        await subject.start()
        partition, records = await self._one_partition(
            subject, env, [b"m0", b"m1", b"m2"]
        )
        subject.acknowledge(records[0])
        subject.acknowledge(records[1])
        peer = await self.peer(subject, env)
        try:
            await subject.aclose()
            await peer.subscribe(
                [partition[0]], self.group(env, "g"), offset_reset="latest"
            )
            resumed = await self.collect("KA-8", peer, 1)
            resumed += await self.quiet(peer)
            check_equal(
                "KA-8",
                "what the group read after the close",
                [b"m2"],
                [r.value for r in resumed],
            )
        finally:
            await peer.aclose()

    @rule("KA-13")
    async def test_KA_13_health_reports_lag_per_partition(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """``details["lag"]["<topic>/<partition>"]``: records after the commit."""
        topic = self.topic(env, "lag")
        await subject.send(topic, b"m0", key=b"k", partition=0)
        await subject.subscribe([topic], self.group(env, "g"), offset_reset="earliest")
        for value in (b"m1", b"m2"):
            await subject.send(topic, value, key=b"k", partition=0)
        key = f"{topic}/0"

        async def lag_is(expected: int) -> None:
            async def probe() -> None:
                report = await subject.health_check()
                lag = report.details.get("lag")
                value = lag.get(key) if isinstance(lag, Mapping) else None
                check_equal("KA-13", f"lag of {key}", expected, value)

            await self.eventually(probe)

        await lag_is(3)
        for record in await self.collect("KA-13", subject, 3):
            subject.acknowledge(record)
        await subject.commit()
        await lag_is(0)

    @rule("RB-1")
    async def test_RB_1_revokes_come_before_the_next_owner_is_assigned(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        """Joining and leaving members: a partition never has two owners."""
        topic, group = self.topic(env, "owners"), self.group(env, "g")
        await subject.send(topic, b"m", key=b"k")
        log: list[ListenerEvent] = []
        await subject.subscribe(
            [topic],
            group,
            offset_reset="earliest",
            rebalance_listener=RecordingListener("first", log),
        )
        peer = await self.peer(subject, env)
        try:
            await peer.subscribe(
                [topic],
                group,
                offset_reset="earliest",
                rebalance_listener=RecordingListener("second", log),
            )
            check(
                bool(peer.assignment() | subject.assignment()),
                "RB-1",
                "partitions assigned",
                log,
            )
        finally:
            await peer.aclose()
        await subject.aclose()
        check_equal("RB-1", "partitions owned twice", [], ownership_violations(log))


async def _sync(call: Callable[[], object]) -> object:
    """Run a synchronous method inside a coroutine, so ``check_raises`` sees it."""
    return call()
