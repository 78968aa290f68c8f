"""A small ``ProtocolMCPValidator``: names, schema validity, and a JSON Schema subset.

Demonstrates:
    MCT-1: tool names, aliases (``upstream_name``) and subsystem names.
    MCT-2: a schema is checked for validity before use: every keyword the
        validator knows must have a value of the right shape, and the
        parameters schema's root is an object.
    MCT-6: the endpoint fits the transport; credentials are references.
    MVA-1: invalid input gives issues, never an exception, whatever the
        types inside a schema.
    MVA-2: issues sorted segment by segment, array indices as numbers.
    MVA-3: a ``$ref`` outside the document is reported, never fetched.
    MVA-4: the assertion keywords the SPI lists, with JSON equality
        ([`json_equal`][]) and booleans that are never numbers.

Deliberate simplifications:
    ``format``, ``patternProperties``, ``prefixItems``, ``dependentRequired``
    and the other keywords the SPI does not list are not asserted, and
    ``pattern`` uses Python's regular expressions (close to, not exactly,
    ECMA 262).
"""

import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Final, cast, get_args
from urllib.parse import urlsplit

from omnibase.protocols.types import (
    JsonObject,
    MCPTransport,
    ProtocolMCPSubsystemMetadata,
    ProtocolMCPToolDefinition,
    ProtocolMCPToolResult,
    ProtocolSecretReference,
    ProtocolValidationIssue,
)
from omnibase.spi_conformance.reference.values import ValidationIssue

__all__ = ["SimpleMCPValidator", "issue_order", "json_equal", "pointer"]

_TOOL_NAME: Final = re.compile(r"[A-Za-z0-9._-]{1,128}")
_SUBSYSTEM_NAME: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TYPES: Final = frozenset(
    {"string", "integer", "number", "boolean", "object", "array", "null"}
)
_MAX_DEPTH: Final = 64


def pointer(*parts: str | int) -> str:
    """Return the JSON Pointer (RFC 6901) of a location.

    Args:
        *parts: The segments, outermost first.

    Returns:
        The pointer; ``""`` for the root.
    """
    return "".join(
        "/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts
    )


def _segments(path: str) -> list[str]:
    if not path:
        return []
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def issue_order(issue: ProtocolValidationIssue) -> tuple[object, ...]:
    """Sort key of an issue (MVA-2): path segment by segment, then code.

    An array index (decimal digits) sorts before any other segment, indices
    compare as numbers, other segments by code point; a prefix comes first.

    Args:
        issue: The issue.

    Returns:
        Its sort key.
    """
    segments = tuple(
        (0, int(part), "") if part.isdecimal() and part.isascii() else (1, 0, part)
        for part in _segments(issue.path)
    )
    return (segments, issue.code)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_array(value: object) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def _mapping(value: object) -> Mapping[object, object] | None:
    """``value`` as a mapping, or ``None`` when it is not one."""
    return (
        cast("Mapping[object, object]", value) if isinstance(value, Mapping) else None
    )


def _names(value: object) -> list[object] | None:
    """The items of a JSON array, or ``None`` for anything else."""
    return list(cast("Sequence[object]", value)) if _is_array(value) else None


def json_equal(left: object, right: object) -> bool:
    """Compare two JSON values as JSON does (MCR-10, MVA-4).

    Numbers compare by value (``1`` equals ``1.0``), a boolean never equals a
    number, object key order does not matter, arrays compare in order.

    Args:
        left: A JSON value.
        right: Another JSON value.

    Returns:
        Whether they are the same JSON value.
    """
    left_map, right_map = _mapping(left), _mapping(right)
    if left_map is not None and right_map is not None:
        return left_map.keys() == right_map.keys() and all(
            json_equal(value, right_map[key]) for key, value in left_map.items()
        )
    left_seq, right_seq = _names(left), _names(right)
    if left_seq is not None and right_seq is not None:
        return len(left_seq) == len(right_seq) and all(
            json_equal(a, b) for a, b in zip(left_seq, right_seq, strict=True)
        )
    if _is_number(left) and _is_number(right):
        return cast("float", left) == cast("float", right)
    scalar = (bool, str, type(None))
    return isinstance(left, scalar) and type(left) is type(right) and left == right


