"""In-memory ``ProtocolWorkflowPersistence``: an event store with snapshots.

Demonstrates:
    WP-1: an append checks everything before it stores anything.
    WP-2: optimistic concurrency: ``ConcurrencyConflictError`` carries the
        expected and the actual last sequence number.
    WP-3: the arguments are checked first (``workflow_checks.check_batch``).
    WP-4: a retry (every id stored at its own position) stores nothing and
        returns the batch's own last sequence number.
    WP-5 / WP-12: inclusive bounds, ascending order, a consistent prefix,
        streamed from the live stream without copying it.
    WP-6 / WP-7: the latest snapshot at or before a sequence number, per
        schema version; the first of two snapshots of one sequence is kept.
    WP-8: events and snapshots are kept as frozen copies, times in UTC.
    WP-10: [`simulate_lost_reply`][InMemoryWorkflowPersistence.simulate_lost_reply]
        performs the next append and then raises ``OutcomeUnknownError``.
    WP-11: one store-wide log in commit order.
    WP-13: ``delete_stream`` erases a stream for good.
    WEV-2: event ids are unique per stream.

Deliberate simplifications:
    Streams live in dicts of one process. An append is atomic because it has
    no ``await`` between its checks and its writes, so no other coroutine can
    interleave; a real store uses a transaction or a conditional write. The
    store has no limits beyond WP-3 (WP-9 allows any).
"""

from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field
from typing import cast
from uuid import UUID

from omnibase.protocols.errors import (
    ConcurrencyConflictError,
    InvalidInputError,
    NotFoundError,
    OutcomeUnknownError,
)
from omnibase.protocols.types import (
    ProtocolRecordedWorkflowEvent,
    ProtocolWorkflowEvent,
    ProtocolWorkflowSnapshot,
)
from omnibase.spi_conformance.reference.factories import Clock, utc_now
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle
from omnibase.spi_conformance.reference.values import (
    RecordedWorkflowEvent,
    WorkflowEvent,
    WorkflowSnapshot,
    workflow_snapshot_of,
)
from omnibase.spi_conformance.reference.workflow_checks import (
    check_at_or_before,
    check_batch,
    check_bounds,
    check_instance_id,
    check_position,
    check_workflow_type,
    stream_subject,
)

__all__ = ["InMemoryWorkflowPersistence"]

type _StreamKey = tuple[str, UUID]


@dataclass(slots=True)
class _Stream:
    events: list[WorkflowEvent] = field(default_factory=list[WorkflowEvent])
    positions: dict[UUID, int] = field(default_factory=dict[UUID, int])
    snapshots: dict[tuple[int, str], WorkflowSnapshot] = field(
        default_factory=dict[tuple[int, str], WorkflowSnapshot]
    )


