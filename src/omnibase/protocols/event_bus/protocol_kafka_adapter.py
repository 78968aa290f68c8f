"""Kafka integration contract: what an event bus implementation needs from Kafka.

The adapter exposes Kafka's own model (partitions, offsets, consumer groups,
rebalances) so that an event bus can provide at-least-once delivery with
manual acknowledgement, backpressure, replay and dead-lettering on top of it.
"""

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.types.event_bus_types import (
    Headers,
    OffsetReset,
    ProtocolEventRecord,
    ProtocolPublishReceipt,
    TopicPartition,
)

__all__ = ["ProtocolKafkaAdapter", "ProtocolRebalanceListener"]


@runtime_checkable
class ProtocolRebalanceListener(Protocol):
    """Hooks called when the consumer group moves partitions.

    Rules:
        RB-1: ``on_partitions_revoked`` always runs before the matching
            ``on_partitions_assigned``; committing inside it is the last
            chance to keep the processed position of the revoked partitions.
    """

    async def on_partitions_revoked(self, revoked: AbstractSet[TopicPartition]) -> None:
        """Partitions are about to be taken away (RB-1).

        Args:
            revoked: Partitions this consumer will stop reading.

        Raises:
            Exception: Logged by the adapter; the rebalance goes on.
        """
        ...

    async def on_partitions_assigned(
        self, assigned: AbstractSet[TopicPartition]
    ) -> None:
        """Partitions were given to this consumer (RB-1).

        Args:
            assigned: Partitions this consumer now reads.

        Raises:
            Exception: Logged by the adapter; the rebalance goes on.
        """
        ...


@runtime_checkable
class ProtocolKafkaAdapter(ProtocolLifecycle, Protocol):
    """A Kafka producer and consumer pair with manual acknowledgement.

    Rules:
        KA-1: ``send`` returns after the write is acknowledged by all in-sync
            replicas (``acks=all``; idempotent producer); equal keys always
            land on the same partition.
        KA-2: ``send`` with ``value=None`` and a key writes a tombstone.
        KA-3: ``records`` yields the records of each assigned partition in
            offset order; records of different partitions interleave.
        KA-4: Auto-commit is off. ``acknowledge`` marks one record processed;
            ``commit`` then stores, per partition, the offset after the
            longest contiguous run of processed records (Kafka's committed
            offset is the next offset to read).
        KA-5: Acknowledgements of a partition that was revoked are dropped;
            its records will be delivered again to the new owner.
        KA-6: ``seek`` moves the next read of one partition and drops the
            acknowledgements at or after the new offset (replay).
        KA-7: ``pause`` stops fetching from partitions without leaving the
            group (backpressure); ``resume`` continues where it stopped.
        KA-8: ``start`` is idempotent; ``aclose`` commits what is
            acknowledged before leaving the group (then LC-2, LC-3).
    """

    async def start(self) -> None:
        """Connect the producer and consumer (KA-8); ``aclose`` undoes it.

        Raises:
            UnavailableError: No broker could be reached.
            AuthenticationError: The broker refused the credentials.
        """
        ...

    async def send(
        self,
        topic: str,
        value: bytes | None,
        *,
        key: bytes | None = None,
        headers: Headers = (),
        partition: int | None = None,
        timeout: timedelta | None = None,
    ) -> ProtocolPublishReceipt:
        """Write one record and wait for its acknowledgement (KA-1, KA-2).

        Args:
            topic: Destination topic (EVT-1).
            value: Record value; ``None`` with a key is a tombstone.
            key: Record key; chooses the partition when ``partition`` is None.
            headers: Record headers, in order.
            partition: Explicit partition, overriding the key's.
            timeout: Limit for the acknowledgement (T-3).

        Returns:
            Where the record was stored.

        Raises:
            InvalidInputError: A bad topic, a tombstone without key, or a
                partition the topic does not have.
            DeadlineExceededError: No acknowledgement within ``timeout``.
            UnavailableError: The adapter is not started or the brokers are
                unreachable.
        """
        ...

    async def subscribe(
        self,
        topics: Sequence[str],
        group_id: str,
        *,
        offset_reset: OffsetReset = "latest",
        rebalance_listener: ProtocolRebalanceListener | None = None,
    ) -> None:
        """Join ``group_id`` as a consumer of ``topics``.

        Args:
            topics: Topics to consume (T-5).
            group_id: The consumer group.
            offset_reset: Where to start without a committed offset.
            rebalance_listener: Hooks for partition moves (RB-1).

        Raises:
            InvalidInputError: Bad topic names or group id.
            UnavailableError: The adapter is not started or the group
                coordinator is unreachable.
        """
        ...

    def records(self) -> AsyncIterator[ProtocolEventRecord]:
        """Iterate over consumed records as they arrive (KA-3).

        The iterator ends when the adapter stops.

        Returns:
            An asynchronous iterator of records.
        """
        ...

    def acknowledge(self, record: ProtocolEventRecord) -> None:
        """Mark one record processed (KA-4); commits happen in ``commit``.

        Args:
            record: A record yielded by ``records``.

        Raises:
            InvalidInputError: The record was not consumed by this adapter.
        """
        ...

    async def commit(self) -> Mapping[TopicPartition, int]:
        """Store the processed position of every assigned partition (KA-4, KA-5).

        Returns:
            The committed offset (next offset to read) per partition.

        Raises:
            UnavailableError: The commit failed (for example after a
                rebalance); the records will be delivered again.
        """
        ...

    def seek(self, partition: TopicPartition, offset: int) -> None:
        """Read ``partition`` from ``offset`` next (KA-6).

        Args:
            partition: An assigned partition.
            offset: The next offset to read; 0 replays from the start.

        Raises:
            InvalidInputError: The partition is not assigned or the offset is
                negative.
        """
        ...

    async def seek_to_time(self, partition: TopicPartition, at: datetime) -> int | None:
        """Read ``partition`` from its first record at or after ``at`` (KA-6).

        Args:
            partition: An assigned partition.
            at: Timezone-aware instant.

        Returns:
            The offset now read next, or ``None`` when no record is that
            recent (the position moves to the end).

        Raises:
            InvalidInputError: The partition is not assigned.
            UnavailableError: The brokers could not be asked for offsets.
        """
        ...

    def pause(self, partitions: Iterable[TopicPartition]) -> None:
        """Stop fetching from ``partitions`` (KA-7).

        Args:
            partitions: Assigned partitions.

        Raises:
            InvalidInputError: A partition is not assigned.
        """
        ...

    def resume(self, partitions: Iterable[TopicPartition]) -> None:
        """Fetch again from paused ``partitions`` (KA-7).

        Args:
            partitions: Paused partitions; others are ignored.
        """
        ...

    def assignment(self) -> AbstractSet[TopicPartition]:
        """Return the partitions currently assigned to this consumer.

        Returns:
            The assigned partitions (empty before the first assignment).
        """
        ...