def _has_type(value: object, json_type: str) -> bool:
    checks: Mapping[str, Callable[[object], bool]] = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: (
            _is_number(v)
            and math.isfinite(cast("float", v))
            and float(cast("float", v)).is_integer()
        ),
        "number": _is_number,
        "boolean": lambda v: isinstance(v, bool),
        "object": lambda v: isinstance(v, Mapping),
        "array": _is_array,
        "null": lambda v: v is None,
    }
    return checks[json_type](value)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _distinct_strings(value: object) -> bool:
    items = _names(value)
    return (
        items is not None
        and all(isinstance(item, str) for item in items)
        and len(set(map(str, items))) == len(items)
    )


def _type_names(value: object) -> bool:
    items = _names(value) if _is_array(value) else [value]
    return (
        bool(items)
        and all(isinstance(i, str) and i in _TYPES for i in items or ())
        and len(set(map(str, items or ()))) == len(items or ())
    )


def _count(value: object) -> bool:
    return _has_type(value, "integer") and cast("float", value) >= 0


_SHAPES: Final[Mapping[str, tuple[Callable[[object], bool], str]]] = {
    "type": (_type_names, "must name distinct JSON types"),
    "required": (_distinct_strings, "must be an array of distinct strings"),
    "enum": (_is_array, "must be an array"),
    "minimum": (_is_number, "must be a number"),
    "maximum": (_is_number, "must be a number"),
    "exclusiveMinimum": (_is_number, "must be a number"),
    "exclusiveMaximum": (_is_number, "must be a number"),
    "minLength": (_count, "must be a non-negative integer"),
    "maxLength": (_count, "must be a non-negative integer"),
    "minItems": (_count, "must be a non-negative integer"),
    "maxItems": (_count, "must be a non-negative integer"),
    "pattern": (lambda value: isinstance(value, str), "must be a string"),
    "$ref": (lambda value: isinstance(value, str), "must be a string"),
}
"""Keywords with a plain value, and the shape that value must have (MCT-2)."""

_SUBSCHEMA_MAPS: Final = frozenset({"properties", "$defs", "definitions"})
_SUBSCHEMAS: Final = frozenset({"additionalProperties", "items", "not"})
_SUBSCHEMA_LISTS: Final = frozenset({"allOf", "anyOf", "oneOf"})


class _SchemaChecker:
    """Checks that a schema is a valid JSON Schema for the keywords it knows (MCT-2)."""

    def __init__(self, root: object, base: str) -> None:
        self.root = root
        self.base = base
        self.issues: list[ValidationIssue] = []

    def bad(self, path: str, text: str, code: str = "schema") -> None:
        rule = "MVA-3" if code == "remote_ref" else "MCT-2"
        self.issues.append(ValidationIssue(self.base + path, code, f"{text} ({rule})"))

    def schema(self, schema: object, path: str, depth: int = 0) -> None:
        if isinstance(schema, bool):
            return
        if not isinstance(schema, Mapping):
            self.bad(path, f"a schema is an object or a boolean, not {_shown(schema)}")
            return
        if depth > _MAX_DEPTH:
            self.bad(path, "the schema is nested too deeply")
            return
        for key, value in cast("Mapping[object, object]", schema).items():
            if isinstance(key, str):
                self.keyword(key, value, path + pointer(key), depth)
            else:
                self.bad(path, f"schema keys are strings, not {_shown(key)}")

    def keyword(self, key: str, value: object, here: str, depth: int) -> None:
        shape = _SHAPES.get(key)
        if shape is not None and not shape[0](value):
            self.bad(here, f"{key!r} {shape[1]}, not {_shown(value)}")
        elif key in _SUBSCHEMA_MAPS:
            if not isinstance(value, Mapping):
                self.bad(here, f"{key!r} must be an object of schemas")
                return
            for name, sub in cast("Mapping[object, object]", value).items():
                self.schema(sub, here + pointer(str(name)), depth + 1)
        elif key in _SUBSCHEMAS:
            self.schema(value, here, depth + 1)
        elif key in _SUBSCHEMA_LISTS:
            items = _names(value)
            if not items:
                self.bad(here, f"{key!r} must be a non-empty array of schemas")
                return
            for index, sub in enumerate(items):
                self.schema(sub, here + pointer(index), depth + 1)
        else:
            self.value_keyword(key, value, here)

    def value_keyword(self, key: str, value: object, here: str) -> None:
        if key == "pattern" and isinstance(value, str):
            try:
                re.compile(value)
            except re.error as error:
                self.bad(
                    here, f"'pattern' {value!r} is not a regular expression: {error}"
                )
        elif key == "$ref" and isinstance(value, str):
            if not value.startswith("#"):
                self.bad(here, f"$ref {value!r} names another document", "remote_ref")
            elif _resolve(self.root, value) is _MISSING:
                self.bad(here, f"$ref {value!r} does not resolve within the schema")


