"""In-memory ``ProtocolWorkflowEventBus``, built on any ``ProtocolEventBus``.

It depends only on the contracts it composes: an event bus carries the
events (as JSON, see [`omnibase.spi_conformance.reference.codec`][]) and a workflow
persistence answers replays.

Demonstrates:
    WEB-1: one instance's events share a partition key, so every consumer
        group gets them in sequence order.
    WEB-2 / WEH-1: at-least-once delivery; a handler that raises gets the
        event again (from the underlying bus's retry policy).
    WEB-3: the default topic is ``"onex.workflow.{workflow_type}"``;
        ``target_topic`` overrides it.
    WEB-4 / WEB-5: replay reads the persistence, bounds inclusive.

Deliberate simplifications:
    Subscriptions pass their options straight to the event bus.
    ``publish_workflow_event`` trusts the caller
    to have appended the event first; a production system publishes from an
    outbox written in the same transaction as the append.
"""

from collections.abc import AsyncIterator
from uuid import UUID

from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.types import (
    OffsetReset,
    ProtocolEventRecord,
    ProtocolRetryPolicy,
    ProtocolUnsubscribe,
    ProtocolWorkflowEvent,
    ProtocolWorkflowEventHandler,
)
from omnibase.protocols.workflow_orchestration import ProtocolWorkflowPersistence
from omnibase.spi_conformance.reference.codec import (
    decode_workflow_event,
    encode_workflow_event,
)
from omnibase.spi_conformance.reference.factories import Clock, utc_now
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle

__all__ = ["InMemoryWorkflowEventBus"]


class _DecodingHandler:
    """A ``ProtocolEventHandler`` that decodes records for a workflow handler."""

    def __init__(self, handler: ProtocolWorkflowEventHandler) -> None:
        self._handler = handler

    async def __call__(self, record: ProtocolEventRecord, /) -> None:
        if record.value is not None:  # tombstones carry no event
            await self._handler(decode_workflow_event(record.value))


class InMemoryWorkflowEventBus(ReferenceLifecycle):
    """Publishes persisted workflow events and replays their streams."""

    def __init__(
        self,
        event_bus: ProtocolEventBus,
        persistence: ProtocolWorkflowPersistence,
        *,
        topic_prefix: str = "onex.workflow",
        clock: Clock = utc_now,
    ) -> None:
        """Compose a workflow event bus from two contracts.

        Args:
            event_bus: Carries the events.
            persistence: Answers replays (WEB-4).
            topic_prefix: Default topics are ``"{topic_prefix}.{workflow_type}"``.
            clock: Timestamps health reports.
        """
        super().__init__(clock=clock)
        self._event_bus = event_bus
        self._persistence = persistence
        self._topic_prefix = topic_prefix

    def default_topic(self, workflow_type: str) -> str:
        """Return the topic a workflow type's events go to by default (WEB-3).

        Args:
            workflow_type: The workflow type.

        Returns:
            ``"{topic_prefix}.{workflow_type}"``.
        """
        return f"{self._topic_prefix}.{workflow_type}"

    async def publish_workflow_event(
        self, event: ProtocolWorkflowEvent, *, target_topic: str | None = None
    ) -> None:
        """Publish one persisted event, keyed by its instance (WEB-1, WEB-3)."""
        self._check_open()
        topic = target_topic
        if topic is None:
            topic = self.default_topic(event.workflow_type)
        await self._event_bus.publish(encode_workflow_event(event, topic))

    async def subscribe_to_workflow_events(
        self,
        workflow_type: str,
        group_id: str,
        handler: ProtocolWorkflowEventHandler,
        *,
        offset_reset: OffsetReset = "latest",
        retry_policy: ProtocolRetryPolicy | None = None,
        dead_letter_topic: str | None = None,
    ) -> ProtocolUnsubscribe:
        """Deliver every new event of ``workflow_type`` to ``handler`` (WEB-2, EB-5)."""
        self._check_open()
        if not workflow_type or not group_id:
            raise InvalidInputError("workflow_type and group_id must not be empty")
        return await self._event_bus.subscribe_to_topic(
            self.default_topic(workflow_type),
            group_id,
            _DecodingHandler(handler),
            offset_reset=offset_reset,
            retry_policy=retry_policy,
            dead_letter_topic=dead_letter_topic,
        )

    async def replay_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> AsyncIterator[ProtocolWorkflowEvent]:
        """Yield stored events ``from_sequence..to_sequence`` inclusive (WEB-4)."""
        self._check_open()
        events = self._persistence.read_events(
            workflow_type,
            instance_id,
            from_sequence=from_sequence,
            to_sequence=to_sequence,
        )
        async for event in events:
            yield event
