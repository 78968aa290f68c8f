"""Conformance suite of ``ProtocolMCPValidator`` (MVA-1 to MVA-4, MCT-1, 2, 6).

The validator is pure computation: ``create_subject`` yields it, nothing
else is needed.
"""

from collections.abc import AsyncIterator, Sequence
from typing import ClassVar, cast, override
from uuid import uuid4

from omnibase.protocols.mcp import ProtocolMCPValidator
from omnibase.protocols.types import (
    JsonObject,
    JsonValue,
    MCPTransport,
    ProtocolValidationIssue,
)
from omnibase.spi_conformance.reference.values import (
    EPOCH,
    SecretReference,
    SubsystemMetadata,
    ToolDefinition,
    ToolResult,
)
from omnibase.spi_conformance.suites._base import (
    ConformanceSuite,
    SuiteEnvironment,
    check,
    check_equal,
    fail,
    rule,
)
from omnibase.spi_conformance.suites.mcp_kit import OBJECT_SCHEMA, kit_tool

__all__ = ["MCPValidatorSuite"]


def _tool(schema: object, *, output: object = None, name: str = "t") -> ToolDefinition:
    base = kit_tool(name).definition
    return ToolDefinition(
        name=base.name,
        description=base.description,
        tool_type=base.tool_type,
        parameters_schema=cast("JsonObject", schema),
        idempotent=False,
        read_only=False,
        output_schema=cast("JsonObject | None", output),
    )


def _result(content: JsonValue, *, present: bool = True) -> ToolResult:
    return ToolResult(
        execution_id=uuid4(),
        tool_name="t",
        subsystem_name="kit_a",
        correlation_id=uuid4(),
        is_error=False,
        content=(),
        structured_content=content,
        started_at=EPOCH,
        duration=EPOCH - EPOCH,
        has_structured_content=present,
    )


def _pairs(issues: Sequence[ProtocolValidationIssue]) -> list[tuple[str, str]]:
    return [(issue.path, issue.code) for issue in issues]


