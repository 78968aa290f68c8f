"""Request validation for MCP registrations and tool calls (pure computation)."""

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from omnibase.protocols.types.core_types import JsonObject, ProtocolValidationIssue
from omnibase.protocols.types.mcp_types import (
    ProtocolMCPSubsystemMetadata,
    ProtocolMCPToolDefinition,
)

__all__ = ["ProtocolMCPValidator"]


@runtime_checkable
class ProtocolMCPValidator(Protocol):
    """Checks MCP definitions and arguments in memory; no I/O.

    Rules:
        MVA-1: Validation never raises for invalid input: it returns the
            issues, and an empty sequence means valid.
        MVA-2: Issues are ordered by ``path``; every issue names the value and
            the rule it breaks.
        MVA-3: Schemas are resolved locally: a ``$ref`` to a remote document
            is reported as an issue, never fetched.
    """

    def validate_tool_definition(
        self, tool: ProtocolMCPToolDefinition
    ) -> Sequence[ProtocolValidationIssue]:
        """Check a tool's name (MCT-1) and schemas (MCT-2).

        Args:
            tool: The definition to check.

        Returns:
            The issues found (MVA-1 to MVA-3).
        """
        ...

    def validate_subsystem_metadata(
        self, subsystem_metadata: ProtocolMCPSubsystemMetadata
    ) -> Sequence[ProtocolValidationIssue]:
        """Check a subsystem's name (MCT-1) and endpoint URI.

        Args:
            subsystem_metadata: The metadata to check.

        Returns:
            The issues found (MVA-1, MVA-2).
        """
        ...

    def validate_parameters(
        self, tool: ProtocolMCPToolDefinition, parameters: JsonObject
    ) -> Sequence[ProtocolValidationIssue]:
        """Check call arguments against the tool's ``parameters_schema``.

        Args:
            tool: The tool to be called.
            parameters: The arguments.

        Returns:
            The issues found (MVA-1 to MVA-3).
        """
        ...