_MISSING: Final = object()


def _resolve(root: object, ref: str) -> object:
    """Follow a local ``#``-reference, or return ``_MISSING``."""
    node = root
    for part in _segments(ref[1:]):
        mapping, items = _mapping(node), _names(node)
        if mapping is not None and part in mapping:
            node = mapping[part]
        elif items is not None and part.isdecimal() and int(part) < len(items):
            node = items[int(part)]
        else:
            return _MISSING
    return node


class _ValueChecker:
    """Checks a JSON value against a schema (MVA-4)."""

    def __init__(self, root: object) -> None:
        self.root = root
        self.issues: list[ValidationIssue] = []

    def issue(self, path: str, code: str, message: str) -> None:
        self.issues.append(ValidationIssue(path, code, message))

    def valid(self, value: object, schema: object, depth: int) -> bool:
        probe = _ValueChecker(self.root)
        probe.check(value, schema, "", depth)
        return not probe.issues

    def check(self, value: object, schema: object, path: str, depth: int = 0) -> None:
        if schema is False:
            self.issue(path, "false", f"no value is allowed here, got {_shown(value)}")
            return
        if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
            return
        node = cast("Mapping[str, object]", schema)
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#"):
            target = _resolve(self.root, ref)
            if target is not _MISSING:
                self.check(value, target, path, depth + 1)
        self.generic(value, node, path, depth)
        if isinstance(value, Mapping):
            self.check_object(cast("Mapping[str, object]", value), node, path, depth)
        elif _is_array(value):
            self.check_array(cast("Sequence[object]", value), node, path, depth)
        elif isinstance(value, str):
            self.check_string(value, node, path)
        elif _is_number(value):
            self.check_number(cast("float", value), node, path)

    def generic(
        self, value: object, node: Mapping[str, object], path: str, depth: int
    ) -> None:
        declared = node.get("type")
        names = (
            cast("Sequence[object]", declared) if _is_array(declared) else [declared]
        )
        known = [name for name in names if isinstance(name, str) and name in _TYPES]
        if (
            declared is not None
            and known
            and not any(_has_type(value, t) for t in known)
        ):
            self.issue(
                path, "type", f"{_shown(value)} is not of type {' or '.join(known)}"
            )
        if "const" in node and not json_equal(value, node["const"]):
            self.issue(path, "const", f"{_shown(value)} is not {_shown(node['const'])}")
        options = node.get("enum")
        if _is_array(options) and not any(
            json_equal(value, o) for o in cast("Sequence[object]", options)
        ):
            self.issue(path, "enum", f"{_shown(value)} is not one of {_shown(options)}")
        all_of = node.get("allOf")
        if _is_array(all_of):
            for sub in cast("Sequence[object]", all_of):
                self.check(value, sub, path, depth + 1)
        any_of = node.get("anyOf")
        if _is_array(any_of) and not any(
            self.valid(value, s, depth + 1) for s in cast("Sequence[object]", any_of)
        ):
            self.issue(path, "anyOf", f"{_shown(value)} matches none of 'anyOf'")
        one_of = node.get("oneOf")
        if _is_array(one_of):
            matches = sum(
                self.valid(value, s, depth + 1)
                for s in cast("Sequence[object]", one_of)
            )
            if matches != 1:
                self.issue(
                    path,
                    "oneOf",
                    f"{_shown(value)} matches {matches} of 'oneOf', not exactly one",
                )
        if "not" in node and self.valid(value, node["not"], depth + 1):
            self.issue(path, "not", f"{_shown(value)} matches the 'not' schema")

    def check_object(
        self,
        value: Mapping[str, object],
        node: Mapping[str, object],
        path: str,
        depth: int,
    ) -> None:
        required = node.get("required")
        if _is_array(required):
            for name in cast("Sequence[object]", required):
                if isinstance(name, str) and name not in value:
                    self.issue(
                        path + pointer(name), "required", f"{name!r} is required"
                    )
        declared = _mapping(node.get("properties")) or {}
        extra: object = node.get("additionalProperties")
        for name, item in value.items():
            here = path + pointer(name)
            if name in declared:
                self.check(item, declared[name], here, depth + 1)
            elif extra is False:
                self.issue(
                    here, "additionalProperties", f"{name!r} is not an allowed property"
                )
            elif _mapping(extra) is not None:
                self.check(item, extra, here, depth + 1)

    def check_array(
        self, value: Sequence[object], node: Mapping[str, object], path: str, depth: int
    ) -> None:
        items: object = node.get("items")
        if isinstance(items, bool) or _mapping(items) is not None:
            for index, item in enumerate(value):
                self.check(item, items, path + pointer(index), depth + 1)
        self.bounds(
            len(value),
            node=node,
            low="minItems",
            high="maxItems",
            path=path,
            unit="items",
        )

    def check_string(self, value: str, node: Mapping[str, object], path: str) -> None:
        self.bounds(
            len(value),
            node=node,
            low="minLength",
            high="maxLength",
            path=path,
            unit="characters",
        )
        pattern = node.get("pattern")
        if isinstance(pattern, str):
            try:
                if re.search(pattern, value) is None:
                    self.issue(
                        path, "pattern", f"{_shown(value)} does not match {pattern!r}"
                    )
            except re.error:
                pass  # an invalid pattern is reported by the schema check (MCT-2)

    def bounds(
        self,
        size: int,
        *,
        node: Mapping[str, object],
        low: str,
        high: str,
        path: str,
        unit: str,
    ) -> None:
        minimum, maximum = node.get(low), node.get(high)
        if _is_number(minimum) and size < cast("float", minimum):
            self.issue(path, low, f"{size} {unit}, fewer than {minimum}")
        if _is_number(maximum) and size > cast("float", maximum):
            self.issue(path, high, f"{size} {unit}, more than {maximum}")

    def check_number(self, value: float, node: Mapping[str, object], path: str) -> None:
        limits: tuple[tuple[str, Callable[[float, float], bool], str], ...] = (
            ("minimum", lambda v, limit: v >= limit, "at least"),
            ("maximum", lambda v, limit: v <= limit, "at most"),
            ("exclusiveMinimum", lambda v, limit: v > limit, "more than"),
            ("exclusiveMaximum", lambda v, limit: v < limit, "less than"),
        )
        for keyword, holds, words in limits:
            limit = node.get(keyword)
            if _is_number(limit) and not holds(value, cast("float", limit)):
                self.issue(path, keyword, f"{value!r} is not {words} {limit!r}")


