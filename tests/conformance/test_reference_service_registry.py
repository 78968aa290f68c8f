"""The service registry suite against the reference container."""

from collections.abc import AsyncIterator
from typing import override

from omnibase.protocols.container import ProtocolServiceRegistry
from omnibase.spi_conformance.reference.service_registry import (
    InMemoryServiceRegistry,
)
from omnibase.spi_conformance.suites import ServiceRegistrySuite, SuiteEnvironment


class TestInMemoryServiceRegistry(ServiceRegistrySuite):
    def build(self, env: SuiteEnvironment) -> ProtocolServiceRegistry:
        """The subject; broken variants replace it (tests/conformance/broken)."""
        return InMemoryServiceRegistry()

    @override
    async def create_subject(
        self, env: SuiteEnvironment
    ) -> AsyncIterator[ProtocolServiceRegistry]:
        yield self.build(env)
