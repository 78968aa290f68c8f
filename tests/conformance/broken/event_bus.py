"""Broken event buses: each breaks one rule of ProtocolEventBus or what it carries.

Several reproduce a defect the implementer trials found in the 0.1 example
bus: a dead-letter topic equal to the topic, a delay multiplied before it is
capped, a handler's ``CancelledError`` escaping ``publish``, ``aclose`` not
waiting, the attempt count restarting after a stop, builtin errors for
wrong-typed input, and ``timeout=timedelta(0)`` read as "the default".
"""

import asyncio
import dataclasses
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Literal, cast, override
from uuid import uuid4

from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.event_bus import ProtocolRebalanceListener
from omnibase.protocols.types import (
    EventMessage,
    EventMetadata,
    Headers,
    OffsetReset,
    ProtocolEventHandler,
    ProtocolPublishReceipt,
    ProtocolRetryPolicy,
    ProtocolUnsubscribe,
)
from omnibase.spi_conformance.reference.cloudevents import is_reserved_header
from omnibase.spi_conformance.reference.event_bus import (
    _Group,  # pyright: ignore[reportPrivateUsage]
)
from omnibase.spi_conformance.reference.event_bus import (
    _Member,  # pyright: ignore[reportPrivateUsage]
)
from omnibase.spi_conformance.reference.event_bus import (
    InMemoryEventBus,
)
from omnibase.spi_conformance.reference.partition_log import StoredRecord
from omnibase.spi_conformance.reference.values import (
    BusMessage,
    BusMetadata,
    BusReceipt,
    BusRecord,
)
from omnibase.spi_conformance.suites import SuiteEnvironment
from omnibase.spi_conformance.suites._messaging import SuiteMessage
from tests.conformance.harness import Variant
from tests.conformance.test_reference_event_bus import (
    ReferenceEventBusSuite,
    TestInMemoryEventBusInline,
    TestInMemoryEventBusTasks,
)

type _Kind = Literal["assigned", "revoked", "lost"]


def _copy(message: EventMessage, **changes: object) -> BusMessage:
    fields: dict[str, object] = {
        "topic": message.topic,
        "key": message.key,
        "value": message.value,
        "metadata": message.metadata,
        "headers": tuple(message.headers),
    }
    fields.update(changes)
    return BusMessage(**fields)  # type: ignore[arg-type]


class AcceptsDotTopics(InMemoryEventBus):
    """Takes ``.`` and ``..`` as topic names, which Kafka refuses (EVT-1)."""

    @override
    def _check_topic(self, topic: object, what: str = "topic") -> str:
        if topic in {".", ".."}:
            return str(topic)
        return super()._check_topic(topic, what)


