"""Conformance suite of ``ProtocolMCPRegistry`` (MCR-1 to MCR-16, MCT, MPR-1).

The kit registers its own MCP servers (see ``mcp_kit``) with the registry
under test and runs their tools through it. Besides ``create_subject``,
implement ``serve_subsystem``; supply the two fault hooks to run the failover
tests; declare ``monitor`` and implement ``monitor_of`` if the registry
records attempts with a monitor.

``create_subject`` must build a registry that accepts both keys of
``env.api_keys`` (as two principals, MCR-2) and refuses any other, and whose
proxy reaches the servers ``serve_subsystem`` sets up. Wire ``env.clock``
into it and set ``clock_wired = True`` to run the TTL tests without waiting;
otherwise lower ``ttl`` and ``grace`` to durations you can wait for.
"""

import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import ClassVar, cast, override
from uuid import UUID, uuid4

from omnibase.protocols.errors import (
    AlreadyRegisteredError,
    AuthenticationError,
    DeadlineExceededError,
    InvalidInputError,
    NotFoundError,
    NotSupportedError,
    OutcomeUnknownError,
    ResourceExhaustedError,
    UnavailableError,
)
from omnibase.protocols.mcp import ProtocolMCPMonitor, ProtocolMCPRegistry
from omnibase.protocols.types import (
    MCP_CORRELATION_META_KEY,
    HealthStatus,
    JsonObject,
    MCPSubsystemType,
    MCPToolType,
    ProtocolMCPProgress,
    ProtocolMCPSubsystemMetadata,
    ProtocolMCPToolChange,
    ProtocolMCPToolDefinition,
    ProtocolMCPToolListing,
    ProtocolMCPToolResult,
    ProtocolSecretReference,
    ProtocolSecretValue,
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
    Icon,
    SecretReference,
    SubsystemHealthCheck,
    SubsystemMetadata,
    ToolAnnotations,
    ToolDefinition,
)
from omnibase.spi_conformance.suites._base import (
    check,
    check_equal,
    check_raises,
    fail,
    rule,
)
from omnibase.spi_conformance.suites.lifecycle import Call
from omnibase.spi_conformance.suites.mcp_kit import (
    ACCEPTED_KEYS,
    OBJECT_SCHEMA,
    REFUSED_KEY,
    MCPKitEnvironment,
    MCPServedChecks,
    kit_tool,
    tool_differences,
)

__all__ = ["MCPRegistrySuite"]

_QUERY_SCHEMA: JsonObject = {
    "type": "object",
    "properties": {"query": {"type": "string"}},
    "required": ["query"],
}


