"""Kafka integration contract: what an event bus implementation needs from Kafka.

The adapter exposes Kafka's own model (partitions, offsets, consumer groups,
rebalances) so that an event bus can provide at-least-once delivery with
manual acknowledgement, backpressure, replay and dead-lettering on top of it.

Transactions (exactly-once read-process-write: a transactional producer and
``send_offsets_to_transaction``) are deliberately not part of this contract:
the event bus promises at-least-once delivery with deduplication by event id
(EH-2), which needs none. An implementation may offer them beside it.
"""

from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.types.event_bus_types import (
    EventMetadata,
    Headers,
    OffsetReset,
    ProtocolKafkaRecord,
    ProtocolPublishReceipt,
    TopicPartition,
)

__all__ = ["ProtocolKafkaAdapter", "ProtocolRebalanceListener"]


@runtime_checkable
class ProtocolRebalanceListener(Protocol):
    """Hooks called when a consumer group moves partitions between members.

    Rules:
        RB-1: For every partition moved between members of a group, the old
            owner's ``on_partitions_revoked`` (or ``on_partitions_lost``,
            RB-2) returns before the new owner's ``on_partitions_assigned``
            is called, so progress saved while revoking is saved before
            anyone else reads the partition; no partition is ever assigned
            to two members at once. ``on_partitions_assigned`` receives the
            member's whole new assignment (it may include partitions it kept).
        RB-2: ``on_partitions_lost`` replaces ``on_partitions_revoked`` when
            partitions were taken without an orderly hand-over (the member's
            session expired or it was presumed dead; Kafka's KIP 429):
            another member may own them already, so the listener must not
            commit or save progress for them. An implementation that cannot
            tell (aiokafka never reports it) does not call it; the records
            are then delivered again as after a crash.
    """

    async def on_partitions_revoked(self, revoked: AbstractSet[TopicPartition]) -> None:
        """Partitions are about to be handed over in an orderly way (RB-1).

        Args:
            revoked: Partitions this member will stop reading.

        Raises:
            Exception: Logged; the rebalance goes on.
        """
        ...

    async def on_partitions_assigned(
        self, assigned: AbstractSet[TopicPartition]
    ) -> None:
        """Partitions were given to this member (RB-1).

        Args:
            assigned: Every partition this member now reads.

        Raises:
            Exception: Logged; the rebalance goes on.
        """
        ...

    async def on_partitions_lost(self, lost: AbstractSet[TopicPartition]) -> None:
        """Partitions were taken without an orderly hand-over (RB-2).

        Args:
            lost: Partitions this member no longer owns; do not commit them.

        Raises:
            Exception: Logged; the rebalance goes on.
        """
        ...


