"""The workflow node registry suite against the reference registry."""

from collections.abc import AsyncIterator
from typing import override

from omnibase.protocols.workflow_orchestration import ProtocolWorkflowNodeRegistry
from omnibase.spi_conformance.reference.workflow_node_registry import (
    InMemoryWorkflowNodeRegistry,
)
from omnibase.spi_conformance.suites import (
    SuiteEnvironment,
    WorkflowNodeRegistrySuite,
)


class TestInMemoryWorkflowNodeRegistry(WorkflowNodeRegistrySuite):
    clock_wired = True

    def build(self, env: SuiteEnvironment) -> InMemoryWorkflowNodeRegistry:
        """The subject; broken variants replace it (tests/conformance/broken)."""
        return InMemoryWorkflowNodeRegistry(clock=env.clock)

    @override
    async def create_subject(
        self, env: SuiteEnvironment
    ) -> AsyncIterator[ProtocolWorkflowNodeRegistry]:
        self.registry = self.build(env)
        yield self.registry
        await self.registry.aclose()

    @override
    async def fault_backend_unreachable(
        self, subject: ProtocolWorkflowNodeRegistry, env: SuiteEnvironment
    ) -> None:
        self.registry.simulate_outage()
