"""Broken workflow stores: each breaks one rule of ProtocolWorkflowPersistence.

Several reproduce the defects implementers found in the 0.1 example store:
a retry answered with the stream's newer number, a "retry" accepted with any
expected sequence, naive times, empty correlation chains and NaN accepted,
non-UTC times returned unchanged, bare ``TypeError`` for a non-sequence batch.
"""

import hashlib
import math
from collections.abc import AsyncGenerator, Sequence
from dataclasses import replace
from datetime import UTC
from types import MappingProxyType
from typing import cast, override
from uuid import UUID

from omnibase.protocols.errors import (
    ConcurrencyConflictError,
    InvalidInputError,
    OutcomeUnknownError,
)
from omnibase.protocols.types import (
    ProtocolRecordedWorkflowEvent,
    ProtocolWorkflowEvent,
    ProtocolWorkflowSnapshot,
    WorkflowData,
)
from omnibase.spi_conformance.reference.values import (
    RecordedWorkflowEvent,
    WorkflowEvent,
)
from omnibase.spi_conformance.reference.workflow_checks import (
    WORKFLOW_TYPE,
    check_batch,
    check_bounds,
    stream_subject,
)
from omnibase.spi_conformance.reference.workflow_persistence import (
    _Stream,  # pyright: ignore[reportPrivateUsage]
)
from omnibase.spi_conformance.reference.workflow_persistence import (
    InMemoryWorkflowPersistence,
)
from omnibase.spi_conformance.suites import SuiteEnvironment
from tests.conformance.harness import Variant
from tests.conformance.test_reference_workflow_persistence import (
    TestInMemoryWorkflowPersistence,
)


class Store(InMemoryWorkflowPersistence):
    """The reference store with its internals reachable by the variants."""

    def stream(self, workflow_type: str, instance_id: UUID) -> _Stream:
        return self._streams.get((workflow_type, instance_id), _Stream())

    def store(self, events: Sequence[WorkflowEvent]) -> None:
        for event in events:
            key = (event.workflow_type, event.instance_id)
            stream = self._streams.setdefault(key, _Stream())
            stream.positions[event.event_id] = event.sequence_number
            stream.events.append(event)
            self._log.append(RecordedWorkflowEvent(len(self._log) + 1, event))

    def checked(
        self,
        workflow_type: str,
        instance_id: UUID,
        events: Sequence[ProtocolWorkflowEvent],
        expected_sequence: int,
    ) -> tuple[WorkflowEvent, ...]:
        """The reference's first steps: open, arguments (WP-3)."""
        self._check_open()
        batch = check_batch(workflow_type, instance_id, events, expected_sequence)
        self._stream(workflow_type, instance_id)  # NotFoundError once deleted
        return batch


def _events(events: object) -> list[ProtocolWorkflowEvent]:
    """The batch as a list, or empty when it is not a sequence of events."""
    if not isinstance(events, list | tuple):
        return []
    items = list(cast("Sequence[object]", events))
    if not all(isinstance(item, ProtocolWorkflowEvent) for item in items):
        return []
    return cast("list[ProtocolWorkflowEvent]", items)


class ReturnsTheStreamsLast(Store):
    """A retry returns the stream's current last number (WP-4; the 0.1 defect)."""

    @override
    async def append_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        events: Sequence[ProtocolWorkflowEvent],
        expected_sequence: int,
    ) -> int:
        await super().append_events(
            workflow_type, instance_id, events, expected_sequence
        )
        return len(self.stream(workflow_type, instance_id).events)


class RetryBeforeNumbering(Store):
    """Takes stored ids for a retry before checking the numbering (WP-3; 0.1)."""

    @override
    async def append_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        events: Sequence[ProtocolWorkflowEvent],
        expected_sequence: int,
    ) -> int:
        stream = self.stream(workflow_type, instance_id)
        try:
            retry = bool(events) and all(
                stream.positions.get(event.event_id) == event.sequence_number
                for event in events
            )
        except (AttributeError, TypeError):
            retry = False
        if retry:
            return events[-1].sequence_number
        return await super().append_events(
            workflow_type, instance_id, events, expected_sequence
        )


