"""Dependency injection, service location and artifact management contracts."""

from omnibase.protocols.container.protocol_artifact_container import (
    ArtifactType,
    ProtocolArtifactContainer,
    ProtocolArtifactMetadata,
)
from omnibase.protocols.container.protocol_service_registry import (
    ProtocolServiceRegistry,
)

__all__ = [
    "ArtifactType",
    "ProtocolArtifactContainer",
    "ProtocolArtifactMetadata",
    "ProtocolServiceRegistry",
]
