"""Event sourcing patterns: publish, subscribe to and replay workflow events."""

from collections.abc import AsyncIterator
from typing import Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.types.core_types import (
    ProtocolRetryPolicy,
    ProtocolUnsubscribe,
)
from omnibase.protocols.types.event_bus_types import OffsetReset
from omnibase.protocols.types.workflow_orchestration_types import (
    ProtocolWorkflowEvent,
    ProtocolWorkflowEventHandler,
)

__all__ = ["ProtocolWorkflowEventBus"]


@runtime_checkable
class ProtocolWorkflowEventBus(ProtocolLifecycle, Protocol):
    """Distributes persisted workflow events and replays their streams.

    Events are appended to ``ProtocolWorkflowPersistence`` first (which
    assigns and checks sequence numbers) and published afterwards; the bus
    never renumbers them.

    Rules:
        WEB-1: Events of one ``{workflow_type, instance_id}`` reach each
            consumer group in ``sequence_number`` order (the partition key is
            ``"{workflow_type}:{instance_id}"``). Publishing is therefore
            serialised per stream (one publisher per stream at a time, e.g.
            an outbox relay): publish event N only after N - 1.
        WEB-2: Delivery is at least once; handlers deduplicate on
            ``event_id`` (WEH-1).
        WEB-3: ``publish_workflow_event`` publishes to ``target_topic`` when
            given, else to the workflow type's default topic, and returns
            after the event is durably stored by the broker.
        WEB-4: ``replay_events`` yields the stored events with
            ``from_sequence <= sequence_number <= to_sequence`` (both
            inclusive; ``to_sequence=None`` means "to the last event"), in
            ascending order without gaps. An empty range yields nothing; an
            unknown instance yields nothing.
        WEB-5: Replay reads a consistent prefix: events appended while
            iterating may or may not appear, but never out of order.
    """

    async def publish_workflow_event(
        self, event: ProtocolWorkflowEvent, *, target_topic: str | None = None
    ) -> None:
        """Publish one persisted workflow event (WEB-1, WEB-3).

        Args:
            event: The event, already appended to its stream.
            target_topic: Topic to publish to instead of the default one.

        Raises:
            InvalidInputError: A bad topic name (EVT-1).
            DeadlineExceededError: The broker did not acknowledge in time.
            UnavailableError: The broker could not be reached.
        """
        ...

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
        """Deliver every new event of ``workflow_type`` to ``handler`` (WEB-1, WEB-2).

        Failed events are retried and dead-lettered as EB-5 says.

        Args:
            workflow_type: Workflow type whose events are wanted.
            group_id: Consumer group; members share the events (EB-2).
            handler: Called once per delivered event.
            offset_reset: Where to start when the group has no position yet.
            retry_policy: Redelivery of failed events; ``None`` for the
                bus's default (EB-5).
            dead_letter_topic: Where events that exhausted their retries go
                (EB-5).

        Returns:
            Awaitable callable that ends the subscription (SUB-1, SUB-2).

        Raises:
            InvalidInputError: An empty workflow type or group id, or a bad
                dead-letter topic.
            UnavailableError: The broker could not be reached.
        """
        ...

    def replay_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> AsyncIterator[ProtocolWorkflowEvent]:
        """Yield the stored events of one instance in sequence order (WEB-4, WEB-5).

        Args:
            workflow_type: Workflow type of the instance.
            instance_id: The instance.
            from_sequence: First sequence number wanted (inclusive, >= 1).
            to_sequence: Last sequence number wanted (inclusive), or ``None``.

        Returns:
            An asynchronous iterator of events. Iterating it raises
            ``InvalidInputError`` for ``from_sequence < 1`` or
            ``to_sequence < from_sequence - 1`` and ``UnavailableError``
            when the store cannot be reached.
        """
        ...
