"""Broken workflow event buses: each breaks one rule of ProtocolWorkflowEventBus.

``skips_dead_letters`` is the 0.1 behaviour: a dead-lettered event is skipped
and the next event of its stream reaches a fold with a gap (WEB-8).
"""

import asyncio
from collections.abc import AsyncGenerator, Sequence
from dataclasses import replace
from typing import cast, get_args, override
from uuid import UUID

from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.types import (
    OffsetReset,
    ProtocolClosableIterator,
    ProtocolEventRecord,
    ProtocolRetryPolicy,
    ProtocolUnsubscribe,
    ProtocolWorkflowEvent,
    ProtocolWorkflowEventHandler,
    WorkflowEventType,
)
from omnibase.protocols.workflow_orchestration import ProtocolWorkflowPersistence
from omnibase.spi_conformance.reference.codec import (
    decode_workflow_event,
    default_topic,
    encode_workflow_event,
)
from omnibase.spi_conformance.reference.values import BusMetadata
from omnibase.spi_conformance.reference.workflow_checks import (
    check_bounds,
    check_workflow_type,
)
from omnibase.spi_conformance.reference.workflow_event_bus import (
    InMemoryWorkflowEventBus,
)
from omnibase.spi_conformance.suites import SuiteEnvironment
from tests.conformance.harness import Variant
from tests.conformance.test_reference_workflow_event_bus import (
    TestInMemoryWorkflowEventBus,
)

_KNOWN = frozenset(get_args(WorkflowEventType))


class _Wrapped:
    """A workflow handler wrapped by a variant."""

    def __init__(self, handler: ProtocolWorkflowEventHandler) -> None:
        self.handler = handler

    async def __call__(self, event: ProtocolWorkflowEvent, /) -> None:
        await self.handler(event)


class _RewritesSubscriptions(InMemoryWorkflowEventBus):
    """Subscribes through the reference after changing one argument.

    A variant overrides the one method naming the argument it breaks; the
    others pass their argument through.
    """

    def _workflow_type(self, workflow_type: str) -> str:
        return workflow_type

    def _group(self, group_id: str) -> str:
        return group_id

    def _handler(
        self, handler: ProtocolWorkflowEventHandler
    ) -> ProtocolWorkflowEventHandler:
        return handler

    def _event_types(self, event_types: Sequence[str] | None) -> Sequence[str] | None:
        return event_types

    @override
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
        return await super().subscribe_to_workflow_events(
            self._workflow_type(workflow_type),
            self._group(group_id),
            self._handler(handler),
            offset_reset=offset_reset,
            retry_policy=retry_policy,
            dead_letter_topic=dead_letter_topic,
            event_types=self._event_types(event_types),
        )


class _AcksSlowHandlers(_Wrapped):
    @override
    async def __call__(self, event: ProtocolWorkflowEvent, /) -> None:
        task = asyncio.ensure_future(self.handler(event))
        done, _ = await asyncio.wait({task}, timeout=0.01)
        if done:
            task.result()


class AcksSlowHandlers(_RewritesSubscriptions):
    """Acknowledges a handler still busy after 10 ms: the next overtakes it (WEB-1)."""

    @override
    def _handler(
        self, handler: ProtocolWorkflowEventHandler
    ) -> ProtocolWorkflowEventHandler:
        return _AcksSlowHandlers(handler)


class OneGroupForAll(_RewritesSubscriptions):
    """Puts every subscriber in one consumer group (WEB-2)."""

    @override
    def _group(self, group_id: str) -> str:
        return "workflow" if group_id else group_id


class _Swallows(_Wrapped):
    @override
    async def __call__(self, event: ProtocolWorkflowEvent, /) -> None:
        try:
            await self.handler(event)
        except Exception:  # the defect: an acknowledged failure
            return