class NoConcurrencyCheck(Store):
    """Appends whatever ``expected_sequence`` says, renumbering nothing (WP-2)."""

    @override
    async def append_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        events: Sequence[ProtocolWorkflowEvent],
        expected_sequence: int,
    ) -> int:
        batch = self.checked(workflow_type, instance_id, events, expected_sequence)
        stream = self.stream(workflow_type, instance_id)
        if all(stream.positions.get(e.event_id) == e.sequence_number for e in batch):
            return self._reply(batch[-1].sequence_number)
        for event in batch:
            if event.event_id in stream.positions:
                raise InvalidInputError(f"event id {event.event_id} reused (WEV-2)")
        self.store(batch)
        return self._reply(batch[-1].sequence_number)


class WritesAsItChecks(Store):
    """Stores each event once checked: a refused batch leaves its head (WP-1)."""

    @override
    async def append_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        events: Sequence[ProtocolWorkflowEvent],
        expected_sequence: int,
    ) -> int:
        batch = self.checked(workflow_type, instance_id, events, expected_sequence)
        stream = self.stream(workflow_type, instance_id)
        if all(stream.positions.get(e.event_id) == e.sequence_number for e in batch):
            return self._reply(batch[-1].sequence_number)
        if expected_sequence != len(stream.events):
            raise ConcurrencyConflictError(
                stream_subject(workflow_type, instance_id),
                expected_sequence,
                len(stream.events),
            )
        for event in batch:
            if event.event_id in stream.positions:
                raise InvalidInputError(f"event id {event.event_id} reused (WEV-2)")
            self.store([event])
        return self._reply(batch[-1].sequence_number)


class AcceptsReusedIds(Store):
    """Does not check event ids against the stream (WEV-2)."""

    @override
    async def append_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        events: Sequence[ProtocolWorkflowEvent],
        expected_sequence: int,
    ) -> int:
        batch = self.checked(workflow_type, instance_id, events, expected_sequence)
        stream = self.stream(workflow_type, instance_id)
        if all(stream.positions.get(e.event_id) == e.sequence_number for e in batch):
            return self._reply(batch[-1].sequence_number)
        if expected_sequence != len(stream.events):
            raise ConcurrencyConflictError(
                stream_subject(workflow_type, instance_id),
                expected_sequence,
                len(stream.events),
            )
        self.store(batch)
        return self._reply(batch[-1].sequence_number)


class GloballyUniqueIds(Store):
    """Refuses an event id another stream holds (WEV-2: the scope is the stream)."""

    @override
    async def append_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        events: Sequence[ProtocolWorkflowEvent],
        expected_sequence: int,
    ) -> int:
        taken = {
            recorded.event.event_id: recorded.event.instance_id
            for recorded in self._log
        }
        for event in _events(events):
            owner = taken.get(event.event_id)
            if owner is not None and owner != instance_id:
                raise InvalidInputError(f"event id {event.event_id} is taken")
        return await super().append_events(
            workflow_type, instance_id, events, expected_sequence
        )


class _Lenient(Store):
    """Repairs what one check refuses, then stores the batch like the reference."""

    def relax(self, event: ProtocolWorkflowEvent) -> ProtocolWorkflowEvent:
        return event

    @override
    async def append_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        events: Sequence[ProtocolWorkflowEvent],
        expected_sequence: int,
    ) -> int:
        batch = _events(events)
        return await super().append_events(
            workflow_type,
            instance_id,
            [self.relax(event) for event in batch] if batch else events,
            expected_sequence,
        )


class AcceptsEmptyChains(_Lenient):
    """Stores events whose correlation chain is empty (WEV-4; the 0.1 defect)."""

    @override
    def relax(self, event: ProtocolWorkflowEvent) -> ProtocolWorkflowEvent:
        if event.correlation_chain:
            return event
        return replace(_as_value(event), correlation_chain=(UUID(int=1),))


class AcceptsNaiveTimes(_Lenient):
    """Stores naive ``occurred_at`` values (T-2; the 0.1 defect)."""

    @override
    def relax(self, event: ProtocolWorkflowEvent) -> ProtocolWorkflowEvent:
        if event.occurred_at.tzinfo is not None:
            return event
        return replace(
            _as_value(event), occurred_at=event.occurred_at.replace(tzinfo=UTC)
        )


