"""In-memory ``ProtocolEventBus``: partitions, consumer groups, retries, dead letters.

Demonstrates:
    EVT-1: topic names are checked; EVT-3: equal keys share a partition.
    EB-2: consumer groups. A group's members share its records (each
        partition belongs to one member); every group receives every record.
    EB-3: records of a partition reach their handler one at a time, in
        offset order.
    EB-4: a group's position moves past a record only after a handler
        returned for it (at-least-once; EH-1).
    EB-5: a failing record is redelivered with a growing
        ``delivery_attempt`` and, once the retry policy is exhausted, goes to
        the dead-letter topic with an ``onex-error`` header; without a
        dead-letter topic the subscription stops without acknowledging it
        and ``health_check`` reports ``critical``.
    EB-6 / SUB-1 / SUB-2: ``aclose`` and unsubscribing are idempotent.

Deliberate simplifications:
    Delivery is inline: ``publish`` (and ``subscribe_to_topic``, for a
    backlog) hands pending records to every group before it returns. There
    are no background tasks, so a demo run is deterministic; a real bus
    delivers from consumer tasks, and ``publish`` returns once the broker
    stored the message. Partition ``p`` of a group belongs to member
    ``p % members`` (in joining order); when a member leaves, the others take
    over at the group's position, like a Kafka rebalance. ``timeout`` is
    accepted and never reached. Retry delays are real ``asyncio.sleep`` calls,
    so keep them short in tests; a policy with ``maximum_attempts=0``
    (unlimited) retries a poison record forever, inside ``publish``.
"""

import asyncio
import itertools
import re
import zlib
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Final, override

from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.types import (
    EventMessage,
    OffsetReset,
    ProtocolEventHandler,
    ProtocolHealthReport,
    ProtocolPublishReceipt,
    ProtocolRetryPolicy,
    ProtocolUnsubscribe,
)
from omnibase.spi_conformance.reference.factories import Clock, utc_now
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle
from omnibase.spi_conformance.reference.values import (
    BusMessage,
    BusReceipt,
    BusRecord,
    HealthReport,
    RetryPolicy,
)

__all__ = ["DEFAULT_RETRY_POLICY", "InMemoryEventBus", "check_topic", "retry_delay"]

_TOPIC: Final = re.compile(r"[A-Za-z0-9._-]{1,249}")

