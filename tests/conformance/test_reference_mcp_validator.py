"""The MCP validator suite against the reference validator."""

from collections.abc import AsyncIterator
from typing import override

from omnibase.protocols.mcp import ProtocolMCPValidator
from omnibase.spi_conformance.reference.mcp_validator import SimpleMCPValidator
from omnibase.spi_conformance.suites import MCPValidatorSuite, SuiteEnvironment


class TestSimpleMCPValidator(MCPValidatorSuite):
    def build(self) -> ProtocolMCPValidator:
        """The subject; broken variants replace it (tests/conformance/broken)."""
        return SimpleMCPValidator()

    @override
    async def create_subject(
        self, env: SuiteEnvironment
    ) -> AsyncIterator[ProtocolMCPValidator]:
        yield self.build()