class SwallowsHandlerErrors(_RewritesSubscriptions):
    """Acknowledges events whose handler raised (WEH-1; so nothing parks, WEB-8)."""

    @override
    def _handler(
        self, handler: ProtocolWorkflowEventHandler
    ) -> ProtocolWorkflowEventHandler:
        return _Swallows(handler)


class TargetTopicMoves(InMemoryWorkflowEventBus):
    """Sends an event with ``target_topic`` there only (WEB-3)."""

    @override
    async def publish_workflow_event(
        self, event: ProtocolWorkflowEvent, *, target_topic: str | None = None
    ) -> None:
        if target_topic is None:
            await super().publish_workflow_event(event)
        else:
            await self._event_bus.publish(encode_workflow_event(event, target_topic))


class ReplayExcludesTheUpperBound(InMemoryWorkflowEventBus):
    """Replays ``to_sequence`` exclusive (WEB-4)."""

    @override
    async def replay_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> ProtocolClosableIterator[ProtocolWorkflowEvent]:
        last = to_sequence
        if to_sequence is not None and to_sequence >= from_sequence:
            last = to_sequence - 1
        return await super().replay_events(
            workflow_type, instance_id, from_sequence=from_sequence, to_sequence=last
        )


class ReplaysWhatItPublished(InMemoryWorkflowEventBus):
    """Replays from the events it published, not from the store (WEB-5)."""

    def __init__(
        self,
        event_bus: ProtocolEventBus,
        persistence: ProtocolWorkflowPersistence,
        **options: object,
    ) -> None:
        super().__init__(event_bus, persistence, **options)  # type: ignore[arg-type]
        self._published: list[ProtocolWorkflowEvent] = []

    @override
    async def publish_workflow_event(
        self, event: ProtocolWorkflowEvent, *, target_topic: str | None = None
    ) -> None:
        await super().publish_workflow_event(event, target_topic=target_topic)
        self._published.append(event)

    @override
    async def replay_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> ProtocolClosableIterator[ProtocolWorkflowEvent]:
        self._check_open()
        check_workflow_type(workflow_type)
        check_bounds(from_sequence, to_sequence)
        chosen = [
            event
            for event in self._published
            if (event.workflow_type, event.instance_id) == (workflow_type, instance_id)
            and event.sequence_number >= from_sequence
            and (to_sequence is None or event.sequence_number <= to_sequence)
        ]
        return _iterate(chosen)


async def _iterate(
    events: list[ProtocolWorkflowEvent],
) -> AsyncGenerator[ProtocolWorkflowEvent, None]:
    for event in events:
        yield event


class IgnoresTheFilter(_RewritesSubscriptions):
    """Delivers every event type whatever ``event_types`` says (WEB-6)."""

    @override
    def _event_types(self, event_types: Sequence[str] | None) -> Sequence[str] | None:
        return None


class KeysByInstanceOnly(InMemoryWorkflowEventBus):
    """Keys records by the instance id without the workflow type (WEB-7)."""

    @override
    async def publish_workflow_event(
        self, event: ProtocolWorkflowEvent, *, target_topic: str | None = None
    ) -> None:
        self._check_open()
        key = str(event.instance_id).encode()
        topics = [default_topic(event.workflow_type)]
        if target_topic is not None:
            topics.append(target_topic)
        for topic in topics:
            message = encode_workflow_event(event, topic)
            await self._event_bus.publish(replace(message, key=key))


class _DropsUnknown(_Wrapped):
    @override
    async def __call__(self, event: ProtocolWorkflowEvent, /) -> None:
        if event.event_type in _KNOWN:
            await self.handler(event)


class DropsUnknownEventTypes(_RewritesSubscriptions):
    """Never delivers event types of newer versions (WEB-7, WR-5)."""

    @override
    def _handler(
        self, handler: ProtocolWorkflowEventHandler
    ) -> ProtocolWorkflowEventHandler:
        return _DropsUnknown(handler)


