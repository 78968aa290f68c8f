"""A small ``ProtocolMCPValidator``: names, schema roots, required keys, JSON types.

Demonstrates:
    MCT-1: tool and subsystem names are 1-128 characters of ``[A-Za-z0-9._-]``.
    MCT-2: a parameters schema has ``"type": "object"`` at its root.
    MVA-1: invalid input gives issues, never an exception.
    MVA-2: issues are sorted by JSON Pointer path.
    MVA-3: a ``$ref`` outside the document is reported, never fetched.

Deliberate simplifications:
    ``validate_parameters`` checks only ``required``, the ``type`` of each
    declared property and ``additionalProperties: false``: enough for MCR-4
    in an example. A real validator runs a JSON Schema 2020-12 implementation.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Final
from urllib.parse import urlsplit

from omnibase.protocols.types import (
    JsonObject,
    JsonValue,
    ProtocolMCPSubsystemMetadata,
    ProtocolMCPToolDefinition,
    ProtocolValidationIssue,
)
from omnibase.spi_conformance.reference.values import ValidationIssue

__all__ = ["SimpleMCPValidator"]

_TOOL_NAME: Final = re.compile(r"[A-Za-z0-9._-]{1,128}")
_SUBSYSTEM_NAME: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _pointer(*parts: str | int) -> str:
    """JSON Pointer (RFC 6901) of a location."""
    return "".join(
        "/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts
    )


_JSON_TYPES: Final[Mapping[str, Callable[[JsonValue], bool]]] = {
    "string": lambda value: isinstance(value, str),
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": lambda value: (
        isinstance(value, int | float) and not isinstance(value, bool)
    ),
    "boolean": lambda value: isinstance(value, bool),
    "object": lambda value: isinstance(value, Mapping),
    "array": lambda value: isinstance(value, Sequence) and not isinstance(value, str),
    "null": lambda value: value is None,
}
"""JSON Schema's type names and how a JSON value is checked against each."""


def _has_json_type(value: JsonValue, json_type: str) -> bool:
    check = _JSON_TYPES.get(json_type)
    return check is None or check(value)  # unknown types are not checked


def _remote_refs(schema: JsonValue, path: str) -> list[ValidationIssue]:
    """Issues for every ``$ref`` that leaves the document (MVA-3)."""
    issues: list[ValidationIssue] = []
    if isinstance(schema, Mapping):
        for key, value in schema.items():
            here = path + _pointer(key)
            if key == "$ref" and isinstance(value, str) and not value.startswith("#"):
                issues.append(
                    ValidationIssue(here, "remote_ref", f"$ref {value!r} is not local")
                )
            issues.extend(_remote_refs(value, here))
    elif isinstance(schema, Sequence) and not isinstance(schema, str):
        for index, value in enumerate(schema):
            issues.extend(_remote_refs(value, path + _pointer(index)))
    return issues


def _sorted(issues: list[ValidationIssue]) -> tuple[ValidationIssue, ...]:
    return tuple(sorted(issues, key=lambda issue: issue.path))


class SimpleMCPValidator:
    """Checks MCP definitions and call arguments in memory."""

    def validate_tool_definition(
        self, tool: ProtocolMCPToolDefinition
    ) -> Sequence[ProtocolValidationIssue]:
        """Check the tool's name (MCT-1) and schemas (MCT-2, MVA-3)."""
        issues: list[ValidationIssue] = []
        if not _TOOL_NAME.fullmatch(tool.name):
            issues.append(
                ValidationIssue(
                    "/name", "pattern", f"tool name {tool.name!r} breaks MCT-1"
                )
            )
        if tool.parameters_schema.get("type") != "object":
            issues.append(
                ValidationIssue(
                    "/parameters_schema/type",
                    "type",
                    f"the root of {tool.name!r}'s parameters schema must be "
                    "an object (MCT-2)",
                )
            )
        issues.extend(_remote_refs(tool.parameters_schema, "/parameters_schema"))
        if tool.output_schema is not None:
            issues.extend(_remote_refs(tool.output_schema, "/output_schema"))
        return _sorted(issues)

    def validate_subsystem_metadata(
        self, subsystem_metadata: ProtocolMCPSubsystemMetadata
    ) -> Sequence[ProtocolValidationIssue]:
        """Check the subsystem's name (MCT-1) and that its endpoint is a URI."""
        issues: list[ValidationIssue] = []
        name = subsystem_metadata.name
        if not _SUBSYSTEM_NAME.fullmatch(name):
            issues.append(
                ValidationIssue(
                    "/name", "pattern", f"subsystem name {name!r} breaks MCT-1"
                )
            )
        if not urlsplit(subsystem_metadata.endpoint).scheme:
            issues.append(
                ValidationIssue(
                    "/endpoint",
                    "format",
                    f"endpoint {subsystem_metadata.endpoint!r} is not an absolute URI",
                )
            )
        return _sorted(issues)

    def validate_parameters(
        self, tool: ProtocolMCPToolDefinition, parameters: JsonObject
    ) -> Sequence[ProtocolValidationIssue]:
        """Check required keys, declared types and unknown keys (MCR-4)."""
        schema = tool.parameters_schema
        issues: list[ValidationIssue] = []
        required = schema.get("required", ())
        if isinstance(required, Sequence) and not isinstance(required, str):
            issues.extend(
                ValidationIssue(_pointer(name), "required", f"{name!r} is required")
                for name in required
                if isinstance(name, str) and name not in parameters
            )
        properties = schema.get("properties", {})
        if not isinstance(properties, Mapping):
            return _sorted(issues)
        for name, value in parameters.items():
            declared = properties.get(name)
            if declared is None:
                if schema.get("additionalProperties") is False:
                    issues.append(
                        ValidationIssue(
                            _pointer(name),
                            "additionalProperties",
                            f"{name!r} is not a parameter of {tool.name!r}",
                        )
                    )
                continue
            json_type = declared.get("type") if isinstance(declared, Mapping) else None
            if isinstance(json_type, str) and not _has_json_type(value, json_type):
                issues.append(
                    ValidationIssue(
                        _pointer(name), "type", f"{name!r} must be of type {json_type}"
                    )
                )
        return _sorted(issues)
