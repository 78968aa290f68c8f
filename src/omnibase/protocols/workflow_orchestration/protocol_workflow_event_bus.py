"""Event sourcing patterns: publish, subscribe to and replay workflow events."""

from collections.abc import Sequence
from typing import Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.types.core_types import (
    ProtocolRetryPolicy,
    ProtocolUnsubscribe,
)
from omnibase.protocols.types.event_bus_types import OffsetReset
from omnibase.protocols.types.workflow_orchestration_types import (
    ProtocolClosableIterator,
    ProtocolWorkflowEvent,
    ProtocolWorkflowEventHandler,
)

__all__ = ["ProtocolWorkflowEventBus"]


@runtime_checkable
class ProtocolWorkflowEventBus(ProtocolLifecycle, Protocol):
    """Distributes persisted workflow events and replays their streams.

    Events are appended to ``ProtocolWorkflowPersistence`` first (which
    assigns and checks sequence numbers) and published afterwards, in order,
    by one publisher per store: an outbox relay that reads the store's
    ``read_all`` in position order (WP-11) and resumes after the last
    position it published. The bus never renumbers events.

    On the wire (WEB-7) a workflow event is one message, so that a publisher
    and a subscriber from different vendors interoperate:

    - topic: ``onex.workflow.{workflow_type}`` (the default topic, WEB-3);
    - key: the UTF-8 text ``{workflow_type}:{instance_id}`` (the UUID in its
      canonical lowercase form);
    - value: a UTF-8 JSON object with every member of the event:
      ``event_id``, ``event_type``, ``workflow_type``, ``instance_id``,
      ``sequence_number``, ``occurred_at`` (RFC 3339, in UTC),
      ``causation_id`` (or ``null``), ``correlation_chain`` (an array),
      ``task_id`` (or ``null``) and ``data`` (an object; a float is written
      with a fraction or an exponent, an integer without);
    - CloudEvents attributes: ``id`` is the text of ``event_id``; ``source``
      is ``/workflows/{workflow_type}/{instance_id}``; ``type`` is
      ``onex.workflow.{event_type}``; ``time`` is ``occurred_at``;
      ``datacontenttype`` is ``application/json``; ``correlationid`` is
      ``correlation_chain[0]`` (T-7); ``causationid`` is the text of
      ``causation_id`` (absent when ``None``); the extension ``sequence``
      holds ``sequence_number`` in decimal.

    The CloudEvents attributes travel as the bus carries any message's
    attributes (``ce_*`` headers in binary mode); a receiver reads the event
    from the value, and a router or filter may use the attributes without
    parsing it.

    Rules:
        WEB-1: Events of one ``{workflow_type, instance_id}`` reach each
            consumer group in the order they were published (they share
            the key, EVT-3), so events published in ``sequence_number`` order
            are handled in that order.
        WEB-2: Delivery is at least once: every event published after a
            group first subscribed reaches one member of that group, also
            when a handler raised for it before (WEH-1).
        WEB-3: ``publish_workflow_event`` publishes to the workflow type's
            default topic ``onex.workflow.{workflow_type}`` and, when
            ``target_topic`` is given and differs, a copy to that topic too;
            it returns after both are durably stored (EB-1). Subscribers of
            the workflow type never miss an event sent elsewhere.
        WEB-4: ``replay_events`` accepts the specification's call
            ``await bus.replay_events(workflow_type=..., instance_id=...,
            from_sequence=..., to_sequence=...)``; the iterator it returns
            yields what ``ProtocolWorkflowPersistence.read_events`` yields
            for the same arguments: the same bounds, order and errors (WP-5).
        WEB-5: Replay reads the event store the bus was built with, never
            the broker (a topic has no per-stream index and drops records
            by retention): it yields appended events that were never
            published, or whose records are gone.
        WEB-6: ``event_types`` filters a subscription: only events whose
            ``event_type`` is listed reach the handler; the others are
            acknowledged without calling it. ``None`` delivers every type;
            an empty sequence or a bare ``str`` raises ``InvalidInputError``
            (T-5). A consumer that folds streams (WR-3) subscribes without a
            filter.
        WEB-7: Messages follow the wire format above: a publisher writes it
            and a subscriber reads any message written in it, whoever wrote
            it.
        WEB-8: A dead-lettered event parks its stream for the group: when an
            event exhausts the retry policy, or its handler raised a
            non-retryable error (RP-2), it goes to the dead-letter topic
            (EB-5), and every later event of the same stream goes there
            too, in order, without reaching the handler, while other streams
            flow on (no gap is ever handed to a fold, WR-3). Without a
            ``dead_letter_topic`` the default is
            ``onex.workflow.{workflow_type}.dead_letter``. While a stream is
            parked, ``health_check`` reports ``warning`` and lists it as
            ``"{workflow_type}:{instance_id}"`` in
            ``details["parked_streams"]``; it stays parked until an operator
            redrives it (outside this contract).
    """

    async def publish_workflow_event(
        self, event: ProtocolWorkflowEvent, *, target_topic: str | None = None
    ) -> None:
        """Publish one persisted workflow event (WEB-1, WEB-3, WEB-7).

        Args:
            event: The event, already appended to its stream.
            target_topic: Topic that receives a copy besides the default one.

        Raises:
            InvalidInputError: A bad topic name (EVT-1), workflow type
                (WEV-6) or event (an empty correlation chain, WEV-4).
            DeadlineExceededError: The broker did not acknowledge in time.
            OutcomeUnknownError: The broker may have stored the event;
                publishing it again is safe (WEB-2).
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
        event_types: Sequence[str] | None = None,
    ) -> ProtocolUnsubscribe:
        """Deliver every new event of ``workflow_type`` to ``handler`` (WEB-1, WEB-2).

        Failed events are retried, dead-lettered and their streams parked as
        WEB-8 says.

        Args:
            workflow_type: Workflow type whose events are wanted (WEV-6).
            group_id: Consumer group; members share the events (EB-2).
            handler: Called once per delivered event.
            offset_reset: Where to start when the group has no position yet.
            retry_policy: Redelivery of failed events; ``None`` for the
                bus's default (T-3, EB-5).
            dead_letter_topic: Where events that exhausted their retries go;
                ``None`` for ``onex.workflow.{workflow_type}.dead_letter``
                (WEB-8).
            event_types: Only these event types reach the handler; ``None``
                for all (WEB-6).

        Returns:
            Awaitable callable that ends the subscription (SUB-1, SUB-2).

        Raises:
            InvalidInputError: A bad workflow type, an empty group id, a bad
                dead-letter topic or a bad ``event_types`` (WEB-6).
            UnavailableError: The broker could not be reached.
        """
        ...

    async def replay_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> ProtocolClosableIterator[ProtocolWorkflowEvent]:
        """Read one instance's stream from the event store (WEB-4, WEB-5).

        Args:
            workflow_type: Workflow type of the instance (WEV-6).
            instance_id: The instance.
            from_sequence: First sequence number wanted (inclusive, >= 1).
            to_sequence: Last sequence number wanted (inclusive), or ``None``.

        Returns:
            A closable asynchronous iterator of the events, as the store's
            ``read_events`` yields them.

        Raises:
            InvalidInputError: Bad bounds or workflow type (WP-5), from this
                call or from the iterator's first step.
            NotFoundError: The stream was deleted (WP-13).
            UnavailableError: The store could not be reached, or the bus was
                closed (LC-3).
        """
        ...
