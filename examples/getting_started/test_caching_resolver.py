"""The same suite against a resolver broken on purpose: it caches secrets."""

from pathlib import Path
from typing import override

import examples.getting_started.test_mounted_secrets as working
from examples.getting_started.mounted_secrets import MountedSecretResolver
from omnibase.protocols.types import ProtocolSecretReference, ProtocolSecretValue


class CachingResolver(MountedSecretResolver):
    """Keeps the first value of every secret, so a rotation is never seen."""

    def __init__(self, directory: Path) -> None:
        super().__init__(directory)
        self._cache: dict[str, ProtocolSecretValue] = {}

    @override
    async def resolve(self, reference: ProtocolSecretReference) -> ProtocolSecretValue:
        value = await super().resolve(reference)  # checks the reference, reads
        return self._cache.setdefault(reference.uri, value)  # the first value wins


class TestCachingResolver(working.TestMountedSecretResolver):
    @override
    def build(self, directory: Path) -> MountedSecretResolver:
        return CachingResolver(directory)
