"""Secrets are never ``str`` (design rule 11): a plain string is rejected."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from omnibase.protocols.mcp import ProtocolMCPRegistry
from omnibase.protocols.types import (
    IsolationLevel,
    ProtocolMCPSubsystemMetadata,
    ProtocolMCPToolDefinition,
    ProtocolWorkflowContext,
    WorkflowData,
)


async def api_key_as_str(
    registry: ProtocolMCPRegistry,
    metadata: ProtocolMCPSubsystemMetadata,
    tools: Sequence[ProtocolMCPToolDefinition],
) -> None:
    await registry.register_subsystem(metadata, tools, api_key="sk-live-123")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    await registry.register_subsystem(metadata, tools, "sk-live-123")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


@dataclass(frozen=True)
class ContextWithClearSecrets:
    workflow_type: str
    instance_id: UUID
    correlation_id: UUID
    isolation_level: IsolationLevel
    data: Mapping[str, WorkflowData]
    secrets: Mapping[str, str]
    capabilities: Sequence[str]
    resource_limits: Mapping[str, int]


def secrets_as_str(context: ContextWithClearSecrets) -> None:
    _contract: ProtocolWorkflowContext = context  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
