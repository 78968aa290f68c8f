"""In-memory ``ProtocolKafkaAdapter``: a cluster object and adapters that consume it.

Demonstrates every rule of ``ProtocolKafkaAdapter`` (KA-1 to KA-13) and of
its rebalance listener (RB-1):

- [`InMemoryKafkaCluster`][] is the broker side: partitioned logs with
  retention, committed offsets per group, and group membership. Several
  adapters share one cluster, as several processes share a Kafka cluster.
- [`InMemoryKafkaAdapter`][] is one producer and consumer: ``send`` appends,
  ``poll`` returns what its assigned partitions hold past their fetch
  positions (waiting for new records up to its timeout), ``acknowledge`` and
  ``commit`` keep the contiguous processed run per partition (KA-4).

A rebalance runs when a member subscribes or closes: every member losing
partitions commits their acknowledged runs, then hears
``on_partitions_revoked`` (KA-5), before any member hears
``on_partitions_assigned`` (RB-1). A closing member commits, hears its
revoke and leaves (KA-8).

``poll`` takes records from the logs only at the moment it returns, with no
suspension in between, so a cancelled ``poll`` loses nothing (KA-12).

Fault injection: ``simulate_outage`` on the cluster (brokers unreachable)
and ``expire`` (retention).
"""

import asyncio
import contextlib
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Final, cast, get_args, override

from omnibase.protocols.errors import (
    InvalidInputError,
    NotFoundError,
    UnavailableError,
)
from omnibase.protocols.event_bus import ProtocolRebalanceListener
from omnibase.protocols.types import (
    EventMetadata,
    Headers,
    JsonValue,
    OffsetReset,
    ProtocolHealthReport,
    ProtocolKafkaRecord,
    ProtocolPublishReceipt,
    TimestampType,
    TopicPartition,
)
from omnibase.spi_conformance.reference.cloudevents import (
    check_application_headers,
    decode_record_headers,
    encode_record_headers,
)
from omnibase.spi_conformance.reference.factories import Clock, utc_now
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle
from omnibase.spi_conformance.reference.partition_log import (
    DEFAULT_MAX_MESSAGE_BYTES,
    PartitionLog,
    StoredRecord,
    check_topic,
    key_partition,
    record_size,
)
from omnibase.spi_conformance.reference.values import (
    BusReceipt,
    HealthReport,
    KafkaRecord,
)

__all__ = ["InMemoryKafkaAdapter", "InMemoryKafkaCluster"]

_OFFSET_RESETS: Final = frozenset(get_args(OffsetReset))