class InMemoryWorkflowPersistence(ReferenceLifecycle):
    """Event streams and snapshots of workflow instances, in memory."""

    def __init__(self, *, clock: Clock = utc_now) -> None:
        """Create an empty store.

        Args:
            clock: Timestamps health reports.
        """
        super().__init__(clock=clock)
        self._streams: dict[_StreamKey, _Stream] = {}
        self._deleted: set[_StreamKey] = set()
        self._log: list[RecordedWorkflowEvent] = []
        self._lose_next_reply = False

    def simulate_lost_reply(self) -> None:
        """Perform the next append, then raise ``OutcomeUnknownError`` (WP-10)."""
        self._lose_next_reply = True

    def _stream(self, workflow_type: object, instance_id: object) -> _StreamKey:
        key = (check_workflow_type(workflow_type), check_instance_id(instance_id))
        if key in self._deleted:
            raise NotFoundError(f"{stream_subject(*key)} was deleted (WP-13)")
        return key

    async def append_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        events: Sequence[ProtocolWorkflowEvent],
        expected_sequence: int,
    ) -> int:
        """Append events with optimistic concurrency (WP-1 to WP-4)."""
        self._check_open()
        batch = check_batch(workflow_type, instance_id, events, expected_sequence)
        key = self._stream(workflow_type, instance_id)
        stream = self._streams.get(key, _Stream())
        if all(
            stream.positions.get(event.event_id) == event.sequence_number
            for event in batch
        ):
            return self._reply(batch[-1].sequence_number)  # a retry (WP-4)
        last = len(stream.events)
        if expected_sequence != last:
            raise ConcurrencyConflictError(
                stream_subject(*key), expected_sequence, last
            )
        for event in batch:
            if event.event_id in stream.positions:
                raise InvalidInputError(
                    f"event id {event.event_id} is already in the stream (WEV-2)"
                )
        # Every check passed before anything was written: all or nothing (WP-1).
        for event in batch:
            stream.positions[event.event_id] = event.sequence_number
            stream.events.append(event)
            self._log.append(RecordedWorkflowEvent(len(self._log) + 1, event))
        self._streams[key] = stream
        return self._reply(batch[-1].sequence_number)

    def _reply(self, last: int) -> int:
        if self._lose_next_reply:
            self._lose_next_reply = False
            raise OutcomeUnknownError("the reply of append_events was lost (WP-10)")
        return last

    async def last_sequence(self, workflow_type: str, instance_id: UUID) -> int:
        """Return the last sequence number of a stream; 0 when unknown (WEV-1)."""
        self._check_open()
        key = self._stream(workflow_type, instance_id)
        stream = self._streams.get(key)
        return 0 if stream is None else len(stream.events)

    async def read_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> AsyncGenerator[ProtocolWorkflowEvent, None]:
        """Yield events ``from_sequence..to_sequence``, both inclusive (WP-5)."""
        self._check_open()
        key = self._stream(workflow_type, instance_id)
        check_bounds(from_sequence, to_sequence)
        stream = self._streams.get(key)
        if stream is None:
            return
        index = from_sequence - 1
        # The live list, read by index: appends only extend it, so what is
        # yielded is a consistent prefix, and nothing is copied (WP-12).
        while index < len(stream.events) and (
            to_sequence is None or index < to_sequence
        ):
            event = stream.events[index]
            yield event
            self._check_open()  # a closed store fails the next step (LC-3)
            index += 1

    async def read_all(
        self, *, after_position: int = 0
    ) -> AsyncGenerator[ProtocolRecordedWorkflowEvent, None]:
        """Yield every stream's events in commit order after a position (WP-11)."""
        self._check_open()
        index = check_position(after_position)
        while index < len(self._log):
            recorded = self._log[index]
            index += 1
            event = recorded.event
            if (event.workflow_type, event.instance_id) in self._deleted:
                continue  # erased (WP-13)
            yield recorded
            self._check_open()

    async def save_snapshot(self, snapshot: ProtocolWorkflowSnapshot) -> None:
        """Store a snapshot; the first of one sequence and version is kept (WP-7)."""
        self._check_open()
        if not isinstance(cast("object", snapshot), ProtocolWorkflowSnapshot):
            raise InvalidInputError(f"not a ProtocolWorkflowSnapshot: {snapshot!r}")
        key = (
            check_workflow_type(snapshot.workflow_type),
            check_instance_id(snapshot.instance_id),
        )
        if key in self._deleted:
            raise InvalidInputError(f"{stream_subject(*key)} was deleted (WP-13)")
        stream = self._streams.get(key)
        last = 0 if stream is None else len(stream.events)
        number = snapshot.sequence_number
        if stream is None or not 1 <= number <= last:
            raise InvalidInputError(
                f"stream has no sequence number {number} (last is {last}) (WP-7)"
            )
        copy = workflow_snapshot_of(snapshot)
        stream.snapshots.setdefault((number, copy.schema_version), copy)

    async def load_snapshot(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        at_or_before: int | None = None,
        schema_version: str | None = None,
    ) -> ProtocolWorkflowSnapshot | None:
        """Return the latest snapshot at or before ``at_or_before`` (WP-6)."""
        self._check_open()
        key = (check_workflow_type(workflow_type), check_instance_id(instance_id))
        bound = check_at_or_before(at_or_before)
        stream = self._streams.get(key)
        if stream is None or key in self._deleted:
            return None
        eligible = [
            (number, version)
            for number, version in stream.snapshots
            if (bound is None or number <= bound)
            and (schema_version is None or version == schema_version)
        ]
        if not eligible:
            return None
        best = max(number for number, _ in eligible)
        return next(
            stream.snapshots[item] for item in sorted(eligible) if item[0] == best
        )

    async def delete_stream(self, workflow_type: str, instance_id: UUID) -> bool:
        """Erase a stream and its snapshots for good (WP-13)."""
        self._check_open()
        key = (check_workflow_type(workflow_type), check_instance_id(instance_id))
        if key in self._deleted or key not in self._streams:
            return False
        del self._streams[key]
        self._deleted.add(key)
        return True
