"""In-memory ``ProtocolWorkflowPersistence``: an event store with snapshots.

Demonstrates:
    WP-1: an append checks every event before it stores any.
    WP-2: optimistic concurrency: ``ConcurrencyConflictError`` carries the
        expected and the actual last sequence number.
    WP-3: events are numbered ``expected_sequence + 1`` onwards and belong to
        the stream.
    WP-4: a retried append (same event ids at the same positions) stores
        nothing and returns the same last sequence number.
    WP-5 / WEB-4 / WEB-5: inclusive bounds, ascending order, a consistent
        prefix.
    WP-6 / WP-7: the latest snapshot at or before a sequence number; one
        snapshot per sequence number, only for numbers the stream has.

Deliberate simplifications:
    Streams live in dicts of one process. An append is atomic because it has
    no ``await`` between its checks and its writes, so no other coroutine can
    interleave; a real store uses a transaction or a conditional write.
    Snapshots are kept as given; a real store serialises them without the
    context's secrets (WCX-1).
"""

from collections.abc import AsyncIterator, Sequence
from uuid import UUID

from omnibase.protocols.errors import ConcurrencyConflictError, InvalidInputError
from omnibase.protocols.types import ProtocolWorkflowEvent, ProtocolWorkflowSnapshot
from omnibase.spi_conformance.reference.factories import Clock, utc_now
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle

__all__ = ["InMemoryWorkflowPersistence", "check_bounds"]

type _StreamKey = tuple[str, UUID]


def check_bounds(from_sequence: int, to_sequence: int | None) -> None:
    """Refuse bounds WEB-4 does not allow.

    Args:
        from_sequence: First sequence number wanted (inclusive).
        to_sequence: Last sequence number wanted (inclusive), or ``None``.

    Raises:
        InvalidInputError: ``from_sequence < 1`` or
            ``to_sequence < from_sequence - 1``.
    """
    if from_sequence < 1:
        raise InvalidInputError(f"from_sequence must be >= 1, got {from_sequence}")
    if to_sequence is not None and to_sequence < from_sequence - 1:
        raise InvalidInputError(
            f"to_sequence {to_sequence} is below from_sequence {from_sequence} - 1"
        )


class InMemoryWorkflowPersistence(ReferenceLifecycle):
    """Event streams and snapshots of workflow instances, in memory."""

    def __init__(self, *, clock: Clock = utc_now) -> None:
        """Create an empty store.

        Args:
            clock: Timestamps health reports.
        """
        super().__init__(clock=clock)
        self._streams: dict[_StreamKey, list[ProtocolWorkflowEvent]] = {}
        self._positions: dict[UUID, tuple[str, UUID, int]] = {}
        self._snapshots: dict[_StreamKey, dict[int, ProtocolWorkflowSnapshot]] = {}

    async def append_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        events: Sequence[ProtocolWorkflowEvent],
        expected_sequence: int,
    ) -> int:
        """Append events with optimistic concurrency (WP-1 to WP-4)."""
        self._check_open()
        key = (workflow_type, instance_id)
        stream = self._streams.get(key, [])
        if not events:
            raise InvalidInputError("append_events needs at least one event (WP-3)")
        for event in events:
            if (event.workflow_type, event.instance_id) != key:
                raise InvalidInputError(
                    f"event {event.event_id} belongs to another stream (WP-3)"
                )
        if all(
            self._positions.get(event.event_id)
            == (workflow_type, instance_id, event.sequence_number)
            for event in events
        ):
            return len(stream)  # a retry after a lost reply (WP-4)
        if expected_sequence != len(stream):
            raise ConcurrencyConflictError(
                f"stream {workflow_type}/{instance_id}", expected_sequence, len(stream)
            )
        seen: set[UUID] = set()
        for number, event in enumerate(events, start=expected_sequence + 1):
            if event.sequence_number != number:
                raise InvalidInputError(
                    f"event {event.event_id} has sequence number "
                    f"{event.sequence_number}, expected {number} (WP-3)"
                )
            if event.event_id in self._positions or event.event_id in seen:
                raise InvalidInputError(f"event id {event.event_id} reused (WEV-2)")
            seen.add(event.event_id)
        # Every check passed before anything was written: all or nothing (WP-1).
        for event in events:
            self._positions[event.event_id] = (
                workflow_type,
                instance_id,
                event.sequence_number,
            )
        stream.extend(events)
        self._streams[key] = stream
        return len(stream)

    async def last_sequence(self, workflow_type: str, instance_id: UUID) -> int:
        """Return the last sequence number of a stream; 0 when unknown."""
        self._check_open()
        return len(self._streams.get((workflow_type, instance_id), ()))

    async def read_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> AsyncIterator[ProtocolWorkflowEvent]:
        """Yield events ``from_sequence..to_sequence``, both inclusive (WP-5)."""
        self._check_open()
        check_bounds(from_sequence, to_sequence)
        # A copy: events appended while the caller iterates do not appear (WEB-5).
        stream = tuple(self._streams.get((workflow_type, instance_id), ()))
        stop = len(stream) if to_sequence is None else min(to_sequence, len(stream))
        for event in stream[from_sequence - 1 : stop]:
            yield event

    async def save_snapshot(self, snapshot: ProtocolWorkflowSnapshot) -> None:
        """Store a snapshot; one per sequence number (WP-7)."""
        self._check_open()
        key = (snapshot.workflow_type, snapshot.instance_id)
        last = len(self._streams.get(key, ()))
        if not 1 <= snapshot.sequence_number <= last:
            raise InvalidInputError(
                f"stream has no sequence number {snapshot.sequence_number} "
                f"(last is {last}) (WP-7)"
            )
        self._snapshots.setdefault(key, {})[snapshot.sequence_number] = snapshot

    async def load_snapshot(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        at_or_before: int | None = None,
    ) -> ProtocolWorkflowSnapshot | None:
        """Return the latest snapshot at or before ``at_or_before`` (WP-6)."""
        self._check_open()
        snapshots = self._snapshots.get((workflow_type, instance_id), {})
        eligible = [
            number
            for number in snapshots
            if at_or_before is None or number <= at_or_before
        ]
        return snapshots[max(eligible)] if eligible else None
