"""Conformance suite of ``ProtocolWorkflowPersistence`` (WP-1 to WP-13, WEV, WSN-1).

Subclass [`WorkflowPersistenceSuite`][], write ``create_subject`` (a fresh,
empty store per test), declare ``capabilities = {"stream_deletion"}`` if your
store implements ``delete_stream``, and override the fault hooks you can
supply: ``fault_backend_unreachable`` (LC-1) and
``fault_lose_next_append_reply`` (WP-10: the next append is performed and its
caller gets ``OutcomeUnknownError``).
"""

import asyncio
import contextlib
import functools
import itertools
import math
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import ClassVar, cast, override
from uuid import UUID, uuid4

from omnibase.protocols.errors import (
    ConcurrencyConflictError,
    InvalidInputError,
    NotFoundError,
    NotSupportedError,
    OutcomeUnknownError,
    UnavailableError,
)
from omnibase.protocols.types import (
    ProtocolRecordedWorkflowEvent,
    ProtocolSecretReference,
    ProtocolWorkflowEvent,
    WorkflowData,
)
from omnibase.protocols.workflow_orchestration import ProtocolWorkflowPersistence
from omnibase.spi_conformance.reference.reducer import WorkflowReducer
from omnibase.spi_conformance.reference.values import (
    WorkflowEvent,
    WorkflowSnapshot,
)
from omnibase.spi_conformance.suites._base import (
    SuiteEnvironment,
    check,
    check_equal,
    check_raises,
    fail,
    fault_hook,
    rule,
)
from omnibase.spi_conformance.suites._workflow import (
    WORKFLOW_TYPE,
    EventFactory,
    collect,
    event_members,
    saga,
    snapshot_members,
)
from omnibase.spi_conformance.suites.lifecycle import Call, LifecycleChecks

__all__ = ["WorkflowPersistenceSuite"]

type Store = ProtocolWorkflowPersistence

BAD_WORKFLOW_TYPES = ("", "a.b", "a-b", "a b", "ü", "x" * 101)
"""Workflow types WEV-6 refuses."""


def _fold(events: Sequence[ProtocolWorkflowEvent]) -> WorkflowSnapshot:
    reducer = WorkflowReducer()
    state = reducer.initial_state(events[0].workflow_type, events[0].instance_id)
    for event in events:
        state = reducer.reduce(state, event)
    return state


async def _numbers(
    store: Store, factory: EventFactory, **bounds: int | None
) -> list[int]:
    events = await collect(
        store.read_events(
            factory.workflow_type,
            factory.instance_id,
            **cast("dict[str, int]", bounds),
        )
    )
    return [event.sequence_number for event in events]


async def _first_step(read: Callable[[], object]) -> object:
    """Call a streamed read and take one step (bad input may fail at either)."""
    iterator = read()
    step = getattr(iterator, "__anext__", None)
    if step is None:
        return iterator
    try:
        return await step()
    except StopAsyncIteration:
        return "an iterator that ended"


