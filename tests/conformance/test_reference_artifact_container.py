"""The artifact container suite against the reference container."""

from collections.abc import AsyncIterator
from typing import override

from omnibase.protocols.container import ProtocolArtifactContainer
from omnibase.spi_conformance.reference.artifact_container import (
    InMemoryArtifactContainer,
)
from omnibase.spi_conformance.suites import ArtifactContainerSuite, SuiteEnvironment


class TestInMemoryArtifactContainer(ArtifactContainerSuite):
    clock_wired = True

    def build(self, env: SuiteEnvironment) -> InMemoryArtifactContainer:
        """The subject; broken variants replace it (tests/conformance/broken)."""
        return InMemoryArtifactContainer(clock=env.clock, chunk_size=50_000)

    @override
    async def create_subject(
        self, env: SuiteEnvironment
    ) -> AsyncIterator[ProtocolArtifactContainer]:
        self.container = self.build(env)
        yield self.container
        await self.container.aclose()

    @override
    async def fault_backend_unreachable(
        self, subject: ProtocolArtifactContainer, env: SuiteEnvironment
    ) -> None:
        self.container.simulate_outage()