DEFAULT_RETRY_POLICY: Final = RetryPolicy(
    initial_interval=timedelta(milliseconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(milliseconds=8),
    maximum_attempts=3,
)
"""Three deliveries, 1 ms then 2 ms apart: the bus's default (EB-5)."""


def check_topic(topic: str) -> None:
    """Refuse a topic name that breaks EVT-1.

    Args:
        topic: The name to check.

    Raises:
        InvalidInputError: Not 1-249 characters of ``[A-Za-z0-9._-]``.
    """
    if not _TOPIC.fullmatch(topic):
        raise InvalidInputError(f"bad topic name {topic!r} (EVT-1)")


def retry_delay(policy: ProtocolRetryPolicy, attempt: int) -> timedelta:
    """Return the delay before attempt ``attempt + 1`` (``ProtocolRetryPolicy``).

    Args:
        policy: The retry policy.
        attempt: The attempt that just failed, from 1.

    Returns:
        ``min(initial_interval * backoff_coefficient ** (attempt - 1),
        maximum_interval)``.
    """
    delay = policy.initial_interval * policy.backoff_coefficient ** (attempt - 1)
    return min(delay, policy.maximum_interval)


def _retries_left(policy: ProtocolRetryPolicy, attempt: int, error: Exception) -> bool:
    if type(error).__name__ in policy.non_retryable_errors:
        return False
    return policy.maximum_attempts == 0 or attempt < policy.maximum_attempts


@dataclass(slots=True, eq=False)
class _Member:
    handler: ProtocolEventHandler
    retry_policy: ProtocolRetryPolicy
    dead_letter_topic: str | None
    name: str
    active: bool = True


@dataclass(slots=True, eq=False)
class _Group:
    topic: str
    group_id: str
    positions: list[int]  # per partition: the next offset to deliver
    members: list[_Member] = field(default_factory=list[_Member])
    attempts: dict[tuple[int, int], int] = field(
        default_factory=dict[tuple[int, int], int]
    )
    delivering: bool = False

    def owner(self, partition: int) -> _Member | None:
        return self.members[partition % len(self.members)] if self.members else None


class _Unsubscribe:
    """Ends one membership (SUB-1); calling it again does nothing (SUB-2)."""

    def __init__(self, group: _Group, member: _Member) -> None:
        self._group = group
        self._member = member

    async def __call__(self) -> None:
        if self._member.active:
            self._member.active = False
            self._group.members.remove(self._member)


class InMemoryEventBus(ReferenceLifecycle):
    """Topics of partitioned logs with consumer groups and at-least-once delivery."""

    def __init__(
        self,
        *,
        partitions: int = 3,
        clock: Clock = utc_now,
        default_retry_policy: ProtocolRetryPolicy = DEFAULT_RETRY_POLICY,
    ) -> None:
        """Create a bus whose topics have ``partitions`` partitions each.

        Args:
            partitions: Partitions per topic, at least 1.
            clock: Timestamps records and health reports.
            default_retry_policy: Used by subscriptions that pass none (EB-5).

        Raises:
            InvalidInputError: ``partitions`` below 1.
        """
        if partitions < 1:
            raise InvalidInputError("a topic needs at least one partition")
        super().__init__(clock=clock)
        self._partitions = partitions
        self._default_retry_policy = default_retry_policy
        self._logs: dict[str, list[list[BusRecord]]] = {}
        self._groups: dict[tuple[str, str], _Group] = {}
        self._member_numbers = itertools.count(1)
        self._unkeyed = itertools.count()
        self._stopped: list[str] = []

    async def publish(
        self, message: EventMessage, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        """Append ``message`` to its partition, then deliver it (EB-1, EVT-3)."""
        self._check_open()
        check_topic(message.topic)
        log = self._log(message.topic)
        if message.key is None:
            partition = next(self._unkeyed) % self._partitions
        else:  # crc32, not hash(): stable across processes
            partition = zlib.crc32(message.key) % self._partitions
        record = BusRecord(
            topic=message.topic,
            key=message.key,
            value=message.value,
            headers=tuple(message.headers),
            metadata=message.metadata,
            partition=partition,
            offset=len(log[partition]),
            timestamp=self._clock(),
            delivery_attempt=1,
        )
        log[partition].append(record)
        for group in [g for g in self._groups.values() if g.topic == message.topic]:
            await self._deliver_pending(group)
        return BusReceipt(
            record.topic, record.partition, record.offset, record.timestamp
        )

    async def subscribe_to_topic(
        self,
        topic: str,
        group_id: str,
        handler: ProtocolEventHandler,
        *,
        offset_reset: OffsetReset = "latest",
        retry_policy: ProtocolRetryPolicy | None = None,
        dead_letter_topic: str | None = None,
    ) -> ProtocolUnsubscribe:
        """Join ``group_id`` on ``topic``; deliver its backlog first (EB-2)."""
        self._check_open()
        check_topic(topic)
        if dead_letter_topic is not None:
            check_topic(dead_letter_topic)
        if not group_id:
            raise InvalidInputError("group_id must not be empty")
        log = self._log(topic)
        group = self._groups.get((topic, group_id))
        if group is None:  # a new group starts per offset_reset
            start = [0 if offset_reset == "earliest" else len(p) for p in log]
            group = self._groups[topic, group_id] = _Group(topic, group_id, start)
        member = _Member(
            handler=handler,
            retry_policy=retry_policy or self._default_retry_policy,
            dead_letter_topic=dead_letter_topic,
            name=f"{group_id}#{next(self._member_numbers)}",
        )
        group.members.append(member)
        await self._deliver_pending(group)
        return _Unsubscribe(group, member)

    @override
    async def health_check(self) -> ProtocolHealthReport:
        """Report ``critical`` once closed or after EB-5 stopped a subscription."""
        if self._closed or self._outage:
            return await super().health_check()
        if self._stopped:
            return HealthReport(
                "critical",
                self._clock(),
                "subscriptions stopped on an undeliverable record (EB-5)",
                {"stopped_subscriptions": list(self._stopped)},
            )
        return HealthReport(
            "passing",
            self._clock(),
            None,
            {"topics": len(self._logs), "consumer_groups": len(self._groups)},
        )

    @override
    async def _on_close(self) -> None:
        """End every subscription; later calls raise ``UnavailableError`` (EB-6)."""
        for group in self._groups.values():
            for member in group.members:
                member.active = False
            group.members.clear()

    def topic_records(self, topic: str) -> tuple[BusRecord, ...]:
        """Return every record of ``topic`` by partition, then offset.

        For inspection by demos and tests; not part of the contract.

        Args:
            topic: The topic.

        Returns:
            The stored records (empty for an unknown topic).
        """
        return tuple(itertools.chain.from_iterable(self._logs.get(topic, ())))

    # --- delivery ----------------------------------------------------------------

    def _log(self, topic: str) -> list[list[BusRecord]]:
        return self._logs.setdefault(topic, [[] for _ in range(self._partitions)])

    async def _deliver_pending(self, group: _Group) -> None:
        """Hand every record past the group's position to its partition's owner."""
        if group.delivering:  # re-entered from a handler: the outer loop goes on
            return
        group.delivering = True
        try:
            log = self._logs[group.topic]
            progressed = True
            while progressed and not self._closed:
                progressed = False
                for partition, records in enumerate(log):
                    while group.positions[partition] < len(records):
                        member = group.owner(partition)
                        if member is None:
                            break
                        record = records[group.positions[partition]]
                        if await self._deliver(group, member, record):
                            group.positions[partition] += 1  # acknowledged (EB-4)
                        progressed = True
        finally:
            group.delivering = False

    async def _deliver(self, group: _Group, member: _Member, record: BusRecord) -> bool:
        """Deliver one record until acknowledged, dead-lettered or given up (EB-5).

        Returns:
            ``True`` when the group may move past the record.
        """
        position = (record.partition, record.offset)
        while member.active:
            attempt = group.attempts.get(position, 0) + 1
            group.attempts[position] = attempt
            try:
                await member.handler(replace(record, delivery_attempt=attempt))
            except Exception as error:  # any exception means "not processed" (EH-1)
                if _retries_left(member.retry_policy, attempt, error):
                    delay = retry_delay(member.retry_policy, attempt)
                    await asyncio.sleep(delay.total_seconds())
                    continue
                del group.attempts[position]
                return await self._give_up(group, member, record, error)
            del group.attempts[position]
            return True
        return False  # the member left; another one gets the record

    async def _give_up(
        self, group: _Group, member: _Member, record: BusRecord, error: Exception
    ) -> bool:
        if member.dead_letter_topic is not None:
            note = f"{type(error).__name__}: {error}".encode()
            await self.publish(
                BusMessage(
                    topic=member.dead_letter_topic,
                    key=record.key,
                    value=record.value,
                    metadata=record.metadata,
                    headers=(*record.headers, ("onex-error", note)),
                )
            )
            return True
        member.active = False
        group.members.remove(member)
        self._stopped.append(f"{member.name} on {group.topic}")
        return False
