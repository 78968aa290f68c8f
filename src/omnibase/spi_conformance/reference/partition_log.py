"""Partitioned, append-only logs: the storage both in-memory brokers share.

A topic is a list of [`PartitionLog`][]s. Records keep their absolute offset
when retention removes older ones (``start`` moves, offsets do not), as in
Kafka. Partition choice for a key is ``crc32(key) % partitions``: stable
across processes, unlike ``hash``.
"""

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.types import Headers, TimestampType

__all__ = [
    "DEFAULT_MAX_MESSAGE_BYTES",
    "PartitionLog",
    "StoredRecord",
    "check_topic",
    "key_partition",
    "record_size",
]

DEFAULT_MAX_MESSAGE_BYTES: Final = 1_048_576
"""Largest record accepted by default, about Kafka's ``message.max.bytes``."""


def check_topic(topic: object, what: str = "topic") -> str:
    """Refuse a topic name that breaks EVT-1.

    Args:
        topic: The name to check.
        what: The argument's name, for the message.

    Returns:
        The name.

    Raises:
        InvalidInputError: Not a ``str`` of 1-249 characters of
            ``[A-Za-z0-9._-]``, or ``.`` or ``..``.
    """
    if not isinstance(topic, str):
        raise InvalidInputError(f"{what} must be a str, not {type(topic).__name__}")
    allowed = all(c.isascii() and (c.isalnum() or c in "._-") for c in topic)
    if not 1 <= len(topic) <= 249 or not allowed or topic in {".", ".."}:
        raise InvalidInputError(f"bad {what} name {topic!r} (EVT-1)")
    return topic


def key_partition(key: bytes, partitions: int) -> int:
    """Return the partition of a key (EVT-3, KA-1).

    Args:
        key: The record key.
        partitions: The topic's partition count.

    Returns:
        ``crc32(key) % partitions``.
    """
    return zlib.crc32(key) % partitions


def record_size(key: bytes | None, value: bytes | None, headers: Headers) -> int:
    """Return a record's size as a broker's limit counts it.

    Args:
        key: The key.
        value: The value.
        headers: Every header, as stored.

    Returns:
        Bytes of key, value, header names (UTF-8) and header values.
    """
    size = len(key or b"") + len(value or b"")
    return size + sum(len(name.encode()) + len(data) for name, data in headers)


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """One record as the log stores it: wire headers, no delivery state."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers
    timestamp: datetime
    timestamp_type: TimestampType


@dataclass(slots=True, eq=False)
class PartitionLog:
    """One partition: records from offset ``start`` to ``end`` (exclusive)."""

    topic: str
    partition: int
    start: int = 0
    records: list[StoredRecord] = field(default_factory=list[StoredRecord])

    @property
    def end(self) -> int:
        """The next offset to be written (Kafka's log end offset)."""
        return self.start + len(self.records)

    def append(
        self,
        key: bytes | None,
        value: bytes | None,
        headers: Headers,
        timestamp: datetime,
        timestamp_type: TimestampType,
    ) -> StoredRecord:
        """Append one record at the end.

        Args:
            key: The key.
            value: The value.
            headers: The wire headers.
            timestamp: The record's timestamp.
            timestamp_type: Whose clock it is.

        Returns:
            The stored record, with its offset.
        """
        record = StoredRecord(
            self.topic,
            self.partition,
            self.end,
            key,
            value,
            tuple(headers),
            timestamp,
            timestamp_type,
        )
        self.records.append(record)
        return record

    def read(self, offset: int) -> StoredRecord:
        """Return the record at ``offset`` (``start <= offset < end``).

        Args:
            offset: An offset still retained.

        Returns:
            The record.
        """
        return self.records[offset - self.start]

    def read_from(self, offset: int, limit: int) -> Sequence[StoredRecord]:
        """Return up to ``limit`` records from ``offset`` on.

        Args:
            offset: The first offset (``start <= offset``).
            limit: At most this many.

        Returns:
            The records, in offset order.
        """
        first = offset - self.start
        return self.records[first : first + limit]

    def expire(self, before_offset: int) -> None:
        """Remove the records before ``before_offset``, as retention does.

        Args:
            before_offset: The new log start offset (clamped to ``end``).
        """
        new_start = min(max(before_offset, self.start), self.end)
        del self.records[: new_start - self.start]
        self.start = new_start

    def first_at_or_after(self, at: datetime) -> int | None:
        """Return the offset of the first record stamped at or after ``at``.

        Args:
            at: A timezone-aware instant.

        Returns:
            The offset, or ``None`` when no retained record is that recent.
        """
        for record in self.records:
            if record.timestamp >= at:
                return record.offset
        return None