def _sorted(issues: list[ValidationIssue]) -> tuple[ValidationIssue, ...]:
    return tuple(sorted(issues, key=issue_order))


def _check_schema(
    schema: object, base: str, *, object_root: bool
) -> list[ValidationIssue]:
    checker = _SchemaChecker(schema, base)
    checker.schema(schema, "")
    if object_root and (
        isinstance(schema, bool)
        or (
            isinstance(schema, Mapping)
            and cast("Mapping[str, object]", schema).get("type") != "object"
        )
    ):
        checker.bad("", 'a parameters schema needs "type": "object" at its root')
    return checker.issues


def _check_value(value: object, schema: object) -> list[ValidationIssue]:
    checker = _ValueChecker(schema)
    try:
        checker.check(value, schema, "")
    except RecursionError:  # MVA-1: never raise
        checker.issue("", "schema", "the schema recurses without end")
    return checker.issues


class SimpleMCPValidator:
    """Checks MCP definitions, arguments and results in memory."""

    def validate_tool_definition(
        self, tool: ProtocolMCPToolDefinition
    ) -> Sequence[ProtocolValidationIssue]:
        """Check the tool's names (MCT-1) and schemas (MCT-2, MVA-3)."""
        issues: list[ValidationIssue] = []
        name: object = getattr(tool, "name", None)
        if not isinstance(name, str) or not _TOOL_NAME.fullmatch(name):
            issues.append(_issue("/name", "name", f"tool name {_shown(name)}", "MCT-1"))
        upstream: object = getattr(tool, "upstream_name", None)
        if upstream is not None and (
            not isinstance(upstream, str) or not upstream.strip() or len(upstream) > 128
        ):
            text = f"upstream name {_shown(upstream)} is not 1-128 characters"
            issues.append(_issue("/upstream_name", "upstream_name", text, "MCT-1"))
        schema: object = getattr(tool, "parameters_schema", None)
        issues += _check_schema(schema, "/parameters_schema", object_root=True)
        output: object = getattr(tool, "output_schema", None)
        if output is not None:
            issues += _check_schema(output, "/output_schema", object_root=False)
        return _sorted(issues)

    def validate_subsystem_metadata(
        self, subsystem_metadata: ProtocolMCPSubsystemMetadata
    ) -> Sequence[ProtocolValidationIssue]:
        """Check the subsystem's name (MCT-1), endpoint and credentials (MCT-6)."""
        issues: list[ValidationIssue] = []
        metadata = cast("object", subsystem_metadata)
        name: object = getattr(metadata, "name", None)
        if not isinstance(name, str) or not _SUBSYSTEM_NAME.fullmatch(name):
            text = f"subsystem name {_shown(name)}"
            issues.append(_issue("/name", "name", text, "MCT-1"))
        transport: object = getattr(metadata, "transport", None)
        endpoint: object = getattr(metadata, "endpoint", None)
        if transport not in get_args(MCPTransport):
            text = f"transport {_shown(transport)} is unknown"
            issues.append(_issue("/transport", "transport", text, "MCT-6"))
        elif not _endpoint_fits(cast("MCPTransport", transport), endpoint):
            text = f"endpoint {_shown(endpoint)} does not fit {transport!r}"
            issues.append(_issue("/endpoint", "endpoint", text, "MCT-6"))
        arguments: object = getattr(metadata, "arguments", ())
        if not _is_array(arguments) or not all(
            isinstance(a, str) for a in cast("Sequence[object]", arguments)
        ):
            text = f"arguments {_shown(arguments)} are not strings"
            issues.append(_issue("/arguments", "endpoint", text, "MCT-6"))
        issues += _check_credentials(getattr(metadata, "credentials", {}))
        return _sorted(issues)

    def validate_parameters(
        self, tool: ProtocolMCPToolDefinition, parameters: JsonObject
    ) -> Sequence[ProtocolValidationIssue]:
        """Check arguments against the tool's ``parameters_schema`` (MVA-4)."""
        schema: object = getattr(tool, "parameters_schema", None)
        return _sorted(_check_value(parameters, schema))

    def validate_result(
        self, tool: ProtocolMCPToolDefinition, result: ProtocolMCPToolResult
    ) -> Sequence[ProtocolValidationIssue]:
        """Check structured content against the tool's ``output_schema`` (MVA-4)."""
        schema: object = getattr(tool, "output_schema", None)
        if schema is None or getattr(result, "is_error", False):
            return ()
        if not getattr(result, "has_structured_content", False):
            text = "the output schema asks for structured content; there is none"
            return (_issue("", "required", text, "MCT-4"),)
        content: object = getattr(result, "structured_content", None)
        return _sorted(_check_value(content, schema))


def _issue(path: str, code: str, text: str, rule: str) -> ValidationIssue:
    """An issue whose message names the value and the rule (MVA-2)."""
    return ValidationIssue(path, code, f"{text} ({rule})")


def _check_credentials(credentials: object) -> list[ValidationIssue]:
    if not isinstance(credentials, Mapping):
        text = "credentials must map names to secret references"
        return [_issue("/credentials", "credentials", text, "MCT-6")]
    issues: list[ValidationIssue] = []
    for key, reference in cast("Mapping[object, object]", credentials).items():
        if not isinstance(key, str) or not key:
            text = f"credential name {_shown(key)} is not a non-empty string"
        elif not isinstance(reference, ProtocolSecretReference):
            text = f"credential {key!r} is not a secret reference"
        else:
            continue
        here = pointer("credentials", str(key))
        issues.append(_issue(here, "credentials", text, "MCT-6"))
    return issues


def _endpoint_fits(transport: MCPTransport, endpoint: object) -> bool:
    if not isinstance(endpoint, str) or not endpoint.strip():
        return False
    if transport == "streamable_http":
        parts = urlsplit(endpoint)
        return parts.scheme in ("http", "https") and bool(parts.netloc)
    return True
