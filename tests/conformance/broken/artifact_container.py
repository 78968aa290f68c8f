"""Broken artifact containers: each breaks one rule of ProtocolArtifactContainer."""

from collections.abc import AsyncIterable, Mapping
from dataclasses import replace
from datetime import timedelta, timezone
from typing import override

from omnibase.protocols.container import ArtifactType, ProtocolArtifactMetadata
from omnibase.protocols.errors import NotFoundError
from omnibase.protocols.types import ProtocolPage
from omnibase.spi_conformance.reference.artifact_container import (
    InMemoryArtifactContainer,
    sha256_digest,
)
from omnibase.spi_conformance.reference.paging import paginate_after
from omnibase.spi_conformance.reference.values import ArtifactMetadata
from omnibase.spi_conformance.suites import SuiteEnvironment
from tests.conformance.harness import Variant
from tests.conformance.test_reference_artifact_container import (
    TestInMemoryArtifactContainer,
)

# pyright: reportPrivateUsage=false
# The variants reach into the reference's private dictionary.


class OverwritesVersions(InMemoryArtifactContainer):
    """Storing a version again replaces it (AC-1)."""

    @override
    async def store_artifact(
        self,
        name: str,
        version: str,
        artifact_type: ArtifactType,
        content: bytes | AsyncIterable[bytes],
        *,
        expected_digest: str | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> ProtocolArtifactMetadata:
        self._versions.pop((name, version), None)
        return await super().store_artifact(
            name,
            version,
            artifact_type,
            content,
            expected_digest=expected_digest,
            labels=labels,
        )


class IgnoresNewMetadata(InMemoryArtifactContainer):
    """Equal content is a no-op whatever the type and labels say (AC-1)."""

    @override
    async def store_artifact(
        self,
        name: str,
        version: str,
        artifact_type: ArtifactType,
        content: bytes | AsyncIterable[bytes],
        *,
        expected_digest: str | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> ProtocolArtifactMetadata:
        existing = self._versions.get((name, version))
        if (
            existing is not None
            and isinstance(content, bytes)
            and sha256_digest(content) == existing[0].digest
        ):
            return existing[0]
        return await super().store_artifact(
            name,
            version,
            artifact_type,
            content,
            expected_digest=expected_digest,
            labels=labels,
        )


class SizeOfTheLastChunk(InMemoryArtifactContainer):
    """``size_bytes`` counts only the last chunk (AC-2)."""

    @override
    async def store_artifact(
        self,
        name: str,
        version: str,
        artifact_type: ArtifactType,
        content: bytes | AsyncIterable[bytes],
        *,
        expected_digest: str | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> ProtocolArtifactMetadata:
        metadata = await super().store_artifact(
            name,
            version,
            artifact_type,
            content,
            expected_digest=expected_digest,
            labels=labels,
        )
        assert isinstance(metadata, ArtifactMetadata)
        size = metadata.size_bytes % self._chunk_size
        return replace(metadata, size_bytes=size)


class NoTieBreak(InMemoryArtifactContainer):
    """Orders by name and creation time only; ties stay in storage order (AC-3)."""

    @override
    async def list_artifacts(
        self,
        *,
        artifact_type: ArtifactType | None = None,
        name: str | None = None,
        cursor: str | None = None,
        limit: int = 100,
    ) -> ProtocolPage[ProtocolArtifactMetadata]:
        self._check_open()
        selected = [
            metadata
            for metadata, _ in self._versions.values()
            if (artifact_type is None or metadata.artifact_type == artifact_type)
            and (name is None or metadata.name == name)
        ]
        order = {id(item): index for index, item in enumerate(selected)}
        return paginate_after(
            selected,
            key=lambda item: (
                item.name,
                item.created_at.strftime("%Y-%m-%dT%H:%M:%S.%f"),
                f"{order[id(item)]:08d}",
            ),
            cursor=cursor,
            limit=limit,
        )


class DeleteRaises(InMemoryArtifactContainer):
    """Deleting a missing version raises ``NotFoundError`` (AC-4)."""

    @override
    async def delete_artifact(self, name: str, version: str) -> bool:
        if not await super().delete_artifact(name, version):
            raise NotFoundError(f"no artifact {name} {version}")
        return True


class KeepsPartialUploads(InMemoryArtifactContainer):
    """Stores what arrived before the uploader's stream failed (AC-5)."""

    @override
    async def store_artifact(
        self,
        name: str,
        version: str,
        artifact_type: ArtifactType,
        content: bytes | AsyncIterable[bytes],
        *,
        expected_digest: str | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> ProtocolArtifactMetadata:
        if not isinstance(content, AsyncIterable):
            return await super().store_artifact(
                name,
                version,
                artifact_type,
                content,
                expected_digest=expected_digest,
                labels=labels,
            )
        received = bytearray()
        try:
            async for chunk in content:
                received += chunk
        except Exception:
            await super().store_artifact(name, version, artifact_type, bytes(received))
            raise
        return await super().store_artifact(
            name,
            version,
            artifact_type,
            bytes(received),
            expected_digest=expected_digest,
            labels=labels,
        )


class IgnoresTheExpectedDigest(InMemoryArtifactContainer):
    """Stores whatever arrives, whatever digest was expected (AC-5)."""

    @override
    async def store_artifact(
        self,
        name: str,
        version: str,
        artifact_type: ArtifactType,
        content: bytes | AsyncIterable[bytes],
        *,
        expected_digest: str | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> ProtocolArtifactMetadata:
        return await super().store_artifact(
            name, version, artifact_type, content, labels=labels
        )


class LocalCreationTimes(InMemoryArtifactContainer):
    """Stamps ``created_at`` at UTC+2 (T-2)."""

    @override
    async def store_artifact(
        self,
        name: str,
        version: str,
        artifact_type: ArtifactType,
        content: bytes | AsyncIterable[bytes],
        *,
        expected_digest: str | None = None,
        labels: Mapping[str, str] | None = None,
    ) -> ProtocolArtifactMetadata:
        metadata = await super().store_artifact(
            name,
            version,
            artifact_type,
            content,
            expected_digest=expected_digest,
            labels=labels,
        )
        assert isinstance(metadata, ArtifactMetadata)
        local = metadata.created_at.astimezone(timezone(timedelta(hours=2)))
        return replace(metadata, created_at=local)


def _variant(name: str, breaks: tuple[str, ...], broken: type) -> Variant:
    def build(self: TestInMemoryArtifactContainer, env: SuiteEnvironment) -> object:
        return broken(clock=env.clock, chunk_size=50_000)

    return Variant(name, breaks, TestInMemoryArtifactContainer, {"build": build})


VARIANTS = [
    _variant("overwrites_versions", ("AC-1",), OverwritesVersions),
    _variant("ignores_new_metadata", ("AC-1",), IgnoresNewMetadata),
    _variant("size_of_the_last_chunk", ("AC-2",), SizeOfTheLastChunk),
    _variant("no_tie_break", ("AC-3",), NoTieBreak),
    _variant("delete_raises", ("AC-4",), DeleteRaises),
    _variant("keeps_partial_uploads", ("AC-5",), KeepsPartialUploads),
    _variant("ignores_the_expected_digest", ("AC-5",), IgnoresTheExpectedDigest),
    _variant("local_creation_times", ("T-2",), LocalCreationTimes),
]
