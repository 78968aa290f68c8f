"""The workflow persistence suite against the in-memory reference store."""

from collections.abc import AsyncIterator
from collections.abc import Set as AbstractSet
from typing import ClassVar, override

from omnibase.protocols.workflow_orchestration import ProtocolWorkflowPersistence
from omnibase.spi_conformance.reference.workflow_persistence import (
    InMemoryWorkflowPersistence,
)
from omnibase.spi_conformance.suites import SuiteEnvironment, WorkflowPersistenceSuite


class TestInMemoryWorkflowPersistence(WorkflowPersistenceSuite):
    clock_wired = True
    capabilities: ClassVar[AbstractSet[str]] = frozenset({"stream_deletion"})

    def build(self, env: SuiteEnvironment) -> InMemoryWorkflowPersistence:
        """The subject; broken variants replace it (tests/conformance/broken)."""
        return InMemoryWorkflowPersistence(clock=env.clock)

    @override
    async def create_subject(
        self, env: SuiteEnvironment
    ) -> AsyncIterator[ProtocolWorkflowPersistence]:
        self.store = self.build(env)
        yield self.store
        await self.store.aclose()

    @override
    async def fault_backend_unreachable(
        self, subject: ProtocolWorkflowPersistence, env: SuiteEnvironment
    ) -> None:
        self.store.simulate_outage()

    @override
    async def fault_lose_next_append_reply(
        self, subject: ProtocolWorkflowPersistence, env: SuiteEnvironment
    ) -> None:
        self.store.simulate_lost_reply()