@dataclass(slots=True, eq=False)
class _ConsumerGroup:
    group_id: str
    committed: dict[TopicPartition, int] = field(
        default_factory=dict[TopicPartition, int]
    )
    members: list["InMemoryKafkaAdapter"] = field(
        default_factory=list["InMemoryKafkaAdapter"]
    )
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class InMemoryKafkaCluster:
    """The broker side shared by in-memory adapters."""

    def __init__(
        self,
        *,
        partitions: int = 3,
        clock: Clock = utc_now,
        timestamp_type: TimestampType = "create_time",
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        """Create an empty cluster; topics appear when first used.

        Args:
            partitions: Partitions per topic, at least 1.
            clock: Timestamps records (the producer's and the broker's clock).
            timestamp_type: Whose clock every topic's timestamps are.
            max_message_bytes: Largest record accepted.

        Raises:
            InvalidInputError: ``partitions`` below 1.
        """
        if partitions < 1:
            raise InvalidInputError("a topic needs at least one partition")
        self.partitions = partitions
        self.clock = clock
        self.timestamp_type: TimestampType = timestamp_type
        self.max_message_bytes = max_message_bytes
        self.outage = False
        self._logs: dict[str, list[PartitionLog]] = {}
        self._groups: dict[str, _ConsumerGroup] = {}
        self._changed = asyncio.Event()

    def log(self, topic: str) -> list[PartitionLog]:
        """Return a topic's partitions, creating the topic on first use.

        Args:
            topic: A valid topic name.

        Returns:
            Its partitions.
        """
        log = self._logs.get(topic)
        if log is None:
            log = [PartitionLog(topic, p) for p in range(self.partitions)]
            self._logs[topic] = log
        return log

    def group(self, group_id: str) -> _ConsumerGroup:
        """Return a consumer group, creating it on first use."""
        group = self._groups.get(group_id)
        if group is None:
            group = self._groups[group_id] = _ConsumerGroup(group_id)
        return group

    def simulate_outage(self, down: bool = True) -> None:
        """Make every broker unreachable, or reachable again.

        Args:
            down: ``True`` to start the outage.
        """
        self.outage = down
        self.notify()

    def expire(self, topic: str, partition: int, before_offset: int) -> None:
        """Remove a partition's records before ``before_offset`` (retention).

        Args:
            topic: The topic.
            partition: The partition.
            before_offset: The new oldest retained offset.
        """
        self.log(topic)[partition].expire(before_offset)
        self.notify()

    def notify(self) -> None:
        """Wake every waiting ``poll``: something changed."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def changed(self, limit: float) -> None:
        """Wait until something changes, at most ``limit`` seconds.

        Args:
            limit: Seconds.
        """
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), limit)

    async def rebalance(self, group: _ConsumerGroup) -> None:
        """Spread the group's partitions over its members (RB-1, KA-5, KA-9).

        Args:
            group: The group whose membership changed.
        """
        async with group.lock:
            desired: dict[InMemoryKafkaAdapter, set[TopicPartition]] = {
                member: set() for member in group.members
            }
            topics = sorted({t for member in group.members for t in member.topics})
            for topic in topics:
                readers = [m for m in group.members if topic in m.topics]
                for partition in range(self.partitions):
                    desired[readers[partition % len(readers)]].add((topic, partition))
            for member in group.members:
                await member.revoke(member.assignment() - desired[member])
            for member in group.members:
                await member.assign(desired[member])


@dataclass(slots=True, eq=False)
class _PartitionState:
    position: int | None  # the next offset to fetch; None: unresolved (KA-10)
    run_start: int | None  # where the contiguous processed run starts (KA-4)
    started_at: int | None  # where consumption started (lag before a commit)
    acknowledged: set[int] = field(default_factory=set[int])
    fetched_up_to: int = 0


class InMemoryKafkaAdapter(ReferenceLifecycle):
    """One producer and consumer on an [`InMemoryKafkaCluster`][]."""

    def __init__(
        self,
        cluster: InMemoryKafkaCluster,
        *,
        clock: Clock = utc_now,
        poll_timeout: timedelta = timedelta(seconds=1),
        max_poll_records: int = 500,
    ) -> None:
        """Create an adapter; ``start`` connects it.

        Args:
            cluster: The brokers.
            clock: Timestamps health reports.
            poll_timeout: ``poll``'s default ``timeout`` (T-3).
            max_poll_records: ``poll``'s default ``max_records``.
        """
        super().__init__(clock=clock)
        self._cluster = cluster
        self._poll_timeout = poll_timeout
        self._max_poll_records = max_poll_records
        self._started = False
        self._group: _ConsumerGroup | None = None
        self.topics: tuple[str, ...] = ()
        self._offset_reset: OffsetReset = "latest"
        self._listener: ProtocolRebalanceListener | None = None
        self._partitions: dict[TopicPartition, _PartitionState] = {}
        self._paused: set[TopicPartition] = set()

    # --- producer -------------------------------------------------------------------

    async def start(self) -> None:
        """Connect (KA-8); a second call does nothing."""
        self._check_reachable()
        self._started = True

    async def send(
        self,
        topic: str,
        value: bytes | None,
        *,
        key: bytes | None = None,
        headers: Headers = (),
        partition: int | None = None,
        metadata: EventMetadata | None = None,
        timeout: timedelta | None = None,
    ) -> ProtocolPublishReceipt:
        """Append one record (KA-1, KA-2, KA-11)."""
        self._check_running()
        check_topic(topic)
        _check_timeout(timeout)
        if key is not None and not isinstance(cast("object", key), bytes):
            raise InvalidInputError(f"key must be bytes or None: {key!r}")
        if value is not None and not isinstance(cast("object", value), bytes):
            raise InvalidInputError(f"value must be bytes or None: {value!r}")
        if value is None and key is None:
            raise InvalidInputError("a tombstone needs a key (KA-2)")
        if metadata is None:
            wire = _check_raw_headers(headers)
        else:
            application = check_application_headers(headers)
            try:
                wire = encode_record_headers(metadata, application)
            except InvalidInputError:
                raise
            except (AttributeError, TypeError, ValueError) as error:
                raise InvalidInputError(f"bad metadata: {error}") from None
        log = self._cluster.log(topic)
        index = self._partition_of(partition, key, len(log))
        size = record_size(key, value, wire)
        if size > self._cluster.max_message_bytes:
            raise InvalidInputError(
                f"record of {size} bytes exceeds the limit of "
                f"{self._cluster.max_message_bytes}"
            )
        stored = log[index].append(
            key, value, wire, self._cluster.clock(), self._cluster.timestamp_type
        )
        self._cluster.notify()
        return BusReceipt(topic, index, stored.offset, stored.timestamp)

    # --- consumer -------------------------------------------------------------------

    async def subscribe(
        self,
        topics: Sequence[str],
        group_id: str,
        *,
        offset_reset: OffsetReset = "latest",
        rebalance_listener: ProtocolRebalanceListener | None = None,
    ) -> None:
        """Join ``group_id``; return once assigned, positions resolved (KA-9)."""
        self._check_running()
        names = _check_topics(topics)
        if not isinstance(cast("object", group_id), str) or not group_id:
            raise InvalidInputError(f"group_id must be a non-empty str: {group_id!r}")
        if offset_reset not in _OFFSET_RESETS:
            raise InvalidInputError(f"unknown offset_reset {offset_reset!r}")
        listener = cast("object", rebalance_listener)
        if listener is not None and not isinstance(listener, ProtocolRebalanceListener):
            raise InvalidInputError(f"not a rebalance listener: {listener!r}")
        if self._group is not None:
            await self._leave()
        self.topics = names
        self._offset_reset = offset_reset
        self._listener = rebalance_listener
        self._group = self._cluster.group(group_id)
        self._group.members.append(self)
        await self._cluster.rebalance(self._group)

    async def poll(
        self, *, timeout: timedelta | None = None, max_records: int | None = None
    ) -> Sequence[ProtocolKafkaRecord]:
        """Return available records, waiting up to ``timeout`` (KA-3, KA-12)."""
        self._check_running()
        if self._group is None:
            raise UnavailableError("poll before subscribe")
        wait = self._poll_timeout if timeout is None else timeout
        if not isinstance(cast("object", wait), timedelta) or wait < timedelta(0):
            raise InvalidInputError(f"timeout must be a timedelta >= 0: {timeout!r}")
        limit = self._max_poll_records if max_records is None else max_records
        if isinstance(cast("object", limit), bool) or not isinstance(
            cast("object", limit), int
        ):
            raise InvalidInputError(f"max_records must be an int: {max_records!r}")
        if limit < 1:
            raise InvalidInputError(f"max_records must be at least 1: {limit}")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait.total_seconds()
        while True:
            self._check_running()
            batch = self._take(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0:
                return batch
            await self._cluster.changed(remaining)

    def acknowledge(self, record: ProtocolKafkaRecord) -> None:
        """Mark one record processed (KA-4); dropped if no longer assigned (KA-5)."""
        self._check_open()
        candidate: object = record
        try:
            topic: object = getattr(candidate, "topic")  # noqa: B009
            partition: object = getattr(candidate, "partition")  # noqa: B009
            offset: object = getattr(candidate, "offset")  # noqa: B009
        except AttributeError:
            raise InvalidInputError(f"not a record: {record!r}") from None
        if not isinstance(topic, str) or not _is_int(partition) or not _is_int(offset):
            raise InvalidInputError(f"not a record: {record!r}")
        state = self._partitions.get((topic, cast("int", partition)))
        if state is None:
            return  # revoked: the new owner gets the record again (KA-5)
        if cast("int", offset) >= state.fetched_up_to:
            raise InvalidInputError(f"record {record!r} was not polled by this adapter")
        if state.run_start is not None and cast("int", offset) >= state.run_start:
            state.acknowledged.add(cast("int", offset))

    async def commit(self) -> Mapping[TopicPartition, int]:
        """Store every assigned partition's contiguous processed run (KA-4)."""
        self._check_running()
        return self._commit(self._partitions)

    def seek(self, partition: TopicPartition, offset: int) -> None:
        """Read ``partition`` from ``offset`` next; the run restarts there (KA-6)."""
        self._check_open()
        state = self._assigned(partition)
        if not _is_int(offset) or offset < 0:
            raise InvalidInputError(f"offset must be an int >= 0: {offset!r}")
        state.position = offset
        state.run_start = offset
        state.acknowledged = {o for o in state.acknowledged if o < offset}

    async def seek_to_time(self, partition: TopicPartition, at: datetime) -> int | None:
        """Read ``partition`` from its first record at or after ``at`` (KA-6)."""
        self._check_running()
        self._assigned(partition)
        instant = cast("object", at)
        if not isinstance(instant, datetime) or instant.tzinfo is None:
            raise InvalidInputError(f"at must be a timezone-aware datetime: {at!r}")
        log = self._cluster.log(partition[0])[partition[1]]
        offset = log.first_at_or_after(instant)
        self.seek(partition, log.end if offset is None else offset)
        return offset

    def pause(self, partitions: Iterable[TopicPartition]) -> None:
        """Stop fetching from ``partitions`` (KA-7)."""
        self._check_open()
        chosen = list(partitions)
        for partition in chosen:
            self._assigned(partition)
        self._paused.update(chosen)

    def resume(self, partitions: Iterable[TopicPartition]) -> None:
        """Fetch again from ``partitions`` (KA-7)."""
        self._check_open()
        self._paused.difference_update(partitions)
        self._cluster.notify()

    def assignment(self) -> AbstractSet[TopicPartition]:
        """Return the partitions assigned to this consumer."""
        self._check_open()
        return frozenset(self._partitions)

    @override
    async def health_check(self) -> ProtocolHealthReport:
        """Report ``critical`` when closed or unreachable; lag per partition (KA-13)."""
        if self._closed or self._cluster.outage or self._outage:
            message = "closed (LC-3)" if self._closed else "brokers unreachable"
            return HealthReport("critical", self._clock(), message)
        lag: dict[str, JsonValue] = {}
        if self._group is not None:
            for (topic, partition), state in sorted(self._partitions.items()):
                base = self._group.committed.get((topic, partition), state.started_at)
                end = self._cluster.log(topic)[partition].end
                lag[f"{topic}/{partition}"] = end - (end if base is None else base)
        return HealthReport("passing", self._clock(), None, {"lag": lag})

    @override
    async def _on_close(self) -> None:
        """Commit, hand the partitions over and leave the group (KA-8)."""
        if self._group is not None and not self._cluster.outage:
            await self.revoke(frozenset(self._partitions))
            await self._leave()
        self._started = False

    # --- what the cluster calls -------------------------------------------------------

    async def revoke(self, partitions: AbstractSet[TopicPartition]) -> None:
        """Commit the runs of ``partitions``, drop them, tell the listener (KA-5)."""
        if not partitions:
            return
        self._commit({tp: self._partitions[tp] for tp in partitions})
        for partition in partitions:
            del self._partitions[partition]
            self._paused.discard(partition)
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.on_partitions_revoked(frozenset(partitions))

    async def assign(self, partitions: AbstractSet[TopicPartition]) -> None:
        """Take ``partitions``, resolve their positions, tell the listener (KA-9)."""
        assert self._group is not None
        for partition in partitions - set(self._partitions):
            committed = self._group.committed.get(partition)
            log = self._cluster.log(partition[0])[partition[1]]
            if committed is not None:
                start: int | None = committed
            elif self._offset_reset == "earliest":
                start = log.start
            elif self._offset_reset == "latest":
                start = log.end
            else:
                start = None
            self._partitions[partition] = _PartitionState(
                start, start, start, fetched_up_to=log.start if start is None else start
            )
        if self._listener is not None:
            with contextlib.suppress(Exception):
                await self._listener.on_partitions_assigned(frozenset(partitions))

    # --- internals --------------------------------------------------------------------

    def _check_reachable(self) -> None:
        self._check_open()
        if self._cluster.outage:
            raise UnavailableError("brokers unreachable")

    def _check_running(self) -> None:
        self._check_reachable()
        if not self._started:
            raise UnavailableError("the adapter is not started")

    def _assigned(self, partition: TopicPartition) -> _PartitionState:
        state = self._partitions.get(partition)
        if state is None:
            raise InvalidInputError(f"partition {partition!r} is not assigned")
        return state

    def _partition_of(self, partition: object, key: bytes | None, count: int) -> int:
        if partition is not None:
            if not _is_int(partition) or not 0 <= cast("int", partition) < count:
                raise InvalidInputError(f"no partition {partition!r} (0..{count - 1})")
            return cast("int", partition)
        if key is None:
            return 0
        return key_partition(key, count)

    def _take(self, limit: int) -> list[KafkaRecord]:
        """Take up to ``limit`` records, moving fetch positions; no await inside."""
        batch: list[KafkaRecord] = []
        for (topic, partition), state in sorted(self._partitions.items()):
            if (topic, partition) in self._paused or len(batch) >= limit:
                continue
            log = self._cluster.log(topic)[partition]
            position = self._resolve(topic, log, state)
            taken = log.read_from(position, limit - len(batch))
            batch.extend(_kafka_record(stored) for stored in taken)
            state.position = position + len(taken)
            state.fetched_up_to = max(state.fetched_up_to, state.position)
        return batch

    def _resolve(self, topic: str, log: PartitionLog, state: _PartitionState) -> int:
        """The fetch position, reset per ``offset_reset`` when gone (KA-10)."""
        position = state.position
        if position is not None and position >= log.start:
            return position
        if self._offset_reset == "none":
            what = "no committed offset" if position is None else f"offset {position}"
            raise NotFoundError(
                f"partition {topic}/{log.partition}: {what} is not retained and "
                "offset_reset is 'none' (KA-10); seek to continue"
            )
        position = log.start if self._offset_reset == "earliest" else log.end
        state.position = position
        if state.run_start is None or state.run_start < position:
            state.run_start = position
        if state.started_at is None:
            state.started_at = position
        return position

    def _commit(
        self, partitions: Mapping[TopicPartition, _PartitionState]
    ) -> dict[TopicPartition, int]:
        if self._group is None:
            return {}
        stored: dict[TopicPartition, int] = {}
        for partition, state in partitions.items():
            if state.run_start is None:
                continue
            offset = state.run_start
            while offset in state.acknowledged:
                offset += 1
            state.acknowledged = {o for o in state.acknowledged if o >= offset}
            state.run_start = offset
            self._group.committed[partition] = offset
            stored[partition] = offset
        return stored

    async def _leave(self) -> None:
        group, self._group = self._group, None
        self._partitions.clear()
        self._paused.clear()
        if group is not None and self in group.members:
            group.members.remove(self)
            await self._cluster.rebalance(group)


def _kafka_record(stored: StoredRecord) -> KafkaRecord:
    metadata, _ = decode_record_headers(stored.headers)
    return KafkaRecord(
        topic=stored.topic,
        partition=stored.partition,
        offset=stored.offset,
        key=stored.key,
        value=stored.value,
        headers=stored.headers,
        metadata=metadata,
        timestamp=stored.timestamp,
        timestamp_type=stored.timestamp_type,
    )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_timeout(timeout: object) -> None:
    if timeout is None:
        return
    if not isinstance(timeout, timedelta):
        raise InvalidInputError(f"timeout must be a timedelta: {timeout!r}")
    if timeout <= timedelta(0):
        raise InvalidInputError(f"timeout must be positive: {timeout} (T-6)")


def _check_topics(topics: object) -> tuple[str, ...]:
    if isinstance(topics, str) or not isinstance(topics, Sequence):
        raise InvalidInputError(f"topics must be a sequence of names: {topics!r} (T-5)")
    names = tuple(check_topic(t) for t in cast("Sequence[object]", topics))
    if not names:
        raise InvalidInputError("topics must not be empty")
    return names


def _check_raw_headers(headers: object) -> Headers:
    if isinstance(headers, str | bytes) or not isinstance(headers, Sequence):
        raise InvalidInputError(f"headers must be a sequence of pairs: {headers!r}")
    pairs: list[tuple[str, bytes]] = []
    for item in cast("Sequence[object]", headers):
        if not isinstance(item, tuple) or len(cast("tuple[object, ...]", item)) != 2:
            raise InvalidInputError(f"a header must be a (name, value) pair: {item!r}")
        name, value = cast("tuple[object, object]", item)
        if not isinstance(name, str) or not isinstance(value, bytes):
            raise InvalidInputError(f"a header is (str, bytes): {item!r}")
        pairs.append((name, value))
    return tuple(pairs)
