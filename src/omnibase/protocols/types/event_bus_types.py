"""Value types of the event bus: messages, delivered records, receipts, handlers.

The model is Kafka's, which every other broker can implement: a message is
published to a topic with an optional key; records with the same key keep
their order (they share a partition); consumers in one group share the
records, every group sees all of them; delivery is at least once.

On the wire a message is a record whose headers are, in this order, its
CloudEvents attributes in binary mode (one header per attribute, named as in
the table of ``ProtocolCloudEventAttributes``: ``ce_id``, ``ce_source``, ...,
``content-type``) and its application headers. The bus's own headers start
with ``onex-`` ([`DEAD_LETTER_HEADERS`][]). Both families are reserved
(EVT-4), so a record written by one ONEX bus is read alike by any other.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Final, Literal, Protocol, runtime_checkable

from omnibase.protocols.types.core_types import ProtocolCloudEventAttributes

__all__ = [
    "DEAD_LETTER_HEADERS",
    "RAW_RECORD_EVENT_TYPE",
    "RESERVED_HEADER_PREFIXES",
    "EventMessage",
    "EventMetadata",
    "Headers",
    "OffsetReset",
    "ProtocolEventHandler",
    "ProtocolEventRecord",
    "ProtocolKafkaRecord",
    "ProtocolPublishReceipt",
    "TimestampType",
    "TopicPartition",
]

type Headers = Sequence[tuple[str, bytes]]
"""Transport headers: an ordered sequence of ``(name, value)``; names may repeat."""

type TopicPartition = tuple[str, int]
"""A ``(topic, partition)`` pair; partitions are numbered from 0."""

OffsetReset = Literal["earliest", "latest", "none"]
"""Where a consumer group starts when it has no position, or lost it.

``earliest``: the oldest record still retained. ``latest``: the end of the
log (only records published from then on). ``none``: do not move; report it
instead (EB-2, KA-10), so no record is ever skipped silently.
"""

TimestampType = Literal["create_time", "log_append_time"]
"""Whose clock a record's timestamp is: the producer's (Kafka's default,
``CreateTime``) or the broker's when it appended the record (``LogAppendTime``)."""

RESERVED_HEADER_PREFIXES: Final[tuple[str, ...]] = ("ce_", "onex-")
"""Header name prefixes (any case) that only the bus writes (EVT-4); the
name ``content-type`` is reserved too (CloudEvents binary mode)."""

DEAD_LETTER_HEADERS: Final[tuple[str, ...]] = (
    "onex-error-type",
    "onex-error-message",
    "onex-source-topic",
    "onex-source-partition",
    "onex-source-offset",
    "onex-source-group",
    "onex-attempts",
)
"""The headers a dead-lettered record carries after its own, in this order (EB-5)."""

RAW_RECORD_EVENT_TYPE: Final = "onex.event_bus.raw_record"
"""The ``event_type`` a bus gives a record without CloudEvents attributes (EB-10)."""


@runtime_checkable
class EventMetadata(ProtocolCloudEventAttributes, Protocol):
    """Identity and lineage of an event on the bus: its CloudEvents attributes.

    A bus carries them as CloudEvents binary-mode headers (the table in
    ``ProtocolCloudEventAttributes``); they are not part of the message value.
    """


@runtime_checkable
class EventMessage(Protocol):
    """A message as published to the event bus.

    Rules:
        EVT-1: A topic name is 1-249 characters of ``[A-Za-z0-9._-]`` and is
            neither ``.`` nor ``..`` (Kafka's rule); any other name, or a
            topic that is not a ``str``, raises ``InvalidInputError``.
        EVT-2: ``value is None`` with a key is a tombstone (on a compacted
            topic it deletes the key) and is delivered like any record;
            ``value is None`` without a key raises ``InvalidInputError``.
        EVT-3: While a topic's partition count is unchanged, messages with
            equal ``key`` published through one bus, each ``publish`` awaited
            before the next starts, share a partition and are delivered in
            that order. There is no order across keys, across producers, or
            across a change of the partition count (new partitions move keys).
        EVT-4: Header names starting with ``ce_`` or ``onex-``, and the name
            ``content-type`` (any case), are reserved for the bus: the
            CloudEvents attributes in binary mode and the dead-letter details
            (``DEAD_LETTER_HEADERS``). A message whose application headers use
            one is refused with ``InvalidInputError``.
        EVT-5: A delivered record carries exactly what was published: topic,
            key, value, the application headers unchanged and in order
            (repeated names kept), and metadata equal attribute by attribute,
            extensions included (EVM-3). The bus's wire headers are not in a
            record's ``headers``; only a dead-lettered record has more: the
            ``DEAD_LETTER_HEADERS`` after its own (EB-5).

    Kafka also refuses a topic whose name equals an existing one once ``.``
    and ``_`` are taken as equal; portable applications do not mix the two.
    """

    @property
    def topic(self) -> str:
        """Destination topic (EVT-1)."""
        ...

    @property
    def key(self) -> bytes | None:
        """Partitioning key; equal keys keep their order (EVT-3)."""
        ...

    @property
    def value(self) -> bytes | None:
        """Serialized payload, or ``None`` for a tombstone (EVT-2)."""
        ...

    @property
    def headers(self) -> Headers:
        """Application headers, in order; reserved names are refused (EVT-4)."""
        ...

    @property
    def metadata(self) -> EventMetadata:
        """Identity and lineage of the event (sent as ``ce_*`` headers)."""
        ...


