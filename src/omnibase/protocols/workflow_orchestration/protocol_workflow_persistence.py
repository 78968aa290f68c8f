"""State persistence contracts: the event store and snapshots of workflow instances."""

from collections.abc import AsyncIterator, Sequence
from typing import Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.types.workflow_orchestration_types import (
    ProtocolWorkflowEvent,
    ProtocolWorkflowSnapshot,
)

__all__ = ["ProtocolWorkflowPersistence"]


@runtime_checkable
class ProtocolWorkflowPersistence(ProtocolLifecycle, Protocol):
    """Event store and snapshot store of workflow instances.

    A stream is the events of one ``{workflow_type, instance_id}``; sequence
    numbers count from 1 and ``0`` means "no events yet" (WEV-1).

    Rules:
        WP-1: ``append_events`` is atomic: all events are stored or none.
        WP-2: Optimistic concurrency: ``expected_sequence`` must equal the
            stream's last sequence number, else ``ConcurrencyConflictError``
            carrying both numbers, and nothing is stored.
        WP-3: The events must be numbered ``expected_sequence + 1`` onwards
            without gaps and belong to the stream, else ``InvalidInputError``.
        WP-4: Appends are idempotent by ``event_id``: re-appending events
            already stored at the same positions (a retry after a lost reply)
            stores nothing and returns the same last sequence number, even
            though ``expected_sequence`` is now behind.
        WP-5: ``read_events`` has the bounds and order of WEB-4.
        WP-6: ``load_snapshot`` returns the snapshot with the greatest
            ``sequence_number`` at or before ``at_or_before`` (or overall),
            or ``None``; folding the events after it gives the current state
            (WSN-1).
        WP-7: Saving a snapshot for a sequence number the stream does not
            have raises ``InvalidInputError``; saving one twice keeps one.
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
            workflow_type: Workflow type of the stream.
            instance_id: Instance of the stream.
            events: Events to append, in order; at least one.
            expected_sequence: The last sequence number the writer saw; ``0``
                for a new stream.

        Returns:
            The stream's last sequence number after the append.

        Raises:
            ConcurrencyConflictError: The stream moved on (WP-2).
            InvalidInputError: Empty, misnumbered or foreign events (WP-3).
            UnavailableError: The store could not be reached; the append may
                have happened, so retry with the same events (WP-4).
        """
        ...

    async def last_sequence(self, workflow_type: str, instance_id: UUID) -> int:
        """Return the last sequence number of a stream.

        Args:
            workflow_type: Workflow type of the stream.
            instance_id: Instance of the stream.

        Returns:
            The last sequence number; ``0`` for an unknown stream.

        Raises:
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
    ) -> AsyncIterator[ProtocolWorkflowEvent]:
        """Yield events of a stream in sequence order (WP-5).

        Args:
            workflow_type: Workflow type of the stream.
            instance_id: Instance of the stream.
            from_sequence: First sequence number wanted (inclusive, >= 1).
            to_sequence: Last sequence number wanted (inclusive), or ``None``.

        Returns:
            An asynchronous iterator of events. Iterating it raises
            ``InvalidInputError`` for bad bounds and ``UnavailableError``
            when the store cannot be reached.
        """
        ...

    async def save_snapshot(self, snapshot: ProtocolWorkflowSnapshot) -> None:
        """Store a snapshot of an instance (WP-7).

        Args:
            snapshot: The snapshot; its sequence number must exist.

        Raises:
            InvalidInputError: The stream has no such sequence number.
            UnavailableError: The store could not be reached.
        """
        ...

    async def load_snapshot(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        at_or_before: int | None = None,
    ) -> ProtocolWorkflowSnapshot | None:
        """Return the latest snapshot at or before a sequence number (WP-6).

        Args:
            workflow_type: Workflow type of the stream.
            instance_id: Instance of the stream.
            at_or_before: Greatest acceptable sequence number; ``None`` for
                the latest snapshot.

        Returns:
            The snapshot, or ``None`` when there is none early enough.

        Raises:
            UnavailableError: The store could not be reached.
        """
        ...
