"""Run the kit's secret resolver suite against ``MountedSecretResolver``."""

import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import override

from examples.getting_started.mounted_secrets import MountedSecretResolver
from omnibase.protocols.core import ProtocolSecretResolver
from omnibase.protocols.types import ProtocolSecretReference
from omnibase.spi_conformance.suites import SecretResolverSuite, SuiteEnvironment


@dataclass(frozen=True)
class Reference:
    """A ``ProtocolSecretReference``: a frozen dataclass satisfies it."""

    uri: str


class TestMountedSecretResolver(SecretResolverSuite):
    """Every rule of ProtocolSecretResolver, checked against the mounted files."""

    @override
    async def create_subject(
        self, env: SuiteEnvironment
    ) -> AsyncIterator[ProtocolSecretResolver]:
        with tempfile.TemporaryDirectory() as directory:
            self.directory = Path(directory) / "secrets"
            self.directory.mkdir()
            resolver = self.build(self.directory)
            yield resolver
            await resolver.aclose()

    def build(self, directory: Path) -> MountedSecretResolver:
        return MountedSecretResolver(directory)

    @override
    async def store_secret(
        self,
        subject: ProtocolSecretResolver,
        env: SuiteEnvironment,
        name: str,
        value: str,
    ) -> ProtocolSecretReference:
        (self.directory / name).write_text(value, encoding="utf-8")
        return Reference(f"mounted:{name}")

    @override
    def missing_reference(
        self, subject: ProtocolSecretResolver, env: SuiteEnvironment
    ) -> ProtocolSecretReference:
        return Reference("mounted:no_such_secret")

    @override
    async def fault_backend_unreachable(
        self, subject: ProtocolSecretResolver, env: SuiteEnvironment
    ) -> None:
        self.directory.rename(self.directory.with_name("unmounted"))