@runtime_checkable
class ProtocolKafkaAdapter(ProtocolLifecycle, Protocol):
    """A Kafka producer and consumer pair with manual acknowledgement.

    Rules:
        KA-1: ``send`` returns after the write is acknowledged by all in-sync
            replicas (``acks=all``; idempotent producer) with the record's
            receipt; while a topic's partition count is unchanged, equal keys
            land on the same partition, and records sent through one
            adapter, each ``send`` awaited, keep their order (EVT-3).
        KA-2: ``send`` with ``value=None`` and a key writes a tombstone;
            ``value=None`` without a key raises ``InvalidInputError`` (EVT-2).
        KA-3: ``poll`` returns the records of each assigned, unpaused
            partition in offset order from the partition's fetch position
            on, and moves that position past them; records of different
            partitions interleave.
        KA-4: Auto-commit is off. ``acknowledge`` marks one record processed;
            ``commit`` stores, per assigned partition, the offset after the
            longest contiguous run of processed records that starts at the
            partition's committed offset (or at its seek offset, KA-6), and
            returns what it stored. Kafka's committed offset is the next
            offset to read.
        KA-5: When partitions are revoked in an orderly rebalance, the
            adapter commits their acknowledged runs (KA-4) before it calls
            ``on_partitions_revoked``; acknowledgements of a partition no
            longer assigned are dropped, and its records past the committed
            offset are delivered again to the new owner.
        KA-6: ``seek`` moves the next read of one partition and drops its
            acknowledgements at or after the new offset; the partition's
            contiguous run then starts at the new offset, so the next
            ``commit`` may store a smaller offset than before (a replay
            survives a restart).
        KA-7: ``pause`` stops fetching from partitions without leaving the
            group (backpressure); ``resume`` continues where it stopped.
        KA-8: ``start`` is idempotent; ``aclose`` commits what is
            acknowledged (KA-4), calls ``on_partitions_revoked`` with its
            partitions (aiokafka does not: an implementation calls it before
            ``stop``) and leaves the group, whose other members take over
            (RB-1); then LC-2 and LC-3 hold (a closed adapter does not start
            again).
        KA-9: ``subscribe`` returns once the consumer has joined the group
            and received its assignment, with fetch positions resolved: the
            group's committed offset, else per ``offset_reset``
            (``earliest``: the oldest retained record; ``latest``: the end of
            the log then), so a record sent after ``subscribe`` returned is
            polled even with ``latest``.
        KA-10: With ``offset_reset="none"``, an assigned partition without a
            committed offset, or whose fetch position is no longer retained,
            makes ``poll`` raise ``NotFoundError`` naming it until ``seek``
            gives it a position: nothing is skipped silently. With
            ``earliest`` or ``latest`` such a position moves to the oldest
            retained record or to the end.
        KA-11: ``send`` with ``metadata`` writes the CloudEvents attributes as
            binary-mode headers (the table of
            ``ProtocolCloudEventAttributes``) before ``headers``, which may
            then use no reserved name (EVT-4); without ``metadata`` the
            headers are written as given. A polled record's ``headers`` are
            all its headers as stored, and its ``metadata`` is decoded from
            them, or ``None`` when they hold no valid CloudEvents attributes:
            the adapter never invents them.
        KA-12: ``poll`` returns the records available, at most
            ``max_records``; when there are none it waits up to ``timeout``
            (zero: not at all) and returns an empty sequence. Cancelling a
            ``poll`` loses no record: the next ``poll`` returns what it would
            have returned.
        KA-13: ``health_check().details["lag"]`` is a JSON object mapping
            ``"<topic>/<partition>"`` of every assigned partition to the
            number of records from the group's committed offset (before the
            first commit: the position consumption started from) to the end
            of the log.
    """

    async def start(self) -> None:
        """Connect the producer and consumer (KA-8); ``aclose`` undoes it.

        Raises:
            UnavailableError: No broker could be reached, or the adapter was
                closed (LC-3).
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
        metadata: EventMetadata | None = None,
        timeout: timedelta | None = None,
    ) -> ProtocolPublishReceipt:
        """Write one record and wait for its acknowledgement (KA-1, KA-2, KA-11).

        Args:
            topic: Destination topic (EVT-1).
            value: Record value; ``None`` with a key is a tombstone.
            key: Record key; chooses the partition when ``partition`` is None.
            headers: Record headers, in order.
            partition: Explicit partition, overriding the key's.
            metadata: CloudEvents attributes, written as ``ce_*`` headers.
            timeout: Limit for the acknowledgement (T-3, T-6).

        Returns:
            Where the record was stored.

        Raises:
            InvalidInputError: A bad topic, a tombstone without key, a
                partition the topic does not have, a reserved header name
                beside ``metadata``, a record too large, a wrong-typed
                argument (ERR-1) or a timeout that is not positive (T-6).
            AuthenticationError: The credentials may not write the topic.
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
        """Join ``group_id`` as a consumer of ``topics`` (KA-9).

        Args:
            topics: Topics to consume (T-5).
            group_id: The consumer group.
            offset_reset: Where to start without a usable committed offset
                (KA-9, KA-10).
            rebalance_listener: Hooks for partition moves (RB-1).

        Raises:
            InvalidInputError: Bad topic names or group id.
            UnavailableError: The adapter is not started or the group
                coordinator is unreachable.
        """
        ...

    async def poll(
        self, *, timeout: timedelta | None = None, max_records: int | None = None
    ) -> Sequence[ProtocolKafkaRecord]:
        """Return the next consumed records, waiting up to ``timeout`` (KA-12).

        Args:
            timeout: How long to wait when no record is available; zero
                returns at once, ``None`` waits the documented default (T-3).
            max_records: Most records returned; ``None`` for the documented
                default.

        Returns:
            Records in offset order per partition (KA-3); empty on timeout.

        Raises:
            InvalidInputError: A negative ``timeout`` or ``max_records`` below 1.
            NotFoundError: With ``offset_reset="none"``, a partition has no
                usable position (KA-10).
            UnavailableError: The adapter is not started, not subscribed, or
                the brokers are unreachable.
        """
        ...

    def acknowledge(self, record: ProtocolKafkaRecord) -> None:
        """Mark one record processed (KA-4); commits happen in ``commit``.

        Args:
            record: A record returned by ``poll``.

        Raises:
            InvalidInputError: The record was not returned by this adapter's
                ``poll``.
            UnavailableError: The adapter is closed (LC-3).
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
            UnavailableError: The adapter is closed (LC-3).
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
            UnavailableError: The adapter is closed (LC-3).
        """
        ...

    def resume(self, partitions: Iterable[TopicPartition]) -> None:
        """Fetch again from paused ``partitions`` (KA-7).

        Args:
            partitions: Paused partitions; others are ignored.

        Raises:
            UnavailableError: The adapter is closed (LC-3).
        """
        ...

    def assignment(self) -> AbstractSet[TopicPartition]:
        """Return the partitions currently assigned to this consumer.

        Returns:
            The assigned partitions (empty before the first assignment).

        Raises:
            UnavailableError: The adapter is closed (LC-3).
        """
        ...
