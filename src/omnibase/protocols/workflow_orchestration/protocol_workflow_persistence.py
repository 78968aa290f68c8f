"""State persistence contracts: the event store and snapshots of workflow instances."""

from collections.abc import Sequence
from typing import Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.types.workflow_orchestration_types import (
    ProtocolClosableIterator,
    ProtocolRecordedWorkflowEvent,
    ProtocolWorkflowEvent,
    ProtocolWorkflowSnapshot,
)

__all__ = ["ProtocolWorkflowPersistence"]


@runtime_checkable
class ProtocolWorkflowPersistence(ProtocolLifecycle, Protocol):
    """Event store and snapshot store of workflow instances.

    A stream is the events of one ``{workflow_type, instance_id}``; sequence
    numbers count from 1 and ``0`` means "no events yet" (WEV-1). On a store
    that keys a stream by one string or UUID (KurrentDB's stream name, the
    ``eventsourcing`` library's originator id), derive it from both parts,
    e.g. ``"{workflow_type}-{instance_id}"`` or a UUID5 of the pair: the same
    ``instance_id`` may exist under two workflow types.

    ``append_events`` decides in one order, so every store answers a batch
    the same way: first the arguments (WP-3, WP-9: independent of what is
    stored), then a retry (WP-4), then the expected sequence (WP-2), then
    the event ids already in the stream (WEV-2). The expected sequence is
    always exact: a writer folds the stream before it appends (WR-4), so it
    knows the number, and only exact numbers make retries safe (WP-4;
    KurrentDB guarantees idempotence only for them too).

    Events leave a stream only all together, by ``delete_stream``: a store
    keeps every event of a live stream (no ``$maxCount``, ``$maxAge`` or
    truncation on workflow streams), so a stream can always be folded from
    sequence 1 (WEV-1, WSN-1).

    Rules:
        WP-1: ``append_events`` is atomic: all events are stored or none,
            also when it fails, its reply is lost or its caller is
            cancelled.
        WP-2: Optimistic concurrency: ``expected_sequence`` must equal the
            stream's last sequence number, else ``ConcurrencyConflictError``
            (``subject`` names the stream, ``expected`` is
            ``expected_sequence``, ``actual`` the last number observed) and
            nothing is stored. Of concurrent writers that expect the same
            number, exactly one succeeds.
        WP-3: The arguments are checked before anything else: ``events`` is
            a non-empty sequence (not a ``str``) of events of this stream
            (WEV-6), numbered ``expected_sequence + 1`` onwards without gaps,
            with distinct ids, timezone-aware times (T-2), non-empty
            correlation chains (WEV-4) and ``WorkflowData`` values with
            finite floats; ``expected_sequence`` is an ``int >= 0``.
            Anything else raises ``InvalidInputError`` and stores nothing,
            whatever the stream holds.
        WP-4: A retry stores nothing and returns the batch's own last
            sequence number: when every event of the batch is already stored
            at its own sequence number with its own ``event_id`` (a retry
            after a lost reply, or a prefix of an earlier batch), the call
            succeeds whatever the stream's last number is now, so a retrying
            writer never appends on top of an event it has not seen. Only
            ids and positions decide; payloads are not compared (WEV-2). A
            batch that is only partly stored is not a retry: WP-2 decides it.
        WP-5: ``read_events`` yields the events with ``from_sequence <=
            sequence_number <= to_sequence`` (both inclusive;
            ``to_sequence=None`` means "to the last event"), ascending and
            without gaps. An empty range (``to_sequence == from_sequence -
            1``), a range beyond the last event and an unknown stream yield
            nothing. ``from_sequence < 1``, ``to_sequence < from_sequence -
            1`` or a bound that is not an ``int`` raises
            ``InvalidInputError``, from the call or at the latest from the
            iterator's first step. Events appended while iterating may or
            may not appear, but never out of order or after a gap (a
            consistent prefix).
        WP-6: ``load_snapshot`` returns, among the snapshots of the stream
            saved with ``schema_version`` (any version when ``None``), the
            one with the greatest ``sequence_number`` at or before
            ``at_or_before`` (or overall), or ``None``; ``at_or_before < 1``
            raises ``InvalidInputError``. The snapshot returned equals the one
            saved, member by member (WSN-1, WCX-1).
        WP-7: ``save_snapshot`` of a sequence number the stream does not have
            (below 1 or beyond its last event) raises ``InvalidInputError``.
            Saving a second snapshot of one ``(sequence_number,
            schema_version)`` returns normally and keeps the first (both
            equal the same fold, WSN-1).
        WP-8: Events are read back exactly as appended: equal ids, types,
            numbers, causation, correlation chains, task ids and data, every
            value of the same kind (``bool``, ``int``, ``float``, ``str``,
            list of ``str``, flat mapping: a float stays a float even when
            integral, as PostgreSQL ``jsonb`` would not keep ``1e16``), and
            ``occurred_at`` as the same instant in UTC (T-2).
        WP-9: Every store accepts batches of at least 100 events, ``data``
            of at least 64 KiB (as compact JSON), integers in the signed
            64-bit range and strings of any characters but U+0000. It may
            refuse more than that (a larger batch or event, a longer integer,
            U+0000) with ``InvalidInputError`` naming the limit, storing
            nothing; it never stores a value it cannot read back exactly
            (WP-8).
        WP-10: An append whose outcome the caller did not learn (its reply
            was lost: ``OutcomeUnknownError``; ``DeadlineExceededError``; its
            caller was cancelled) stored all of the batch or none of it;
            retrying it unchanged stores it exactly once and returns its last
            sequence number (WP-4). ``UnavailableError`` promises nothing was
            stored (ERR-5).
        WP-11: ``read_all`` yields the events of every stream with their
            store-wide positions, in commit order (KurrentDB's ``$all``, the
            ``eventsourcing`` notification log): positions increase strictly,
            gaps allowed; one stream's events come in sequence order; and an
            event committed after another never gets a smaller position, so
            a reader that resumes after the last position it saw misses
            nothing. ``after_position`` is exclusive, ``0`` reads from the
            start, a negative one raises ``InvalidInputError``. Events of a
            deleted stream may still appear until the store purges them.
        WP-12: Reads are streamed: a store does not load the requested range
            into memory before it yields, and the iterators of
            ``read_events`` and ``read_all`` release what they hold (a
            server-side cursor, a read transaction) on ``aclose``, after
            which they yield nothing more.
        WP-13: Optional (``stream_deletion``): ``delete_stream`` removes a
            stream's events and snapshots at once (erasure, GDPR) and returns
            whether it existed; the stream cannot be recreated. Afterwards
            ``read_events``, ``last_sequence`` and ``append_events`` raise
            ``NotFoundError`` (a reader can tell "deleted" from "empty"),
            ``load_snapshot`` returns ``None``, ``save_snapshot`` raises
            ``InvalidInputError`` and deleting it again returns ``False``.
            Deleting a stream that never existed returns ``False`` and
            changes nothing. A store without the capability raises
            ``NotSupportedError``.
    """

    async def append_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        events: Sequence[ProtocolWorkflowEvent],
        expected_sequence: int,
    ) -> int:
        """Append events to a stream with optimistic concurrency (WP-1 to WP-4).

        Args:
            workflow_type: Workflow type of the stream (WEV-6).
            instance_id: Instance of the stream.
            events: Events to append, in order; at least one (WP-3, WP-9).
            expected_sequence: The last sequence number the writer saw; ``0``
                for a new stream.

        Returns:
            The sequence number of the batch's last event, on the first call
            and on a retry alike (WP-4).

        Raises:
            InvalidInputError: Bad arguments (WP-3), a value over the store's
                limits (WP-9), or an event id the stream already holds
                (WEV-2).
            ConcurrencyConflictError: The stream moved on (WP-2).
            NotFoundError: The stream was deleted (WP-13).
            OutcomeUnknownError: The reply was lost; retry the same batch
                (WP-10).
            UnavailableError: The store could not be reached; nothing was
                stored (ERR-5).
        """
        ...

    async def last_sequence(self, workflow_type: str, instance_id: UUID) -> int:
        """Return the last sequence number of a stream (WEV-1).

        Args:
            workflow_type: Workflow type of the stream (WEV-6).
            instance_id: Instance of the stream.

        Returns:
            The last sequence number; ``0`` for an unknown stream.

        Raises:
            InvalidInputError: A bad workflow type (WEV-6).
            NotFoundError: The stream was deleted (WP-13).
            UnavailableError: The store could not be reached.
        """
        ...

    def read_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> ProtocolClosableIterator[ProtocolWorkflowEvent]:
        """Yield events of a stream in sequence order, streamed (WP-5, WP-12).

        Args:
            workflow_type: Workflow type of the stream (WEV-6).
            instance_id: Instance of the stream.
            from_sequence: First sequence number wanted (inclusive, >= 1).
            to_sequence: Last sequence number wanted (inclusive), or ``None``
                for "to the last event".

        Returns:
            A closable asynchronous iterator of events. The call or its first
            step raises ``InvalidInputError`` for bad bounds or a bad
            workflow type (WP-5) and ``NotFoundError`` for a deleted stream
            (WP-13); any step raises ``UnavailableError`` when the store
            cannot be reached or was closed (LC-3).
        """
        ...

    def read_all(
        self, *, after_position: int = 0
    ) -> ProtocolClosableIterator[ProtocolRecordedWorkflowEvent]:
        """Yield the events of every stream in commit order, from a position (WP-11).

        An outbox relay publishes what it reads here, resuming after the
        last position it published; a projection does the same.

        Args:
            after_position: Yield events with a greater position; ``0`` for
                all.

        Returns:
            A closable asynchronous iterator of positioned events. The call or
            its first step raises ``InvalidInputError`` for a negative or
            non-``int`` position; any step raises ``UnavailableError`` when
            the store cannot be reached or was closed (LC-3).
        """
        ...

    async def save_snapshot(self, snapshot: ProtocolWorkflowSnapshot) -> None:
        """Store a snapshot of an instance (WP-7, WSN-1).

        Args:
            snapshot: The snapshot; its sequence number must exist.

        Raises:
            InvalidInputError: The stream has no such sequence number, or the
                snapshot is malformed (WP-7).
            UnavailableError: The store could not be reached.
        """
        ...

    async def load_snapshot(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        at_or_before: int | None = None,
        schema_version: str | None = None,
    ) -> ProtocolWorkflowSnapshot | None:
        """Return the latest snapshot at or before a sequence number (WP-6).

        Args:
            workflow_type: Workflow type of the stream (WEV-6).
            instance_id: Instance of the stream.
            at_or_before: Greatest acceptable sequence number (>= 1); ``None``
                for the latest snapshot.
            schema_version: Only snapshots of this reducer version (WSN-2);
                ``None`` for any version.

        Returns:
            The snapshot, or ``None`` when there is none early enough.

        Raises:
            InvalidInputError: ``at_or_before < 1`` or a bad workflow type.
            UnavailableError: The store could not be reached.
        """
        ...

    async def delete_stream(self, workflow_type: str, instance_id: UUID) -> bool:
        """Erase a stream and its snapshots for good (WP-13; optional).

        Args:
            workflow_type: Workflow type of the stream (WEV-6).
            instance_id: Instance of the stream.

        Returns:
            ``True`` if the stream existed, ``False`` if it never did or was
            deleted before.

        Raises:
            NotSupportedError: The store does not offer deletion.
            InvalidInputError: A bad workflow type (WEV-6).
            UnavailableError: The store could not be reached.
        """
        ...
