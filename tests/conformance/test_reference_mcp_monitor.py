"""The MCP monitor suite against the reference monitor."""

from collections.abc import AsyncIterator
from typing import override

from omnibase.protocols.mcp import ProtocolMCPMonitor
from omnibase.spi_conformance.reference.mcp_monitor import InMemoryMCPMonitor
from omnibase.spi_conformance.suites import MCPMonitorSuite, SuiteEnvironment


class TestInMemoryMCPMonitor(MCPMonitorSuite):
    clock_wired = True

    def build(self, env: SuiteEnvironment) -> InMemoryMCPMonitor:
        """The subject; broken variants replace it (tests/conformance/broken)."""
        return InMemoryMCPMonitor(clock=env.clock)

    @override
    async def create_subject(
        self, env: SuiteEnvironment
    ) -> AsyncIterator[ProtocolMCPMonitor]:
        self.monitor = self.build(env)
        yield self.monitor
        await self.monitor.aclose()

    @override
    async def fault_backend_unreachable(
        self, subject: ProtocolMCPMonitor, env: SuiteEnvironment
    ) -> None:
        self.monitor.simulate_outage()
