"""In-memory ``ProtocolEventBus``: partitions, consumer groups, retries, dead letters.

Demonstrates every rule of ``ProtocolEventBus`` (EB-1 to EB-12) and of the
messages it carries (EVT-1 to EVT-5, REC-1, EH-1, EH-2, SUB-1, SUB-2, RP-1 to
RP-3), in two delivery modes:

- ``delivery="inline"``: ``publish`` (and ``subscribe_to_topic``, for a
  backlog) hands pending records to the handlers before it returns. No
  background task delivers, so a demo run is deterministic.
- ``delivery="tasks"``: one task per group and partition delivers, as a
  consumer of a real broker does; ``publish`` returns before any handler
  runs, and handlers of different partitions run concurrently (EB-3).

How it works:
    Records are stored in wire form: the metadata as CloudEvents binary-mode
    ``ce_*`` headers before the application headers (``cloudevents``), so a
    record written without them is a foreign, raw record (EB-10). Each group
    keeps, per partition, its position (the next offset to deliver) and the
    delivery count of the record there, stored before the handler is called
    (EB-7). One delivery loop per group and partition hands the record at
    the position to the partition's owner, each call in a task of its own
    (so a crash or a drain timeout can cancel it, and a handler's own
    ``CancelledError`` is a failure like any other, EH-1). Partition ``p``
    belongs to member ``p % members`` in joining order; every change of
    membership is a rebalance (EB-11, RB-1) that waits, up to the drain
    timeout, for the calls in flight on the partitions that move.

Fault injection (what the conformance kit's hooks call):
    ``simulate_outage``/``restore`` (broker unreachable), ``stall`` (broker
    not answering), ``crash_member`` (a member dies mid-handler),
    ``append_raw`` (a foreign producer's record), ``expire`` (retention).

Deliberate simplifications:
    One process: "durable" means "in this object". Every topic has
    ``partitions`` partitions. Retry delays are real ``asyncio.sleep`` calls,
    so keep them short in tests.
"""

import asyncio
import contextlib
import itertools
import math
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Final, Literal, cast, get_args, override

from omnibase.protocols.errors import (
    DeadlineExceededError,
    InvalidInputError,
    NotFoundError,
    OutcomeUnknownError,
)
from omnibase.protocols.event_bus import ProtocolRebalanceListener
from omnibase.protocols.types import (
    EventMessage,
    EventMetadata,
    Headers,
    OffsetReset,
    ProtocolEventHandler,
    ProtocolHealthReport,
    ProtocolPublishReceipt,
    ProtocolRetryPolicy,
    ProtocolUnsubscribe,
    TopicPartition,
)
from omnibase.spi_conformance.reference.cloudevents import (
    check_application_headers,
    decode_record_headers,
    encode_record_headers,
    raw_record_attributes,
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
    BusRecord,
    HealthReport,
    RetryPolicy,
)

__all__ = [
    "DEFAULT_RETRY_POLICY",
    "MEMBER_LOST",
    "DeliveryMode",
    "InMemoryEventBus",
    "check_retry_policy",
    "check_topic",
    "dead_letter_headers",
    "is_retryable",
    "retry_delay",
]

type DeliveryMode = Literal["inline", "tasks"]
"""``inline``: ``publish`` delivers before it returns; ``tasks``: consumer tasks do."""

