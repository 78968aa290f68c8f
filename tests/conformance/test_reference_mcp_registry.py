"""The MCP registry suite against the reference registry and fake proxy."""

from collections.abc import AsyncIterator
from collections.abc import Set as AbstractSet
from datetime import timedelta
from typing import ClassVar, override

from omnibase.protocols.mcp import ProtocolMCPMonitor, ProtocolMCPRegistry
from omnibase.protocols.types import ProtocolMCPSubsystemMetadata
from omnibase.spi_conformance.reference.factories import SeededIds
from omnibase.spi_conformance.reference.mcp_monitor import InMemoryMCPMonitor
from omnibase.spi_conformance.reference.mcp_registry import InMemoryMCPRegistry
from omnibase.spi_conformance.reference.mcp_server import InProcessMCPServer
from omnibase.spi_conformance.reference.mcp_tool_proxy import FakeToolProxy
from omnibase.spi_conformance.reference.mcp_validator import SimpleMCPValidator
from omnibase.spi_conformance.reference.values import SubsystemMetadata
from omnibase.spi_conformance.suites import MCPKitEnvironment, MCPRegistrySuite


class TestInMemoryMCPRegistry(MCPRegistrySuite):
    clock_wired = True
    capabilities: ClassVar[AbstractSet[str]] = frozenset({"monitor"})
    short_timeout: ClassVar[timedelta] = timedelta(milliseconds=20)
    eventually_within: ClassVar[timedelta] = timedelta(milliseconds=300)

    def build(
        self, env: MCPKitEnvironment, proxy: FakeToolProxy, monitor: InMemoryMCPMonitor
    ) -> InMemoryMCPRegistry:
        """The subject; broken variants replace it (tests/conformance/broken)."""
        return InMemoryMCPRegistry(
            proxy=proxy,
            validator=SimpleMCPValidator(),
            api_key=env.api_keys[0],
            other_api_keys=[env.api_keys[1]],
            ids=SeededIds(7),
            clock=env.clock,
            monitor=monitor,
        )

    def build_proxy(self, env: MCPKitEnvironment) -> FakeToolProxy:
        """The proxy; broken variants replace it."""
        return FakeToolProxy(ids=SeededIds(8), clock=env.clock)

    @override
    async def create_subject(
        self, env: MCPKitEnvironment
    ) -> AsyncIterator[ProtocolMCPRegistry]:
        self.proxy = self.build_proxy(env)
        self.monitor = InMemoryMCPMonitor(clock=env.clock)
        self.registry = self.build(env, self.proxy, self.monitor)
        yield self.registry
        await self.registry.aclose()
        for server in env.servers.values():
            server.release_all()

    @override
    async def serve_subsystem(
        self,
        subject: ProtocolMCPRegistry,
        env: MCPKitEnvironment,
        server: InProcessMCPServer,
    ) -> ProtocolMCPSubsystemMetadata:
        self.proxy.add_server(server)
        return SubsystemMetadata(
            server.name, "custom", "1", server.name, "", transport="in_process"
        )

    @override
    def monitor_of(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> ProtocolMCPMonitor:
        return self.monitor

    @override
    async def fault_refuse_connections(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment, subsystem_name: str
    ) -> None:
        self.proxy.refuse_connections(subsystem_name)

    @override
    async def fault_break_connections(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment, subsystem_name: str
    ) -> None:
        self.proxy.break_connections(subsystem_name)

    @override
    async def fault_backend_unreachable(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        self.registry.simulate_outage()
