"""The MCP tool proxy suite against the reference fake proxy."""

from collections.abc import AsyncIterator
from collections.abc import Set as AbstractSet
from datetime import timedelta
from typing import ClassVar, override

from omnibase.protocols.mcp import ProtocolMCPToolProxy
from omnibase.protocols.types import ProtocolMCPSubsystemMetadata
from omnibase.spi_conformance.reference.factories import SeededIds
from omnibase.spi_conformance.reference.mcp_server import InProcessMCPServer
from omnibase.spi_conformance.reference.mcp_tool_proxy import FakeToolProxy
from omnibase.spi_conformance.reference.values import SubsystemMetadata
from omnibase.spi_conformance.suites import MCPKitEnvironment, MCPToolProxySuite


class TestFakeToolProxy(MCPToolProxySuite):
    clock_wired = True
    capabilities: ClassVar[AbstractSet[str]] = frozenset(
        {"json_null_structured_content"}
    )
    short_timeout: ClassVar[timedelta] = timedelta(milliseconds=20)
    eventually_within: ClassVar[timedelta] = timedelta(milliseconds=300)

    def build(self, env: MCPKitEnvironment) -> FakeToolProxy:
        """The subject; broken variants replace it (tests/conformance/broken)."""
        return FakeToolProxy(ids=SeededIds(8), clock=env.clock)

    @override
    async def create_subject(
        self, env: MCPKitEnvironment
    ) -> AsyncIterator[ProtocolMCPToolProxy]:
        self.proxy = self.build(env)
        yield self.proxy
        await self.proxy.aclose()
        for server in env.servers.values():
            server.release_all()

    @override
    async def serve_subsystem(
        self,
        subject: ProtocolMCPToolProxy,
        env: MCPKitEnvironment,
        server: InProcessMCPServer,
    ) -> ProtocolMCPSubsystemMetadata:
        self.proxy.add_server(server)
        return SubsystemMetadata(
            server.name, "custom", "1", server.name, "", transport="in_process"
        )

    @override
    async def fault_refuse_connections(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment, subsystem_name: str
    ) -> None:
        self.proxy.refuse_connections(subsystem_name)

    @override
    async def fault_break_connections(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment, subsystem_name: str
    ) -> None:
        self.proxy.break_connections(subsystem_name)

    @override
    async def fault_backend_unreachable(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        self.proxy.simulate_outage()
