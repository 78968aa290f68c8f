"""Core event bus operations: publish, subscribe with consumer groups and filtering."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol, runtime_checkable

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.event_bus.protocol_kafka_adapter import (
    ProtocolRebalanceListener,
)
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

    Every rule holds on Kafka with what an implementer adds on top of the
    client (the event bus mapping guide lists it rule by rule), and on any
    broker with consumer groups. "Stop", "give up" and "drain timeout" are
    defined here once; the retry policy's own rules are RP-1 to RP-3.

    Rules:
        EB-1: ``publish`` returns only after the broker acknowledged the
            message as stored (on Kafka ``acks=all``, idempotent producer);
            the receipt names its topic, partition and offset, where a group
            reading that partition finds it (EVT-5, REC-1).
        EB-2: Within a consumer group each partition is consumed by one
            member at a time, so each record is handled by one member (EB-4
            and EB-7 aside); every group receives every record still
            retained from its position on (records removed by retention or
            compaction before the group read them are not delivered).
            ``subscribe_to_topic`` returns once the member has joined (the
            rebalance its arrival causes is complete) and, for a group new
            to the topic, its start position on every partition is fixed:
            ``earliest`` is the oldest retained record, ``latest`` the end of
            the log then, so a message published after the call returned is
            delivered to the group; ``none`` raises ``NotFoundError`` (a new
            group has no position). A member that finds the group's position
            no longer retained moves it to the oldest retained record
            (``earliest``) or the end (``latest``), losing the records in
            between as Kafka does, or, with ``none``, stops (EB-8).
        EB-3: Records of one partition reach the group's handlers one at a
            time, in offset order: the next is delivered only after the
            previous one was acknowledged, given up (EB-5) or released by its
            member, also across a rebalance (the old owner's call ends before
            the new owner's first one starts). Records of different
            partitions may be handled concurrently, also by one member, so a
            handler serving several partitions must be safe to run
            concurrently (or serialise itself with a lock).
        EB-4: A record is acknowledged (the group's position moves past it)
            only after its handler returned; the position only ever covers a
            contiguous prefix of handled records. A member that crashes or is
            cancelled mid-handler has acknowledged nothing for that record:
            the partition's next owner receives it again.
        EB-5: A handler that raises (EH-1) gets the record again after the
            delay of the subscription's retry policy, with ``delivery_attempt``
            one higher, until the policy is exhausted: the failed delivery was
            number ``maximum_attempts`` (0: never), or the error is not
            retryable (RP-2). Then the bus gives up on the record: with a
            ``dead_letter_topic`` it publishes the same key, value and
            metadata there, with the record's headers followed by the
            ``DEAD_LETTER_HEADERS``, in order: ``onex-error-type`` (the
            exception class's ``module.qualname``, or ``member-lost`` when
            members that crashed used up the attempts, EB-7),
            ``onex-error-message`` (``str(error)``, at most 1,000 characters),
            ``onex-source-topic``, ``onex-source-partition``,
            ``onex-source-offset``, ``onex-source-group``, ``onex-attempts``
            (deliveries made; numbers in decimal, all UTF-8), and only then
            acknowledges the record; without one the subscription stops
            (EB-8). A dead-letter topic equal to the topic raises
            ``InvalidInputError``. ``retry_policy=None`` is the bus's
            documented default, whose ``maximum_attempts`` is not 0; with
            ``maximum_attempts=0`` the dead-letter topic receives only
            non-retryable failures.
        EB-6: ``aclose`` stops delivering, then waits, up to the bus's
            documented drain timeout, for handler calls in flight (their
            records are acknowledged when they return) and for publishes
            awaiting their acknowledgement; then it ends every subscription
            (SUB-1) and closes (LC-2, LC-3). Handler calls still running are
            cancelled and their records left unacknowledged; publishes still
            waiting raise ``OutcomeUnknownError`` (they may have been stored,
            ERR-5); ``aclose`` then raises ``DeadlineExceededError``, the bus
            closed anyway. A publish the broker acknowledged is never
            reported failed.
        EB-7: ``delivery_attempt`` counts the deliveries of a record to one
            group, by any member: 1 on the first, one more on each later
            one, whether the previous one failed, was cancelled, or ended
            with its member crashing, stopping (EB-8) or leaving. The count
            survives rebalances and restarts: the bus stores it with the
            group's position before it calls the handler (on Kafka in the
            committed offset's metadata). A record whose next delivery would
            exceed ``maximum_attempts`` is given up (EB-5) without calling
            the handler again, so a record that crashes every member it
            reaches is dead-lettered in the end.
        EB-8: A subscription stops when EB-5 gives up on a record without a
            dead-letter topic, or when EB-2 finds its position gone with
            ``none``: its handler is not called again and its member leaves
            the group as after SUB-1 without acknowledging the record (the
            other members get it, EB-7). From then until that subscription's
            unsubscribe is awaited, ``health_check`` reports ``critical``
            and its ``message`` names the topic and group; afterwards the
            health is what it would be without the stopped subscription.
        EB-9: With ``event_types``, only records whose
            ``metadata.event_type`` equals one of them reach the handler; the
            others are acknowledged without calling it. A bare ``str`` or an
            empty sequence raises ``InvalidInputError`` (T-5).
        EB-10: A record without valid CloudEvents attributes (a foreign
            producer's raw record) is delivered with metadata derived from
            its position, the same on every bus: ``event_id``
            ``"{topic}/{partition}/{offset}"``, ``source``
            ``"/topics/{topic}"``, ``event_type`` ``RAW_RECORD_EVENT_TYPE``,
            ``occurred_at`` the record's timestamp, ``content_type``
            ``"application/octet-stream"``, no other attribute; all its
            headers stay in ``headers``.
        EB-11: With a ``rebalance_listener`` the member reports its share of
            the topic's partitions (RB-1, RB-2): ``on_partitions_assigned``
            with its whole new assignment, before it receives records of a
            newly assigned partition and, on joining, before
            ``subscribe_to_topic`` returns; ``on_partitions_revoked`` with
            the partitions it hands over in an orderly way (another member
            joins or leaves, its own unsubscribe or stop, ``aclose``), after
            its last handler call for them ended. A listener that raises does
            not stop the rebalance.
        EB-12: ``publish`` reports a message the broker did not store by
            class, never with a broker's own exception type (ERR-1): larger
            than the broker accepts, ``InvalidInputError``; a topic the
            credentials may not write, ``AuthenticationError``; a topic the
            broker does not have and does not create, ``NotFoundError``;
            broker unreachable, nothing sent, ``UnavailableError``; sent and
            not acknowledged within ``timeout``, ``DeadlineExceededError``
            (it may have been stored).
    """

    async def publish(
        self, message: EventMessage, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        """Publish one message and wait until it is durably stored (EB-1).

        Args:
            message: The message; its ``topic`` is the destination.
            timeout: Limit for the broker's acknowledgement (T-3, T-6).

        Returns:
            Where the message was stored.

        Raises:
            InvalidInputError: A bad topic name (EVT-1), a keyless message
                without value (EVT-2), a reserved header name (EVT-4), a
                message too large for the broker (EB-12), a wrong-typed
                argument (ERR-1), a timeout that is not positive (T-6).
            AuthenticationError: The credentials may not write the topic.
            NotFoundError: The broker has no such topic and does not create it.
            DeadlineExceededError: No acknowledgement within ``timeout``; the
                message may or may not have been stored.
            OutcomeUnknownError: ``aclose`` gave up waiting for the
                acknowledgement (EB-6).
            UnavailableError: The broker could not be reached, or the bus was
                closed (LC-3); nothing was stored.
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
        event_types: Sequence[str] | None = None,
        rebalance_listener: ProtocolRebalanceListener | None = None,
    ) -> ProtocolUnsubscribe:
        """Deliver the records of ``topic`` to ``handler`` as member of ``group_id``.

        Args:
            topic: Topic to consume (EVT-1).
            group_id: Consumer group; members share the records (EB-2).
            handler: Called once per delivered record (EB-3, EB-4).
            offset_reset: Where a new group starts, and where a member moves
                a position that is no longer retained (EB-2).
            retry_policy: Redelivery of failed records; ``None`` for the
                bus's default (EB-5).
            dead_letter_topic: Where records the bus gives up on go (EB-5).
            event_types: Deliver only records of these event types (EB-9);
                ``None`` for all.
            rebalance_listener: Told which partitions the member holds (EB-11).

        Returns:
            Awaitable callable that ends the subscription (SUB-1, SUB-2).

        Raises:
            InvalidInputError: A bad topic name, group id, dead-letter topic
                (EB-5), retry policy (RP-3) or event type filter (EB-9).
            NotFoundError: ``offset_reset="none"`` for a group that has no
                position on the topic (EB-2).
            UnavailableError: The broker could not be reached, or the bus was
                closed (LC-3).
        """
        ...