class KeylessTombstones(InMemoryEventBus):
    """Stores a message without key and value (EVT-2)."""

    @override
    async def publish(
        self, message: EventMessage, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        given = cast("object", message)
        if isinstance(given, BusMessage | SuiteMessage) and (
            given.key is None and given.value is None
        ):
            message = _copy(given, key=b"")
        return await super().publish(message, timeout=timeout)


class IgnoresKeys(InMemoryEventBus):
    """Spreads every message round robin, keyed or not (EVT-3)."""

    @override
    def _partition_for(self, key: bytes | None) -> int:
        return super()._partition_for(None)


class DropsReservedHeaders(InMemoryEventBus):
    """Silently drops reserved application headers instead of refusing (EVT-4)."""

    @override
    async def publish(
        self, message: EventMessage, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        given = cast("object", message)
        if isinstance(given, BusMessage | SuiteMessage) and isinstance(
            given.headers, tuple
        ):
            kept = tuple(
                (n, v)
                for n, v in cast("Headers", given.headers)
                if not is_reserved_header(n)
            )
            message = _copy(given, headers=kept)
        return await super().publish(message, timeout=timeout)


class LosesExtensions(InMemoryEventBus):
    """Delivers metadata without its extension attributes (EVT-5, EVM-3)."""

    @override
    def _decode(self, stored: StoredRecord) -> tuple[EventMetadata, Headers]:
        metadata, headers = super()._decode(stored)
        plain = cast("BusMetadata", metadata)
        return dataclasses.replace(plain, extensions={}), headers


class ReceiptTimeLater(InMemoryEventBus):
    """Receipts report a time after the record's own (REC-1)."""

    @override
    async def publish(
        self, message: EventMessage, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        receipt = await super().publish(message, timeout=timeout)
        later = None if receipt.timestamp is None else receipt.timestamp
        if later is not None:
            later += timedelta(milliseconds=1)
        return BusReceipt(receipt.topic, receipt.partition, receipt.offset, later)


class CancellationEscapes(InMemoryEventBus):
    """A handler's own ``CancelledError`` escapes ``publish`` (EH-1; a 0.1 defect)."""

    @override
    def _handler_failure(self, task: asyncio.Task[None]) -> BaseException | None:
        if task.cancelled():
            raise asyncio.CancelledError
        return super()._handler_failure(task)


class NewIdOnRedelivery(InMemoryEventBus):
    """Gives a redelivered record a fresh ``event_id`` (EH-2)."""

    @override
    def _make_record(
        self,
        stored: StoredRecord,
        attempt: int,
        metadata: EventMetadata,
        headers: Headers,
    ) -> BusRecord:
        record = super()._make_record(stored, attempt, metadata, headers)
        if attempt == 1:
            return record
        plain = cast("BusMetadata", metadata)
        fresh = dataclasses.replace(plain, event_id=str(uuid4()))
        return dataclasses.replace(record, metadata=fresh)


class ReceiptOffsetOffByOne(InMemoryEventBus):
    """Receipts name the offset after the record's (EB-1)."""

    @override
    async def publish(
        self, message: EventMessage, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        receipt = await super().publish(message, timeout=timeout)
        return BusReceipt(
            receipt.topic, receipt.partition, receipt.offset + 1, receipt.timestamp
        )


class LatestFixedLate(InMemoryEventBus):
    """Fixes a new ``latest`` group's start after ``subscribe`` returned (EB-2)."""

    @override
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
        new = (topic, group_id) not in self._groups
        unsubscribe = await super().subscribe_to_topic(
            topic,
            group_id,
            handler,
            offset_reset=offset_reset,
            retry_policy=retry_policy,
            dead_letter_topic=dead_letter_topic,
            event_types=event_types,
            rebalance_listener=rebalance_listener,
        )
        if new and offset_reset == "latest":
            group = self._groups[topic, group_id]

            def to_the_end() -> None:
                group.positions[:] = [p.end for p in self._log(topic)]

            asyncio.get_running_loop().call_soon(to_the_end)
        return unsubscribe


class GathersBatches(InMemoryEventBus):
    """Hands a partition's pending records to the handler all at once (EB-3)."""

    @override
    async def _drain(self, group: _Group, partition: int) -> None:
        log = self._log(group.topic)[partition]
        while True:
            member = group.owners.get(partition)
            position = group.positions[partition]
            if (
                not self._delivering()
                or member is None
                or member.state != "active"
                or position < log.start
                or log.end - position < 2
            ):
                await super()._drain(group, partition)
                return
            batch = [log.read(o) for o in range(position, log.end)]
            await asyncio.gather(
                *(self._deliver(group, member, stored) for stored in batch)
            )


class CrashAcknowledges(InMemoryEventBus):
    """Counts the record a crashed member was handling as done (EB-4)."""

    @override
    async def crash_member(self, handler: ProtocolEventHandler) -> None:
        for group in self._groups.values():
            for member in group.members:
                if member.handler is handler:
                    for delivery in member.inflight.values():
                        self._acknowledge(group, delivery.stored)
        await super().crash_member(handler)


class DeadLetterIntoItself(InMemoryEventBus):
    """Accepts a dead-letter topic equal to the topic (EB-5; a 0.1 defect)."""

    @override
    def _check_dead_letter_topic(self, topic: str, dead_letter_topic: object) -> None:
        self._check_topic(dead_letter_topic, "dead_letter_topic")


class NoSourceOffsetHeader(InMemoryEventBus):
    """Dead letters lack ``onex-source-offset`` (EB-5)."""

    @override
    def _dead_letter_headers(
        self,
        error_type: str,
        message: str,
        source: StoredRecord,
        group_id: str,
        attempts: int,
    ) -> Headers:
        headers = super()._dead_letter_headers(
            error_type, message, source, group_id, attempts
        )
        return tuple((n, v) for n, v in headers if n != "onex-source-offset")


class CloseDoesNotWait(InMemoryEventBus):
    """``aclose`` gives in-flight calls no time (EB-6; a 0.1 defect)."""

    @override
    async def _on_close(self) -> None:
        self._drain_timeout = timedelta(microseconds=1)
        await super()._on_close()


class AttemptsRestartAfterStop(InMemoryEventBus):
    """Forgets delivery counts when a subscription stops (EB-7; a 0.1 defect)."""

    @override
    async def _stop(self, group: _Group, member: _Member, why: str) -> None:
        group.attempts.clear()
        await super()._stop(group, member, why)


class CriticalForever(InMemoryEventBus):
    """Stays ``critical`` after the stopped subscription is unsubscribed (EB-8)."""

    @override
    async def _leave(self, group: _Group, member: _Member) -> None:
        if member.state == "stopped":
            member.state = "left"
            return
        await super()._leave(group, member)


class IgnoresEventTypes(InMemoryEventBus):
    """Delivers every record, whatever ``event_types`` asks (EB-9)."""

    @override
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
        given = cast("object", event_types)
        if not isinstance(given, str) and given != []:
            event_types = None
        return await super().subscribe_to_topic(
            topic,
            group_id,
            handler,
            offset_reset=offset_reset,
            retry_policy=retry_policy,
            dead_letter_topic=dead_letter_topic,
            event_types=event_types,
            rebalance_listener=rebalance_listener,
        )


class BareStringFilter(InMemoryEventBus):
    """Reads ``event_types="a.b"`` as one type instead of refusing it (T-5)."""

    @override
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
        if isinstance(cast("object", event_types), str):
            event_types = [cast("str", event_types)]
        return await super().subscribe_to_topic(
            topic,
            group_id,
            handler,
            offset_reset=offset_reset,
            retry_policy=retry_policy,
            dead_letter_topic=dead_letter_topic,
            event_types=event_types,
            rebalance_listener=rebalance_listener,
        )


class InventsRawIds(InMemoryEventBus):
    """Gives a raw record a random ``event_id`` (EB-10)."""

    @override
    def _decode(self, stored: StoredRecord) -> tuple[EventMetadata, Headers]:
        metadata, headers = super()._decode(stored)
        if metadata.event_id != f"{stored.topic}/{stored.partition}/{stored.offset}":
            return metadata, headers
        plain = cast("BusMetadata", metadata)
        return dataclasses.replace(plain, event_id=str(uuid4())), headers


class SilentOnJoin(InMemoryEventBus):
    """Never calls ``on_partitions_assigned`` (EB-11)."""

    @override
    async def _notify(
        self,
        member: _Member,
        kind: _Kind,
        topic: str,
        partitions: Iterable[int],
    ) -> None:
        if kind != "assigned":
            await super()._notify(member, kind, topic, partitions)


class LostReportedAsRevoked(InMemoryEventBus):
    """Tells a crashed member's listener "revoked" instead of "lost" (RB-2)."""

    @override
    async def _notify(
        self,
        member: _Member,
        kind: _Kind,
        topic: str,
        partitions: Iterable[int],
    ) -> None:
        await super()._notify(
            member, "revoked" if kind == "lost" else kind, topic, partitions
        )


class RevokesLate(InMemoryEventBus):
    """Tells a member its partitions were revoked only after others got them (RB-1)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._deferred: list[tuple[_Member, str, frozenset[int]]] = []

    @override
    async def _notify(
        self,
        member: _Member,
        kind: _Kind,
        topic: str,
        partitions: Iterable[int],
    ) -> None:
        chosen = frozenset(partitions)
        if kind == "revoked":
            self._deferred.append((member, topic, chosen))
            return
        await super()._notify(member, kind, topic, chosen)
        if kind == "assigned":
            for other, other_topic, taken in [
                d for d in self._deferred if d[0] is not member
            ]:
                self._deferred.remove((other, other_topic, taken))
                await super()._notify(other, "revoked", other_topic, taken)


class DelayOverflows(InMemoryEventBus):
    """Multiplies the delay before capping it: overflows (RP-1; a 0.1 defect)."""

    @override
    def _retry_delay(self, policy: ProtocolRetryPolicy, attempt: int) -> timedelta:
        delay = policy.initial_interval * policy.backoff_coefficient ** (attempt - 1)
        return min(delay, policy.maximum_interval)


class MatchesSubclasses(InMemoryEventBus):
    """Treats subclasses of a listed error as listed (RP-2)."""

    @override
    def _is_retryable(self, policy: ProtocolRetryPolicy, error: BaseException) -> bool:
        names = set(policy.non_retryable_errors)
        for kind in type(error).__mro__:
            if (
                kind.__name__ in names
                or f"{kind.__module__}.{kind.__qualname__}" in names
            ):
                return False
        return True


class AcceptsAnyPolicy(InMemoryEventBus):
    """Takes a retry policy without checking its bounds (RP-3)."""

    @override
    def _check_retry_policy(self, policy: object) -> ProtocolRetryPolicy:
        return cast("ProtocolRetryPolicy", policy)


class UnsubscribeCancels(InMemoryEventBus):
    """Unsubscribing cancels the call in flight instead of waiting (SUB-1)."""

    @override
    async def _release(self, member: _Member, partitions: set[int]) -> None:
        if member.state == "leaving":
            for delivery in member.inflight.values():
                delivery.cancelled_by_bus = True
                delivery.task.cancel()
            return
        await super()._release(member, partitions)


class UnsubscribeTwiceRaises(InMemoryEventBus):
    """A second unsubscribe raises (SUB-2)."""

    @override
    async def _leave(self, group: _Group, member: _Member) -> None:
        if member.state in {"left", "closed"}:
            raise InvalidInputError("already unsubscribed")
        await super()._leave(group, member)


class ZeroTimeoutMeansDefault(InMemoryEventBus):
    """Reads ``timeout=timedelta(0)`` as "the default" (T-6; a 0.1 defect)."""

    @override
    async def publish(
        self, message: EventMessage, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        return await super().publish(message, timeout=timeout or None)


class BuiltinErrorsForBadInput(InMemoryEventBus):
    """Lets ``topic=None`` raise ``AttributeError`` (ERR-1; a 0.1 defect)."""

    @override
    async def publish(
        self, message: EventMessage, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        message.topic.lower()
        return await super().publish(message, timeout=timeout)


class ConnectionErrorWhenDown(InMemoryEventBus):
    """Raises the builtin ``ConnectionError`` while the broker is down (EB-12)."""

    @override
    async def publish(
        self, message: EventMessage, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        if self._outage:
            raise ConnectionError("broker down")
        return await super().publish(message, timeout=timeout)


def _variant(
    name: str,
    breaks: tuple[str, ...],
    broken: type[InMemoryEventBus],
    suite: type[ReferenceEventBusSuite] = TestInMemoryEventBusTasks,
) -> Variant:
    def build(self: ReferenceEventBusSuite, env: SuiteEnvironment) -> InMemoryEventBus:
        return broken(
            clock=env.clock,
            delivery=self.delivery,
            drain_timeout=self.drain_timeout,
            max_message_bytes=self.max_message_bytes or 0,
        )

    return Variant(name, breaks, suite, {"build": build})


INLINE = TestInMemoryEventBusInline

VARIANTS = [
    _variant("lost_reported_as_revoked", ("RB-2",), LostReportedAsRevoked),
    _variant("accepts_dot_topics", ("EVT-1",), AcceptsDotTopics),
    _variant("keyless_tombstones", ("EVT-2",), KeylessTombstones),
    _variant("ignores_keys", ("EVT-3",), IgnoresKeys, INLINE),
    _variant("drops_reserved_headers", ("EVT-4",), DropsReservedHeaders),
    _variant("loses_extensions", ("EVT-5",), LosesExtensions),
    _variant("receipt_time_later", ("REC-1",), ReceiptTimeLater),
    _variant("cancellation_escapes", ("EH-1",), CancellationEscapes, INLINE),
    _variant("new_id_on_redelivery", ("EH-2",), NewIdOnRedelivery),
    _variant("receipt_offset_off_by_one", ("EB-1",), ReceiptOffsetOffByOne),
    _variant("latest_fixed_late", ("EB-2",), LatestFixedLate),
    _variant("gathers_batches", ("EB-3",), GathersBatches, INLINE),
    _variant("crash_acknowledges", ("EB-4",), CrashAcknowledges),
    _variant("dead_letter_into_itself", ("EB-5",), DeadLetterIntoItself),
    _variant("no_source_offset_header", ("EB-5",), NoSourceOffsetHeader),
    _variant("close_does_not_wait", ("EB-6",), CloseDoesNotWait, INLINE),
    _variant("attempts_restart_after_stop", ("EB-7",), AttemptsRestartAfterStop),
    _variant("critical_forever", ("EB-8",), CriticalForever),
    _variant("ignores_event_types", ("EB-9",), IgnoresEventTypes),
    _variant("bare_string_filter", ("T-5",), BareStringFilter),
    _variant("invents_raw_ids", ("EB-10",), InventsRawIds),
    _variant("silent_on_join", ("EB-11",), SilentOnJoin),
    _variant("revokes_late", ("RB-1",), RevokesLate),
    _variant("delay_overflows", ("RP-1",), DelayOverflows),
    _variant("matches_subclasses", ("RP-2",), MatchesSubclasses),
    _variant("accepts_any_policy", ("RP-3",), AcceptsAnyPolicy),
    _variant("unsubscribe_cancels", ("SUB-1",), UnsubscribeCancels),
    _variant("unsubscribe_twice_raises", ("SUB-2",), UnsubscribeTwiceRaises),
    _variant("zero_timeout_means_default", ("T-6",), ZeroTimeoutMeansDefault),
    _variant("builtin_errors_for_bad_input", ("ERR-1",), BuiltinErrorsForBadInput),
    _variant("connection_error_when_down", ("EB-12",), ConnectionErrorWhenDown),
]
