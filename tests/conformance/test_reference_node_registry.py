"""The node registry suite against the reference registry."""

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import override

from omnibase.protocols.core import ProtocolNodeRegistry
from omnibase.spi_conformance.reference.node_registry import InMemoryNodeRegistry
from omnibase.spi_conformance.suites import NodeRegistrySuite, SuiteEnvironment


class TestInMemoryNodeRegistry(NodeRegistrySuite):
    clock_wired = True
    eventually_within = timedelta(seconds=1)

    def build(self, env: SuiteEnvironment) -> InMemoryNodeRegistry:
        """The subject; broken variants replace it (tests/conformance/broken)."""
        return InMemoryNodeRegistry(
            clock=env.clock,
            minimum_grace=timedelta(minutes=1),  # Consul's minimum (NR-3)
            tick=timedelta(milliseconds=2),
        )

    @override
    async def create_subject(
        self, env: SuiteEnvironment
    ) -> AsyncIterator[ProtocolNodeRegistry]:
        self.registry = self.build(env)
        yield self.registry
        await self.registry.aclose()

    @override
    async def fault_backend_unreachable(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        self.registry.simulate_outage()
