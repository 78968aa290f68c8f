"""Core event bus operations: publish, subscribe with consumer groups, health."""

from datetime import timedelta
from typing import Protocol, runtime_checkable

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.types.core_types import (
    ProtocolRetryPolicy,
    ProtocolUnsubscribe,
)
from omnibase.protocols.types.event_bus_types import (
    EventMessage,
    OffsetReset,
    ProtocolEventHandler,
    ProtocolPublishReceipt,
)

__all__ = ["ProtocolEventBus"]


@runtime_checkable
class ProtocolEventBus(ProtocolLifecycle, Protocol):
    """Publish/subscribe with consumer groups and at-least-once delivery.

    Rules:
        EB-1: ``publish`` returns only after the broker durably accepted the
            message; the receipt names where it was stored.
        EB-2: Within one consumer group every record is handled by one
            subscriber; every group receives every record published after it
            first subscribed (or earlier ones, per ``offset_reset``).
        EB-3: Records of one partition reach a handler one at a time, in
            offset order; records with equal keys share a partition (EVT-3).
        EB-4: A record is acknowledged only after its handler returned; the
            acknowledged position only ever covers a contiguous prefix of
            handled records (at-least-once delivery; EH-1, EH-2).
        EB-5: A handler that raises gets the record again per
            ``retry_policy`` (``delivery_attempt`` grows). When the policy is
            exhausted the record is published to ``dead_letter_topic`` with
            its original headers plus ``onex-error`` and acknowledged; with
            no dead-letter topic the subscription stops without
            acknowledging it, so nothing is lost, and ``health_check``
            reports ``critical``.
        EB-6: ``aclose`` ends every subscription (SUB-1) and waits for
            pending publishes; then LC-2 and LC-3 hold. ``health_check``
            reports ``critical`` after EB-5 stopped a subscription.
    """

    async def publish(
        self, message: EventMessage, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        """Publish one message and wait until it is durably stored (EB-1).

        Args:
            message: The message; its ``topic`` is the destination.
            timeout: Limit for the broker's acknowledgement (T-3).

        Returns:
            Where the message was stored.

        Raises:
            InvalidInputError: A bad topic name (EVT-1).
            DeadlineExceededError: No acknowledgement within ``timeout``; the
                message may or may not have been stored.
            UnavailableError: The broker could not be reached, or the bus was
                closed (LC-3).
        """
        ...

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
        """Deliver the records of ``topic`` to ``handler`` as member of ``group_id``.

        Args:
            topic: Topic to consume (EVT-1).
            group_id: Consumer group; members share the records (EB-2).
            handler: Called once per delivered record (EB-3, EB-4).
            offset_reset: Where to start when the group has no position yet.
            retry_policy: Redelivery of failed records; ``None`` for the
                bus's default (EB-5).
            dead_letter_topic: Where records that exhausted their retries go
                (EB-5).

        Returns:
            Awaitable callable that ends the subscription (SUB-1, SUB-2).

        Raises:
            InvalidInputError: A bad topic name, group id or dead-letter topic.
            UnavailableError: The broker could not be reached, or the bus was
                closed (LC-3).
        """
        ...