class MCPValidatorSuite(ConformanceSuite[ProtocolMCPValidator, SuiteEnvironment]):
    """Checks a ``ProtocolMCPValidator``."""

    contract: ClassVar[type] = ProtocolMCPValidator

    @override
    def create_subject(
        self, env: SuiteEnvironment
    ) -> AsyncIterator[ProtocolMCPValidator]:
        """Yield the validator under test (write it as an async generator)."""
        raise NotImplementedError(f"{type(self).__qualname__}.create_subject")

    def codes(self, rule_id: str, issues: object) -> list[tuple[str, str]]:
        """Require a sequence of issues; return their ``(path, code)`` pairs."""
        if isinstance(issues, str) or not isinstance(issues, Sequence):
            raise fail(rule_id, "a sequence of issues", issues)
        found = cast("Sequence[object]", issues)
        for issue in found:
            if not isinstance(issue, ProtocolValidationIssue):
                raise fail(rule_id, "ProtocolValidationIssue items", issue)
        return _pairs(cast("Sequence[ProtocolValidationIssue]", found))

    @rule("MVA-1")
    async def test_MVA_1_valid_input_has_no_issues(
        self, subject: ProtocolMCPValidator, env: SuiteEnvironment
    ) -> None:
        """A valid tool, metadata, arguments and result: no issues."""
        schema: JsonObject = {
            "type": "object",
            "properties": {"q": {"type": "string"}, "n": {"$ref": "#/$defs/count"}},
            "required": ["q"],
            "$defs": {"count": {"type": "integer", "minimum": 0}},
        }
        tool = _tool(schema, output=OBJECT_SCHEMA)
        check_equal(
            "MVA-1",
            "issues of a valid tool",
            [],
            self.codes("MVA-1", subject.validate_tool_definition(tool)),
        )
        metadata = SubsystemMetadata(
            "kit_a", "custom", "1", "https://kit.invalid/mcp", "kit"
        )
        check_equal(
            "MVA-1",
            "issues of valid metadata",
            [],
            self.codes("MVA-1", subject.validate_subsystem_metadata(metadata)),
        )
        arguments: JsonObject = {"q": "x", "n": 3}
        check_equal(
            "MVA-1",
            "issues of valid arguments",
            [],
            self.codes("MVA-1", subject.validate_parameters(tool, arguments)),
        )
        check_equal(
            "MVA-1",
            "issues of a valid result",
            [],
            self.codes("MVA-1", subject.validate_result(tool, _result({"a": 1}))),
        )

    @rule("MVA-1", "MCT-2")
    async def test_MVA_1_wrong_typed_schemas_give_issues_not_exceptions(
        self, subject: ProtocolMCPValidator, env: SuiteEnvironment
    ) -> None:
        """Garbage inside schemas and arguments is reported, never raised."""
        garbage: list[object] = [
            None,
            5,
            "object",
            {"type": "object", "properties": {"a": 5}},
            {"type": "object", "required": [1, 2]},
            {"type": ["object", 7]},
            {"type": "object", "pattern": "("},
            {"type": "object", "$ref": 5},
        ]
        for schema in garbage:
            tool = _tool(schema)
            try:
                definition = list(subject.validate_tool_definition(tool))
                subject.validate_parameters(tool, {"a": [1, {"b": None}]})
            except Exception as error:
                raise fail(
                    "MVA-1",
                    f"issues, not an exception, for {schema!r}",
                    f"{type(error).__name__}: {error}",
                ) from error
            check(
                bool(definition),
                "MVA-1",
                f"issues for the schema {schema!r}",
                definition,
            )

    @rule("MVA-2")
    async def test_MVA_2_issues_are_ordered_segment_by_segment(
        self, subject: ProtocolMCPValidator, env: SuiteEnvironment
    ) -> None:
        """Array indices as numbers (``/a/2`` before ``/a/10``), prefixes first."""
        schema: JsonObject = {
            "type": "object",
            "properties": {
                "a": {"type": "array", "items": {"type": "integer"}},
                "b": {"type": "string", "minLength": 3},
            },
            "required": ["z"],
        }
        arguments: JsonObject = {
            "b": 5,
            "a": [0, 1, "x", 3, 4, 5, 6, 7, 8, 9, "y"],
        }
        found = self.codes(
            "MVA-2", subject.validate_parameters(_tool(schema), arguments)
        )
        expected = [
            ("/a/2", "type"),
            ("/a/10", "type"),
            ("/b", "type"),
            ("/z", "required"),
        ]
        check_equal("MVA-2", "issues in order", expected, found)

    @rule("MVA-2", "MCT-1", "MCT-2", "MVA-3")
    async def test_MVA_2_definition_issues_carry_the_listed_codes(
        self, subject: ProtocolMCPValidator, env: SuiteEnvironment
    ) -> None:
        """``name``, ``upstream_name``, ``schema`` and ``remote_ref`` at their paths."""
        base = _tool(
            {
                "type": "object",
                "properties": {"x": {"$ref": "https://kit.invalid/s.json"}},
            },
            output={"type": 5},
        )
        tool = ToolDefinition(
            name="bad name",
            description="",
            tool_type="query",
            parameters_schema=base.parameters_schema,
            idempotent=False,
            read_only=False,
            output_schema=base.output_schema,
            upstream_name="   ",
        )
        found = self.codes("MVA-2", subject.validate_tool_definition(tool))
        expected = [
            ("/name", "name"),
            ("/output_schema/type", "schema"),
            ("/parameters_schema/properties/x/$ref", "remote_ref"),
            ("/upstream_name", "upstream_name"),
        ]
        check_equal("MVA-2", "(path, code) of each issue", expected, found)
        for issue in subject.validate_tool_definition(tool):
            check(
                bool(issue.message.strip()),
                "MVA-2",
                "a message naming the value",
                issue.message,
            )

    @rule("MCT-1")
    async def test_MCT_1_names(
        self, subject: ProtocolMCPValidator, env: SuiteEnvironment
    ) -> None:
        """Tool names ``[A-Za-z0-9._-]{1,128}``; subsystem names without dots."""
        for name in ("a", "db.query", "A-b_9", "x" * 128):
            found = self.codes(
                "MCT-1",
                subject.validate_tool_definition(_tool(OBJECT_SCHEMA, name=name)),
            )
            check_equal("MCT-1", f"issues of the tool name {name!r}", [], found)
        for name in ("", "x" * 129, "look up", "a/b", "é"):
            found = self.codes(
                "MCT-1",
                subject.validate_tool_definition(_tool(OBJECT_SCHEMA, name=name)),
            )
            check_equal(
                "MCT-1", f"issues of the tool name {name!r}", [("/name", "name")], found
            )
        for name, bad in (
            ("kit_a-1", False),
            ("kit.a", True),
            ("x" * 65, True),
            ("", True),
        ):
            metadata = SubsystemMetadata(
                name, "custom", "1", "https://kit.invalid/mcp", ""
            )
            found = self.codes("MCT-1", subject.validate_subsystem_metadata(metadata))
            check_equal(
                "MCT-1",
                f"issues of the subsystem name {name!r}",
                [("/name", "name")] if bad else [],
                found,
            )

    @rule("MCT-2")
    async def test_MCT_2_invalid_schemas_are_reported(
        self, subject: ProtocolMCPValidator, env: SuiteEnvironment
    ) -> None:
        """Root not an object, misshapen keywords, unresolvable local refs."""
        cases: list[tuple[object, str]] = [
            ({"type": "string"}, "/parameters_schema"),
            ({"type": "objekt"}, "/parameters_schema/type"),
            ({"type": "object", "properties": 5}, "/parameters_schema/properties"),
            ({"type": "object", "required": "q"}, "/parameters_schema/required"),
            (
                {"type": "object", "minProperties": 1, "maxLength": -1},
                "/parameters_schema/maxLength",
            ),
            (
                {"type": "object", "properties": {"a": {"$ref": "#/$defs/none"}}},
                "/parameters_schema/properties/a/$ref",
            ),
            ({"type": "object", "anyOf": []}, "/parameters_schema/anyOf"),
        ]
        for schema, path in cases:
            found = self.codes("MCT-2", subject.validate_tool_definition(_tool(schema)))
            check(
                (path, "schema") in found,
                "MCT-2",
                f"a 'schema' issue at {path} for {schema!r}",
                found,
            )
        output = self.codes(
            "MCT-2",
            subject.validate_tool_definition(
                _tool(OBJECT_SCHEMA, output={"type": "array", "items": 3})
            ),
        )
        check_equal(
            "MCT-2",
            "issues of an output schema with a bad 'items'",
            [("/output_schema/items", "schema")],
            output,
        )
        fine = self.codes(
            "MCT-2",
            subject.validate_tool_definition(
                _tool(OBJECT_SCHEMA, output={"type": "array"})
            ),
        )
        check_equal("MCT-2", "issues of an array output schema (2026-07-28)", [], fine)

    @rule("MCT-6")
    async def test_MCT_6_the_endpoint_fits_the_transport(
        self, subject: ProtocolMCPValidator, env: SuiteEnvironment
    ) -> None:
        """HTTP needs an http(s) URL; stdio and in_process a non-blank name."""
        cases: list[tuple[MCPTransport, str, bool]] = [
            ("streamable_http", "https://kit.invalid/mcp", True),
            ("streamable_http", "ftp://kit.invalid/mcp", False),
            ("streamable_http", "kit_server", False),
            ("stdio", "python3", True),
            ("stdio", " ", False),
            ("in_process", "kit_a", True),
            ("in_process", "", False),
        ]
        for transport, endpoint, valid in cases:
            metadata = SubsystemMetadata(
                "kit_a", "custom", "1", endpoint, "", transport=transport
            )
            found = self.codes("MCT-6", subject.validate_subsystem_metadata(metadata))
            expected = [] if valid else [("/endpoint", "endpoint")]
            check_equal("MCT-6", f"issues of {transport} {endpoint!r}", expected, found)
        secret: object = "s3cr3t"
        leaky = SubsystemMetadata(
            "kit_a",
            "custom",
            "1",
            "python3",
            "",
            transport="stdio",
            credentials=cast(
                "dict[str, SecretReference]",
                {"OK": SecretReference("env:OK"), "TOKEN": secret},
            ),
        )
        found = self.codes("MCT-6", subject.validate_subsystem_metadata(leaky))
        check_equal(
            "MCT-6",
            "issues of a credential given as a str",
            [("/credentials/TOKEN", "credentials")],
            found,
        )

    @rule("MVA-3")
    async def test_MVA_3_remote_references_are_reported_not_fetched(
        self, subject: ProtocolMCPValidator, env: SuiteEnvironment
    ) -> None:
        """A ``$ref`` to another document is an issue; a local one is followed."""
        remote = _tool(
            {
                "type": "object",
                "properties": {"a": {"$ref": "https://kit.invalid/x.json#/a"}},
            }
        )
        found = self.codes("MVA-3", subject.validate_tool_definition(remote))
        check_equal(
            "MVA-3",
            "issues of a remote $ref",
            [("/parameters_schema/properties/a/$ref", "remote_ref")],
            found,
        )
        local = _tool(
            {
                "type": "object",
                "properties": {"a": {"$ref": "#/$defs/a"}},
                "$defs": {"a": {"type": "integer"}},
            }
        )
        wrong = self.codes("MVA-3", subject.validate_parameters(local, {"a": "x"}))
        check_equal("MVA-3", "issues through a local $ref", [("/a", "type")], wrong)

    @rule("MVA-4")
    async def test_MVA_4_assertion_keywords(
        self, subject: ProtocolMCPValidator, env: SuiteEnvironment
    ) -> None:
        """Each listed keyword, one failing value each, reported by its name."""
        cases: list[tuple[JsonObject, JsonValue, list[str]]] = [
            ({"enum": ["a", 1]}, "b", ["enum"]),
            ({"const": {"k": [1]}}, {"k": [2]}, ["const"]),
            (
                {"type": "object", "additionalProperties": False, "properties": {}},
                {"x": 1},
                ["x:additionalProperties"],
            ),
            (
                {"type": "object", "additionalProperties": {"type": "string"}},
                {"x": 1},
                ["x:type"],
            ),
            ({"type": "object", "required": ["r"]}, {}, ["r:required"]),
            ({"type": "array", "items": {"type": "string"}}, ["a", 2], ["1:type"]),
            ({"type": "array", "minItems": 2, "maxItems": 3}, [1], ["minItems"]),
            ({"type": "array", "maxItems": 1}, [1, 2], ["maxItems"]),
            ({"type": "number", "minimum": 2}, 1, ["minimum"]),
            ({"type": "number", "maximum": 2}, 3, ["maximum"]),
            ({"type": "number", "exclusiveMinimum": 2}, 2, ["exclusiveMinimum"]),
            ({"type": "number", "exclusiveMaximum": 2}, 2, ["exclusiveMaximum"]),
            ({"type": "string", "minLength": 3}, "ab", ["minLength"]),
            ({"type": "string", "maxLength": 2}, "日本語", ["maxLength"]),
            ({"type": "string", "pattern": "^k[0-9]+$"}, "kx", ["pattern"]),
            ({"allOf": [{"type": "string"}, {"minLength": 5}]}, "abc", ["minLength"]),
            ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, 1.5, ["anyOf"]),
            ({"oneOf": [{"type": "number"}, {"type": "integer"}]}, 3, ["oneOf"]),
            ({"not": {"type": "string"}}, "s", ["not"]),
            ({"type": "string", "maxLength": 2}, "日本", []),
            ({"type": "integer"}, 1.0, []),
            ({"type": "string", "pattern": "k"}, "okay", []),
            ({"type": "string", "format": "email", "x-kit": True}, "not an email", []),
        ]
        for schema, value, codes in cases:
            wrapped: JsonObject = {"type": "object", "properties": {"v": schema}}
            found = self.codes(
                "MVA-4", subject.validate_parameters(_tool(wrapped), {"v": value})
            )
            expected = [
                ("/v" + (f"/{c.split(':')[0]}" if ":" in c else ""), c.split(":")[-1])
                for c in codes
            ]
            check_equal(
                "MVA-4", f"issues of {value!r} against {schema!r}", expected, found
            )

    @rule("MVA-4")
    async def test_MVA_4_booleans_are_never_numbers(
        self, subject: ProtocolMCPValidator, env: SuiteEnvironment
    ) -> None:
        """``true`` is not an integer and not ``1``; ``1`` equals ``1.0``."""
        cases: list[tuple[JsonObject, JsonValue, bool]] = [
            ({"type": "integer"}, True, False),
            ({"type": "number"}, False, False),
            ({"const": 1}, True, False),
            ({"enum": [0]}, False, False),
            ({"const": True}, 1, False),
            ({"const": 1}, 1.0, True),
            ({"enum": [{"a": [1, 2]}]}, {"a": [1.0, 2]}, True),
        ]
        for schema, value, valid in cases:
            wrapped: JsonObject = {"type": "object", "properties": {"v": schema}}
            found = self.codes(
                "MVA-4", subject.validate_parameters(_tool(wrapped), {"v": value})
            )
            check_equal(
                "MVA-4", f"{value!r} against {schema!r} is valid", valid, not found
            )

    @rule("MVA-4", "MCT-4")
    async def test_MVA_4_results_are_checked_against_the_output_schema(
        self, subject: ProtocolMCPValidator, env: SuiteEnvironment
    ) -> None:
        """Missing or wrong structured content; tool errors are not checked."""
        output: JsonObject = {
            "type": "object",
            "properties": {"n": {"type": "integer"}},
            "required": ["n"],
        }
        tool = _tool(OBJECT_SCHEMA, output=output)
        check_equal(
            "MVA-4",
            "issues of a conforming result",
            [],
            self.codes("MVA-4", subject.validate_result(tool, _result({"n": 1}))),
        )
        check_equal(
            "MVA-4",
            "issues of a wrong result",
            [("/n", "type")],
            self.codes("MVA-4", subject.validate_result(tool, _result({"n": "1"}))),
        )
        check_equal(
            "MVA-4",
            "issues of a result without structured content",
            [("", "required")],
            self.codes(
                "MVA-4", subject.validate_result(tool, _result(None, present=False))
            ),
        )
        failed = _result(None, present=False)
        tool_error = ToolResult(
            execution_id=failed.execution_id,
            tool_name="t",
            subsystem_name="kit_a",
            correlation_id=failed.correlation_id,
            is_error=True,
            content=(),
            structured_content=None,
            started_at=EPOCH,
            duration=failed.duration,
        )
        check_equal(
            "MVA-4",
            "issues of a tool error",
            [],
            self.codes("MVA-4", subject.validate_result(tool, tool_error)),
        )
        untyped = _tool(OBJECT_SCHEMA)
        check_equal(
            "MVA-4",
            "issues without an output schema",
            [],
            self.codes("MVA-4", subject.validate_result(untyped, _result("anything"))),
        )
