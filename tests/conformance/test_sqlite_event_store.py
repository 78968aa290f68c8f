"""The SQLite example store through the persistence suite, as an implementer runs it.

Each test gets a fresh database file. The fault hooks are real: a lost reply
is an ``OutcomeUnknownError`` raised after the COMMIT succeeded, and an
unreachable backend is a database file overwritten with garbage.
"""

import asyncio
import tempfile
from collections.abc import AsyncIterator
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import ClassVar, override
from uuid import uuid4

from examples.event_store_benchmark import WORKFLOW_TYPE, events
from examples.sqlite_event_store import SQLiteWorkflowPersistence
from omnibase.protocols.errors import ConcurrencyConflictError, OutcomeUnknownError
from omnibase.protocols.workflow_orchestration import ProtocolWorkflowPersistence
from omnibase.spi_conformance import check_conformance
from omnibase.spi_conformance.suites import SuiteEnvironment, WorkflowPersistenceSuite


class LosesReplies(SQLiteWorkflowPersistence):
    """The example store, with a switch that loses the next append's reply."""

    lose_next_reply = False

    @override
    def _after_commit(self) -> None:
        if self.lose_next_reply:
            self.lose_next_reply = False
            raise OutcomeUnknownError("the reply was lost after COMMIT (WP-10)")


class TestSQLiteWorkflowPersistence(WorkflowPersistenceSuite):
    capabilities: ClassVar[AbstractSet[str]] = frozenset({"stream_deletion"})
    concurrent_writers = 20

    @override
    async def create_subject(
        self, env: SuiteEnvironment
    ) -> AsyncIterator[ProtocolWorkflowPersistence]:
        with tempfile.TemporaryDirectory() as directory:
            self.path = Path(directory) / "events.sqlite3"
            self.store = LosesReplies(self.path, clock=env.clock)
            yield self.store
            await self.store.aclose()

    @override
    async def fault_lose_next_append_reply(
        self, subject: ProtocolWorkflowPersistence, env: SuiteEnvironment
    ) -> None:
        self.store.lose_next_reply = True

    @override
    async def fault_backend_unreachable(
        self, subject: ProtocolWorkflowPersistence, env: SuiteEnvironment
    ) -> None:
        self.store.release_connections()
        for suffix in ("-wal", "-shm"):
            self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
        self.path.write_bytes(b"this is not a database " * 200)


def test_two_stores_on_one_file_have_exactly_one_winner(tmp_path: Path) -> None:
    """WP-2 across store objects: 20 writers, two stores, one database file."""

    async def scenario() -> None:
        stores = [SQLiteWorkflowPersistence(tmp_path / "shared.sqlite3") for _ in "ab"]
        instance = uuid4()
        batches = [events(3, instance) for _ in range(20)]
        outcomes = await asyncio.gather(
            *(
                stores[index % 2].append_events(WORKFLOW_TYPE, instance, batch, 0)
                for index, batch in enumerate(batches)
            ),
            return_exceptions=True,
        )
        winners = [i for i, outcome in enumerate(outcomes) if outcome == 3]
        conflicts = [o for o in outcomes if isinstance(o, ConcurrencyConflictError)]
        assert (len(winners), len(conflicts)) == (1, 19), outcomes
        for store in stores:
            stored = [
                e.event_id async for e in store.read_events(WORKFLOW_TYPE, instance)
            ]
            assert stored == [event.event_id for event in batches[winners[0]]]
            await store.aclose()

    asyncio.run(scenario())


def test_the_store_conforms_to_the_contract() -> None:
    """Signatures, async-ness and parameter names (the kit's static check)."""
    assert (
        check_conformance(SQLiteWorkflowPersistence, ProtocolWorkflowPersistence) == []
    )