class _Changes:
    """A tool-change handler that keeps what it receives (MCR-13)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, UUID]] = []

    async def __call__(self, change: ProtocolMCPToolChange, /) -> None:
        self.seen.append((change.change, change.subsystem_name, change.registration_id))


class _Progress:
    """A progress handler that keeps the values it receives (MPR-1)."""

    def __init__(self) -> None:
        self.values: list[float] = []

    async def __call__(self, progress: ProtocolMCPProgress, /) -> None:
        self.values.append(progress.progress)


class _Records(logging.Handler):
    """Keeps every log record, for MCR-11."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    @override
    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class MCPRegistrySuite(MCPServedChecks[ProtocolMCPRegistry]):
    """Checks a ``ProtocolMCPRegistry`` against the kit's MCP servers.

    Attributes:
        ttl: The TTL the kit registers subsystems with (MCR-3).
        grace: The grace period the kit registers subsystems with (MCR-3).
    """

    contract: ClassVar[type] = ProtocolMCPRegistry
    OPTIONAL_CAPABILITIES: ClassVar[Mapping[str, str]] = {
        "monitor": "the registry records every attempt with a ProtocolMCPMonitor "
        "(MCR-15); implement monitor_of"
    }
    ttl: ClassVar[timedelta] = timedelta(seconds=30)
    grace: ClassVar[timedelta] = timedelta(seconds=60)

    def monitor_of(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> ProtocolMCPMonitor:
        """Return the monitor the registry records with (capability ``monitor``).

        Args:
            subject: The registry under test.
            env: The test's environment.

        Returns:
            Its monitor.
        """
        raise NotImplementedError(f"{type(self).__qualname__}.monitor_of")

    @override
    def calls_after_close(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> Mapping[str, Call]:
        """Every registry method after ``aclose`` (LC-3)."""
        key = env.api_keys[0]
        metadata = SubsystemMetadata("kit_closed", "custom", "1", "kit", "closed")

        async def strategy() -> object:
            return subject.balancing_strategy()

        async def ignore(change: ProtocolMCPToolChange, /) -> None:
            del change

        return {
            "register_subsystem": lambda: subject.register_subsystem(
                metadata, [kit_tool("t").definition], key
            ),
            "unregister_subsystem": lambda: subject.unregister_subsystem(uuid4(), key),
            "heartbeat": lambda: subject.heartbeat(uuid4(), key),
            "get_subsystem": lambda: subject.get_subsystem(uuid4()),
            "list_subsystems": subject.list_subsystems,
            "list_tools": subject.list_tools,
            "subscribe_tool_changes": lambda: subject.subscribe_tool_changes(ignore),
            "balancing_strategy": strategy,
            "execute_tool": lambda: subject.execute_tool("t", {}, uuid4()),
        }

    # --- helpers ------------------------------------------------------------------

    def health_check(self) -> SubsystemHealthCheck:
        """The TTL and grace the kit registers with."""
        return SubsystemHealthCheck(self.ttl, self.grace)

    async def start(
        self,
        subject: ProtocolMCPRegistry,
        env: MCPKitEnvironment,
        name: str,
        tools: Sequence[ServedTool],
        *,
        registered: Sequence[ProtocolMCPToolDefinition] | None = None,
        key: int = 0,
        status: HealthStatus | None = "passing",
        subsystem_type: MCPSubsystemType = "custom",
    ) -> UUID:
        """Serve, register and (unless ``status`` is ``None``) heartbeat a subsystem.

        Args:
            subject: The registry.
            env: The test's environment.
            name: Subsystem name.
            tools: What its server serves.
            registered: What to register, if not the served tools.
            key: Which of ``env.api_keys`` registers it.
            status: The first heartbeat's status; ``None`` for none.
            subsystem_type: Its type.

        Returns:
            The registration id.
        """
        metadata = await self.serve(subject, env, name, tools)
        if subsystem_type != metadata.subsystem_type:
            metadata = SubsystemMetadata(
                name=metadata.name,
                subsystem_type=subsystem_type,
                version=metadata.version,
                endpoint=metadata.endpoint,
                description=metadata.description,
                labels=metadata.labels,
                transport=metadata.transport,
                arguments=metadata.arguments,
                credentials=metadata.credentials,
            )
        definitions = (
            [tool.definition for tool in tools] if registered is None else registered
        )
        registration_id = await subject.register_subsystem(
            metadata, definitions, env.api_keys[key], health_check=self.health_check()
        )
        if status is not None:
            await subject.heartbeat(registration_id, env.api_keys[key], status=status)
        return registration_id

    async def all_tools(
        self,
        subject: ProtocolMCPRegistry,
        *,
        tool_type: MCPToolType | None = None,
        subsystem_name: str | None = None,
    ) -> list[ProtocolMCPToolListing]:
        """Walk every page of ``list_tools`` (PG-1)."""
        listings: list[ProtocolMCPToolListing] = []
        cursor: str | None = None
        for _ in range(1000):
            page = await subject.list_tools(
                tool_type=tool_type,
                subsystem_name=subsystem_name,
                cursor=cursor,
                limit=4,
            )
            listings.extend(page.items)
            cursor = page.next_cursor
            if cursor is None:
                return listings
        raise fail("PG-1", "a last page within 1000 pages", "a listing without end")

    def calls(self, env: MCPKitEnvironment, name: str) -> int:
        """How many calls the kit server ``name`` received."""
        return len(env.servers[name].calls)

    async def served_by(
        self,
        subject: ProtocolMCPRegistry,
        tool: str,
        *,
        preferred_subsystem: str | None = None,
        subsystem: str | None = None,
        timeout: timedelta | None = None,
        attempt_timeout: timedelta | None = None,
    ) -> ProtocolMCPToolResult:
        """Execute ``tool`` with no arguments."""
        return await subject.execute_tool(
            tool,
            {},
            uuid4(),
            preferred_subsystem=preferred_subsystem,
            subsystem=subsystem,
            timeout=timeout,
            attempt_timeout=attempt_timeout,
        )

    # --- MCR-1, MCT-1, MCT-2, MCT-6, T-4, ERR-1 ----------------------------------

    @rule("MCR-1")
    async def test_MCR_1_a_refused_key_is_checked_first(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """A refused key is reported even when the tools are invalid too."""
        metadata = await self.serve(subject, env, "kit_a", [])
        bad = kit_tool("not a name").definition
        await check_raises(
            "MCR-1",
            AuthenticationError,
            subject.register_subsystem(metadata, [bad], env.refused_key),
            doing="register_subsystem with a refused key and an invalid tool",
        )
        page = await subject.list_subsystems()
        check_equal(
            "MCR-1", "subsystems after a refused registration", 0, len(page.items)
        )

    @rule("MCR-1", "MCT-1")
    async def test_MCR_1_one_invalid_tool_stores_nothing(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """A registration with one invalid tool is refused whole."""
        metadata = await self.serve(subject, env, "kit_a", [])
        tools = [kit_tool("good").definition, kit_tool("bad name").definition]
        await check_raises(
            "MCR-1",
            InvalidInputError,
            subject.register_subsystem(metadata, tools, env.api_keys[0]),
            doing="register_subsystem with one tool name breaking MCT-1",
        )
        check_equal(
            "MCR-1",
            "subsystems stored",
            0,
            len((await subject.list_subsystems()).items),
        )
        check_equal("MCR-1", "tools stored", 0, len((await subject.list_tools()).items))

    @rule("MCR-1")
    async def test_MCR_1_duplicate_tool_names_are_refused(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Two tools of one name in one registration are refused."""
        metadata = await self.serve(subject, env, "kit_a", [])
        tools = [kit_tool("twice").definition, kit_tool("twice").definition]
        await check_raises(
            "MCR-1",
            InvalidInputError,
            subject.register_subsystem(metadata, tools, env.api_keys[0]),
            doing="register_subsystem with two tools named 'twice'",
        )

    @rule("MCR-1", "MCT-5")
    async def test_MCR_1_a_registration_is_kept_as_given(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Every member of the metadata and of every tool comes back equal."""
        rich = ToolDefinition(
            name="lookup",
            description="looks things up",
            tool_type="query",
            parameters_schema=_QUERY_SCHEMA,
            idempotent=True,
            read_only=True,
            title="Lookup",
            output_schema={
                "type": "object",
                "properties": {"hits": {"type": "integer"}},
            },
            timeout=timedelta(seconds=7),
            upstream_name="look up",
            version="2.1",
            annotations=ToolAnnotations("Look up", True, False, True, False),
            icons=(Icon("https://kit.invalid/i.png", "image/png", ("48x48",), "dark"),),
            meta={"kit.test/origin": "suite", "weights": [1, 0.5, None]},
            task_support="optional",
        )
        plain = kit_tool("plain").definition
        metadata = await self.serve(subject, env, "kit_a", [])
        registration_id = await subject.register_subsystem(
            metadata,
            [rich, plain],
            env.api_keys[0],
            configuration={"region": "eu", "limits": {"rps": 5}},
            health_check=self.health_check(),
        )
        stored = await subject.get_subsystem(registration_id)
        check_equal("MCR-1", "registration_id", registration_id, stored.registration_id)
        got = {tool.name: tool for tool in stored.tools}
        check_equal("MCR-1", "tool names", ["lookup", "plain"], sorted(got))
        for expected in (rich, plain):
            differences = tool_differences(expected, got[expected.name])
            check(
                not differences,
                "MCR-1",
                f"{expected.name!r} as registered",
                differences,
            )
        self.check_metadata("MCR-1", metadata, stored.subsystem)
        check(
            json_equal(stored.configuration, {"region": "eu", "limits": {"rps": 5}}),
            "MCR-1",
            "the configuration as registered",
            stored.configuration,
        )
        check_equal(
            "MCR-1",
            "health_check (ttl, grace)",
            (self.ttl, self.grace),
            (stored.health_check.ttl, stored.health_check.deregister_critical_after),
        )

    def check_metadata(
        self,
        rule_id: str,
        expected: ProtocolMCPSubsystemMetadata,
        actual: ProtocolMCPSubsystemMetadata,
    ) -> None:
        """Require every member of ``actual`` to equal ``expected``'s."""
        members = ("name", "subsystem_type", "version", "transport", "endpoint")
        for member in (*members, "description"):
            check_equal(
                rule_id, member, getattr(expected, member), getattr(actual, member)
            )
        check_equal(
            rule_id, "arguments", list(expected.arguments), list(actual.arguments)
        )
        check_equal(rule_id, "labels", dict(expected.labels), dict(actual.labels))
        check_equal(
            rule_id,
            "credentials",
            {k: v.uri for k, v in expected.credentials.items()},
            {k: v.uri for k, v in actual.credentials.items()},
        )

    @rule("MCT-2", "MCR-1")
    async def test_MCT_2_an_invalid_schema_is_refused(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Invalid parameters or output schemas are refused; nothing is stored."""
        metadata = await self.serve(subject, env, "kit_a", [])
        invalid: list[ProtocolMCPToolDefinition] = [
            kit_tool("a", schema={"type": "string"}).definition,
            kit_tool("b", schema={"type": "object", "properties": 5}).definition,
            kit_tool("c", schema={"type": "object", "required": "query"}).definition,
            kit_tool("d", schema={"type": "objekt"}).definition,
            kit_tool("e", output_schema={"type": "object", "minLength": -1}).definition,
        ]
        for tool in invalid:
            await check_raises(
                "MCT-2",
                InvalidInputError,
                subject.register_subsystem(metadata, [tool], env.api_keys[0]),
                doing=f"register_subsystem with the schema of {tool.name!r} "
                f"{tool.parameters_schema!r} / {tool.output_schema!r}",
            )
        check_equal(
            "MCT-2",
            "subsystems stored",
            0,
            len((await subject.list_subsystems()).items),
        )

    @rule("MCT-1", "MCR-1")
    async def test_MCT_1_bad_names_are_refused(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Tool names outside ``[A-Za-z0-9._-]{1,128}``, subsystem names with a dot."""
        metadata = await self.serve(subject, env, "kit_a", [])
        for name in ("look up", "", "x" * 129, "tool/1", "ünï"):
            await check_raises(
                "MCT-1",
                InvalidInputError,
                subject.register_subsystem(
                    metadata, [kit_tool(name).definition], env.api_keys[0]
                ),
                doing=f"register_subsystem of a tool named {name!r}",
            )
        dotted = SubsystemMetadata(
            "kit.a",
            "custom",
            "1",
            metadata.endpoint,
            "dotted",
            transport=metadata.transport,
        )
        await check_raises(
            "MCT-1",
            InvalidInputError,
            subject.register_subsystem(
                dotted, [kit_tool("t").definition], env.api_keys[0]
            ),
            doing="register_subsystem of a subsystem named 'kit.a'",
        )

    @rule("MCT-1")
    async def test_MCT_1_an_alias_calls_the_server_by_its_own_name(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """A tool registered as ``lookup`` for the server's ``look up/v1``."""
        await self.start(
            subject, env, "kit_a", [kit_tool("lookup", upstream_name="look up/v1")]
        )
        result = await self.served_by(subject, "lookup")
        check_equal("MCT-1", "the result's tool_name", "lookup", result.tool_name)
        check_equal(
            "MCT-1",
            "the name the server was called with",
            "look up/v1",
            env.servers["kit_a"].calls[0].tool_name,
        )

    @rule("MCT-6")
    async def test_MCT_6_credentials_are_kept_as_references(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Credentials come back as the same references, never resolved."""
        served = await self.serve(subject, env, "kit_a", [])
        credentials = dict(served.credentials)
        credentials["X-Kit-Token"] = SecretReference("env:KIT_TOKEN_NOT_SET")
        metadata = SubsystemMetadata(
            served.name,
            served.subsystem_type,
            served.version,
            served.endpoint,
            served.description,
            transport=served.transport,
            arguments=served.arguments,
            credentials=credentials,
        )
        registration_id = await subject.register_subsystem(
            metadata, [kit_tool("t").definition], env.api_keys[0]
        )
        stored = (await subject.get_subsystem(registration_id)).subsystem.credentials
        reference = stored.get("X-Kit-Token")
        if not isinstance(cast("object", reference), ProtocolSecretReference):
            raise fail(
                "MCT-6", "a ProtocolSecretReference under 'X-Kit-Token'", reference
            )
        check_equal(
            "MCT-6",
            "the reference's uri",
            "env:KIT_TOKEN_NOT_SET",
            cast("ProtocolSecretReference", reference).uri,
        )

    @rule("T-4")
    async def test_T_4_the_registry_copies_what_it_keeps(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Mutating the caller's schema and labels afterwards changes nothing stored."""
        schema: dict[str, object] = {
            "type": "object",
            "properties": {"query": {"type": "string"}},
            "required": ["query"],
        }
        labels = {"team": "kit"}
        served = await self.serve(subject, env, "kit_a", [])
        metadata = SubsystemMetadata(
            served.name,
            "custom",
            "1",
            served.endpoint,
            "kit",
            labels=labels,
            transport=served.transport,
            arguments=served.arguments,
            credentials=served.credentials,
        )
        tool = kit_tool("t", schema=cast("JsonObject", schema)).definition
        registration_id = await subject.register_subsystem(
            metadata, [tool], env.api_keys[0]
        )
        cast("dict[str, object]", schema["properties"])["query"] = {"type": "integer"}
        cast("list[str]", schema["required"]).append("extra")
        labels["team"] = "changed"
        stored = await subject.get_subsystem(registration_id)
        check(
            json_equal(stored.tools[0].parameters_schema, _QUERY_SCHEMA),
            "T-4",
            "the schema as it was registered",
            stored.tools[0].parameters_schema,
        )
        check_equal("T-4", "labels", {"team": "kit"}, dict(stored.subsystem.labels))

    @rule("ERR-1", "MCR-1")
    async def test_ERR_1_a_plain_string_key_is_invalid_input(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """An accepted key passed as a bare ``str`` is refused, never accepted."""
        metadata = await self.serve(subject, env, "kit_a", [])
        plain: object = ACCEPTED_KEYS[0]
        await check_raises(
            "ERR-1",
            InvalidInputError,
            subject.register_subsystem(
                metadata, [kit_tool("t").definition], cast("ProtocolSecretValue", plain)
            ),
            doing="register_subsystem with the key as a plain str",
        )
        check_equal(
            "ERR-1",
            "subsystems stored",
            0,
            len((await subject.list_subsystems()).items),
        )

    # --- MCR-2 -------------------------------------------------------------------

    @rule("MCR-2")
    async def test_MCR_2_registering_again_keeps_the_id_and_health(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """The same key re-registers: same id, current health, new tools."""
        first = await self.start(
            subject, env, "kit_a", [kit_tool("old")], status="warning"
        )
        metadata = await self.serve(subject, env, "kit_a", [kit_tool("new")])
        again = await subject.register_subsystem(
            metadata,
            [kit_tool("new").definition],
            env.api_keys[0],
            health_check=self.health_check(),
        )
        check_equal("MCR-2", "the registration id", first, again)
        stored = await subject.get_subsystem(first)
        check_equal("MCR-2", "the health kept", "warning", stored.health.status)
        check_equal(
            "MCR-2", "the tools replaced", ["new"], [t.name for t in stored.tools]
        )

    @rule("MCR-2")
    async def test_MCR_2_another_key_cannot_take_a_name(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """A second principal cannot re-register (hijack) a subsystem."""
        registration_id = await self.start(subject, env, "kit_a", [kit_tool("mine")])
        metadata = await self.serve(subject, env, "kit_a", [kit_tool("theirs")])
        await check_raises(
            "MCR-2",
            AuthenticationError,
            subject.register_subsystem(
                metadata, [kit_tool("theirs").definition], env.api_keys[1]
            ),
            doing="register_subsystem of 'kit_a' with the other accepted key",
        )
        stored = await subject.get_subsystem(registration_id)
        check_equal("MCR-2", "the tools kept", ["mine"], [t.name for t in stored.tools])

    @rule("MCR-2")
    async def test_MCR_2_heartbeat_and_unregister_need_the_registering_key(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Only the registering key may heartbeat or unregister."""
        registration_id = await self.start(subject, env, "kit_a", [kit_tool("t")])
        for key, which in (
            (env.api_keys[1], "the other key"),
            (env.refused_key, "a refused key"),
        ):
            await check_raises(
                "MCR-2",
                AuthenticationError,
                subject.heartbeat(registration_id, key, status="critical"),
                doing=f"heartbeat with {which}",
            )
            await check_raises(
                "MCR-2",
                AuthenticationError,
                subject.unregister_subsystem(registration_id, key),
                doing=f"unregister_subsystem with {which}",
            )
        stored = await subject.get_subsystem(registration_id)
        check_equal(
            "MCR-2",
            "the health after refused heartbeats",
            "passing",
            stored.health.status,
        )
        removed = await subject.unregister_subsystem(registration_id, env.api_keys[0])
        check_equal("MCR-2", "unregister by the registering key", True, removed)
        again = await subject.unregister_subsystem(registration_id, env.api_keys[0])
        check_equal("MCR-2", "a second unregister", False, again)

    # --- MCR-3, HLT-1 ---------------------------------------------------------------

    @rule("MCR-3")
    async def test_MCR_3_critical_until_the_first_heartbeat(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """A new subsystem is critical; a heartbeat sets its status and note."""
        registration_id = await self.start(
            subject, env, "kit_a", [kit_tool("t")], status=None
        )
        check_equal(
            "MCR-3",
            "status before any heartbeat",
            "critical",
            (await subject.get_subsystem(registration_id)).health.status,
        )
        await subject.heartbeat(
            registration_id, env.api_keys[0], status="warning", note="kit note"
        )
        health = (await subject.get_subsystem(registration_id)).health
        check_equal("MCR-3", "status after the heartbeat", "warning", health.status)
        check_equal("MCR-3", "the heartbeat's note", "kit note", health.message)

    @rule("MCR-3")
    async def test_MCR_3_a_missed_ttl_is_critical_then_removed(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """No heartbeat for the TTL: critical; after the grace period: gone."""
        registration_id = await self.start(subject, env, "kit_a", [kit_tool("t")])
        await self.advance_time(env, self.ttl / 2)
        check_equal(
            "MCR-3",
            "status within the TTL",
            "passing",
            (await subject.get_subsystem(registration_id)).health.status,
        )
        await self.advance_time(env, self.ttl)

        async def critical() -> None:
            health = (await subject.get_subsystem(registration_id)).health
            check_equal("MCR-3", "status after a missed TTL", "critical", health.status)

        await self.eventually(critical)
        await self.advance_time(env, self.grace)

        async def removed() -> None:
            await check_raises(
                "MCR-3",
                NotFoundError,
                subject.get_subsystem(registration_id),
                doing="get_subsystem after the grace period",
            )

        await self.eventually(removed)
        check_equal(
            "MCR-3",
            "tools listed after removal",
            0,
            len((await subject.list_tools()).items),
        )
        await check_raises(
            "MCR-3",
            NotFoundError,
            subject.heartbeat(registration_id, env.api_keys[0]),
            doing="heartbeat after removal",
        )

    @rule("MCR-3")
    async def test_MCR_3_never_heartbeating_is_removed_after_the_grace_period(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Critical from registration, so removed after the grace period."""
        registration_id = await self.start(
            subject, env, "kit_a", [kit_tool("t")], status=None
        )
        await self.advance_time(env, self.grace + self.grace / 10)

        async def removed() -> None:
            await check_raises(
                "MCR-3",
                NotFoundError,
                subject.get_subsystem(registration_id),
                doing="get_subsystem after the grace period",
            )

        await self.eventually(removed)

    @rule("MCR-5", "MCR-3")
    async def test_MCR_5_critical_subsystems_are_not_called(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Only critical subsystems serve the tool: UnavailableError, no call."""
        await self.start(subject, env, "kit_a", [kit_tool("t")], status=None)
        await self.start(subject, env, "kit_b", [kit_tool("t")], status="critical")
        await check_raises(
            "MCR-5",
            UnavailableError,
            self.served_by(subject, "t"),
            doing="execute_tool with only critical subsystems",
        )
        check_equal(
            "MCR-5",
            "calls to critical subsystems",
            0,
            self.calls(env, "kit_a") + self.calls(env, "kit_b"),
        )

    @rule("HLT-1", "MCR-5", "MCR-9")
    async def test_HLT_1_warning_is_healthy_and_maintenance_is_not(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """``warning`` subsystems are listed as healthy and called."""
        await self.start(subject, env, "kit_a", [kit_tool("t")], status="warning")
        await self.start(subject, env, "kit_b", [kit_tool("t")], status="maintenance")
        page = await subject.list_subsystems(healthy_only=True)
        check_equal(
            "HLT-1",
            "healthy subsystems",
            ["kit_a"],
            [r.subsystem.name for r in page.items],
        )
        result = await self.served_by(subject, "t", preferred_subsystem="kit_b")
        check_equal(
            "HLT-1", "the subsystem that served", "kit_a", result.subsystem_name
        )

    # --- MCR-4 ------------------------------------------------------------------------

    @rule("MCR-4")
    async def test_MCR_4_rejected_arguments_reach_no_subsystem(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Arguments the schema rejects raise before any call."""
        await self.start(
            subject, env, "kit_a", [kit_tool("search", schema=_QUERY_SCHEMA)]
        )
        for arguments in ({"query": 5}, {}, {"query": True}):
            await check_raises(
                "MCR-4",
                InvalidInputError,
                subject.execute_tool("search", arguments, uuid4()),
                doing=f"execute_tool with {arguments!r}",
            )
        check_equal("MCR-4", "calls made", 0, self.calls(env, "kit_a"))
        result = await subject.execute_tool("search", {"query": "kit"}, uuid4())
        check_equal("MCR-4", "is_error of a valid call", False, result.is_error)

    @rule("MCR-4", "MCR-10")
    async def test_MCR_4_each_candidate_checks_its_own_schema(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Two versions of a tool: only the one whose schema accepts is called."""
        integer_schema: JsonObject = {
            "type": "object",
            "properties": {"query": {"type": "integer"}},
            "required": ["query"],
        }
        await self.start(
            subject,
            env,
            "kit_a",
            [kit_tool("search", schema=_QUERY_SCHEMA, version="1")],
        )
        await self.start(
            subject,
            env,
            "kit_b",
            [kit_tool("search", schema=integer_schema, version="2")],
        )
        result = await subject.execute_tool(
            "search", {"query": 3}, uuid4(), preferred_subsystem="kit_a"
        )
        check_equal(
            "MCR-4", "the subsystem that served", "kit_b", result.subsystem_name
        )
        check_equal(
            "MCR-4", "calls to the rejecting version", 0, self.calls(env, "kit_a")
        )

    # --- MCR-5 ------------------------------------------------------------------------

    @rule("MCR-5")
    async def test_MCR_5_the_preferred_subsystem_is_tried_first(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """``preferred_subsystem`` serves when healthy."""
        for name in ("kit_a", "kit_b", "kit_c"):
            await self.start(subject, env, name, [kit_tool("t")])
        result = await self.served_by(subject, "t", preferred_subsystem="kit_c")
        check_equal(
            "MCR-5", "the subsystem that served", "kit_c", result.subsystem_name
        )
        check_equal("MCR-5", "attempts", 1, result.attempts)

    @rule("MCR-5")
    async def test_MCR_5_an_unhealthy_preferred_subsystem_is_skipped(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """A critical preferred subsystem is not called."""
        await self.start(subject, env, "kit_a", [kit_tool("t")], status="critical")
        await self.start(subject, env, "kit_b", [kit_tool("t")])
        result = await self.served_by(subject, "t", preferred_subsystem="kit_a")
        check_equal(
            "MCR-5", "the subsystem that served", "kit_b", result.subsystem_name
        )
        check_equal("MCR-5", "calls to the critical one", 0, self.calls(env, "kit_a"))

    @rule("MCR-5")
    async def test_MCR_5_the_order_follows_the_reported_strategy(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """``ordered``: always the first by name; ``round_robin``: a rotation."""
        names = ["kit_a", "kit_b", "kit_c"]
        for name in reversed(names):
            await self.start(subject, env, name, [kit_tool("t")])
        strategy = subject.balancing_strategy()
        served = [(await self.served_by(subject, "t")).subsystem_name for _ in range(4)]
        if strategy == "ordered":
            check_equal(
                "MCR-5", "subsystems serving 4 executions", ["kit_a"] * 4, served
            )
            return
        check(strategy == "round_robin", "MCR-5", "a known strategy", strategy)
        start = names.index(served[0]) if served[0] in names else 0
        rotation = [names[(start + i) % 3] for i in range(4)]
        check_equal(
            "MCR-5", "subsystems serving 4 executions (rotation)", rotation, served
        )

    # --- MCR-6, MCT-3 ----------------------------------------------------------------

    @rule("MCR-6", "MCT-3")
    async def test_MCR_6_a_tool_error_is_returned_not_failed_over(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """``is_error`` from the first subsystem is the answer."""
        await self.start(
            subject,
            env,
            "kit_a",
            [kit_tool("t", fail_as_tool("kit failure"), read_only=True)],
        )
        await self.start(subject, env, "kit_b", [kit_tool("t", read_only=True)])
        result = await self.served_by(subject, "t", preferred_subsystem="kit_a")
        check_equal("MCR-6", "is_error", True, result.is_error)
        check_equal(
            "MCR-6", "the subsystem that answered", "kit_a", result.subsystem_name
        )
        check_equal(
            "MCR-6", "calls to the other subsystem", 0, self.calls(env, "kit_b")
        )

    @rule("MCR-6", "MTP-1")
    async def test_MCR_6_an_output_schema_violation_is_a_tool_error(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """A result breaking the output schema is a tool error, never failed over."""
        output: JsonObject = {
            "type": "object",
            "properties": {"count": {"type": "integer"}},
            "required": ["count"],
        }
        wrong = answer(structured={"count": "many"})
        await self.start(
            subject,
            env,
            "kit_a",
            [kit_tool("t", wrong, read_only=True, output_schema=output)],
        )
        await self.start(
            subject,
            env,
            "kit_b",
            [
                kit_tool(
                    "t",
                    answer(structured={"count": 1}),
                    read_only=True,
                    output_schema=output,
                )
            ],
        )
        result = await self.served_by(subject, "t", preferred_subsystem="kit_a")
        check_equal("MCR-6", "is_error", True, result.is_error)
        check_equal(
            "MCR-6", "calls to the other subsystem", 0, self.calls(env, "kit_b")
        )

    @rule("MCR-6", "MTP-5")
    async def test_MCR_6_a_request_for_input_is_refused_without_failover(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """A server asking for input ends the execution with NotSupportedError."""
        await self.start(
            subject, env, "kit_a", [kit_tool("t", ask_for_input(), read_only=True)]
        )
        await self.start(subject, env, "kit_b", [kit_tool("t", read_only=True)])
        await check_raises(
            "MCR-6",
            NotSupportedError,
            self.served_by(subject, "t", preferred_subsystem="kit_a"),
            doing="execute_tool of a tool asking for input",
        )
        check_equal(
            "MCR-6", "calls to the other subsystem", 0, self.calls(env, "kit_b")
        )

    # --- MCR-7, MCT-5 ----------------------------------------------------------------

    @rule("MCR-7", "MTP-2")
    async def test_MCR_7_an_undelivered_call_fails_over_for_any_tool(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Connection refused: not sent, so even a non-idempotent tool moves on."""
        self.require_hook("fault_refuse_connections")
        await self.start(subject, env, "kit_a", [kit_tool("pay")])
        await self.start(subject, env, "kit_b", [kit_tool("pay")])
        await self.fault_refuse_connections(subject, env, "kit_a")
        result = await self.served_by(subject, "pay", preferred_subsystem="kit_a")
        check_equal(
            "MCR-7", "the subsystem that served", "kit_b", result.subsystem_name
        )
        check_equal("MCR-7", "attempts", 2, result.attempts)

    @rule("MCR-7", "MTP-2")
    async def test_MCR_7_a_tool_the_server_does_not_list_fails_over(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """The server lacks a registered tool: not run there, tried elsewhere."""
        pay = kit_tool("pay")
        await self.start(subject, env, "kit_a", [], registered=[pay.definition])
        await self.start(subject, env, "kit_b", [pay])
        result = await self.served_by(subject, "pay", preferred_subsystem="kit_a")
        check_equal("MCR-7", "is_error", False, result.is_error)
        check_equal(
            "MCR-7", "the subsystem that served", "kit_b", result.subsystem_name
        )
        check_equal(
            "MCR-7", "tools/call requests reaching kit_a", 0, self.calls(env, "kit_a")
        )

    async def broken_mid_call(
        self,
        subject: ProtocolMCPRegistry,
        env: MCPKitEnvironment,
        *,
        read_only: bool = False,
        idempotent: bool = False,
        annotations: ToolAnnotations | None = None,
    ) -> "asyncio.Task[ProtocolMCPToolResult]":
        """kit_a hangs, kit_b answers; break kit_a's connection mid-call."""
        for name, behaviour in (("kit_a", hang()), ("kit_b", answer())):
            tool = kit_tool(
                "t",
                behaviour,
                read_only=read_only,
                idempotent=idempotent,
                annotations=annotations,
            )
            await self.start(subject, env, name, [tool])
        task = asyncio.ensure_future(
            self.served_by(subject, "t", preferred_subsystem="kit_a")
        )
        await self.wait_for_call(env, "kit_a")
        await self.fault_break_connections(subject, env, "kit_a")
        return task

    @rule("MCR-7", "MTP-2")
    async def test_MCR_7_a_read_only_tool_fails_over_after_outcome_unknown(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """A connection lost mid-call: a read-only tool is tried on the next one."""
        self.require_hook("fault_break_connections")
        result = await (await self.broken_mid_call(subject, env, read_only=True))
        check_equal(
            "MCR-7", "the subsystem that served", "kit_b", result.subsystem_name
        )
        check_equal("MCR-7", "attempts", 2, result.attempts)

    @rule("MCR-7", "MTP-2")
    async def test_MCR_7_an_idempotent_tool_fails_over_after_outcome_unknown(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """The same for an idempotent tool that is not read-only."""
        self.require_hook("fault_break_connections")
        result = await (await self.broken_mid_call(subject, env, idempotent=True))
        check_equal(
            "MCR-7", "the subsystem that served", "kit_b", result.subsystem_name
        )

    @rule("MCR-7", "MTP-2")
    async def test_MCR_7_a_non_idempotent_tool_is_never_sent_twice(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """A connection lost mid-call: OutcomeUnknownError, no second call."""
        self.require_hook("fault_break_connections")
        task = await self.broken_mid_call(subject, env)
        await check_raises(
            "MCR-7",
            OutcomeUnknownError,
            task,
            doing="execute_tool after the connection broke",
        )
        check_equal("MCR-7", "calls to kit_b", 0, self.calls(env, "kit_b"))

    @rule("MCT-5", "MCR-7")
    async def test_MCT_5_hints_never_decide_a_failover(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Read-only and idempotent *hints* do not make a tool safe to resend."""
        self.require_hook("fault_break_connections")
        hints = ToolAnnotations(
            read_only_hint=True, destructive_hint=False, idempotent_hint=True
        )
        task = await self.broken_mid_call(subject, env, annotations=hints)
        await check_raises(
            "MCT-5",
            OutcomeUnknownError,
            task,
            doing="execute_tool of a tool that only hints it is safe",
        )
        check_equal("MCT-5", "calls to kit_b", 0, self.calls(env, "kit_b"))

    @rule("MCR-7", "MTP-2")
    async def test_MCR_7_throttled_everywhere_is_resource_exhausted(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Both throttled (-32008): ResourceExhaustedError with the shortest hint."""
        await self.start(
            subject,
            env,
            "kit_a",
            [kit_tool("pay", refuse(-32008, "slow down", {"retry_after": 3}))],
        )
        await self.start(
            subject,
            env,
            "kit_b",
            [kit_tool("pay", refuse(-32008, "slow down", {"retry_after": 2}))],
        )
        error = await check_raises(
            "MCR-7",
            ResourceExhaustedError,
            self.served_by(subject, "pay"),
            doing="execute_tool throttled by every subsystem",
        )
        check_equal("MCR-7", "retry_after", timedelta(seconds=2), error.retry_after)
        check_equal(
            "MCR-7",
            "calls (both tried)",
            2,
            self.calls(env, "kit_a") + self.calls(env, "kit_b"),
        )

    @rule("MCR-7", "MTP-2")
    async def test_MCR_7_a_possible_effect_then_nothing_is_outcome_unknown(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Outcome unknown on one, undeliverable on the other: OutcomeUnknownError."""
        self.require_hook("fault_break_connections")
        self.require_hook("fault_refuse_connections")
        await self.start(subject, env, "kit_a", [kit_tool("t", hang(), read_only=True)])
        await self.start(subject, env, "kit_b", [kit_tool("t", read_only=True)])
        await self.fault_refuse_connections(subject, env, "kit_b")
        task = asyncio.ensure_future(
            self.served_by(subject, "t", preferred_subsystem="kit_a")
        )
        await self.wait_for_call(env, "kit_a")
        await self.fault_break_connections(subject, env, "kit_a")
        await check_raises(
            "MCR-7",
            OutcomeUnknownError,
            task,
            doing="execute_tool when one attempt may have run",
        )

    @rule("MCR-7", "MTP-2")
    async def test_MCR_7_nothing_delivered_anywhere_is_unavailable(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Every subsystem unreachable: UnavailableError (nothing ran)."""
        self.require_hook("fault_refuse_connections")
        await self.start(subject, env, "kit_a", [kit_tool("t")])
        await self.start(subject, env, "kit_b", [kit_tool("t")])
        await self.fault_refuse_connections(subject, env, "kit_a")
        await self.fault_refuse_connections(subject, env, "kit_b")
        await check_raises(
            "MCR-7",
            UnavailableError,
            self.served_by(subject, "t"),
            doing="execute_tool with every subsystem unreachable",
        )

    # --- MCR-8 ------------------------------------------------------------------------

    @rule("MCR-8", "MTP-4")
    async def test_MCR_8_cancelling_cancels_the_remote_call(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Cancelling re-raises CancelledError and cancels the server's call."""
        await self.start(subject, env, "kit_a", [kit_tool("t", hang())])
        task = asyncio.ensure_future(self.served_by(subject, "t"))
        call = await self.wait_for_call(env, "kit_a")
        await self.check_cancellation_reaches_server("MCR-8", task, call)

    # --- MCR-9, PG --------------------------------------------------------------

    @rule("MCR-9", "PG-1")
    async def test_MCR_9_tools_are_listed_by_name_then_subsystem(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Every page together: sorted, complete, once per serving subsystem."""
        expected: list[tuple[str, str]] = []
        for index, name in enumerate(("kit_c", "kit_a", "kit_b")):
            tools = [kit_tool(f"tool_{n:02d}") for n in range(index, 12, 2)] + [
                kit_tool("shared")
            ]
            await self.start(subject, env, name, tools)
            expected += [(t.definition.name, name) for t in tools]
        listed = [
            (item.tool.name, item.subsystem_name)
            for item in await self.all_tools(subject)
        ]
        check_equal("MCR-9", "the listing", sorted(expected), listed)

    @rule("MCR-9")
    async def test_MCR_9_tool_filters_keep_what_matches(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """``tool_type`` and ``subsystem_name`` filters, alone and together."""
        await self.start(
            subject, env, "kit_a", [kit_tool("q", tool_type="query"), kit_tool("x")]
        )
        await self.start(
            subject, env, "kit_b", [kit_tool("q", tool_type="query"), kit_tool("y")]
        )
        by_type = [
            (i.tool.name, i.subsystem_name)
            for i in await self.all_tools(subject, tool_type="query")
        ]
        check_equal(
            "MCR-9", "tools of type 'query'", [("q", "kit_a"), ("q", "kit_b")], by_type
        )
        both = [
            (i.tool.name, i.subsystem_name)
            for i in await self.all_tools(
                subject, tool_type="query", subsystem_name="kit_b"
            )
        ]
        check_equal("MCR-9", "'query' tools of kit_b", [("q", "kit_b")], both)

    @rule("MCR-9")
    async def test_MCR_9_subsystems_are_listed_by_name(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """``list_subsystems`` by name, with its type and health filters."""
        await self.start(
            subject, env, "kit_c", [kit_tool("t")], subsystem_type="search"
        )
        await self.start(
            subject, env, "kit_a", [kit_tool("t")], subsystem_type="database"
        )
        await self.start(
            subject, env, "kit_b", [kit_tool("t")], subsystem_type="search", status=None
        )
        page = await subject.list_subsystems()
        check_equal(
            "MCR-9",
            "subsystems",
            ["kit_a", "kit_b", "kit_c"],
            [r.subsystem.name for r in page.items],
        )
        search = await subject.list_subsystems(
            subsystem_type="search", healthy_only=True
        )
        check_equal(
            "MCR-9",
            "healthy search subsystems",
            ["kit_c"],
            [r.subsystem.name for r in search.items],
        )

    @rule("PG-3", "PG-4")
    async def test_PG_3_listings_refuse_bad_cursors_and_limits(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """A foreign cursor or a limit below 1 raises InvalidInputError."""
        await self.start(subject, env, "kit_a", [kit_tool("t")])
        await check_raises(
            "PG-3",
            InvalidInputError,
            subject.list_tools(cursor="not-a-kit-cursor!"),
            doing="list_tools with a foreign cursor",
        )
        await check_raises(
            "PG-3",
            InvalidInputError,
            subject.list_subsystems(cursor="not-a-kit-cursor!"),
            doing="list_subsystems with a foreign cursor",
        )
        await check_raises(
            "PG-4",
            InvalidInputError,
            subject.list_tools(limit=0),
            doing="list_tools with limit 0",
        )
        await check_raises(
            "PG-4",
            InvalidInputError,
            subject.list_subsystems(limit=0),
            doing="list_subsystems with limit 0",
        )

    # --- MCR-10 ---------------------------------------------------------------------

    @rule("MCR-10")
    async def test_MCR_10_a_conflicting_namesake_is_refused(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """``{"const": 1}`` and ``{"const": true}`` are different schemas."""
        one: JsonObject = {"type": "object", "properties": {"n": {"const": 1}}}
        true: JsonObject = {"type": "object", "properties": {"n": {"const": True}}}
        await self.start(subject, env, "kit_a", [kit_tool("t", schema=one)])
        metadata = await self.serve(subject, env, "kit_b", [kit_tool("t", schema=true)])
        await check_raises(
            "MCR-10",
            AlreadyRegisteredError,
            subject.register_subsystem(
                metadata, [kit_tool("t", schema=true).definition], env.api_keys[0]
            ),
            doing='register_subsystem of "t" with {"const": true} against {"const": 1}',
        )
        names = [r.subsystem.name for r in (await subject.list_subsystems()).items]
        check_equal("MCR-10", "subsystems stored", ["kit_a"], names)
        flags = kit_tool("t", schema=one, read_only=True).definition
        await check_raises(
            "MCR-10",
            AlreadyRegisteredError,
            subject.register_subsystem(metadata, [flags], env.api_keys[0]),
            doing='register_subsystem of "t" whose read_only differs',
        )

    @rule("MCR-10")
    async def test_MCR_10_the_same_json_is_the_same_tool(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Key order and ``1`` against ``1.0`` make no difference."""
        first: JsonObject = {
            "type": "object",
            "properties": {"n": {"const": 1, "type": "number"}},
        }
        second: JsonObject = {
            "properties": {"n": {"type": "number", "const": 1.0}},
            "type": "object",
        }
        await self.start(subject, env, "kit_a", [kit_tool("t", schema=first)])
        await self.start(subject, env, "kit_b", [kit_tool("t", schema=second)])
        listed = [i.subsystem_name for i in await self.all_tools(subject)]
        check_equal("MCR-10", "subsystems serving 't'", ["kit_a", "kit_b"], listed)

    @rule("MCR-10")
    async def test_MCR_10_versions_coexist_for_a_rolling_upgrade(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Two versions with different schemas are both registered."""
        await self.start(
            subject, env, "kit_a", [kit_tool("t", schema=OBJECT_SCHEMA, version="1")]
        )
        await self.start(
            subject, env, "kit_b", [kit_tool("t", schema=_QUERY_SCHEMA, version="2")]
        )
        listed = [
            (i.subsystem_name, i.tool.version) for i in await self.all_tools(subject)
        ]
        check_equal(
            "MCR-10", "versions listed", [("kit_a", "1"), ("kit_b", "2")], listed
        )

    @rule("MCR-10")
    async def test_MCR_10_a_subsystem_may_change_its_own_tool(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Re-registering with a changed schema is not compared with itself."""
        await self.start(subject, env, "kit_a", [kit_tool("t", schema=OBJECT_SCHEMA)])
        registration_id = await self.start(
            subject, env, "kit_a", [kit_tool("t", schema=_QUERY_SCHEMA)]
        )
        stored = await subject.get_subsystem(registration_id)
        check(
            json_equal(stored.tools[0].parameters_schema, _QUERY_SCHEMA),
            "MCR-10",
            "the new schema",
            stored.tools[0].parameters_schema,
        )

    # --- MCR-11 ---------------------------------------------------------------------

    @rule("MCR-11", "ERR-3", "SEC-1")
    async def test_MCR_11_keys_never_appear_in_logs_errors_or_reprs(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Every log record at DEBUG, every message and repr, without a key."""
        keys = (*ACCEPTED_KEYS, REFUSED_KEY)
        records = _Records()
        root = logging.getLogger()
        level = root.level
        root.addHandler(records)
        root.setLevel(logging.DEBUG)
        shown: list[str] = []
        try:
            metadata = await self.serve(
                subject, env, "kit_a", [kit_tool("t"), kit_tool("bad", fail_as_tool())]
            )
            for key in (env.refused_key, env.api_keys[1]):
                with contextlib.suppress(AuthenticationError):
                    await subject.register_subsystem(
                        metadata, [kit_tool("t").definition], key
                    )
            try:
                await subject.register_subsystem(
                    metadata, [kit_tool("t").definition], env.refused_key
                )
            except AuthenticationError as error:
                shown += [str(error), repr(error)]
            registration_id = await self.start(
                subject, env, "kit_b", [kit_tool("t"), kit_tool("bad", fail_as_tool())]
            )
            try:
                await subject.heartbeat(registration_id, env.refused_key)
            except AuthenticationError as error:
                shown += [str(error), repr(error)]
            results = [await self.served_by(subject, name) for name in ("t", "bad")]
            registration = await subject.get_subsystem(registration_id)
            shown += [
                repr(subject),
                str(subject),
                repr(registration),
                *map(repr, results),
            ]
        finally:
            root.removeHandler(records)
            root.setLevel(level)
        for record in records.records:
            shown.append(record.getMessage())
            if record.exc_info is not None:
                shown.append(logging.Formatter().formatException(record.exc_info))
        for text in shown:
            leaked = [key for key in keys if key in text]
            check(not leaked, "MCR-11", "no API key in logs, messages or reprs", text)

    # --- MCR-12, T-6 --------------------------------------------------------------

    @rule("MCR-12", "MCR-7")
    async def test_MCR_12_a_hung_attempt_ends_at_its_own_limit(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """A hung subsystem cannot eat the whole budget: the next one answers."""
        await self.start(subject, env, "kit_a", [kit_tool("t", hang(), read_only=True)])
        await self.start(subject, env, "kit_b", [kit_tool("t", read_only=True)])
        result = await self.served_by(
            subject,
            "t",
            preferred_subsystem="kit_a",
            attempt_timeout=self.short_timeout,
            timeout=self.short_timeout * 10,
        )
        check_equal(
            "MCR-12", "the subsystem that served", "kit_b", result.subsystem_name
        )
        check_equal("MCR-12", "attempts", 2, result.attempts)

    @rule("MCR-12", "MCR-7")
    async def test_MCR_12_a_hung_non_idempotent_attempt_raises_deadline_exceeded(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """The attempt's limit passing makes no promise: no second call."""
        await self.start(subject, env, "kit_a", [kit_tool("t", hang())])
        await self.start(subject, env, "kit_b", [kit_tool("t")])
        await check_raises(
            "MCR-12",
            DeadlineExceededError,
            self.served_by(
                subject,
                "t",
                preferred_subsystem="kit_a",
                attempt_timeout=self.short_timeout,
                timeout=self.short_timeout * 10,
            ),
            doing="execute_tool of a hung non-idempotent tool",
        )
        check_equal("MCR-12", "calls to kit_b", 0, self.calls(env, "kit_b"))

    @rule("MCR-12")
    async def test_MCR_12_the_whole_timeout_bounds_every_attempt(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """``timeout`` passing first raises DeadlineExceededError."""
        await self.start(subject, env, "kit_a", [kit_tool("t", hang(), read_only=True)])
        await self.start(subject, env, "kit_b", [kit_tool("t", hang(), read_only=True)])
        await check_raises(
            "MCR-12",
            DeadlineExceededError,
            self.served_by(
                subject,
                "t",
                timeout=self.short_timeout,
                attempt_timeout=self.short_timeout * 10,
            ),
            doing="execute_tool whose whole timeout passes",
        )

    @rule("T-6")
    async def test_T_6_non_positive_durations_are_refused(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Zero or negative timeouts, TTLs and grace periods raise InvalidInputError."""
        await self.start(subject, env, "kit_a", [kit_tool("t")])
        await check_raises(
            "T-6",
            InvalidInputError,
            self.served_by(subject, "t", timeout=timedelta(0)),
            doing="execute_tool with timeout=0",
        )
        negative = timedelta(seconds=-1)
        await check_raises(
            "T-6",
            InvalidInputError,
            self.served_by(subject, "t", attempt_timeout=negative),
            doing="execute_tool with a negative attempt_timeout",
        )
        metadata = await self.serve(subject, env, "kit_b", [])
        await check_raises(
            "T-6",
            InvalidInputError,
            subject.register_subsystem(
                metadata,
                [kit_tool("t").definition],
                env.api_keys[0],
                health_check=SubsystemHealthCheck(timedelta(0), self.grace),
            ),
            doing="register_subsystem with a zero TTL",
        )
        check_equal("T-6", "calls made", 0, self.calls(env, "kit_a"))

    # --- MCR-13 ---------------------------------------------------------------------

    @rule("MCR-13", "SUB-1")
    async def test_MCR_13_tool_changes_are_delivered_in_order(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Registered, updated, removed; nothing after unsubscribing."""
        first, second = _Changes(), _Changes()
        unsubscribe = await subject.subscribe_tool_changes(first)
        registration_id = await self.start(subject, env, "kit_a", [kit_tool("t")])
        await self.start(subject, env, "kit_a", [kit_tool("u")])
        await subject.unregister_subsystem(registration_id, env.api_keys[0])
        expected = [
            (kind, "kit_a", registration_id)
            for kind in ("registered", "updated", "removed")
        ]

        async def delivered() -> None:
            check_equal("MCR-13", "changes received", expected, first.seen)

        await self.eventually(delivered)
        await unsubscribe()
        await unsubscribe()  # SUB-2
        await subject.subscribe_tool_changes(second)
        later = await self.start(subject, env, "kit_b", [kit_tool("t")])

        async def reached_second() -> None:
            check_equal(
                "MCR-13",
                "changes of the new subscription",
                [("registered", "kit_b", later)],
                second.seen,
            )

        await self.eventually(reached_second)
        check_equal("MCR-13", "changes after unsubscribing", expected, first.seen)

    @rule("MCR-13", "MCR-3")
    async def test_MCR_13_an_expired_subsystem_is_a_removal(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Removal by the TTL (MCR-3) is delivered as ``removed``."""
        changes = _Changes()
        registration_id = await self.start(
            subject, env, "kit_a", [kit_tool("t")], status=None
        )
        await subject.subscribe_tool_changes(changes)
        await self.advance_time(env, self.grace + self.grace / 10)

        async def delivered() -> None:
            await subject.list_subsystems()
            check_equal(
                "MCR-13",
                "changes received",
                [("removed", "kit_a", registration_id)],
                changes.seen,
            )

        await self.eventually(delivered)

    # --- MCR-14, MCR-15, MCR-16 -----------------------------------------------------

    @rule("MCR-14")
    async def test_MCR_14_a_tool_requiring_tasks_is_refused_before_any_call(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """``task_support="required"``: NotSupportedError, no call."""
        await self.start(
            subject, env, "kit_a", [kit_tool("t", task_support="required")]
        )
        await check_raises(
            "MCR-14",
            NotSupportedError,
            self.served_by(subject, "t"),
            doing="execute_tool of a task-only tool",
        )
        check_equal("MCR-14", "calls made", 0, self.calls(env, "kit_a"))

    @rule("MCR-15", "MCR-7", capability="monitor")
    async def test_MCR_15_every_attempt_is_recorded(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """A failed attempt and the answered one, under one execution id."""
        self.require_hook("fault_refuse_connections")
        await self.start(subject, env, "kit_a", [kit_tool("t")])
        await self.start(subject, env, "kit_b", [kit_tool("t")])
        await self.fault_refuse_connections(subject, env, "kit_a")
        correlation_id = uuid4()
        result = await subject.execute_tool(
            "t", {}, correlation_id, preferred_subsystem="kit_a"
        )
        page = await self.monitor_of(subject, env).list_attempts(correlation_id)
        recorded = [
            (r.execution_id, r.attempt, r.subsystem_name, r.outcome, r.error_type)
            for r in page.items
        ]
        expected = [
            (result.execution_id, 1, "kit_a", "unavailable", "UnavailableError"),
            (result.execution_id, 2, "kit_b", "result", None),
        ]
        check_equal("MCR-15", "the attempts recorded", expected, recorded)

    @rule("MCR-16")
    async def test_MCR_16_a_dotted_tool_name_is_a_whole_name(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """A subsystem ``db`` does not shadow a tool named ``db.query``."""
        await self.start(subject, env, "db", [kit_tool("query")])
        await self.start(subject, env, "other", [kit_tool("db.query")])
        result = await self.served_by(subject, "db.query")
        check_equal(
            "MCR-16",
            "(subsystem, tool) that served",
            ("other", "db.query"),
            (result.subsystem_name, result.tool_name),
        )
        pinned = await self.served_by(subject, "query", subsystem="db")
        check_equal("MCR-16", "the pinned subsystem", "db", pinned.subsystem_name)

    @rule("MCR-16")
    async def test_MCR_16_pinning_tries_only_that_subsystem(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """Pinned to a subsystem that does not serve the tool: NotFoundError."""
        await self.start(subject, env, "kit_a", [kit_tool("t")])
        await self.start(subject, env, "kit_b", [kit_tool("u")])
        for pinned in ("kit_b", "kit_none"):
            await check_raises(
                "MCR-16",
                NotFoundError,
                self.served_by(subject, "t", subsystem=pinned),
                doing=f"execute_tool of 't' pinned to {pinned!r}",
            )
        check_equal("MCR-16", "calls made", 0, self.calls(env, "kit_a"))

    # --- MPR-1, MTP-6 -----------------------------------------------------------------

    @rule("MPR-1", "MCR-7")
    async def test_MPR_1_progress_never_goes_back_across_a_failover(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """After a failover the next subsystem's lower progress is dropped."""
        self.require_hook("fault_break_connections")
        await self.start(
            subject,
            env,
            "kit_a",
            [kit_tool("t", report_progress([1, 2], then=hang()), read_only=True)],
        )
        await self.start(
            subject,
            env,
            "kit_b",
            [kit_tool("t", report_progress([1, 2, 3]), read_only=True)],
        )
        handler = _Progress()
        task = asyncio.ensure_future(
            subject.execute_tool(
                "t", {}, uuid4(), preferred_subsystem="kit_a", progress_handler=handler
            )
        )

        async def reported() -> None:
            check_equal("MPR-1", "progress before the failover", [1, 2], handler.values)

        await self.eventually(reported)
        await self.fault_break_connections(subject, env, "kit_a")
        result = await task
        check_equal(
            "MPR-1", "the subsystem that served", "kit_b", result.subsystem_name
        )
        increasing = all(
            a < b for a, b in zip(handler.values, handler.values[1:], strict=False)
        )
        check(
            increasing and handler.values[:2] == [1, 2],
            "MPR-1",
            "strictly increasing progress",
            handler.values,
        )

    @rule("MTP-6", "T-7")
    async def test_MTP_6_the_correlation_id_reaches_the_server(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        """The server sees the id in ``_meta``; the result carries it."""
        await self.start(subject, env, "kit_a", [kit_tool("t")])
        correlation_id = uuid4()
        result = await subject.execute_tool("t", {}, correlation_id)
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