class _Decoding:
    def __init__(
        self, handler: ProtocolWorkflowEventHandler, event_types: Sequence[str] | None
    ) -> None:
        self._handler = handler
        self._event_types = event_types

    async def __call__(self, record: ProtocolEventRecord, /) -> None:
        if record.value is None:
            return
        event = decode_workflow_event(record.value)
        if self._event_types is None or event.event_type in self._event_types:
            await self._handler(event)


class SkipsDeadLetters(InMemoryWorkflowEventBus):
    """Dead-letters a failing event and delivers the rest of its stream (WEB-8; 0.1)."""

    @override
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
        await super().subscribe_to_workflow_events(
            workflow_type, group_id, handler, event_types=event_types
        )  # checks the arguments
        for subscription in list(self._subscriptions):
            if subscription.unsubscribe is not None:
                await subscription.unsubscribe()
        self._subscriptions.clear()
        return await self._event_bus.subscribe_to_topic(
            default_topic(workflow_type),
            group_id,
            _Decoding(handler, event_types),
            offset_reset=offset_reset,
            retry_policy=retry_policy,
            dead_letter_topic=dead_letter_topic
            or f"{default_topic(workflow_type)}.dead_letter",
        )


class AcceptsDottedTypes(_RewritesSubscriptions):
    """Subscribes to any workflow type, ``a.b`` included (WEV-6)."""

    @override
    def _workflow_type(self, workflow_type: str) -> str:
        return workflow_type.replace(".", "_")


class PublishesEmptyChains(InMemoryWorkflowEventBus):
    """Publishes an event without a correlation chain (WEV-4)."""

    @override
    async def publish_workflow_event(
        self, event: ProtocolWorkflowEvent, *, target_topic: str | None = None
    ) -> None:
        if event.correlation_chain:
            await super().publish_workflow_event(event, target_topic=target_topic)
            return
        self._check_open()
        padded = replace(cast("object", event), correlation_chain=(UUID(int=1),))  # type: ignore[type-var]
        message = encode_workflow_event(
            cast("ProtocolWorkflowEvent", padded), default_topic(event.workflow_type)
        )
        metadata = cast("BusMetadata", message.metadata)
        await self._event_bus.publish(
            replace(message, metadata=replace(metadata, correlation_id=None))
        )


def _variant(
    name: str, breaks: tuple[str, ...], broken: type[InMemoryWorkflowEventBus]
) -> Variant:
    def build(
        self: TestInMemoryWorkflowEventBus,
        env: SuiteEnvironment,
        event_bus: ProtocolEventBus,
        store: ProtocolWorkflowPersistence,
    ) -> object:
        return broken(event_bus, store, clock=env.clock)

    return Variant(name, breaks, TestInMemoryWorkflowEventBus, {"build": build})


VARIANTS = [
    _variant("acks_slow_handlers", ("WEB-1",), AcksSlowHandlers),
    _variant("one_group_for_all", ("WEB-2",), OneGroupForAll),
    _variant("swallows_handler_errors", ("WEH-1", "WEB-8"), SwallowsHandlerErrors),
    _variant("target_topic_moves", ("WEB-3",), TargetTopicMoves),
    _variant(
        "replay_excludes_the_upper_bound", ("WEB-4",), ReplayExcludesTheUpperBound
    ),
    _variant("replays_what_it_published", ("WEB-5",), ReplaysWhatItPublished),
    _variant("ignores_the_filter", ("WEB-6",), IgnoresTheFilter),
    _variant("keys_by_instance_only", ("WEB-7",), KeysByInstanceOnly),
    _variant("drops_unknown_event_types", ("WEB-7",), DropsUnknownEventTypes),
    _variant("skips_dead_letters", ("WEB-8",), SkipsDeadLetters),
    _variant("accepts_dotted_types", ("WEV-6",), AcceptsDottedTypes),
    _variant("publishes_empty_chains", ("WEV-4",), PublishesEmptyChains),
]
