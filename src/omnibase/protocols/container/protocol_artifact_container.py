"""Artifact management: versioned, content-addressed blobs (nodes, tools, schemas)."""

from collections.abc import AsyncIterator, Mapping
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.types.core_types import ProtocolPage

__all__ = ["ArtifactType", "ProtocolArtifactContainer", "ProtocolArtifactMetadata"]

ArtifactType = Literal["node", "tool", "workflow", "schema", "contract", "data"]
"""What an artifact contains."""


@runtime_checkable
class ProtocolArtifactMetadata(Protocol):
    """What the container records about one artifact version."""

    @property
    def name(self) -> str:
        """Artifact name; with [`version`][] it identifies the artifact."""
        ...

    @property
    def version(self) -> str:
        """Version of the artifact (free-form, compared as a string)."""
        ...

    @property
    def artifact_type(self) -> ArtifactType:
        """What the artifact contains."""
        ...

    @property
    def digest(self) -> str:
        """``"sha256:<64 hex digits>"`` of the content."""
        ...

    @property
    def size_bytes(self) -> int:
        """Length of the content in bytes."""
        ...

    @property
    def created_at(self) -> datetime:
        """When the version was first stored."""
        ...

    @property
    def labels(self) -> Mapping[str, str]:
        """Free-form string metadata."""
        ...


@runtime_checkable
class ProtocolArtifactContainer(ProtocolLifecycle, Protocol):
    """Stores and serves immutable artifact versions.

    Rules:
        AC-1: An artifact version is immutable: storing the same
            ``(name, version)`` with the same content is a no-op that returns
            the existing metadata; with other content it raises
            ``AlreadyRegisteredError``.
        AC-2: ``read_artifact`` yields exactly the stored bytes, whose
            SHA-256 equals ``digest``.
        AC-3: ``list_artifacts`` orders by name, then by ``created_at``.
        AC-4: ``delete_artifact`` is idempotent.
    """

    async def store_artifact(
        self,
        name: str,
        version: str,
        artifact_type: ArtifactType,
        content: bytes,
        *,
        labels: Mapping[str, str] | None = None,
    ) -> ProtocolArtifactMetadata:
        """Store one artifact version (AC-1).

        Args:
            name: Artifact name.
            version: Artifact version.
            artifact_type: What the artifact contains.
            content: The bytes to store.
            labels: Free-form string metadata.

        Returns:
            The stored version's metadata.

        Raises:
            AlreadyRegisteredError: The version exists with other content.
            InvalidInputError: An empty name or version.
            UnavailableError: The storage backend could not be reached.
        """
        ...

    async def get_artifact(self, name: str, version: str) -> ProtocolArtifactMetadata:
        """Return the metadata of one artifact version.

        Args:
            name: Artifact name.
            version: Artifact version.

        Returns:
            The version's metadata.

        Raises:
            NotFoundError: No such version.
            UnavailableError: The storage backend could not be reached.
        """
        ...

    def read_artifact(self, name: str, version: str) -> AsyncIterator[bytes]:
        """Stream the content of one artifact version in chunks (AC-2).

        Args:
            name: Artifact name.
            version: Artifact version.

        Returns:
            An asynchronous iterator of byte chunks; iterating it raises
            ``NotFoundError`` when there is no such version and
            ``UnavailableError`` when the storage backend is unreachable.
        """
        ...

    async def list_artifacts(
        self,
        *,
        artifact_type: ArtifactType | None = None,
        name: str | None = None,
        cursor: str | None = None,
        limit: int = 100,
    ) -> ProtocolPage[ProtocolArtifactMetadata]:
        """List artifact versions (AC-3), one page at a time.

        Args:
            artifact_type: Only artifacts of this type.
            name: Only versions of this artifact.
            cursor: ``next_cursor`` of the previous page; ``None`` to start.
            limit: Most items on the page (PG-4).

        Returns:
            One page of metadata.

        Raises:
            InvalidInputError: A bad cursor or limit (PG-3, PG-4).
            UnavailableError: The storage backend could not be reached.
        """
        ...

    async def delete_artifact(self, name: str, version: str) -> bool:
        """Delete one artifact version (AC-4).

        Args:
            name: Artifact name.
            version: Artifact version.

        Returns:
            ``True`` if the version existed.

        Raises:
            UnavailableError: The storage backend could not be reached.
        """
        ...
