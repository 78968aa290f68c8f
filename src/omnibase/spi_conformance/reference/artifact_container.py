"""In-memory ``ProtocolArtifactContainer``: immutable versions, streamed I/O.

Demonstrates:
    AC-1: storing a version again is a no-op only when content, type and
        labels are all equal.
    AC-2: reads stream the stored bytes in chunks of ``chunk_size``.
    AC-3, PG-1 to PG-5: listings ordered by name, creation time, version,
        with cursors that mark the last item returned.
    AC-4: deletion is idempotent and frees the version.
    AC-5: uploads are bytes or an async iterable of chunks, hashed as they
        arrive and checked against ``expected_digest``; a failed upload
        stores nothing.

Deliberate simplifications:
    Content is kept in memory; a real container spools an upload to
    temporary storage and publishes it under its key only once complete.
"""

import hashlib
import re
from collections.abc import AsyncIterable, AsyncIterator, Mapping
from datetime import UTC
from typing import Final, cast, get_args

from omnibase.protocols.container import ArtifactType, ProtocolArtifactMetadata
from omnibase.protocols.errors import (
    AlreadyRegisteredError,
    InvalidInputError,
    NotFoundError,
)
from omnibase.protocols.types import ProtocolPage
from omnibase.spi_conformance.reference.factories import Clock, utc_now
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle
from omnibase.spi_conformance.reference.paging import paginate_after
from omnibase.spi_conformance.reference.values import ArtifactMetadata

__all__ = ["DIGEST", "InMemoryArtifactContainer", "sha256_digest"]

DIGEST: Final = re.compile(r"sha256:[0-9a-f]{64}")
"""The form of an artifact digest."""

_BYTES: Final = (bytes, bytearray, memoryview)


def sha256_digest(content: bytes) -> str:
    """Return ``"sha256:<hex>"`` of ``content``.

    Args:
        content: Any bytes.

    Returns:
        The digest as artifact metadata spells it.
    """
    return "sha256:" + hashlib.sha256(content).hexdigest()


def _text(value: object, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidInputError(f"{what} must be a non-empty str, got {value!r}")
    return value


def _labels(labels: object) -> dict[str, str]:
    if labels is None:
        return {}
    if not isinstance(labels, Mapping):
        raise InvalidInputError(f"labels must be a mapping, got {labels!r}")
    copied: dict[str, str] = {}
    for key, value in cast("Mapping[object, object]", labels).items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise InvalidInputError(f"label {key!r}={value!r} is not str=str")
        copied[key] = value
    return copied


async def _read(content: object) -> bytes:
    """Collect the upload, chunk by chunk (AC-5); caller errors propagate."""
    if isinstance(content, _BYTES):
        return bytes(cast("bytes", content))
    if not isinstance(content, AsyncIterable):
        raise InvalidInputError(
            f"content must be bytes or an AsyncIterable[bytes], got {content!r}"
        )
    buffer = bytearray()
    async for chunk in cast("AsyncIterable[object]", content):
        if not isinstance(chunk, _BYTES):
            raise InvalidInputError(f"a content chunk is not bytes: {chunk!r}")
        buffer += cast("bytes", chunk)
    return bytes(buffer)


class InMemoryArtifactContainer(ReferenceLifecycle):
    """Artifact versions and their bytes in a dict."""

    def __init__(self, *, clock: Clock = utc_now, chunk_size: int = 64 * 1024) -> None:
        """Create an empty container.

        Args:
            clock: Stamps ``created_at``.
            chunk_size: Largest chunk ``read_artifact`` yields.
        """
        super().__init__(clock=clock)
        self._chunk_size = chunk_size
        self._versions: dict[tuple[str, str], tuple[ArtifactMetadata, bytes]] = {}

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
        """Store one version (AC-1, AC-5)."""
        self._check_open()
        key = (_text(name, "name"), _text(version, "version"))
        kind: object = artifact_type
        if kind not in get_args(ArtifactType):
            raise InvalidInputError(f"unknown artifact_type {kind!r} (T-5)")
        if expected_digest is not None and not DIGEST.fullmatch(
            str(cast("object", expected_digest))
        ):
            raise InvalidInputError(
                f"expected_digest {expected_digest!r} is not sha256:<64 hex>"
            )
        copied = _labels(labels)
        existing = self._versions.get(key)
        if (
            existing is not None
            and expected_digest is not None
            and existing[0].digest != expected_digest
        ):
            raise AlreadyRegisteredError(f"{name} {version} exists with other content")
        data = await _read(content)
        digest = sha256_digest(data)
        if expected_digest is not None and digest != expected_digest:
            raise InvalidInputError(
                f"content of {name} {version} has {digest}, not {expected_digest}"
                " (AC-5)"
            )
        self._check_open()
        existing = self._versions.get(key)
        if existing is not None:
            stored = existing[0]
            if (stored.digest, stored.artifact_type, dict(stored.labels)) == (
                digest,
                artifact_type,
                copied,
            ):
                return stored  # AC-1: the same version again
            raise AlreadyRegisteredError(
                f"{name} {version} exists with other content or metadata (AC-1)"
            )
        metadata = ArtifactMetadata(
            name=name,
            version=version,
            artifact_type=artifact_type,
            digest=digest,
            size_bytes=len(data),
            created_at=self._clock().astimezone(UTC),
            labels=copied,
        )
        self._versions[key] = (metadata, data)
        return metadata

    def _get(self, name: object, version: object) -> tuple[ArtifactMetadata, bytes]:
        self._check_open()
        key = (_text(name, "name"), _text(version, "version"))
        found = self._versions.get(key)
        if found is None:
            raise NotFoundError(f"no artifact {key[0]} {key[1]}")
        return found

    async def get_artifact(self, name: str, version: str) -> ProtocolArtifactMetadata:
        """Return one version's metadata."""
        return self._get(name, version)[0]

    def read_artifact(self, name: str, version: str) -> AsyncIterator[bytes]:
        """Stream one version's bytes (AC-2)."""
        return self._chunks(name, version)

    async def _chunks(self, name: str, version: str) -> AsyncIterator[bytes]:
        data = self._get(name, version)[1]
        for start in range(0, len(data), self._chunk_size):
            self._check_open()  # LC-3: an open reader fails at its next step
            yield data[start : start + self._chunk_size]

    async def list_artifacts(
        self,
        *,
        artifact_type: ArtifactType | None = None,
        name: str | None = None,
        cursor: str | None = None,
        limit: int = 100,
    ) -> ProtocolPage[ProtocolArtifactMetadata]:
        """List versions by name, creation time, version (AC-3, PG-5)."""
        self._check_open()
        kind: object = artifact_type
        if kind is not None and kind not in get_args(ArtifactType):
            raise InvalidInputError(f"unknown artifact_type {kind!r} (T-5)")
        selected = [
            metadata
            for metadata, _ in self._versions.values()
            if (artifact_type is None or metadata.artifact_type == artifact_type)
            and (name is None or metadata.name == name)
        ]
        return paginate_after(
            selected,
            key=lambda item: (
                item.name,
                item.created_at.strftime("%Y-%m-%dT%H:%M:%S.%f"),
                item.version,
            ),
            cursor=cursor,
            limit=limit,
        )

    async def delete_artifact(self, name: str, version: str) -> bool:
        """Delete one version; ``False`` if there was none (AC-4)."""
        self._check_open()
        key = (_text(name, "name"), _text(version, "version"))
        return self._versions.pop(key, None) is not None