class WorkflowPersistenceSuite(LifecycleChecks[Store, SuiteEnvironment]):
    """Checks a ``ProtocolWorkflowPersistence``.

    Attributes:
        concurrent_writers: How many writers race for one stream (WP-2).
    """

    contract: ClassVar[type] = ProtocolWorkflowPersistence
    OPTIONAL_CAPABILITIES: ClassVar[Mapping[str, str]] = {
        "stream_deletion": "delete_stream erases streams (WP-13)",
    }
    concurrent_writers: ClassVar[int] = 10

    @fault_hook
    async def fault_lose_next_append_reply(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """Make the next ``append_events`` store, then raise ``OutcomeUnknownError``.

        Args:
            subject: The store under test.
            env: The test's environment.
        """

    @override
    def calls_after_close(
        self, subject: Store, env: SuiteEnvironment
    ) -> Mapping[str, Call]:
        """Every method after ``aclose`` (LC-3)."""
        factory = EventFactory()
        instance = factory.instance_id

        async def read_events() -> object:
            return subject.read_events(WORKFLOW_TYPE, instance)

        async def read_all() -> object:
            return subject.read_all()

        async def delete_stream() -> object:
            try:
                return await subject.delete_stream(WORKFLOW_TYPE, instance)
            except NotSupportedError as error:
                if "stream_deletion" in self.capabilities:
                    raise
                raise UnavailableError("optional, not offered") from error

        snapshot = _fold(factory.batch(1))
        return {
            "append_events": lambda: subject.append_events(
                WORKFLOW_TYPE, instance, EventFactory(instance_id=instance).batch(1), 0
            ),
            "last_sequence": lambda: subject.last_sequence(WORKFLOW_TYPE, instance),
            "read_events": read_events,
            "read_all": read_all,
            "save_snapshot": lambda: subject.save_snapshot(snapshot),
            "load_snapshot": lambda: subject.load_snapshot(WORKFLOW_TYPE, instance),
            "delete_stream": delete_stream,
        }

    async def _append(
        self, store: Store, events: Sequence[WorkflowEvent], expected: int
    ) -> int:
        first = events[0]
        return await store.append_events(
            first.workflow_type, first.instance_id, events, expected
        )

    # --- WP-1: atomic -------------------------------------------------------

    @rule("WP-1")
    async def test_WP_1_a_refused_batch_stores_nothing(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """A batch whose last event reuses a stored id: all of it or none is stored."""
        factory = EventFactory()
        events = factory.batch(4)
        await self._append(subject, events[:2], 0)
        batch = [events[2], replace(events[3], event_id=events[0].event_id)]
        try:
            await self._append(subject, batch, 2)
        except InvalidInputError:
            expected = [1, 2]  # refused (WEV-2): none of it
        else:
            expected = [1, 2, 3, 4]
        stored = await _numbers(subject, factory)
        check_equal("WP-1", "the events after the batch", expected, stored)

    @rule("WP-1", "WP-10")
    async def test_WP_1_a_cancelled_append_is_all_or_nothing(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """Cancelling an append leaves all or none of it; a retry stores it once."""
        factory = EventFactory()
        events = factory.batch(5)
        task = asyncio.ensure_future(self._append(subject, events, 0))
        await asyncio.sleep(0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        stored = await self.eventually(lambda: _settled(subject, factory.instance_id))
        check(
            stored in (0, 5), "WP-1", "none or all 5 events stored", f"{stored} events"
        )
        returned = await self._append(subject, events, 0)
        check_equal("WP-10", "the retry's returned sequence number", 5, returned)
        check_equal(
            "WP-1",
            "the stream after the retry",
            [1, 2, 3, 4, 5],
            await _numbers(subject, factory),
        )

    # --- WP-2: optimistic concurrency --------------------------------------

    @rule("WP-2")
    async def test_WP_2_a_stale_expected_sequence_conflicts(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """Expecting 1 on a stream at 2 raises a conflict with both numbers."""
        factory = EventFactory()
        await self._append(subject, factory.batch(2), 0)
        late = replace(factory.batch(1)[0], sequence_number=2)
        error = await check_raises(
            "WP-2",
            ConcurrencyConflictError,
            self._append(subject, [late], 1),
            doing="append_events expecting 1 on a stream at 2",
        )
        check_equal("WP-2", "the conflict's expected version", 1, error.expected)
        check_equal("WP-2", "the conflict's actual version", 2, error.actual)
        check(
            str(factory.instance_id) in error.subject
            and WORKFLOW_TYPE in error.subject,
            "WP-2",
            "a subject naming the stream",
            error.subject,
        )
        check_equal(
            "WP-2",
            "the stream after the conflict",
            [1, 2],
            await _numbers(subject, factory),
        )

    @rule("WP-2")
    async def test_WP_2_a_new_stream_expects_zero(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """Expecting 3 of a stream that does not exist raises a conflict (actual 0)."""
        factory = EventFactory()
        events = [
            replace(event, sequence_number=event.sequence_number + 3)
            for event in factory.batch(1)
        ]
        error = await check_raises(
            "WP-2",
            ConcurrencyConflictError,
            self._append(subject, events, 3),
            doing="append_events expecting 3 of an empty stream",
        )
        check_equal("WP-2", "the conflict's actual version", 0, error.actual)

    @rule("WP-2")
    async def test_WP_2_exactly_one_concurrent_writer_wins(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """Writers racing with one expected number: one wins, the rest conflict."""
        instance = uuid4()
        batches = [
            EventFactory(instance_id=instance).batch(3)
            for _ in range(self.concurrent_writers)
        ]
        outcomes = await asyncio.gather(
            *(self._append(subject, batch, 0) for batch in batches),
            return_exceptions=True,
        )
        winners = [i for i, outcome in enumerate(outcomes) if outcome == 3]
        losers = [o for o in outcomes if isinstance(o, ConcurrencyConflictError)]
        check(
            len(winners) == 1 and len(losers) == len(batches) - 1,
            "WP-2",
            "exactly one winner and conflicts for the others",
            [type(o).__name__ if isinstance(o, BaseException) else o for o in outcomes],
        )
        stored = await collect(subject.read_events(WORKFLOW_TYPE, instance))
        check_equal(
            "WP-2",
            "the stored event ids",
            [event.event_id for event in batches[winners[0]]],
            [event.event_id for event in stored],
        )

    # --- WP-3: arguments first ---------------------------------------------

    @rule("WP-3")
    async def test_WP_3_misnumbered_batches_are_invalid_whatever_is_stored(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """A batch not numbered from expected + 1 is refused, even a stored one."""
        factory = EventFactory()
        events = factory.batch(2)
        await self._append(subject, events, 0)
        await check_raises(
            "WP-3",
            InvalidInputError,
            self._append(subject, events, 1),
            doing="append_events of events 1-2 expecting 1 (a 'retry' misnumbered)",
        )
        gap = factory.batch(2)
        await check_raises(
            "WP-3",
            InvalidInputError,
            self._append(subject, [gap[0], replace(gap[1], sequence_number=5)], 2),
            doing="append_events of events 3 and 5",
        )

    @rule("WP-3")
    async def test_WP_3_bad_batches_are_invalid(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """Empty, foreign, duplicate-id or non-data batches store nothing."""
        factory = EventFactory()
        first, second = factory.batch(2)
        foreign = EventFactory().batch(1)[0]
        cases: list[tuple[str, object]] = [
            ("an empty batch", []),
            ("an event of another instance", [foreign]),
            (
                "two events with one id",
                [first, replace(second, event_id=first.event_id)],
            ),
            ("a NaN in the data", [replace(first, data={"x": math.nan})]),
            ("an infinity in the data", [replace(first, data={"x": math.inf})]),
            (
                "an object in the data",
                [replace(first, data={"x": cast("WorkflowData", object())})],
            ),
            (
                "a list of ints in the data",
                [replace(first, data={"x": cast("WorkflowData", [1, 2])})],
            ),
            (
                "a nested mapping in the data",
                [replace(first, data={"x": cast("WorkflowData", {"y": {"z": 1}})})],
            ),
        ]
        for what, batch in cases:
            await check_raises(
                "WP-3",
                InvalidInputError,
                subject.append_events(
                    WORKFLOW_TYPE,
                    factory.instance_id,
                    cast("Sequence[ProtocolWorkflowEvent]", batch),
                    0,
                ),
                doing=f"append_events of {what}",
            )
        check_equal(
            "WP-3",
            "the stream after refused batches",
            [],
            await _numbers(subject, factory),
        )

    @rule("ERR-1", "WP-3", "WP-5")
    async def test_ERR_1_wrong_typed_arguments_are_invalid_input(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """Arguments of the wrong type raise ``InvalidInputError``, not builtins."""
        factory = EventFactory()
        events = factory.batch(1)
        wrong: list[tuple[str, object, object, object, object]] = [
            ("events=None", WORKFLOW_TYPE, factory.instance_id, None, 0),
            ("events='abc'", WORKFLOW_TYPE, factory.instance_id, "abc", 0),
            ("events=[42]", WORKFLOW_TYPE, factory.instance_id, [42], 0),
            ("expected_sequence='0'", WORKFLOW_TYPE, factory.instance_id, events, "0"),
            ("expected_sequence=-1", WORKFLOW_TYPE, factory.instance_id, events, -1),
            ("instance_id='x'", WORKFLOW_TYPE, "x", events, 0),
            ("workflow_type=None", None, factory.instance_id, events, 0),
        ]
        for what, kind, instance, batch, expected in wrong:
            await check_raises(
                "ERR-1",
                InvalidInputError,
                subject.append_events(
                    cast("str", kind),
                    cast("UUID", instance),
                    cast("Sequence[ProtocolWorkflowEvent]", batch),
                    cast("int", expected),
                ),
                doing=f"append_events with {what}",
            )
        for bounds in ({"from_sequence": "1"}, {"to_sequence": 2.5}):
            await check_raises(
                "ERR-1",
                InvalidInputError,
                _first_step(
                    functools.partial(
                        subject.read_events,
                        WORKFLOW_TYPE,
                        factory.instance_id,
                        **cast("dict[str, int]", bounds),
                    )
                ),
                doing=f"read_events with {bounds}",
            )

    # --- WP-4: retries ----------------------------------------------------

    @rule("WP-4")
    async def test_WP_4_a_retry_stores_nothing_and_returns_the_batch_last(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """Re-appending a stored batch returns its last number and stores nothing."""
        factory = EventFactory()
        events = factory.batch(3)
        check_equal(
            "WP-4",
            "the first append's result",
            3,
            await self._append(subject, events, 0),
        )
        check_equal(
            "WP-4", "the retry's result", 3, await self._append(subject, events, 0)
        )
        check_equal(
            "WP-4",
            "the stream after a retry",
            [1, 2, 3],
            await _numbers(subject, factory),
        )

    @rule("WP-4")
    async def test_WP_4_a_retry_after_the_stream_moved_on_returns_its_own_last(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """A retry returns the batch's last number, not the stream's newer one."""
        factory = EventFactory()
        mine = factory.batch(2)
        await self._append(subject, mine, 0)
        await self._append(subject, factory.batch(2), 2)  # another writer
        returned = await self._append(subject, mine, 0)
        check_equal("WP-4", "the retry's result", 2, returned)
        prefix = await self._append(subject, mine[:1], 0)
        check_equal("WP-4", "the result of a retried prefix", 1, prefix)
        check_equal(
            "WP-4", "the stream", [1, 2, 3, 4], await _numbers(subject, factory)
        )

    @rule("WP-4")
    async def test_WP_4_only_ids_and_positions_decide(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """A retry with another payload is still a retry; the stored payload stays."""
        factory = EventFactory()
        events = factory.batch(2)
        await self._append(subject, events, 0)
        changed = [replace(event, data={"changed": True}) for event in events]
        check_equal(
            "WP-4", "the retry's result", 2, await self._append(subject, changed, 0)
        )
        stored = await collect(subject.read_events(WORKFLOW_TYPE, factory.instance_id))
        check_equal(
            "WP-4",
            "the stored payloads",
            [event_members(event)["data"] for event in events],
            [event_members(event)["data"] for event in stored],
        )

    @rule("WP-4", "WP-2")
    async def test_WP_4_a_partly_stored_batch_conflicts(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """A batch whose head is stored and tail is not is a conflict, not a retry."""
        factory = EventFactory()
        events = factory.batch(3)
        await self._append(subject, events[:2], 0)
        error = await check_raises(
            "WP-4",
            ConcurrencyConflictError,
            self._append(subject, events, 0),
            doing="append_events of events 1-3 when 1-2 are stored",
        )
        check_equal("WP-4", "the conflict's actual version", 2, error.actual)
        check_equal("WP-4", "the stream", [1, 2], await _numbers(subject, factory))

    # --- WP-5: reads ------------------------------------------------------

    @rule("WP-5")
    async def test_WP_5_bounds_are_inclusive(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """``from``..``to`` both inclusive; empty and beyond-the-end ranges: nothing."""
        factory = EventFactory()
        await self._append(subject, factory.batch(5), 0)
        cases: list[tuple[dict[str, int | None], list[int]]] = [
            ({}, [1, 2, 3, 4, 5]),
            ({"from_sequence": 2, "to_sequence": 4}, [2, 3, 4]),
            ({"from_sequence": 4, "to_sequence": 10}, [4, 5]),
            ({"from_sequence": 3, "to_sequence": 2}, []),
            ({"from_sequence": 6}, []),
            ({"to_sequence": 1}, [1]),
        ]
        for bounds, expected in cases:
            check_equal(
                "WP-5",
                f"read_events({bounds})",
                expected,
                await _numbers(subject, factory, **bounds),
            )
        unknown = EventFactory()
        check_equal("WP-5", "an unknown stream", [], await _numbers(subject, unknown))

    @rule("WP-5")
    async def test_WP_5_bad_bounds_are_invalid(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """``from_sequence < 1`` and ``to_sequence < from_sequence - 1`` are refused."""
        factory = EventFactory()
        await self._append(subject, factory.batch(3), 0)
        for first, last in ((0, None), (-1, 2), (3, 1)):
            await check_raises(
                "WP-5",
                InvalidInputError,
                _first_step(
                    functools.partial(
                        subject.read_events,
                        WORKFLOW_TYPE,
                        factory.instance_id,
                        from_sequence=first,
                        to_sequence=last,
                    )
                ),
                doing=f"read_events(from_sequence={first}, to_sequence={last})",
            )

    @rule("WP-5")
    async def test_WP_5_appends_while_reading_keep_a_prefix(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """Events appended mid-read may appear, never out of order or after a gap."""
        factory = EventFactory()
        await self._append(subject, factory.batch(3), 0)
        seen: list[int] = []
        async with contextlib.aclosing(
            subject.read_events(WORKFLOW_TYPE, factory.instance_id)
        ) as events:
            async for event in events:
                seen.append(event.sequence_number)
                if event.sequence_number == 2:
                    await self._append(subject, factory.batch(2), 3)
        check(
            seen in ([1, 2, 3], [1, 2, 3, 4], [1, 2, 3, 4, 5]),
            "WP-5",
            "a consistent prefix of 1..5",
            seen,
        )

    # --- WP-6 / WP-7 / WSN-1 / WCX-1: snapshots -------------------------------

    async def _stream_with_snapshots(
        self, store: Store, numbers: Sequence[int]
    ) -> tuple[EventFactory, list[WorkflowEvent]]:
        factory = EventFactory()
        events = saga(factory)
        await self._append(store, events, 0)
        for number in numbers:
            await store.save_snapshot(_fold(events[:number]))
        return factory, events

    @rule("WP-6")
    async def test_WP_6_the_latest_snapshot_at_or_before(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """The snapshot with the greatest sequence number not above the bound."""
        factory, _ = await self._stream_with_snapshots(subject, (2, 5, 8))
        cases: list[tuple[int | None, int | None]] = [
            (None, 8),
            (10, 8),
            (7, 5),
            (5, 5),
            (4, 2),
            (1, None),
        ]
        for bound, expected in cases:
            loaded = await subject.load_snapshot(
                WORKFLOW_TYPE, factory.instance_id, at_or_before=bound
            )
            check_equal(
                "WP-6",
                f"the snapshot at_or_before={bound}",
                expected,
                None if loaded is None else loaded.sequence_number,
            )
        check_equal(
            "WP-6",
            "the snapshot of an unknown stream",
            None,
            await subject.load_snapshot(WORKFLOW_TYPE, uuid4()),
        )
        for bound in (0, -3):
            await check_raises(
                "WP-6",
                InvalidInputError,
                subject.load_snapshot(
                    WORKFLOW_TYPE, factory.instance_id, at_or_before=bound
                ),
                doing=f"load_snapshot(at_or_before={bound})",
            )

    @rule("WP-6", "WSN-2")
    async def test_WP_6_snapshots_of_other_schema_versions_are_ignored(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """``schema_version`` selects the reducer version's snapshots only."""
        factory = EventFactory()
        events = saga(factory)
        await self._append(subject, events, 0)
        await subject.save_snapshot(replace(_fold(events[:3]), schema_version="v1"))
        await subject.save_snapshot(replace(_fold(events[:6]), schema_version="v2"))
        for version, expected in (("v1", 3), ("v2", 6), (None, 6), ("v3", None)):
            loaded = await subject.load_snapshot(
                WORKFLOW_TYPE, factory.instance_id, schema_version=version
            )
            check_equal(
                "WP-6",
                f"the snapshot of schema_version={version!r}",
                expected,
                None if loaded is None else loaded.sequence_number,
            )
        early = await subject.load_snapshot(
            WORKFLOW_TYPE, factory.instance_id, at_or_before=5, schema_version="v2"
        )
        check_equal("WP-6", "v2 at or before 5", None, early)

    @rule("WP-7")
    async def test_WP_7_a_snapshot_of_a_missing_sequence_is_invalid(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """Snapshots of sequence 0, beyond the last event or of no stream: refused."""
        factory, events = await self._stream_with_snapshots(subject, ())
        folded = _fold(events)
        for number in (0, len(events) + 1):
            await check_raises(
                "WP-7",
                InvalidInputError,
                subject.save_snapshot(replace(folded, sequence_number=number)),
                doing=f"save_snapshot of sequence {number} (last is {len(events)})",
            )
        stranger = replace(folded, instance_id=uuid4())
        await check_raises(
            "WP-7",
            InvalidInputError,
            subject.save_snapshot(stranger),
            doing="save_snapshot of a stream that does not exist",
        )
        check_equal(
            "WP-7",
            "the snapshot after refusals",
            None,
            await subject.load_snapshot(WORKFLOW_TYPE, factory.instance_id),
        )

    @rule("WP-7")
    async def test_WP_7_the_first_of_two_snapshots_is_kept(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """Saving a second snapshot of a sequence returns and keeps the first."""
        factory, events = await self._stream_with_snapshots(subject, (4,))
        other = _fold(events[:4])
        other = replace(
            other, context=replace(other.context, data={"second": "snapshot"})
        )
        await subject.save_snapshot(other)
        loaded = await subject.load_snapshot(WORKFLOW_TYPE, factory.instance_id)
        if loaded is None:
            raise fail("WP-7", "the first snapshot of sequence 4", None)
        check(
            "second" not in loaded.context.data,
            "WP-7",
            "the first snapshot kept",
            dict(loaded.context.data),
        )

    @rule("WSN-1")
    async def test_WSN_1_a_snapshot_plus_later_events_is_the_whole_fold(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """A loaded snapshot equals the saved one; folding on gives the full fold."""
        factory, events = await self._stream_with_snapshots(subject, (6,))
        loaded = await subject.load_snapshot(WORKFLOW_TYPE, factory.instance_id)
        if loaded is None:
            raise fail("WSN-1", "the snapshot of sequence 6", None)
        check_equal(
            "WSN-1",
            "the loaded snapshot's members",
            snapshot_members(_fold(events[:6])),
            snapshot_members(loaded),
        )
        reducer = WorkflowReducer()
        state = reducer.adopt(loaded)
        later = subject.read_events(
            WORKFLOW_TYPE, factory.instance_id, from_sequence=loaded.sequence_number + 1
        )
        for event in await collect(later):
            state = reducer.reduce(state, event)
        check_equal(
            "WSN-1",
            "snapshot + later events",
            snapshot_members(_fold(events)),
            snapshot_members(state),
        )

    @rule("WCX-1")
    async def test_WCX_1_secret_references_are_kept(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """A snapshot's secret references come back unchanged; they are references."""
        factory = EventFactory()
        created = factory.next(
            "workflow.created",
            data={"secrets": {"api": "env:API_KEY", "db": "vault:kv/app#password"}},
        )
        await self._append(subject, [created], 0)
        await subject.save_snapshot(_fold([created]))
        loaded = await subject.load_snapshot(WORKFLOW_TYPE, factory.instance_id)
        if loaded is None:
            raise fail("WCX-1", "the snapshot", None)
        secrets = loaded.context.secrets
        check(
            all(
                isinstance(cast("object", value), ProtocolSecretReference)
                for value in secrets.values()
            ),
            "WCX-1",
            "ProtocolSecretReference values",
            secrets,
        )
        check_equal(
            "WCX-1",
            "the secret references",
            {"api": "env:API_KEY", "db": "vault:kv/app#password"},
            {name: reference.uri for name, reference in secrets.items()},
        )

    # --- WP-8 / WP-9: values ------------------------------------------------

    @rule("WP-8")
    async def test_WP_8_events_come_back_exactly(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """Every member and every value kind survives the store."""
        factory = EventFactory()
        values: dict[str, WorkflowData] = {
            "flag": True,
            "off": False,
            "zero": 0,
            "negative": -5,
            "big_float": 1e16,
            "integral_float": 2.0,
            "fraction": 0.1,
            "text": 'é 漢 🙂 "quoted" \\ tab\t',
            "empty": "",
            "names": ["a", "b"],
            "no_names": [],
            "flat": {"n": 1, "x": 2.5, "b": True, "s": "v"},
        }
        offset = timezone(timedelta(hours=2))
        events = [
            factory.next(
                "workflow.created",
                data=values,
                occurred_at=datetime(2026, 3, 4, 5, 6, 7, 891011, tzinfo=offset),
            ),
            factory.next("task.scheduled", task_id=uuid4(), data={"x": 1}),
            factory.next("workflow.archived_by_a_newer_version"),
        ]
        await self._append(subject, events, 0)
        stored = await collect(subject.read_events(WORKFLOW_TYPE, factory.instance_id))
        check_equal(
            "WP-8",
            "the events read back",
            [event_members(event) for event in events],
            [event_members(event) for event in stored],
        )

    @rule("WP-9")
    async def test_WP_9_the_portable_floor_is_accepted(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """100 events in a batch, 64 KiB of data, 64-bit integers: stored exactly."""
        factory = EventFactory()
        events = factory.batch(100)
        check_equal(
            "WP-9", "a batch of 100", 100, await self._append(subject, events, 0)
        )
        big = factory.next(
            "workflow.resumed",
            data={
                "blob": "x" * (64 * 1024 - 200),
                "largest": 2**63 - 1,
                "smallest": -(2**63),
            },
        )
        check_equal(
            "WP-9", "64 KiB of data", 101, await self._append(subject, [big], 100)
        )
        stored = await collect(
            subject.read_events(WORKFLOW_TYPE, factory.instance_id, from_sequence=101)
        )
        check_equal(
            "WP-9",
            "the big event read back",
            [event_members(big)],
            [event_members(event) for event in stored],
        )

    @rule("WP-9")
    async def test_WP_9_beyond_the_floor_refused_or_kept_exactly(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """U+0000 and a 70-bit integer: refused with ``InvalidInputError`` or kept."""
        for data in ({"nul": "a\x00b"}, {"huge": 2**70}):
            factory = EventFactory()
            event = factory.next("workflow.created", data=data)
            try:
                await self._append(subject, [event], 0)
            except InvalidInputError:
                check_equal(
                    "WP-9",
                    f"the stream after refusing {data!r}",
                    [],
                    await _numbers(subject, factory),
                )
                continue
            stored = await collect(
                subject.read_events(WORKFLOW_TYPE, factory.instance_id)
            )
            check_equal(
                "WP-9",
                f"{data!r} read back",
                [event_members(event)],
                [event_members(item) for item in stored],
            )

    # --- WP-10: lost replies --------------------------------------------------

    @rule("WP-10")
    async def test_WP_10_a_retry_after_a_lost_reply_stores_once(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """After ``OutcomeUnknownError`` the same batch, retried, is stored once."""
        self.require_hook("fault_lose_next_append_reply")
        factory = EventFactory()
        events = factory.batch(3)
        await self.fault_lose_next_append_reply(subject, env)
        await check_raises(
            "WP-10",
            OutcomeUnknownError,
            self._append(subject, events, 0),
            doing="append_events whose reply is lost",
        )
        check_equal(
            "WP-10", "the retry's result", 3, await self._append(subject, events, 0)
        )
        check_equal("WP-10", "the stream", [1, 2, 3], await _numbers(subject, factory))

    # --- WP-11: the store-wide read ---------------------------------------

    @rule("WP-11")
    async def test_WP_11_read_all_follows_commit_order(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """Events of several streams come in commit order with growing positions."""
        left, right = EventFactory(), EventFactory()
        committed: list[UUID] = []
        for factory, count in ((left, 2), (right, 1), (left, 1), (right, 2)):
            batch = factory.batch(count)
            await self._append(subject, batch, factory.sequence - count)
            committed += [event.event_id for event in batch]
        recorded: list[ProtocolRecordedWorkflowEvent] = await collect(
            subject.read_all()
        )
        check_equal(
            "WP-11",
            "the events in commit order",
            committed,
            [item.event.event_id for item in recorded],
        )
        positions = [item.position for item in recorded]
        check(
            all(a < b for a, b in itertools.pairwise(positions)) and positions[0] >= 1,
            "WP-11",
            "positions from 1, strictly increasing",
            positions,
        )
        after = await collect(subject.read_all(after_position=positions[2]))
        check_equal(
            "WP-11",
            f"read_all(after_position={positions[2]})",
            committed[3:],
            [item.event.event_id for item in after],
        )
        check_equal(
            "WP-11",
            "read_all after the last position",
            [],
            await collect(subject.read_all(after_position=positions[-1])),
        )
        await check_raises(
            "WP-11",
            InvalidInputError,
            _first_step(lambda: subject.read_all(after_position=-1)),
            doing="read_all(after_position=-1)",
        )

    @rule("WP-11")
    async def test_WP_11_a_tailing_reader_misses_nothing(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """A reader resuming after its last position sees every event once, in order."""
        factories = [EventFactory() for _ in range(4)]

        async def writer(factory: EventFactory) -> None:
            for _ in range(5):
                batch = factory.batch(2)
                await self._append(subject, batch, factory.sequence - 2)

        expected = 4 * 5 * 2
        seen: list[ProtocolRecordedWorkflowEvent] = []
        writers = asyncio.ensure_future(
            asyncio.gather(*(writer(factory) for factory in factories))
        )
        while True:
            finished = writers.done()
            after = seen[-1].position if seen else 0
            seen += await collect(subject.read_all(after_position=after))
            if finished:
                break
            await asyncio.sleep(0)
        await writers
        ids = [item.event.event_id for item in seen]
        check_equal("WP-11", "events seen by the tailing reader", expected, len(ids))
        check_equal("WP-11", "distinct events seen", expected, len(set(ids)))
        for factory in factories:
            numbers = [
                item.event.sequence_number
                for item in seen
                if item.event.instance_id == factory.instance_id
            ]
            check_equal("WP-11", "one stream's order", list(range(1, 11)), numbers)

    # --- WP-12: closable reads --------------------------------------------

    @rule("WP-12")
    async def test_WP_12_a_closed_read_yields_nothing_more(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """``aclose`` ends ``read_events`` and ``read_all`` early, twice harmlessly."""
        factory = EventFactory()
        await self._append(subject, factory.batch(5), 0)
        for name, iterator in (
            ("read_events", subject.read_events(WORKFLOW_TYPE, factory.instance_id)),
            ("read_all", subject.read_all()),
        ):
            await anext(iterator)
            await iterator.aclose()
            await iterator.aclose()
            rest = await collect(iterator)
            check_equal("WP-12", f"items of {name} after aclose", 0, len(rest))

    # --- WP-13: deletion (optional) -------------------------------------------

    @rule("WP-13", capability="stream_deletion")
    async def test_WP_13_a_deleted_stream_is_gone_for_good(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """After ``delete_stream`` reads, appends and snapshots see no stream."""
        factory, events = await self._stream_with_snapshots(subject, (3,))
        instance = factory.instance_id
        check_equal(
            "WP-13",
            "delete_stream's result",
            True,
            await subject.delete_stream(WORKFLOW_TYPE, instance),
        )
        await check_raises(
            "WP-13",
            NotFoundError,
            _first_step(lambda: subject.read_events(WORKFLOW_TYPE, instance)),
            doing="read_events of a deleted stream",
        )
        await check_raises(
            "WP-13",
            NotFoundError,
            subject.last_sequence(WORKFLOW_TYPE, instance),
            doing="last_sequence of a deleted stream",
        )
        await check_raises(
            "WP-13",
            NotFoundError,
            subject.append_events(
                WORKFLOW_TYPE, instance, EventFactory(instance_id=instance).batch(1), 0
            ),
            doing="append_events recreating a deleted stream",
        )
        check_equal(
            "WP-13",
            "load_snapshot of a deleted stream",
            None,
            await subject.load_snapshot(WORKFLOW_TYPE, instance),
        )
        await check_raises(
            "WP-13",
            InvalidInputError,
            subject.save_snapshot(_fold(events[:2])),
            doing="save_snapshot of a deleted stream",
        )
        check_equal(
            "WP-13",
            "deleting it again",
            False,
            await subject.delete_stream(WORKFLOW_TYPE, instance),
        )

    @rule("WP-13", capability="stream_deletion")
    async def test_WP_13_deleting_an_unknown_stream_changes_nothing(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """Deleting a stream that never existed returns ``False``; it can be created."""
        factory = EventFactory()
        check_equal(
            "WP-13",
            "delete_stream of an unknown stream",
            False,
            await subject.delete_stream(WORKFLOW_TYPE, factory.instance_id),
        )
        check_equal(
            "WP-13",
            "creating it afterwards",
            2,
            await self._append(subject, factory.batch(2), 0),
        )

    # --- WEV: events ----------------------------------------------------------

    @rule("WEV-1")
    async def test_WEV_1_last_sequence_counts_from_one(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """An unknown stream is at 0; after 3 + 2 events it is at 5."""
        factory = EventFactory()
        check_equal(
            "WEV-1",
            "last_sequence of an unknown stream",
            0,
            await subject.last_sequence(WORKFLOW_TYPE, factory.instance_id),
        )
        await self._append(subject, factory.batch(3), 0)
        await self._append(subject, factory.batch(2), 3)
        check_equal(
            "WEV-1",
            "last_sequence after 5 events",
            5,
            await subject.last_sequence(WORKFLOW_TYPE, factory.instance_id),
        )

    @rule("WEV-2")
    async def test_WEV_2_an_id_already_in_the_stream_is_refused(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """An event reusing an id stored elsewhere in the stream is refused."""
        factory = EventFactory()
        first = factory.batch(1)
        await self._append(subject, first, 0)
        reused = replace(factory.batch(1)[0], event_id=first[0].event_id)
        await check_raises(
            "WEV-2",
            InvalidInputError,
            self._append(subject, [reused], 1),
            doing="append_events reusing the id of event 1 as event 2",
        )

    @rule("WEV-2")
    async def test_WEV_2_ids_are_unique_per_stream_only(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """An id stored in one stream may be used in another (KurrentDB's scope)."""
        first = EventFactory().batch(1)
        await self._append(subject, first, 0)
        other = replace(EventFactory().batch(1)[0], event_id=first[0].event_id)
        check_equal(
            "WEV-2",
            "the append to another stream",
            1,
            await self._append(subject, [other], 0),
        )

    @rule("WEV-4")
    async def test_WEV_4_an_empty_correlation_chain_is_refused(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """An event without a correlation chain is refused."""
        event = replace(EventFactory().batch(1)[0], correlation_chain=())
        await check_raises(
            "WEV-4",
            InvalidInputError,
            self._append(subject, [event], 0),
            doing="append_events of an event with an empty correlation chain",
        )

    @rule("WEV-6")
    async def test_WEV_6_bad_workflow_types_are_refused(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """Workflow types outside ``[A-Za-z0-9_]{1,100}`` are refused everywhere."""
        instance = uuid4()
        for kind in BAD_WORKFLOW_TYPES:
            events = EventFactory(kind, instance).batch(1)
            read = functools.partial(subject.read_events, kind, instance)
            calls: list[tuple[str, Callable[[], Awaitable[object]]]] = [
                (
                    "append_events",
                    functools.partial(subject.append_events, kind, instance, events, 0),
                ),
                (
                    "last_sequence",
                    functools.partial(subject.last_sequence, kind, instance),
                ),
                ("read_events", functools.partial(_first_step, read)),
                (
                    "load_snapshot",
                    functools.partial(subject.load_snapshot, kind, instance),
                ),
            ]
            for name, call in calls:
                await check_raises(
                    "WEV-6",
                    InvalidInputError,
                    call(),
                    doing=f"{name} with workflow type {kind!r}",
                )
        good = EventFactory("Order_Fulfilment_2", instance).batch(1)
        check_equal(
            "WEV-6",
            "an append with a valid type",
            1,
            await self._append(subject, good, 0),
        )

    # --- values: T-2, T-4 -----------------------------------------------------

    @rule("T-2")
    async def test_T_2_naive_times_are_refused_and_times_come_back_in_utc(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """A naive ``occurred_at`` is refused; stored times are returned in UTC."""
        factory = EventFactory()
        naive = replace(factory.batch(1)[0], occurred_at=datetime(2026, 1, 1))
        await check_raises(
            "T-2",
            InvalidInputError,
            self._append(subject, [naive], 0),
            doing="append_events of an event with a naive occurred_at",
        )
        offset = timezone(timedelta(hours=-5))
        event = replace(naive, occurred_at=datetime(2026, 1, 1, 9, tzinfo=offset))
        await self._append(subject, [event], 0)
        stored = await collect(subject.read_events(WORKFLOW_TYPE, factory.instance_id))
        moment = stored[0].occurred_at
        check(
            moment.utcoffset() == timedelta(0)
            and moment == datetime(2026, 1, 1, 14, tzinfo=UTC),
            "T-2",
            "2026-01-01T14:00:00+00:00",
            moment.isoformat(),
        )

    @rule("T-4")
    async def test_T_4_the_callers_later_changes_change_nothing_stored(
        self, subject: Store, env: SuiteEnvironment
    ) -> None:
        """Mutating the appended event's lists and dicts afterwards changes nothing."""
        factory = EventFactory()
        names = ["a"]
        flat: dict[str, str | int | float | bool] = {"k": 1}
        data: dict[str, WorkflowData] = {"names": names, "flat": flat}
        event = factory.next("workflow.created", data=data)
        event = replace(event, data=data)
        await self._append(subject, [event], 0)
        names.append("b")
        flat["k"] = 2
        data["added"] = True
        stored = await collect(subject.read_events(WORKFLOW_TYPE, factory.instance_id))
        original = replace(event, data={"names": ["a"], "flat": {"k": 1}})
        check_equal(
            "T-4",
            "the stored event",
            event_members(original),
            event_members(stored[0]),
        )


async def _settled(store: Store, instance: UUID) -> int:
    """The stream's length; the store may still be finishing a cancelled append."""
    return len(await collect(store.read_events(WORKFLOW_TYPE, instance)))