DEFAULT_RETRY_POLICY: Final = RetryPolicy(
    initial_interval=timedelta(milliseconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(milliseconds=8),
    maximum_attempts=3,
)
"""Three deliveries, 1 ms then 2 ms apart: the bus's default (EB-5)."""

MEMBER_LOST: Final = "member-lost"
"""``onex-error-type`` of a record whose attempts crashed members used up (EB-5)."""

_MESSAGE_LIMIT: Final = 1000
_OFFSET_RESETS: Final = frozenset(get_args(OffsetReset))
type _MemberState = Literal["active", "leaving", "left", "stopped", "crashed", "closed"]


def check_retry_policy(policy: object) -> ProtocolRetryPolicy:
    """Refuse a retry policy that breaks its members' bounds (RP-3).

    Args:
        policy: What the caller passed as ``retry_policy``.

    Returns:
        The policy.

    Raises:
        InvalidInputError: A member is missing, wrong-typed or out of bounds.
    """
    try:
        initial: object = getattr(policy, "initial_interval")  # noqa: B009
        coefficient: object = getattr(policy, "backoff_coefficient")  # noqa: B009
        maximum: object = getattr(policy, "maximum_interval")  # noqa: B009
        attempts: object = getattr(policy, "maximum_attempts")  # noqa: B009
        names: object = getattr(policy, "non_retryable_errors")  # noqa: B009
    except AttributeError as error:
        raise InvalidInputError(
            f"retry_policy is not a retry policy: {error}"
        ) from None
    if not isinstance(initial, timedelta) or initial <= timedelta(0):
        raise InvalidInputError(
            f"initial_interval must be positive: {initial!r} (RP-3)"
        )
    if (
        isinstance(coefficient, bool)
        or not isinstance(coefficient, int | float)
        or not coefficient >= 1.0
        or math.isinf(coefficient)
    ):
        raise InvalidInputError(
            f"backoff_coefficient must be at least 1: {coefficient!r} (RP-3)"
        )
    if not isinstance(maximum, timedelta) or maximum < initial:
        raise InvalidInputError(
            f"maximum_interval must be at least initial_interval: {maximum!r} (RP-3)"
        )
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 0:
        raise InvalidInputError(f"maximum_attempts must be >= 0: {attempts!r} (RP-3)")
    if isinstance(names, str) or not isinstance(names, Sequence):
        raise InvalidInputError(
            f"non_retryable_errors must be a sequence of names: {names!r} (T-5)"
        )
    if not all(isinstance(name, str) for name in cast("Sequence[object]", names)):
        raise InvalidInputError(f"non_retryable_errors must hold str: {names!r}")
    return cast("ProtocolRetryPolicy", policy)


def retry_delay(policy: ProtocolRetryPolicy, attempt: int) -> timedelta:
    """Return the delay before attempt ``attempt + 1`` (RP-1).

    The bound is applied before multiplying, so the result never overflows,
    however large ``attempt`` is.

    Args:
        policy: A valid retry policy (RP-3).
        attempt: The attempt that just failed, from 1.

    Returns:
        ``min(initial_interval * backoff_coefficient ** (attempt - 1),
        maximum_interval)``.
    """
    initial, maximum = policy.initial_interval, policy.maximum_interval
    coefficient = float(policy.backoff_coefficient)
    exponent = max(attempt - 1, 0)
    if coefficient > 1.0:
        reaches_maximum = math.log(maximum / initial) / math.log(coefficient)
        if exponent >= reaches_maximum:
            return maximum
        return min(initial * coefficient**exponent, maximum)
    return min(initial, maximum)


def is_retryable(policy: ProtocolRetryPolicy, error: BaseException) -> bool:
    """Tell whether ``error`` may be retried under ``policy`` (RP-2).

    Args:
        policy: The retry policy.
        error: What the handler raised.

    Returns:
        ``False`` when an entry of ``non_retryable_errors`` equals the error
        class's ``__name__`` or ``module.qualname`` (base classes are not
        consulted).
    """
    kind = type(error)
    names = set(policy.non_retryable_errors)
    return kind.__name__ not in names and _qualified(kind) not in names


def dead_letter_headers(
    error_type: str,
    message: str,
    source: StoredRecord,
    group_id: str,
    attempts: int,
) -> Headers:
    """Return the ``DEAD_LETTER_HEADERS`` of a record given up on (EB-5).

    Args:
        error_type: ``module.qualname`` of the error, or ``member-lost``.
        message: ``str(error)``; cut to 1,000 characters.
        source: The record given up on.
        group_id: The group that gave up.
        attempts: Deliveries made.

    Returns:
        The headers, in the order of ``DEAD_LETTER_HEADERS``.
    """
    values = (
        error_type,
        message[:_MESSAGE_LIMIT],
        source.topic,
        str(source.partition),
        str(source.offset),
        group_id,
        str(attempts),
    )
    names = (
        "onex-error-type",
        "onex-error-message",
        "onex-source-topic",
        "onex-source-partition",
        "onex-source-offset",
        "onex-source-group",
        "onex-attempts",
    )
    return tuple(
        (name, text.encode()) for name, text in zip(names, values, strict=True)
    )


def _qualified(kind: type[BaseException]) -> str:
    return f"{kind.__module__}.{kind.__qualname__}"


@dataclass(slots=True, eq=False)
class _Delivery:
    """One handler call in flight."""

    task: asyncio.Task[None]
    stored: StoredRecord
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    cancelled_by_bus: bool = False


@dataclass(slots=True, eq=False)
class _Member:
    name: str
    handler: ProtocolEventHandler
    retry_policy: ProtocolRetryPolicy
    dead_letter_topic: str | None
    offset_reset: OffsetReset
    event_types: frozenset[str] | None
    listener: ProtocolRebalanceListener | None
    state: _MemberState = "active"
    assigned: set[int] = field(default_factory=set[int])
    told: bool = False
    inflight: dict[int, _Delivery] = field(default_factory=dict[int, _Delivery])


@dataclass(slots=True, eq=False)
class _Group:
    topic: str
    group_id: str
    positions: list[int]  # per partition: the next offset to deliver
    attempts: dict[tuple[int, int], int] = field(
        default_factory=dict[tuple[int, int], int]
    )
    errors: dict[tuple[int, int], tuple[str, str]] = field(
        default_factory=dict[tuple[int, int], tuple[str, str]]
    )
    members: list[_Member] = field(default_factory=list[_Member])  # active
    everyone: list[_Member] = field(default_factory=list[_Member])
    owners: dict[int, _Member] = field(default_factory=dict[int, _Member])
    busy: set[int] = field(default_factory=set[int])
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass(slots=True, eq=False)
class _PendingPublish:
    done: asyncio.Event = field(default_factory=asyncio.Event)
    abandoned: asyncio.Event = field(default_factory=asyncio.Event)


class _Unsubscribe:
    """Ends one membership (SUB-1); calling it again does nothing (SUB-2)."""

    def __init__(
        self,
        leave: Callable[[_Group, _Member], Awaitable[None]],
        group: _Group,
        member: _Member,
    ) -> None:
        self._leave = leave
        self.group = group
        self.member = member

    async def __call__(self) -> None:
        await self._leave(self.group, self.member)

    @override
    def __repr__(self) -> str:
        return f"<subscription {self.member.name} on {self.group.topic}>"


class InMemoryEventBus(ReferenceLifecycle):
    """Topics of partitioned logs with consumer groups and at-least-once delivery."""

    def __init__(
        self,
        *,
        partitions: int = 3,
        clock: Clock = utc_now,
        delivery: DeliveryMode = "inline",
        default_retry_policy: ProtocolRetryPolicy = DEFAULT_RETRY_POLICY,
        drain_timeout: timedelta = timedelta(seconds=5),
        publish_timeout: timedelta = timedelta(seconds=30),
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        """Create a bus whose topics have ``partitions`` partitions each.

        Args:
            partitions: Partitions per topic, at least 1.
            clock: Timestamps records and health reports.
            delivery: ``inline`` (deterministic) or ``tasks`` (like a broker).
            default_retry_policy: Used by subscriptions that pass none (EB-5).
            drain_timeout: How long ``aclose``, unsubscribing and rebalances
                wait for handler calls in flight (EB-6, SUB-1).
            publish_timeout: The default ``timeout`` of ``publish`` (T-3).
            max_message_bytes: Largest record accepted (EB-12).

        Raises:
            InvalidInputError: ``partitions`` below 1, an unknown delivery
                mode or a duration that is not positive.
        """
        if partitions < 1:
            raise InvalidInputError("a topic needs at least one partition")
        if delivery not in ("inline", "tasks"):
            raise InvalidInputError(f"unknown delivery mode {delivery!r}")
        if drain_timeout <= timedelta(0) or publish_timeout <= timedelta(0):
            raise InvalidInputError("timeouts must be positive (T-6)")
        super().__init__(clock=clock)
        self._partitions = partitions
        self._inline = delivery == "inline"
        self._default_retry_policy = check_retry_policy(default_retry_policy)
        self._drain_timeout = drain_timeout
        self._publish_timeout = publish_timeout
        self._max_message_bytes = max_message_bytes
        self._logs: dict[str, list[PartitionLog]] = {}
        self._groups: dict[tuple[str, str], _Group] = {}
        self._member_numbers = itertools.count(1)
        self._unkeyed = itertools.count()
        self._stopped: dict[_Member, str] = {}  # why each one stopped (EB-8)
        self._pending: set[_PendingPublish] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._stalled = False
        self._unstalled = asyncio.Event()

    # --- the contract -----------------------------------------------------------

    async def publish(
        self, message: EventMessage, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        """Store ``message`` in its key's partition (EB-1, EVT-3), then deliver."""
        self._check_open()
        limit = _check_timeout(timeout, self._publish_timeout)
        topic, key, value, headers = self._check_message(message)
        pending = _PendingPublish()
        self._pending.add(pending)
        try:
            await self._broker_acknowledgement(pending, limit)
            log = self._log(topic)
            partition = self._partition_for(key)
            stored = log[partition].append(
                key, value, headers, self._clock(), "create_time"
            )
            receipt = BusReceipt(topic, partition, stored.offset, stored.timestamp)
            await self._kick_topic(topic)
            return receipt
        finally:
            self._pending.discard(pending)
            pending.done.set()

    async def subscribe_to_topic(
        self,
        topic: str,
        group_id: str,
        handler: ProtocolEventHandler,
        *,
        offset_reset: OffsetReset = "latest",
        retry_policy: ProtocolRetryPolicy | None = None,
        dead_letter_topic: str | None = None,
        event_types: Sequence[str] | None = None,
        rebalance_listener: ProtocolRebalanceListener | None = None,
    ) -> ProtocolUnsubscribe:
        """Join ``group_id`` on ``topic`` (EB-2, EB-11); deliver its backlog."""
        self._check_open()
        self._check_topic(topic)
        group_name = _check_group_id(group_id)
        if not callable(cast("object", handler)):
            raise InvalidInputError(f"handler must be callable: {handler!r}")
        reset = _check_offset_reset(offset_reset)
        policy = (
            self._default_retry_policy
            if retry_policy is None
            else self._check_retry_policy(retry_policy)
        )
        if dead_letter_topic is not None:
            self._check_dead_letter_topic(topic, dead_letter_topic)
        types = _check_event_types(event_types)
        listener = _check_listener(rebalance_listener)
        log = self._log(topic)
        group = self._groups.get((topic, group_name))
        if group is None:
            if reset == "none":
                raise NotFoundError(
                    f"group {group_name!r} has no position on {topic!r} and "
                    "offset_reset is 'none' (EB-2)"
                )
            start = [p.start if reset == "earliest" else p.end for p in log]
            group = self._groups[topic, group_name] = _Group(topic, group_name, start)
        member = _Member(
            name=f"{group_name}#{next(self._member_numbers)}",
            handler=handler,
            retry_policy=policy,
            dead_letter_topic=dead_letter_topic,
            offset_reset=reset,
            event_types=types,
            listener=listener,
        )
        group.members.append(member)
        group.everyone.append(member)
        await self._rebalance(group)
        await self._kick_group(group)
        return _Unsubscribe(self._leave, group, member)

    @override
    async def health_check(self) -> ProtocolHealthReport:
        """Report ``critical`` when closed, unreachable, stalled or stopped (EB-8)."""
        if self._closed or self._outage:
            return await super().health_check()
        if self._stalled:
            return HealthReport("critical", self._clock(), "broker not answering")
        if self._stopped:
            stopped = sorted(self._stopped.values())
            return HealthReport(
                "critical",
                self._clock(),
                "stopped subscriptions (EB-8): " + "; ".join(stopped),
                {"stopped_subscriptions": stopped},
            )
        return HealthReport(
            "passing",
            self._clock(),
            None,
            {"topics": len(self._logs), "consumer_groups": len(self._groups)},
        )

    @override
    async def _on_close(self) -> None:
        """Drain, end every subscription, abandon what is left (EB-6)."""
        deliveries = [
            delivery
            for group in self._groups.values()
            for member in group.everyone
            for delivery in member.inflight.values()
        ]
        pending = list(self._pending)
        waiting = [d.finished for d in deliveries] + [p.done for p in pending]
        unfinished = await _wait_events(waiting, self._drain_timeout)
        abandoned = 0
        for delivery in deliveries:
            if not delivery.finished.is_set():
                abandoned += 1
                delivery.cancelled_by_bus = True
                delivery.task.cancel()
        for publish in pending:
            if not publish.done.is_set():
                abandoned += 1
                publish.abandoned.set()
        for group in self._groups.values():
            for member in group.members:
                member.state = "closed"
                taken, member.assigned = set(member.assigned), set()
                if taken:
                    await self._notify(member, "revoked", group.topic, taken)
            group.members.clear()
            group.owners.clear()
        self._stopped.clear()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks)
        if abandoned or unfinished:
            raise DeadlineExceededError(
                f"aclose abandoned {abandoned} handler call(s) or publish(es) after "
                f"the drain timeout of {self._drain_timeout} (EB-6)"
            )

    # --- fault injection and inspection ---------------------------------------------

    async def restore(self) -> None:
        """End an outage (``simulate_outage``) and resume delivering."""
        self.simulate_outage(False)
        await self._kick_all()

    async def stall(self, stalled: bool = True) -> None:
        """Make the broker stop answering (publishes wait), or answer again.

        Args:
            stalled: ``True`` to stall, ``False`` to answer again.
        """
        self._stalled = stalled
        if stalled:
            self._unstalled.clear()
        else:
            self._unstalled.set()
            await self._kick_all()

    async def crash_member(self, handler: ProtocolEventHandler) -> None:
        """Kill the members subscribed with ``handler`` mid-call, as a crash would.

        Their handler calls are cancelled, nothing of theirs is acknowledged,
        and their partitions go to the group's other members without an
        orderly hand-over (their listeners hear ``on_partitions_lost``, RB-2).

        Args:
            handler: The handler the members were subscribed with.
        """
        for group in list(self._groups.values()):
            doomed = [m for m in group.members if m.handler is handler]
            for member in doomed:
                member.state = "crashed"
                group.members.remove(member)
                for delivery in member.inflight.values():
                    delivery.cancelled_by_bus = True
                    delivery.task.cancel()
            if doomed:
                await self._rebalance(group)
                await self._kick_group(group)

    async def append_raw(
        self,
        topic: str,
        value: bytes | None,
        *,
        key: bytes | None = None,
        headers: Headers = (),
    ) -> TopicPartition:
        """Store a record as a producer without CloudEvents headers would (EB-10).

        Args:
            topic: The topic.
            value: The value.
            key: The key (chooses the partition as for ``publish``).
            headers: Any headers, written as given.

        Returns:
            Where it was stored, ``(topic, partition)``; its offset is that
            partition's last.
        """
        check_topic(topic)
        log = self._log(topic)
        partition = 0 if key is None else key_partition(key, self._partitions)
        log[partition].append(key, value, tuple(headers), self._clock(), "create_time")
        await self._kick_topic(topic)
        return topic, partition

    async def expire(self, topic: str, partition: int, before_offset: int) -> None:
        """Remove a partition's records before ``before_offset`` (retention).

        Args:
            topic: The topic.
            partition: The partition.
            before_offset: The new oldest retained offset.
        """
        self._log(topic)[partition].expire(before_offset)
        await self._kick_topic(topic)

    def topic_records(self, topic: str) -> tuple[BusRecord, ...]:
        """Return every retained record of ``topic`` by partition, then offset.

        For inspection by demos and tests; not part of the contract.

        Args:
            topic: The topic.

        Returns:
            The records as a first delivery would show them (empty for an
            unknown topic).
        """
        return tuple(
            self._make_record(stored, 1, *self._decode(stored))
            for partition in self._logs.get(topic, ())
            for stored in partition.records
        )

    # --- checks ---------------------------------------------------------------------

    def _check_message(
        self, message: EventMessage
    ) -> tuple[str, bytes | None, bytes | None, Headers]:
        """Validate a message (ERR-1, EVT-1, 2, 4, EB-12); return its wire form."""
        candidate: object = message
        try:
            topic: object = getattr(candidate, "topic")  # noqa: B009
            key: object = getattr(candidate, "key")  # noqa: B009
            value: object = getattr(candidate, "value")  # noqa: B009
            headers: object = getattr(candidate, "headers")  # noqa: B009
            metadata: object = getattr(candidate, "metadata")  # noqa: B009
        except AttributeError as error:
            raise InvalidInputError(
                f"message is not an EventMessage: {error}"
            ) from None
        checked_topic = self._check_topic(topic)
        if key is not None and not isinstance(key, bytes):
            raise InvalidInputError(f"key must be bytes or None: {key!r}")
        if value is not None and not isinstance(value, bytes):
            raise InvalidInputError(f"value must be bytes or None: {value!r}")
        if value is None and key is None:
            raise InvalidInputError("a message without value needs a key (EVT-2)")
        application = check_application_headers(headers)
        try:
            wire = encode_record_headers(cast("EventMetadata", metadata), application)
        except InvalidInputError:
            raise
        except (AttributeError, TypeError, ValueError) as error:
            raise InvalidInputError(f"bad message metadata: {error}") from None
        size = record_size(key, value, wire)
        if size > self._max_message_bytes:
            raise InvalidInputError(
                f"message of {size} bytes exceeds the broker's limit of "
                f"{self._max_message_bytes} (EB-12)"
            )
        return checked_topic, key, value, wire

    async def _broker_acknowledgement(
        self, pending: _PendingPublish, limit: timedelta
    ) -> None:
        """Wait while the broker is stalled; fail like a client would (EB-12)."""
        if not self._stalled:
            return
        answered = asyncio.ensure_future(self._unstalled.wait())
        given_up = asyncio.ensure_future(pending.abandoned.wait())
        try:
            done, _ = await asyncio.wait(
                {answered, given_up},
                timeout=limit.total_seconds(),
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            answered.cancel()
            given_up.cancel()
        if given_up in done:
            raise OutcomeUnknownError(
                "the bus closed before the broker acknowledged the message; it "
                "may have been stored (EB-6)"
            )
        if not done:
            raise DeadlineExceededError(
                f"no acknowledgement within {limit}; the message may have been "
                "stored (EB-12)"
            )
        self._check_open()

    # --- groups and rebalances ------------------------------------------------------

    def _log(self, topic: str) -> list[PartitionLog]:
        log = self._logs.get(topic)
        if log is None:
            log = [PartitionLog(topic, p) for p in range(self._partitions)]
            self._logs[topic] = log
        return log

    async def _rebalance(self, group: _Group) -> None:
        """Move partitions to the active members (RB-1, EB-11, EB-3)."""
        async with group.lock:
            active = list(group.members)
            desired: dict[int, _Member] = {}
            if active:
                desired = {p: active[p % len(active)] for p in range(self._partitions)}
            holders = [m for m in group.everyone if m.assigned]
            for member in holders:  # no new call on a partition that moves
                for partition in member.assigned:
                    if desired.get(partition) is not member:
                        group.owners.pop(partition, None)
            for member in holders:
                taken = {p for p in member.assigned if desired.get(p) is not member}
                if not taken:
                    continue
                if member.state == "crashed":
                    member.assigned -= taken
                    await self._notify(member, "lost", group.topic, taken)
                else:
                    await self._release(member, taken)
                    member.assigned -= taken
                    await self._notify(member, "revoked", group.topic, taken)
            for member in active:
                if member.state != "active":
                    continue
                new = {p for p, owner in desired.items() if owner is member}
                changed = new != member.assigned or not member.told
                member.assigned = new
                member.told = True
                for partition in new:
                    group.owners[partition] = member
                if changed:
                    await self._notify(member, "assigned", group.topic, new)
            group.everyone = [  # forget members that hold and run nothing
                m
                for m in group.everyone
                if m.state == "active" or m.assigned or m.inflight
            ]

    async def _release(self, member: _Member, partitions: set[int]) -> None:
        """Wait for the member's calls on ``partitions``; cancel them at the limit."""
        current = asyncio.current_task()
        deliveries = [
            delivery
            for partition, delivery in member.inflight.items()
            if partition in partitions and delivery.task is not current
        ]
        await _wait_events([d.finished for d in deliveries], self._drain_timeout)
        for delivery in deliveries:
            if not delivery.finished.is_set():
                delivery.cancelled_by_bus = True
                delivery.task.cancel()

    async def _leave(self, group: _Group, member: _Member) -> None:
        """Unsubscribe (SUB-1, SUB-2): drain, hand over, stop."""
        if member.state == "stopped":
            member.state = "left"
            self._stopped.pop(member, None)
            return
        if member.state != "active":
            return
        member.state = "leaving"
        group.members.remove(member)
        await self._rebalance(group)
        member.state = "left"
        await self._kick_group(group)

    async def _stop(self, group: _Group, member: _Member, why: str) -> None:
        """Stop a subscription without acknowledging its record (EB-8)."""
        if member.state != "active":
            return
        member.state = "stopped"
        group.members.remove(member)
        self._stopped[member] = f"{group.topic} (group {group.group_id}): {why}"
        await self._rebalance(group)
        await self._kick_group(group)

    # --- delivery -------------------------------------------------------------------

    async def _kick_all(self) -> None:
        for group in list(self._groups.values()):
            await self._kick_group(group)

    async def _kick_topic(self, topic: str) -> None:
        for group in [g for g in self._groups.values() if g.topic == topic]:
            await self._kick_group(group)

    async def _kick_group(self, group: _Group) -> None:
        """Start delivering every partition of ``group`` that has work."""
        for partition in range(self._partitions):
            if partition in group.busy or not self._has_work(group, partition):
                continue
            group.busy.add(partition)
            if self._inline:
                await self._drain(group, partition)
            else:
                task = asyncio.create_task(self._drain(group, partition))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    def _has_work(self, group: _Group, partition: int) -> bool:
        owner = group.owners.get(partition)
        if owner is None or owner.state != "active":
            return False
        return group.positions[partition] != self._log(group.topic)[partition].end

    def _delivering(self) -> bool:
        return not (self._closed or self._outage or self._stalled)

    async def _drain(self, group: _Group, partition: int) -> None:
        """Deliver a partition's records one at a time, in order (EB-3)."""
        log = self._log(group.topic)[partition]
        try:
            while self._delivering():
                member = group.owners.get(partition)
                if member is None or member.state != "active":
                    return
                position = group.positions[partition]
                if position < log.start:  # fell off retention (EB-2)
                    if member.offset_reset == "none":
                        await self._stop(
                            group, member, f"position {position} no longer retained"
                        )
                    elif member.offset_reset == "earliest":
                        group.positions[partition] = log.start
                    else:
                        group.positions[partition] = log.end
                    continue
                if position >= log.end:
                    return
                await self._deliver(group, member, log.read(position))
        finally:
            group.busy.discard(partition)

    async def _deliver(
        self, group: _Group, member: _Member, stored: StoredRecord
    ) -> None:
        """Deliver one record once; acknowledge, retry later or give up (EB-4, 5, 7)."""
        metadata, headers = self._decode(stored)
        if member.event_types is not None and (
            metadata.event_type not in member.event_types
        ):
            self._acknowledge(group, stored)  # filtered out (EB-9)
            return
        position = (stored.partition, stored.offset)
        policy = member.retry_policy
        made = group.attempts.get(position, 0)
        if policy.maximum_attempts and made >= policy.maximum_attempts:
            await self._give_up(group, member, stored, metadata, headers)
            return
        attempt = made + 1
        group.attempts[position] = attempt  # stored before the call (EB-7)
        record = self._make_record(stored, attempt, metadata, headers)
        task = asyncio.create_task(_call(member.handler, record))
        delivery = _Delivery(task, stored)
        member.inflight[stored.partition] = delivery
        try:
            await asyncio.wait({delivery.task})
        except asyncio.CancelledError:
            delivery.cancelled_by_bus = True
            delivery.task.cancel()
            raise
        finally:
            member.inflight.pop(stored.partition, None)
            delivery.finished.set()
        if delivery.cancelled_by_bus:
            return  # crashed or drained out: nothing acknowledged (EB-4)
        error = self._handler_failure(delivery.task)
        if error is None:
            self._acknowledge(group, stored)
            return
        group.errors[position] = (_qualified(type(error)), str(error))
        exhausted = bool(policy.maximum_attempts) and attempt >= policy.maximum_attempts
        if exhausted or not self._is_retryable(policy, error):
            await self._give_up(group, member, stored, metadata, headers)
        else:
            await asyncio.sleep(self._retry_delay(policy, attempt).total_seconds())

    def _acknowledge(self, group: _Group, stored: StoredRecord) -> None:
        """Move the group's position past ``stored`` (EB-4)."""
        if group.positions[stored.partition] == stored.offset:
            group.positions[stored.partition] = stored.offset + 1
        group.attempts.pop((stored.partition, stored.offset), None)
        group.errors.pop((stored.partition, stored.offset), None)

    async def _give_up(
        self,
        group: _Group,
        member: _Member,
        stored: StoredRecord,
        metadata: EventMetadata,
        headers: Headers,
    ) -> None:
        """Dead-letter the record and acknowledge it, or stop (EB-5, EB-8).

        The headers report the last error a handler raised for the record,
        or ``member-lost`` when no call of it ever returned (EB-7).
        """
        position = (stored.partition, stored.offset)
        attempts = group.attempts.get(position, 0)
        if member.dead_letter_topic is None:
            why = f"gave up on offset {stored.offset} of partition {stored.partition}"
            await self._stop(group, member, why)
            return
        lost = (MEMBER_LOST, f"{attempts} deliveries ended with their member lost")
        error_type, message = group.errors.get(position, lost)
        details = self._dead_letter_headers(
            error_type, message, stored, group.group_id, attempts
        )
        wire = encode_record_headers(metadata, (*headers, *details))
        target = self._log(member.dead_letter_topic)
        index = self._partition_for(stored.key)
        target[index].append(
            stored.key, stored.value, wire, self._clock(), "create_time"
        )
        self._acknowledge(group, stored)
        await self._kick_topic(member.dead_letter_topic)

    # --- steps a variant may replace (tests/conformance/broken) ---------------------

    def _check_topic(self, topic: object, what: str = "topic") -> str:
        """EVT-1."""
        return check_topic(topic, what)

    def _check_retry_policy(self, policy: object) -> ProtocolRetryPolicy:
        """RP-3."""
        return check_retry_policy(policy)

    def _check_dead_letter_topic(self, topic: str, dead_letter_topic: object) -> None:
        """EB-5: a valid name, and not the topic itself (it would loop)."""
        self._check_topic(dead_letter_topic, "dead_letter_topic")
        if dead_letter_topic == topic:
            raise InvalidInputError(
                f"dead_letter_topic equals the topic {topic!r} (EB-5)"
            )

    def _partition_for(self, key: bytes | None) -> int:
        """EVT-3: equal keys, one partition; no key, round robin."""
        if key is None:
            return next(self._unkeyed) % self._partitions
        return key_partition(key, self._partitions)

    def _decode(self, stored: StoredRecord) -> tuple[EventMetadata, Headers]:
        """EVT-5, EB-10: the metadata and application headers of a stored record."""
        metadata, headers = decode_record_headers(stored.headers)
        if metadata is None:  # a raw record (EB-10)
            metadata = raw_record_attributes(
                stored.topic, stored.partition, stored.offset, stored.timestamp
            )
        return metadata, headers

    def _make_record(
        self,
        stored: StoredRecord,
        attempt: int,
        metadata: EventMetadata,
        headers: Headers,
    ) -> BusRecord:
        """The record a handler gets (EVT-5, REC-1, EB-7)."""
        return BusRecord(
            topic=stored.topic,
            key=stored.key,
            value=stored.value,
            headers=tuple(headers),
            metadata=metadata,
            partition=stored.partition,
            offset=stored.offset,
            timestamp=stored.timestamp,
            delivery_attempt=attempt,
            timestamp_type=stored.timestamp_type,
        )

    def _handler_failure(self, task: asyncio.Task[None]) -> BaseException | None:
        """What a finished call raised, its own ``CancelledError`` too (EH-1)."""
        if task.cancelled():
            return asyncio.CancelledError("the handler raised CancelledError")
        return task.exception()

    def _is_retryable(self, policy: ProtocolRetryPolicy, error: BaseException) -> bool:
        """RP-2."""
        return is_retryable(policy, error)

    def _retry_delay(self, policy: ProtocolRetryPolicy, attempt: int) -> timedelta:
        """RP-1."""
        return retry_delay(policy, attempt)

    def _dead_letter_headers(
        self,
        error_type: str,
        message: str,
        source: StoredRecord,
        group_id: str,
        attempts: int,
    ) -> Headers:
        """EB-5."""
        return dead_letter_headers(error_type, message, source, group_id, attempts)

    async def _notify(
        self,
        member: _Member,
        kind: Literal["assigned", "revoked", "lost"],
        topic: str,
        partitions: Iterable[int],
    ) -> None:
        """Call the member's rebalance listener; its failures do not stop us (EB-11)."""
        listener = member.listener
        if listener is None:
            return
        moved = frozenset((topic, partition) for partition in partitions)
        with contextlib.suppress(Exception):
            if kind == "assigned":
                await listener.on_partitions_assigned(moved)
            elif kind == "revoked":
                await listener.on_partitions_revoked(moved)
            else:
                await listener.on_partitions_lost(moved)


# --- helpers --------------------------------------------------------------------------


async def _call(handler: ProtocolEventHandler, record: BusRecord) -> None:
    await handler(record)


async def _wait_events(events: Iterable[asyncio.Event], limit: timedelta) -> int:
    """Wait until every event is set, at most ``limit``; return how many are not."""
    waiters = [asyncio.ensure_future(event.wait()) for event in events]
    if not waiters:
        return 0
    try:
        _, pending = await asyncio.wait(waiters, timeout=limit.total_seconds())
    finally:
        for waiter in waiters:
            waiter.cancel()
    return len(pending)


def _check_timeout(timeout: object, default: timedelta) -> timedelta:
    if timeout is None:
        return default
    if not isinstance(timeout, timedelta):
        raise InvalidInputError(f"timeout must be a timedelta: {timeout!r}")
    if timeout <= timedelta(0):
        raise InvalidInputError(f"timeout must be positive: {timeout} (T-6)")
    return timeout


def _check_group_id(group_id: object) -> str:
    if not isinstance(group_id, str) or not group_id:
        raise InvalidInputError(f"group_id must be a non-empty str: {group_id!r}")
    return group_id


def _check_offset_reset(offset_reset: object) -> OffsetReset:
    if offset_reset not in _OFFSET_RESETS:
        raise InvalidInputError(f"unknown offset_reset {offset_reset!r}")
    return cast("OffsetReset", offset_reset)


def _check_event_types(event_types: object) -> frozenset[str] | None:
    if event_types is None:
        return None
    if isinstance(event_types, str) or not isinstance(event_types, Sequence):
        raise InvalidInputError(
            f"event_types must be a sequence of str, not {event_types!r} (T-5)"
        )
    items = list(cast("Sequence[object]", event_types))
    if not items or not all(isinstance(item, str) and item for item in items):
        raise InvalidInputError(
            f"event_types must hold at least one non-empty str: {event_types!r} (EB-9)"
        )
    return frozenset(cast("list[str]", items))


def _check_listener(listener: object) -> ProtocolRebalanceListener | None:
    if listener is None:
        return None
    if not isinstance(listener, ProtocolRebalanceListener):
        raise InvalidInputError(f"not a rebalance listener: {listener!r}")
    return listener
