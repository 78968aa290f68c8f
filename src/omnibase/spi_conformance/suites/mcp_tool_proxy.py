"""Conformance suite of ``ProtocolMCPToolProxy`` (MTP-1 to MTP-7, MCT-1, 3, 4, 7).

The kit serves its own MCP servers (see ``mcp_kit``) and calls their tools
through the proxy under test, with registrations it builds from what
``serve_subsystem`` returns. Besides ``create_subject``, implement
``serve_subsystem``; supply the two fault hooks to run the connection tests;
declare ``json_null_structured_content`` if your transport carries a JSON
``null`` as ``structuredContent`` (MCT-7).
"""

import asyncio
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import ClassVar, cast, override
from uuid import UUID, uuid4

from omnibase.protocols.errors import (
    DeadlineExceededError,
    NotSupportedError,
    OutcomeUnknownError,
    ResourceExhaustedError,
    UnavailableError,
)
from omnibase.protocols.mcp import ProtocolMCPToolProxy
from omnibase.protocols.types import (
    MCP_CORRELATION_META_KEY,
    JsonObject,
    JsonValue,
    ProtocolMCPContentBlock,
    ProtocolMCPProgress,
    ProtocolMCPToolDefinition,
    ProtocolMCPToolResult,
)
from omnibase.spi_conformance.reference.mcp_server import (
    ServedTool,
    answer,
    ask_for_input,
    fail_as_tool,
    hang,
    refuse,
    report_progress,
)
from omnibase.spi_conformance.reference.mcp_validator import json_equal
from omnibase.spi_conformance.reference.values import (
    ContentAnnotations,
    ContentBlock,
    HealthReport,
    SubsystemHealthCheck,
    SubsystemMetadata,
    SubsystemRegistration,
    ToolDefinition,
)
from omnibase.spi_conformance.suites._base import (
    check,
    check_equal,
    check_raises,
    rule,
)
from omnibase.spi_conformance.suites.lifecycle import Call
from omnibase.spi_conformance.suites.mcp_kit import (
    MCPKitEnvironment,
    MCPServedChecks,
    block_differences,
    kit_tool,
)

__all__ = ["MCPToolProxySuite"]

_COUNT_SCHEMA: JsonObject = {
    "type": "object",
    "properties": {"count": {"type": "integer"}},
    "required": ["count"],
}


class _Progress:
    """A progress handler that keeps what it receives."""

    def __init__(self, *, failing: bool = False) -> None:
        self.values: list[float] = []
        self.failing = failing

    async def __call__(self, progress: ProtocolMCPProgress, /) -> None:
        self.values.append(progress.progress)
        if self.failing:
            raise RuntimeError("kit handler fails on purpose")