class AcceptsNaN(_Lenient):
    """Stores NaN and infinities (WP-3; the 0.1 defect)."""

    @override
    def relax(self, event: ProtocolWorkflowEvent) -> ProtocolWorkflowEvent:
        data: dict[str, WorkflowData] = {
            key: 0.0 if isinstance(value, float) and not math.isfinite(value) else value
            for key, value in event.data.items()
        }
        return replace(_as_value(event), data=data)


def _as_value(event: ProtocolWorkflowEvent) -> WorkflowEvent:
    return WorkflowEvent(
        event.event_id,
        event.event_type,
        event.workflow_type,
        event.instance_id,
        event.sequence_number,
        event.occurred_at,
        event.causation_id,
        tuple(event.correlation_chain),
        event.task_id,
        event.data,
    )


class RefusesBatchesOver50(Store):
    """A limit below the portable floor: 50 events per batch (WP-9)."""

    @override
    async def append_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        events: Sequence[ProtocolWorkflowEvent],
        expected_sequence: int,
    ) -> int:
        if len(_events(events)) > 50:
            raise InvalidInputError("at most 50 events per batch")
        return await super().append_events(
            workflow_type, instance_id, events, expected_sequence
        )


class StripsNul(_Lenient):
    """Stores strings without U+0000, as PostgreSQL text must (WP-9: refuse instead)."""

    @override
    def relax(self, event: ProtocolWorkflowEvent) -> ProtocolWorkflowEvent:
        data: dict[str, WorkflowData] = {
            key: value.replace("\x00", "") if isinstance(value, str) else value
            for key, value in event.data.items()
        }
        return replace(_as_value(event), data=data)


class ReturnsLocalTimes(Store):
    """Returns times in the offset they were given (T-2; the 0.1 defect)."""

    @override
    async def append_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        events: Sequence[ProtocolWorkflowEvent],
        expected_sequence: int,
    ) -> int:
        result = await super().append_events(
            workflow_type, instance_id, events, expected_sequence
        )
        stream = self.stream(workflow_type, instance_id)
        for event in events:
            position = stream.positions[event.event_id] - 1
            stream.events[position] = replace(
                stream.events[position], occurred_at=event.occurred_at
            )
        return result


class TypeErrorForNonSequences(Store):
    """Iterates ``events`` before checking it: ``None`` raises ``TypeError`` (ERR-1)."""

    @override
    async def append_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        events: Sequence[ProtocolWorkflowEvent],
        expected_sequence: int,
    ) -> int:
        len(events)  # TypeError for None
        return await super().append_events(
            workflow_type, instance_id, events, expected_sequence
        )


class ExclusiveUpperBound(Store):
    """Reads ``to_sequence`` as exclusive (WP-5)."""

    @override
    async def read_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> AsyncGenerator[ProtocolWorkflowEvent, None]:
        check_bounds(from_sequence, to_sequence)
        last = None if to_sequence is None else max(to_sequence - 1, from_sequence - 1)
        async for event in super().read_events(
            workflow_type, instance_id, from_sequence=from_sequence, to_sequence=last
        ):
            yield event


class FloatsBecomeInts(Store):
    """Gives back integral floats as ints, as PostgreSQL jsonb does (WP-8)."""

    @override
    async def read_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> AsyncGenerator[ProtocolWorkflowEvent, None]:
        async for event in super().read_events(
            workflow_type,
            instance_id,
            from_sequence=from_sequence,
            to_sequence=to_sequence,
        ):
            data: dict[str, WorkflowData] = {
                key: (
                    int(value)
                    if isinstance(value, float) and value.is_integer()
                    else value
                )
                for key, value in event.data.items()
            }
            yield replace(_as_value(event), data=data)


class DropsSecretReferences(Store):
    """Strips the context's secrets when it saves a snapshot (WCX-1)."""

    @override
    async def save_snapshot(self, snapshot: ProtocolWorkflowSnapshot) -> None:
        await super().save_snapshot(snapshot)
        stream = self.stream(snapshot.workflow_type, snapshot.instance_id)
        key = (snapshot.sequence_number, snapshot.schema_version)
        kept = stream.snapshots[key]
        stream.snapshots[key] = replace(
            kept, context=replace(kept.context, secrets=MappingProxyType({}))
        )