@runtime_checkable
class ProtocolEventRecord(EventMessage, Protocol):
    """A message as delivered to a handler, with its position in the log.

    Rules:
        REC-1: A record's ``timestamp`` equals the timestamp of the receipt
            of its ``publish`` when the receipt has one (its position is the
            receipt's too, EB-1), and ``timestamp_type`` says whose clock it
            is.
    """

    @property
    def partition(self) -> int:
        """Partition the record was read from (from 0)."""
        ...

    @property
    def offset(self) -> int:
        """Offset of the record in its partition (from 0, increasing)."""
        ...

    @property
    def timestamp(self) -> datetime:
        """The record's timestamp as the log stores it (UTC, T-2).

        On ``create_time`` topics (Kafka's default) it is the producer's
        clock when it sent the record, not when the broker appended it.
        """
        ...

    @property
    def timestamp_type(self) -> TimestampType:
        """Whose clock ``timestamp`` is (REC-1)."""
        ...

    @property
    def delivery_attempt(self) -> int:
        """Deliveries of this record to this consumer group, this one included.

        1 on the first; counted across members and restarts (EB-7).
        """
        ...


@runtime_checkable
class ProtocolKafkaRecord(Protocol):
    """A record as a Kafka consumer reads it: the wire view, nothing added.

    What ``ProtocolKafkaAdapter.poll`` returns. Unlike a bus record it keeps
    every header as stored (the ``ce_*`` ones included) and has
    [`metadata`][] only when those headers hold valid CloudEvents attributes
    (KA-11); Kafka keeps no delivery count.
    """

    @property
    def topic(self) -> str:
        """Topic the record was read from."""
        ...

    @property
    def partition(self) -> int:
        """Partition the record was read from (from 0)."""
        ...

    @property
    def offset(self) -> int:
        """Offset of the record in its partition."""
        ...

    @property
    def key(self) -> bytes | None:
        """The record's key."""
        ...

    @property
    def value(self) -> bytes | None:
        """The record's value; ``None`` for a tombstone."""
        ...

    @property
    def headers(self) -> Headers:
        """Every header of the record, as stored and in order."""
        ...

    @property
    def metadata(self) -> EventMetadata | None:
        """The CloudEvents attributes decoded from the ``ce_*`` headers.

        ``None`` for a record without valid ones (KA-11).
        """
        ...

    @property
    def timestamp(self) -> datetime:
        """The record's timestamp as the log stores it (UTC, T-2)."""
        ...

    @property
    def timestamp_type(self) -> TimestampType:
        """Whose clock ``timestamp`` is."""
        ...


@runtime_checkable
class ProtocolPublishReceipt(Protocol):
    """Where a published message was durably stored (EB-1, KA-1)."""

    @property
    def topic(self) -> str:
        """Topic the message was appended to."""
        ...

    @property
    def partition(self) -> int:
        """Partition the message was appended to."""
        ...

    @property
    def offset(self) -> int:
        """Offset the message was given."""
        ...

    @property
    def timestamp(self) -> datetime | None:
        """The record's timestamp as the broker acknowledged it (UTC).

        ``None`` when the broker did not report one (REC-1).
        """
        ...


@runtime_checkable
class ProtocolEventHandler(Protocol):
    """Callback that processes one delivered record.

    Rules:
        EH-1: Returning normally acknowledges the record; raising any
            exception, an ``asyncio.CancelledError`` the handler raises
            itself included, means "not processed": the bus delivers the
            record again or gives up on it (EB-5). A handler's exception
            never reaches a caller of ``publish`` or ``subscribe_to_topic``.
        EH-2: A handler may see one record more than once (at-least-once
            delivery). Every delivery of one published message carries the
            same ``(metadata.source, metadata.event_id)`` (EVM-1), on which
            handlers deduplicate.
    """

    async def __call__(self, record: ProtocolEventRecord, /) -> None:
        """Process one record (EH-1, EH-2).

        Args:
            record: The delivered record.

        Raises:
            Exception: Any exception means "not processed"; the bus redelivers
                the record or dead-letters it.
        """
        ...
