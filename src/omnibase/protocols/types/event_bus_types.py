"""Value types of the event bus: messages, delivered records, receipts, handlers.

The model is Kafka's, which every other broker can implement: a message is
published to a topic with an optional key; records with the same key keep
their order (they share a partition); consumers in one group share the
records, every group sees all of them; delivery is at least once.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from omnibase.protocols.types.core_types import ProtocolCloudEventAttributes

__all__ = [
    "EventMessage",
    "EventMetadata",
    "Headers",
    "OffsetReset",
    "ProtocolEventHandler",
    "ProtocolEventRecord",
    "ProtocolPublishReceipt",
    "TopicPartition",
]

type Headers = Sequence[tuple[str, bytes]]
"""Transport headers: an ordered sequence of ``(name, value)``; names may repeat."""

type TopicPartition = tuple[str, int]
"""A ``(topic, partition)`` pair; partitions are numbered from 0."""

OffsetReset = Literal["earliest", "latest"]
"""Where a consumer group without a committed offset starts reading."""


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
        EVT-1: Topic names are 1-249 characters of ``[A-Za-z0-9._-]``.
        EVT-2: ``value is None`` with a non-``None`` key is a tombstone: it
            deletes the key on compacted topics.
        EVT-3: Messages with equal ``key`` on one topic are delivered in
            publish order; there is no order across keys.
        EVT-4: Header names starting with ``ce_`` or ``onex-`` (any case) are
            reserved for the bus (CloudEvents attributes, dead-letter
            details); a message whose application headers use them is
            refused with ``InvalidInputError``.
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
        """Application headers, in order; the bus may add its own."""
        ...

    @property
    def metadata(self) -> EventMetadata:
        """Identity and lineage of the event."""
        ...


@runtime_checkable
class ProtocolEventRecord(EventMessage, Protocol):
    """A message as delivered to a consumer, with its position in the log."""

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
        """When the broker appended the record (timezone-aware)."""
        ...

    @property
    def delivery_attempt(self) -> int:
        """1 on first delivery, incremented on every redelivery."""
        ...


@runtime_checkable
class ProtocolPublishReceipt(Protocol):
    """Where a published message was durably stored."""

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
    def timestamp(self) -> datetime:
        """When the broker appended the message (timezone-aware)."""
        ...


@runtime_checkable
class ProtocolEventHandler(Protocol):
    """Callback that processes one delivered record.

    Rules:
        EH-1: Returning normally acknowledges the record; raising asks for a
            redelivery (subject to the subscription's retry policy).
        EH-2: A handler may see the same record more than once (at-least-once
            delivery) and must deduplicate on ``record.metadata.event_id``.
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
