"""In-memory ``ProtocolWorkflowEventBus``, built on any ``ProtocolEventBus``.

It depends only on the contracts it composes: an event bus carries the
events (in the wire format of [`omnibase.spi_conformance.reference.codec`][],
WEB-7) and a workflow persistence answers replays (WEB-4, WEB-5).

Demonstrates:
    WEB-1: one instance's events share a partition key, so every consumer
        group gets them in publish order.
    WEB-2 / WEH-1: at-least-once delivery; a handler that raises gets the
        event again (from the underlying bus's retries, EB-5).
    WEB-3: the default topic is ``"onex.workflow.{workflow_type}"``;
        ``target_topic`` receives a copy.
    WEB-4 / WEB-5: replay is the store's ``read_events``.
    WEB-6: an ``event_types`` filter acknowledges other events unseen.
    WEB-8: when an event is dead-lettered its stream is parked: later events
        of the stream are dead-lettered too, unseen by the handler, and
        ``health_check`` reports ``warning`` with the parked streams.

How parking uses only the ``ProtocolEventBus`` contract: the subscription
passes the bus a retry policy whose ``non_retryable_errors`` also name
[`StreamParkedError`][]. The handler wrapper counts deliveries with the
record's ``delivery_attempt``; when an event fails its last attempt (or with
a non-retryable error) it marks the stream parked and re-raises, so the bus
dead-letters it (EB-5). A later event of a parked stream makes the wrapper
raise ``StreamParkedError``, which the bus dead-letters at once.

Deliberate simplifications:
    The parked set lives in memory for the subscription's lifetime; a real
    implementation keeps it durably (e.g. in a compacted topic) so that a
    restarted member stays parked. ``publish_workflow_event`` trusts the
    caller to have appended the event first; a production system publishes
    from an outbox relay reading ``read_all`` (WP-11).
"""

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Sequence
from datetime import timedelta
from typing import Final, cast, override
from uuid import UUID

from omnibase.protocols.errors import InvalidInputError, OnexError
from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.types import (
    OffsetReset,
    ProtocolClosableIterator,
    ProtocolEventRecord,
    ProtocolHealthReport,
    ProtocolRetryPolicy,
    ProtocolUnsubscribe,
    ProtocolWorkflowEvent,
    ProtocolWorkflowEventHandler,
)
from omnibase.protocols.workflow_orchestration import ProtocolWorkflowPersistence
from omnibase.spi_conformance.reference.codec import (
    dead_letter_topic,
    decode_workflow_event,
    default_topic,
    encode_workflow_event,
)
from omnibase.spi_conformance.reference.factories import Clock, utc_now
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle
from omnibase.spi_conformance.reference.values import HealthReport, RetryPolicy
from omnibase.spi_conformance.reference.workflow_checks import (
    check_topic,
    check_workflow_type,
)

__all__ = [
    "DEFAULT_WORKFLOW_RETRY_POLICY",
    "InMemoryWorkflowEventBus",
    "StreamParkedError",
]

DEFAULT_WORKFLOW_RETRY_POLICY: Final = RetryPolicy(
    initial_interval=timedelta(milliseconds=1),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(milliseconds=8),
    maximum_attempts=3,
)
"""Three deliveries, 1 ms then 2 ms apart: the workflow bus's default (T-3)."""


class StreamParkedError(OnexError):
    """Raised for an event of a parked stream, so the bus dead-letters it (WEB-8)."""


def _non_retryable(error: BaseException, policy: ProtocolRetryPolicy) -> bool:
    """RP-2: the class's ``__name__`` or ``module.qualname`` is listed."""
    kind = type(error)
    names = set(policy.non_retryable_errors)
    return kind.__name__ in names or f"{kind.__module__}.{kind.__qualname__}" in names


