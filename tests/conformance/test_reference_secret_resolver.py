"""The secret resolver suite against the reference resolvers."""

from collections.abc import AsyncIterator
from typing import override

from omnibase.protocols.core import ProtocolSecretResolver
from omnibase.protocols.types import ProtocolSecretReference
from omnibase.spi_conformance.reference.secret_resolver import (
    EnvironmentSecretResolver,
    InMemorySecretResolver,
)
from omnibase.spi_conformance.reference.values import SecretReference
from omnibase.spi_conformance.suites import SecretResolverSuite, SuiteEnvironment


class TestInMemorySecretResolver(SecretResolverSuite):
    clock_wired = True

    def build(self, env: SuiteEnvironment) -> InMemorySecretResolver:
        """The subject; broken variants replace it (tests/conformance/broken)."""
        return InMemorySecretResolver(clock=env.clock)

    @override
    async def create_subject(
        self, env: SuiteEnvironment
    ) -> AsyncIterator[ProtocolSecretResolver]:
        self.resolver = self.build(env)
        yield self.resolver
        await self.resolver.aclose()

    @override
    async def store_secret(
        self,
        subject: ProtocolSecretResolver,
        env: SuiteEnvironment,
        name: str,
        value: str,
    ) -> ProtocolSecretReference:
        return self.resolver.put(name, value)

    @override
    def missing_reference(
        self, subject: ProtocolSecretResolver, env: SuiteEnvironment
    ) -> ProtocolSecretReference:
        return SecretReference("memory:no_such_secret")

    @override
    async def fault_backend_unreachable(
        self, subject: ProtocolSecretResolver, env: SuiteEnvironment
    ) -> None:
        self.resolver.simulate_outage()


class TestEnvironmentSecretResolver(SecretResolverSuite):
    clock_wired = True

    @override
    async def create_subject(
        self, env: SuiteEnvironment
    ) -> AsyncIterator[ProtocolSecretResolver]:
        self.environ: dict[str, str] = {}
        resolver = EnvironmentSecretResolver(self.environ, clock=env.clock)
        yield resolver
        await resolver.aclose()

    @override
    async def store_secret(
        self,
        subject: ProtocolSecretResolver,
        env: SuiteEnvironment,
        name: str,
        value: str,
    ) -> ProtocolSecretReference:
        self.environ[name] = value
        return SecretReference(f"env:{name}")

    @override
    def missing_reference(
        self, subject: ProtocolSecretResolver, env: SuiteEnvironment
    ) -> ProtocolSecretReference:
        return SecretReference("env:NO_SUCH_VARIABLE_IN_THIS_MAPPING")
