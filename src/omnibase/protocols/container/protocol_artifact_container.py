"""Artifact management: immutable, versioned blobs (nodes, tools, schemas).

An artifact version is addressed by ``(name, version)``; its SHA-256 digest
proves the content, it does not address it. Content is uploaded and read as a
stream of byte chunks, so no side holds a large artifact in memory.
"""

from collections.abc import AsyncIterable, AsyncIterator, Mapping
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
        """``"sha256:<64 lowercase hex digits>"`` of the content (AC-2)."""
        ...

    @property
    def size_bytes(self) -> int:
        """Length of the content in bytes."""
        ...

    @property
    def created_at(self) -> datetime:
        """When the version was first stored (UTC, T-2)."""
        ...

    @property
    def labels(self) -> Mapping[str, str]:
        """Free-form string metadata."""
        ...


@runtime_checkable
class ProtocolArtifactContainer(ProtocolLifecycle, Protocol):
    """Stores and serves immutable artifact versions.

    Rules:
        AC-1: An artifact version is immutable: storing ``(name, version)``
            again is a no-op returning the existing metadata when the
            content, ``artifact_type`` and ``labels`` are all equal; any
            difference raises ``AlreadyRegisteredError`` and changes nothing.
        AC-2: ``read_artifact`` yields exactly the stored bytes, in chunks of
            any size; their SHA-256 is ``digest`` and their length
            ``size_bytes``.
        AC-3: ``list_artifacts`` orders by name, then ``created_at``, then
            version (code-point order), a total order its cursors follow
            (PG-5).
        AC-4: ``delete_artifact`` is idempotent; a deleted version may be
            stored again, with any content.
        AC-5: ``content`` is the bytes or an asynchronous iterable of byte
            chunks, read once, in order. With ``expected_digest``, content
            whose SHA-256 differs raises ``InvalidInputError``. An upload
            that fails (a digest mismatch, an error raised by the caller's
            iterable, which propagates unchanged) stores nothing: no reader
            ever sees part of it.
    """

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
        """Store one artifact version (AC-1, AC-5).

        Args:
            name: Artifact name (non-empty).
            version: Artifact version (non-empty).
            artifact_type: What the artifact contains.
            content: The bytes, or their chunks as an asynchronous iterable.
            expected_digest: ``"sha256:<64 hex digits>"`` the content must
                have (AC-5); ``None`` to accept what arrives.
            labels: Free-form string metadata; ``None`` for none (copied,
                T-4).

        Returns:
            The stored version's metadata.

        Raises:
            AlreadyRegisteredError: The version exists with other content or
                metadata (AC-1).
            InvalidInputError: An empty name or version, an ``artifact_type``
                outside ``ArtifactType`` (T-5), a malformed or mismatching
                ``expected_digest``, or content that is neither bytes nor an
                iterable of bytes.
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
        """List artifact versions (AC-3, PG-1 to PG-5), one page at a time.

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
        """Delete one artifact version (AC-4); readers already streaming it may finish.

        Args:
            name: Artifact name.
            version: Artifact version.

        Returns:
            ``True`` if the version existed.

        Raises:
            UnavailableError: The storage backend could not be reached.
        """
        ...