class MCPToolProxySuite(MCPServedChecks[ProtocolMCPToolProxy]):
    """Checks a ``ProtocolMCPToolProxy`` against the kit's MCP servers."""

    contract: ClassVar[type] = ProtocolMCPToolProxy
    OPTIONAL_CAPABILITIES: ClassVar[Mapping[str, str]] = {
        "json_null_structured_content": "a JSON null structuredContent reaches "
        "the proxy as such (MCT-7); the MCP Python SDK 2.3.0's server drops it"
    }

    @override
    def calls_after_close(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> Mapping[str, Call]:
        """``call_tool`` after ``aclose`` (LC-3)."""
        registration = SubsystemRegistration(
            registration_id=uuid4(),
            subsystem=SubsystemMetadata(
                "kit_closed", "custom", "1", "kit_closed", "", transport="in_process"
            ),
            tools=(cast("ToolDefinition", kit_tool("t").definition),),
            configuration={},
            health=HealthReport("passing", env.clock()),
            registered_at=env.clock(),
        )
        return {"call_tool": lambda: subject.call_tool(registration, "t", {}, uuid4())}

    async def served(
        self,
        subject: ProtocolMCPToolProxy,
        env: MCPKitEnvironment,
        name: str,
        tools: Sequence[ServedTool],
        *,
        registered: Sequence[ProtocolMCPToolDefinition] | None = None,
    ) -> SubsystemRegistration:
        """Serve a kit server and return a registration that reaches it."""
        metadata = await self.serve(subject, env, name, tools)
        definitions = (
            [tool.definition for tool in tools] if registered is None else registered
        )
        return SubsystemRegistration(
            registration_id=uuid4(),
            subsystem=metadata,
            tools=tuple(cast("Sequence[ToolDefinition]", definitions)),
            configuration={},
            health=HealthReport("passing", env.clock()),
            registered_at=env.clock(),
            health_check=SubsystemHealthCheck(
                timedelta(seconds=30), timedelta(seconds=60)
            ),
        )

    async def call(
        self,
        subject: ProtocolMCPToolProxy,
        env: MCPKitEnvironment,
        behaviour_tool: ServedTool,
        *,
        correlation_id: UUID | None = None,
        timeout: timedelta | None = None,
        progress: _Progress | None = None,
    ) -> ProtocolMCPToolResult:
        """Serve one tool on ``kit_a`` and call it once."""
        registration = await self.served(subject, env, "kit_a", [behaviour_tool])
        return await subject.call_tool(
            registration,
            behaviour_tool.definition.name,
            {},
            correlation_id or uuid4(),
            timeout=timeout,
            progress_handler=progress,
        )

    # --- MTP-1, MCT-3 --------------------------------------------------------------

    @rule("MTP-1")
    async def test_MTP_1_a_tool_that_ran_returns_its_result(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        """Content, structured content and identity of an answer."""
        correlation_id = uuid4()
        result = await self.call(
            subject,
            env,
            kit_tool("t", answer("kit answer", structured={"count": 2})),
            correlation_id=correlation_id,
        )
        check_equal("MTP-1", "is_error", False, result.is_error)
        check_equal("MTP-1", "tool_name", "t", result.tool_name)
        check_equal("MTP-1", "subsystem_name", "kit_a", result.subsystem_name)
        check_equal("MTP-1", "attempts", 1, result.attempts)
        texts = [block.text for block in result.content]
        check_equal("MTP-1", "the text blocks", ["kit answer"], texts)
        check(
            json_equal(result.structured_content, {"count": 2}),
            "MTP-1",
            "structured_content {'count': 2}",
            result.structured_content,
        )

    @rule("MTP-1", "MCT-3")
    async def test_MTP_1_a_tool_error_is_a_result(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        """``isError`` is returned, not raised."""
        result = await self.call(
            subject, env, kit_tool("t", fail_as_tool("kit says no"))
        )
        check_equal("MTP-1", "is_error", True, result.is_error)
        check_equal(
            "MTP-1", "the text", ["kit says no"], [b.text for b in result.content]
        )

    @rule("MTP-1")
    async def test_MTP_1_an_output_schema_violation_is_a_tool_error(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        """Wrong or missing structured content: a result with ``is_error``."""
        for behaviour in (answer(structured={"count": "many"}), answer("no structure")):
            tool = kit_tool("t", behaviour, output_schema=_COUNT_SCHEMA)
            result = await self.call(subject, env, tool)
            check_equal(
                "MTP-1",
                "is_error of a result breaking its schema",
                True,
                result.is_error,
            )

    # --- MTP-2 --------------------------------------------------------------------

    @rule("MTP-2")
    async def test_MTP_2_a_tool_the_server_does_not_list_is_unavailable(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        """The server's ``isError`` answer to an unknown tool is no result."""
        registration = await self.served(
            subject,
            env,
            "kit_a",
            [kit_tool("other")],
            registered=[kit_tool("t").definition],
        )
        await check_raises(
            "MTP-2",
            UnavailableError,
            subject.call_tool(registration, "t", {}, uuid4()),
            doing="call_tool of a tool the server does not list",
        )
        check_equal(
            "MTP-2",
            "tools/call requests reaching the server",
            0,
            len(env.servers["kit_a"].calls),
        )

    @rule("MTP-2")
    async def test_MTP_2_a_refused_connection_is_unavailable(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        """Nothing sent: UnavailableError."""
        self.require_hook("fault_refuse_connections")
        registration = await self.served(subject, env, "kit_a", [kit_tool("t")])
        await self.fault_refuse_connections(subject, env, "kit_a")
        await check_raises(
            "MTP-2",
            UnavailableError,
            subject.call_tool(registration, "t", {}, uuid4()),
            doing="call_tool of an unreachable server",
        )

    @rule("MTP-2")
    async def test_MTP_2_a_connection_lost_after_sending_is_outcome_unknown(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        """Sent, then the connection broke: OutcomeUnknownError."""
        self.require_hook("fault_break_connections")
        registration = await self.served(subject, env, "kit_a", [kit_tool("t", hang())])
        task = asyncio.ensure_future(subject.call_tool(registration, "t", {}, uuid4()))
        await self.wait_for_call(env, "kit_a")
        await self.fault_break_connections(subject, env, "kit_a")
        await check_raises(
            "MTP-2", OutcomeUnknownError, task, doing="call_tool whose connection broke"
        )

    @rule("MTP-2")
    async def test_MTP_2_error_replies_map_by_their_code(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        """-32601/-32602/-32005 not run; -32008 throttled; others unknown."""
        codes: list[tuple[int, type[Exception]]] = [
            (-32601, UnavailableError),
            (-32602, UnavailableError),
            (-32005, UnavailableError),
            (-32603, OutcomeUnknownError),
            (-32099, OutcomeUnknownError),
            (-32008, ResourceExhaustedError),
        ]
        tools = [
            kit_tool(f"code{-code}", refuse(code, "kit refusal", {"retry_after": 2}))
            for code, _ in codes
        ]
        registration = await self.served(subject, env, "kit_a", tools)
        for (code, error_type), tool in zip(codes, tools, strict=True):
            error = await check_raises(
                "MTP-2",
                error_type,
                subject.call_tool(registration, tool.definition.name, {}, uuid4()),
                doing=f"call_tool answered by a JSON-RPC error {code}",
            )
            if isinstance(error, ResourceExhaustedError):
                check_equal(
                    "MTP-2", "retry_after", timedelta(seconds=2), error.retry_after
                )

    @rule("MTP-2")
    async def test_MTP_2_the_timeout_raises_deadline_exceeded(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        """A call that does not answer within ``timeout``."""
        await check_raises(
            "MTP-2",
            DeadlineExceededError,
            self.call(subject, env, kit_tool("t", hang()), timeout=self.short_timeout),
            doing="call_tool of a hung tool with a short timeout",
        )

    # --- MTP-3 ----------------------------------------------------------------------

    @rule("MTP-3", "MPR-1")
    async def test_MTP_3_progress_increases_and_stops_with_the_call(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        """Sent 1, 3, 2, 4 then 5 after the answer: the handler gets 1, 3, 4."""
        progress = _Progress()
        tool = kit_tool("t", report_progress([1, 3, 2, 4], total=4, late=[5]))
        await self.call(subject, env, tool, progress=progress)
        call = env.servers["kit_a"].calls[0]
        call.send_late.set()
        await asyncio.wait_for(
            call.late_progress_sent.wait(), self.eventually_within.total_seconds()
        )
        for _ in range(3):
            await asyncio.sleep(0)
        check_equal("MTP-3", "progress delivered", [1, 3, 4], progress.values)

    @rule("MTP-3")
    async def test_MTP_3_a_failing_handler_never_fails_the_call(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        """The handler raising is ignored."""
        progress = _Progress(failing=True)
        result = await self.call(
            subject, env, kit_tool("t", report_progress([1, 2])), progress=progress
        )
        check_equal("MTP-3", "is_error", False, result.is_error)

    # --- MTP-4, MTP-5, MTP-6 ----------------------------------------------------------

    @rule("MTP-4")
    async def test_MTP_4_cancelling_cancels_the_server_call(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        """CancelledError re-raised; the server's call is cancelled."""
        registration = await self.served(subject, env, "kit_a", [kit_tool("t", hang())])
        task = asyncio.ensure_future(subject.call_tool(registration, "t", {}, uuid4()))
        call = await self.wait_for_call(env, "kit_a")
        await self.check_cancellation_reaches_server("MTP-4", task, call)

    @rule("MTP-5")
    async def test_MTP_5_a_request_for_input_is_not_supported(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        """The SPI carries no input requests."""
        await check_raises(
            "MTP-5",
            NotSupportedError,
            self.call(subject, env, kit_tool("t", ask_for_input())),
            doing="call_tool of a tool asking for input",
        )

    @rule("MTP-6", "T-7")
    async def test_MTP_6_the_correlation_id_travels_in_meta(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        """``_meta[MCP_CORRELATION_META_KEY]`` is the id's canonical text."""
        correlation_id = uuid4()
        result = await self.call(
            subject, env, kit_tool("t"), correlation_id=correlation_id
        )
        meta = env.servers["kit_a"].calls[0].meta
        check_equal(
            "MTP-6",
            f"_meta[{MCP_CORRELATION_META_KEY!r}]",
            str(correlation_id),
            meta.get(MCP_CORRELATION_META_KEY),
        )
        check_equal(
            "T-7", "the result's correlation_id", correlation_id, result.correlation_id
        )

    # --- MTP-7, MCT-4, MCT-7, MCT-1 ------------------------------------------------

    @rule("MTP-7")
    async def test_MTP_7_content_blocks_are_kept_whole(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        """Every kind of block, every member, in order."""
        when = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
        blocks: list[ProtocolMCPContentBlock] = [
            ContentBlock(
                "text",
                text="héllo",
                annotations=ContentAnnotations(("user", "assistant"), 0.5, when),
                meta={"kit.test/n": 1},
            ),
            ContentBlock("image", data=b"\x89PNG\x00kit", mime_type="image/png"),
            ContentBlock("audio", data=b"RIFF\x01", mime_type="audio/wav"),
            ContentBlock(
                "resource_link",
                uri="file:///kit/report.txt",
                name="report.txt",
                title="Kit report",
                description="what the kit found",
                mime_type="text/plain",
                size=1234,
            ),
            ContentBlock(
                "resource",
                uri="file:///kit/a.txt",
                text="inline",
                mime_type="text/plain",
            ),
            ContentBlock(
                "resource",
                uri="file:///kit/b.bin",
                data=b"\x00\x01",
                mime_type="application/octet-stream",
            ),
        ]
        result = await self.call(subject, env, kit_tool("t", answer(content=blocks)))
        check_equal("MTP-7", "number of blocks", len(blocks), len(result.content))
        for index, (sent, kept) in enumerate(zip(blocks, result.content, strict=True)):
            differences = block_differences(sent, kept)
            check(not differences, "MTP-7", f"block {index} as sent", differences)

    @rule("MCT-4")
    async def test_MCT_4_absent_and_present_structured_content_differ(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        """No ``structuredContent`` vs falsy and nested-null values."""
        values: list[JsonValue] = [0, False, "", [], {}, [1, None, {"a": None}]]
        tools = [kit_tool("absent", answer("no structure"))] + [
            kit_tool(f"v{index}", answer(structured=value, has_structured=True))
            for index, value in enumerate(values)
        ]
        registration = await self.served(subject, env, "kit_a", tools)
        absent = await subject.call_tool(registration, "absent", {}, uuid4())
        check_equal(
            "MCT-4",
            "has_structured_content without it",
            False,
            absent.has_structured_content,
        )
        check_equal(
            "MCT-4", "structured_content without it", None, absent.structured_content
        )
        for index, value in enumerate(values):
            result = await subject.call_tool(registration, f"v{index}", {}, uuid4())
            check_equal(
                "MCT-4",
                f"has_structured_content of {value!r}",
                True,
                result.has_structured_content,
            )
            check(
                json_equal(result.structured_content, value),
                "MCT-4",
                f"structured_content {value!r} exactly",
                result.structured_content,
            )

    @rule("MCT-7", capability="json_null_structured_content")
    async def test_MCT_7_a_null_structured_content_is_present(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        """A JSON ``null`` sent as ``structuredContent`` is not "absent"."""
        result = await self.call(
            subject, env, kit_tool("t", answer(structured=None, has_structured=True))
        )
        check_equal(
            "MCT-7", "has_structured_content", True, result.has_structured_content
        )
        check_equal("MCT-7", "structured_content", None, result.structured_content)

    @rule("MCT-1")
    async def test_MCT_1_the_proxy_calls_the_upstream_name(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        """A tool registered as ``lookup`` is called as the server's ``look up/v1``."""
        result = await self.call(
            subject, env, kit_tool("lookup", upstream_name="look up/v1")
        )
        check_equal("MCT-1", "the result's tool_name", "lookup", result.tool_name)
        check_equal(
            "MCT-1",
            "the name the server got",
            "look up/v1",
            env.servers["kit_a"].calls[0].tool_name,
        )
