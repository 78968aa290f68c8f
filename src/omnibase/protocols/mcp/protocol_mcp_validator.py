"""Validation of MCP definitions, arguments and results (pure computation)."""

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from omnibase.protocols.types.core_types import JsonObject, ProtocolValidationIssue
from omnibase.protocols.types.mcp_types import (
    ProtocolMCPSubsystemMetadata,
    ProtocolMCPToolDefinition,
    ProtocolMCPToolResult,
)

__all__ = ["ProtocolMCPValidator"]


@runtime_checkable
class ProtocolMCPValidator(Protocol):
    """Checks MCP definitions, arguments and results in memory; no I/O.

    Issue codes: definitions and metadata use ``name`` (MCT-1, tool and
    subsystem names), ``upstream_name`` (MCT-1), ``schema`` (MCT-2: not a
    valid JSON Schema, or a parameters schema whose root is not an object),
    ``remote_ref`` (MVA-3), ``transport``, ``endpoint`` and ``credentials``
    (MCT-6); arguments and results use the JSON Schema keyword that failed
    (``type``, ``required``, ``const``, ...), ``false`` for a value a
    ``false`` schema forbids, and ``required`` at ``""`` for a result
    without the structured content its output schema asks for (MCT-4).

    Rules:
        MVA-1: Validation never raises for invalid input, wrong-typed values
            inside schemas included: it returns the issues, and an empty
            sequence means valid.
        MVA-2: Issues are ordered by ``path``, segment by segment: two
            segments that are both array indices (decimal digits) compare as
            numbers (``/a/2`` before ``/a/10``), an index sorts before any
            other segment, other segments compare by code point, and a path
            comes before the paths it is a prefix of; equal paths order by
            ``code``. Every issue has one of the codes above and a message
            naming the value and the rule or keyword it breaks.
        MVA-3: Schemas are resolved locally: a ``$ref`` to another document
            is reported with code ``remote_ref`` and never fetched;
            ``#``-references within the schema are followed.
        MVA-4: Arguments and structured content are checked with JSON Schema
            2020-12 semantics for the assertion keywords ``type``, ``enum``,
            ``const``, ``required``, ``properties``,
            ``additionalProperties``, ``items``, ``minimum``, ``maximum``,
            ``exclusiveMinimum``, ``exclusiveMaximum``, ``minLength``,
            ``maxLength``, ``minItems``, ``maxItems``, ``pattern``,
            ``allOf``, ``anyOf``, ``oneOf``, ``not`` and ``$ref``: a boolean
            is never a number, ``1.0`` is an ``integer``, values compare as
            JSON (``1`` equals ``1.0``, never ``true``), lengths count code
            points; keywords the SPI does not list are not asserted. An issue
            sits at the pointer of the offending value: a missing required
            property at its own pointer, a disallowed additional property at
            its pointer, a value failing ``anyOf``, ``oneOf`` or ``not`` at
            the value's.
    """

    def validate_tool_definition(
        self, tool: ProtocolMCPToolDefinition
    ) -> Sequence[ProtocolValidationIssue]:
        """Check a tool's names (MCT-1) and schemas (MCT-2, MVA-3).

        Args:
            tool: The definition to check.

        Returns:
            The issues found (MVA-1, MVA-2).
        """
        ...

    def validate_subsystem_metadata(
        self, subsystem_metadata: ProtocolMCPSubsystemMetadata
    ) -> Sequence[ProtocolValidationIssue]:
        """Check a subsystem's name (MCT-1) and endpoint (MCT-6).

        Args:
            subsystem_metadata: The metadata to check.

        Returns:
            The issues found (MVA-1, MVA-2).
        """
        ...

    def validate_parameters(
        self, tool: ProtocolMCPToolDefinition, parameters: JsonObject
    ) -> Sequence[ProtocolValidationIssue]:
        """Check call arguments against the tool's ``parameters_schema`` (MVA-4).

        Args:
            tool: The tool to be called.
            parameters: The arguments.

        Returns:
            The issues found (MVA-1 to MVA-4).
        """
        ...

    def validate_result(
        self, tool: ProtocolMCPToolDefinition, result: ProtocolMCPToolResult
    ) -> Sequence[ProtocolValidationIssue]:
        """Check a result's structured content against the ``output_schema`` (MVA-4).

        A tool without an output schema accepts any result; a tool error
        (MCT-3) is not checked.

        Args:
            tool: The tool that ran.
            result: Its result.

        Returns:
            The issues found (MVA-1 to MVA-4).
        """
        ...