class DropsCompletionOrder(Store):
    """Does not keep ``completed_tasks`` of a snapshot (WSN-1)."""

    @override
    async def save_snapshot(self, snapshot: ProtocolWorkflowSnapshot) -> None:
        await super().save_snapshot(snapshot)
        stream = self.stream(snapshot.workflow_type, snapshot.instance_id)
        key = (snapshot.sequence_number, snapshot.schema_version)
        stream.snapshots[key] = replace(stream.snapshots[key], completed_tasks=())


class KeepsTheLastSnapshot(Store):
    """A second snapshot of one sequence replaces the first (WP-7)."""

    @override
    async def save_snapshot(self, snapshot: ProtocolWorkflowSnapshot) -> None:
        stream = self.stream(snapshot.workflow_type, snapshot.instance_id)
        stream.snapshots.pop((snapshot.sequence_number, snapshot.schema_version), None)
        await super().save_snapshot(snapshot)


class IgnoresSchemaVersions(Store):
    """Returns the latest snapshot whatever its schema version (WP-6)."""

    @override
    async def load_snapshot(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        at_or_before: int | None = None,
        schema_version: str | None = None,
    ) -> ProtocolWorkflowSnapshot | None:
        return await super().load_snapshot(
            workflow_type, instance_id, at_or_before=at_or_before
        )


class StoresPartOfALostBatch(Store):
    """When the reply is lost, only the batch's first event was stored (WP-10)."""

    @override
    async def append_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        events: Sequence[ProtocolWorkflowEvent],
        expected_sequence: int,
    ) -> int:
        if not self._lose_next_reply:
            return await super().append_events(
                workflow_type, instance_id, events, expected_sequence
            )
        self._lose_next_reply = False
        batch = check_batch(workflow_type, instance_id, events, expected_sequence)
        self.store(batch[:1])
        raise OutcomeUnknownError("reply lost")


class ReadsAllStreamByStream(Store):
    """``read_all`` yields stream after stream, not in commit order (WP-11)."""

    @override
    async def read_all(
        self, *, after_position: int = 0
    ) -> AsyncGenerator[ProtocolRecordedWorkflowEvent, None]:
        recorded = [
            item async for item in super().read_all(after_position=after_position)
        ]
        recorded.sort(key=lambda item: (str(item.event.instance_id), item.position))
        for item in recorded:
            yield item


class _Unclosable:
    """An iterator whose ``aclose`` does nothing (WP-12)."""

    def __init__(self, items: list[object]) -> None:
        self._items = items

    def __aiter__(self) -> "_Unclosable":
        return self

    async def __anext__(self) -> object:
        if not self._items:
            raise StopAsyncIteration
        return self._items.pop(0)

    async def aclose(self) -> None:
        return None


class IgnoresAclose(Store):
    """Reads keep yielding after ``aclose`` (WP-12)."""

    @override
    def read_events(  # type: ignore[override]
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> _Unclosable:
        self._check_open()
        key = self._stream(workflow_type, instance_id)
        check_bounds(from_sequence, to_sequence)
        stream = self._streams.get(key)
        events: list[object] = [] if stream is None else list(stream.events)
        last = len(events) if to_sequence is None else min(to_sequence, len(events))
        return _Unclosable(events[from_sequence - 1 : last])


class RecreatesDeletedStreams(Store):
    """Forgets a deleted stream entirely: it can be recreated (WP-13)."""

    @override
    async def delete_stream(self, workflow_type: str, instance_id: UUID) -> bool:
        existed = await super().delete_stream(workflow_type, instance_id)
        self._deleted.discard((workflow_type, instance_id))
        return existed


class ZeroBasedLastSequence(Store):
    """``last_sequence`` counts from 0, KurrentDB style (WEV-1)."""

    @override
    async def last_sequence(self, workflow_type: str, instance_id: UUID) -> int:
        return await super().last_sequence(workflow_type, instance_id) - 1


class AcceptsAnyWorkflowType(Store):
    """Stores streams of workflow types like ``a.b`` (WEV-6)."""

    @override
    async def append_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        events: Sequence[ProtocolWorkflowEvent],
        expected_sequence: int,
    ) -> int:
        kind = cast("object", workflow_type)
        if not isinstance(kind, str) or WORKFLOW_TYPE.fullmatch(kind):
            return await super().append_events(
                workflow_type, instance_id, events, expected_sequence
            )
        safe = "t" + hashlib.sha256(workflow_type.encode()).hexdigest()[:20]
        renamed = [
            replace(_as_value(event), workflow_type=safe) for event in _events(events)
        ]
        return await super().append_events(
            safe, instance_id, renamed, expected_sequence
        )


