"""The workflow event bus suite against the reference bus (over the reference bus)."""

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import override

from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.workflow_orchestration import (
    ProtocolWorkflowEventBus,
    ProtocolWorkflowPersistence,
)
from omnibase.spi_conformance.reference.event_bus import InMemoryEventBus
from omnibase.spi_conformance.reference.workflow_event_bus import (
    InMemoryWorkflowEventBus,
)
from omnibase.spi_conformance.reference.workflow_persistence import (
    InMemoryWorkflowPersistence,
)
from omnibase.spi_conformance.suites import SuiteEnvironment, WorkflowEventBusSuite


class TestInMemoryWorkflowEventBus(WorkflowEventBusSuite):
    clock_wired = True
    eventually_within = timedelta(milliseconds=500)  # it delivers inside publish

    def build(
        self,
        env: SuiteEnvironment,
        event_bus: ProtocolEventBus,
        store: ProtocolWorkflowPersistence,
    ) -> InMemoryWorkflowEventBus:
        """The subject; broken variants replace it (tests/conformance/broken)."""
        return InMemoryWorkflowEventBus(event_bus, store, clock=env.clock)

    @override
    async def create_subject(
        self, env: SuiteEnvironment
    ) -> AsyncIterator[ProtocolWorkflowEventBus]:
        self.event_bus = InMemoryEventBus(clock=env.clock)
        self.store = InMemoryWorkflowPersistence(clock=env.clock)
        self.bus = self.build(env, self.event_bus, self.store)
        yield self.bus
        await self.bus.aclose()
        await self.event_bus.aclose()
        await self.store.aclose()

    @override
    def persistence(
        self, subject: ProtocolWorkflowEventBus, env: SuiteEnvironment
    ) -> ProtocolWorkflowPersistence:
        return self.store

    @override
    async def hook_event_bus(
        self, subject: ProtocolWorkflowEventBus, env: SuiteEnvironment
    ) -> ProtocolEventBus:
        return self.event_bus

    @override
    async def fault_backend_unreachable(
        self, subject: ProtocolWorkflowEventBus, env: SuiteEnvironment
    ) -> None:
        self.bus.simulate_outage()