class _Subscription:
    """The handler the event bus calls: decode, filter, park (WEB-6, WEB-8)."""

    def __init__(
        self,
        handler: ProtocolWorkflowEventHandler,
        policy: ProtocolRetryPolicy,
        event_types: frozenset[str] | None,
    ) -> None:
        self._handler = handler
        self._policy = policy
        self._event_types = event_types
        self.parked: set[str] = set()
        self.unsubscribe: ProtocolUnsubscribe | None = None

    async def __call__(self, record: ProtocolEventRecord, /) -> None:
        if record.value is None:  # tombstones carry no event
            return
        try:
            event = decode_workflow_event(record.value)
        except InvalidInputError as error:
            stream = (record.key or b"").decode(errors="replace")
            self.parked.add(stream)
            raise StreamParkedError(f"undecodable event on {stream}: {error}") from None
        stream = f"{event.workflow_type}:{event.instance_id}"
        if stream in self.parked:
            raise StreamParkedError(f"stream {stream} is parked (WEB-8)")
        if self._event_types is not None and event.event_type not in self._event_types:
            return  # filtered out: acknowledged unseen (WEB-6)
        try:
            await self._handler(event)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            attempts = self._policy.maximum_attempts
            if _non_retryable(error, self._policy) or (
                attempts != 0 and record.delivery_attempt >= attempts
            ):
                self.parked.add(stream)  # the bus dead-letters this one (EB-5)
            raise