class KeepsTheCallersObjects(Store):
    """Stores the caller's event objects without copying them (T-4)."""

    @override
    async def append_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        events: Sequence[ProtocolWorkflowEvent],
        expected_sequence: int,
    ) -> int:
        before = len(self.stream(workflow_type, instance_id).events)
        result = await super().append_events(
            workflow_type, instance_id, events, expected_sequence
        )
        stream = self.stream(workflow_type, instance_id)
        for event in events:
            position = stream.positions[event.event_id] - 1
            if position >= before and isinstance(event, WorkflowEvent):  # caller's dict
                stream.events[position] = replace(
                    event, occurred_at=event.occurred_at.astimezone(UTC)
                )
        return result


def _variant(name: str, breaks: tuple[str, ...], broken: type) -> Variant:
    def build(self: TestInMemoryWorkflowPersistence, env: SuiteEnvironment) -> object:
        return broken(clock=env.clock)

    return Variant(name, breaks, TestInMemoryWorkflowPersistence, {"build": build})


VARIANTS = [
    _variant("returns_the_streams_last_on_retry", ("WP-4",), ReturnsTheStreamsLast),
    _variant("retry_before_numbering", ("WP-3",), RetryBeforeNumbering),
    _variant("no_concurrency_check", ("WP-2",), NoConcurrencyCheck),
    _variant("writes_as_it_checks", ("WP-1",), WritesAsItChecks),
    _variant("accepts_reused_ids", ("WEV-2",), AcceptsReusedIds),
    _variant("globally_unique_ids", ("WEV-2",), GloballyUniqueIds),
    _variant("accepts_empty_chains", ("WEV-4",), AcceptsEmptyChains),
    _variant("accepts_naive_times", ("T-2",), AcceptsNaiveTimes),
    _variant("returns_local_times", ("T-2",), ReturnsLocalTimes),
    _variant("accepts_nan", ("WP-3",), AcceptsNaN),
    _variant("type_error_for_non_sequences", ("ERR-1",), TypeErrorForNonSequences),
    _variant("refuses_batches_over_50", ("WP-9",), RefusesBatchesOver50),
    _variant("strips_nul", ("WP-9",), StripsNul),
    _variant("exclusive_upper_bound", ("WP-5",), ExclusiveUpperBound),
    _variant("floats_become_ints", ("WP-8",), FloatsBecomeInts),
    _variant("drops_secret_references", ("WCX-1",), DropsSecretReferences),
    _variant("drops_completion_order", ("WSN-1",), DropsCompletionOrder),
    _variant("keeps_the_last_snapshot", ("WP-7",), KeepsTheLastSnapshot),
    _variant("ignores_schema_versions", ("WP-6",), IgnoresSchemaVersions),
    _variant("stores_part_of_a_lost_batch", ("WP-10",), StoresPartOfALostBatch),
    _variant("reads_all_stream_by_stream", ("WP-11",), ReadsAllStreamByStream),
    _variant("ignores_aclose", ("WP-12",), IgnoresAclose),
    _variant("recreates_deleted_streams", ("WP-13",), RecreatesDeletedStreams),
    _variant("zero_based_last_sequence", ("WEV-1",), ZeroBasedLastSequence),
    _variant("accepts_any_workflow_type", ("WEV-6",), AcceptsAnyWorkflowType),
    _variant("keeps_the_callers_objects", ("T-4",), KeepsTheCallersObjects),
]