class InMemoryWorkflowEventBus(ReferenceLifecycle):
    """Publishes persisted workflow events and replays their streams."""

    def __init__(
        self,
        event_bus: ProtocolEventBus,
        persistence: ProtocolWorkflowPersistence,
        *,
        retry_policy: ProtocolRetryPolicy = DEFAULT_WORKFLOW_RETRY_POLICY,
        clock: Clock = utc_now,
    ) -> None:
        """Compose a workflow event bus from two contracts.

        Args:
            event_bus: Carries the events.
            persistence: Answers replays (WEB-4, WEB-5).
            retry_policy: What ``retry_policy=None`` means (T-3).
            clock: Timestamps health reports.
        """
        super().__init__(clock=clock)
        self._event_bus = event_bus
        self._persistence = persistence
        self._default_policy = retry_policy
        self._subscriptions: list[_Subscription] = []

    def default_topic(self, workflow_type: str) -> str:
        """Return the topic a workflow type's events go to (WEB-3).

        Args:
            workflow_type: The workflow type.

        Returns:
            ``"onex.workflow.{workflow_type}"``.
        """
        return default_topic(workflow_type)

    async def publish_workflow_event(
        self, event: ProtocolWorkflowEvent, *, target_topic: str | None = None
    ) -> None:
        """Publish one persisted event, keyed by its instance (WEB-1, WEB-3)."""
        self._check_open()
        if not isinstance(cast("object", event), ProtocolWorkflowEvent):
            raise InvalidInputError(f"not a ProtocolWorkflowEvent: {event!r}")
        topic = default_topic(check_workflow_type(event.workflow_type))
        copy = None if target_topic is None else check_topic(target_topic)
        message = encode_workflow_event(event, topic)  # refuses before publishing
        await self._event_bus.publish(message)
        if copy is not None and copy != topic:
            await self._event_bus.publish(encode_workflow_event(event, copy))

    async def subscribe_to_workflow_events(
        self,
        workflow_type: str,
        group_id: str,
        handler: ProtocolWorkflowEventHandler,
        *,
        offset_reset: OffsetReset = "latest",
        retry_policy: ProtocolRetryPolicy | None = None,
        dead_letter_topic: str | None = None,
        event_types: Sequence[str] | None = None,
    ) -> ProtocolUnsubscribe:
        """Deliver new events of ``workflow_type`` to ``handler`` (WEB-2, WEB-8)."""
        self._check_open()
        check_workflow_type(workflow_type)
        group = cast("object", group_id)
        if not isinstance(group, str) or not group:
            raise InvalidInputError(f"group_id must be a non-empty string: {group!r}")
        policy = self._default_policy if retry_policy is None else retry_policy
        subscription = _Subscription(handler, policy, _event_types(event_types))
        bus_policy = RetryPolicy(
            initial_interval=policy.initial_interval,
            backoff_coefficient=policy.backoff_coefficient,
            maximum_interval=policy.maximum_interval,
            maximum_attempts=policy.maximum_attempts,
            non_retryable_errors=(
                *policy.non_retryable_errors,
                StreamParkedError.__name__,
            ),
        )
        unsubscribe = await self._event_bus.subscribe_to_topic(
            default_topic(workflow_type),
            group_id,
            subscription,
            offset_reset=offset_reset,
            retry_policy=bus_policy,
            dead_letter_topic=(
                _dead_letter(workflow_type)
                if dead_letter_topic is None
                else dead_letter_topic
            ),
        )
        subscription.unsubscribe = unsubscribe
        self._subscriptions.append(subscription)
        return _Unsubscribe(self._subscriptions, subscription, unsubscribe)

    async def replay_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> ProtocolClosableIterator[ProtocolWorkflowEvent]:
        """Read the store's events ``from_sequence..to_sequence`` (WEB-4, WEB-5)."""
        self._check_open()
        events = self._persistence.read_events(
            workflow_type,
            instance_id,
            from_sequence=from_sequence,
            to_sequence=to_sequence,
        )
        return self._guarded(events)

    async def _guarded(
        self, events: ProtocolClosableIterator[ProtocolWorkflowEvent]
    ) -> AsyncGenerator[ProtocolWorkflowEvent, None]:
        """Pass the store's events on; a closed bus fails the next step (LC-3)."""
        async with contextlib.aclosing(events):
            async for event in events:
                self._check_open()
                yield event

    @override
    async def health_check(self) -> ProtocolHealthReport:
        """``critical`` when closed or the bus is; ``warning`` with parked streams."""
        report = await super().health_check()
        if report.status != "passing":
            return report
        carrier = await self._event_bus.health_check()
        if carrier.status == "critical":
            return HealthReport("critical", self._clock(), "event bus is critical")
        parked = sorted({key for sub in self._subscriptions for key in sub.parked})
        if parked:
            return HealthReport(
                "warning",
                self._clock(),
                f"{len(parked)} stream(s) parked after a dead letter (WEB-8)",
                {"parked_streams": parked},
            )
        return report

    @override
    async def _on_close(self) -> None:
        """End every subscription made through this bus (SUB-1)."""
        for subscription in list(self._subscriptions):
            if subscription.unsubscribe is not None:
                await subscription.unsubscribe()
        self._subscriptions.clear()


class _Unsubscribe:
    """Ends one subscription and forgets its parked streams (SUB-1, SUB-2)."""

    def __init__(
        self,
        subscriptions: list[_Subscription],
        subscription: _Subscription,
        unsubscribe: ProtocolUnsubscribe,
    ) -> None:
        self._subscriptions = subscriptions
        self._subscription = subscription
        self._unsubscribe = unsubscribe

    async def __call__(self) -> None:
        if self._subscription in self._subscriptions:
            self._subscriptions.remove(self._subscription)
        await self._unsubscribe()


def _dead_letter(workflow_type: str) -> str:
    return dead_letter_topic(workflow_type)


def _event_types(event_types: Sequence[str] | None) -> frozenset[str] | None:
    """WEB-6 / T-5: ``None``, or a non-empty sequence of non-empty names."""
    if event_types is None:
        return None
    value = cast("object", event_types)
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise InvalidInputError(f"event_types must be a list of names: {value!r}")
    names = tuple(cast("Sequence[object]", value))
    if not names or not all(isinstance(name, str) and name for name in names):
        raise InvalidInputError(f"event_types must be non-empty names: {names!r}")
    return frozenset(cast("tuple[str, ...]", names))
