"""The MCP suites against the SDK-backed example, and its scenarios over stdio."""

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import AsyncGenerator, AsyncIterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import ClassVar, cast, override
from uuid import UUID, uuid4

import pytest

from examples.mcp_sdk import (
    InProcessServers,
    SdkMCPRegistry,
    SdkToolProxy,
    serve_kit_server,
)
from examples.mcp_sdk_server import build_server
from omnibase.protocols.errors import (
    AuthenticationError,
    NotFoundError,
    OutcomeUnknownError,
    UnavailableError,
)
from omnibase.protocols.mcp import (
    ProtocolMCPMonitor,
    ProtocolMCPRegistry,
    ProtocolMCPToolProxy,
)
from omnibase.protocols.types import (
    ProtocolMCPProgress,
    ProtocolMCPSubsystemMetadata,
    ProtocolMCPToolResult,
)
from omnibase.spi_conformance.reference.mcp_monitor import InMemoryMCPMonitor
from omnibase.spi_conformance.reference.mcp_server import InProcessMCPServer
from omnibase.spi_conformance.reference.secret_resolver import (
    EnvironmentSecretResolver,
)
from omnibase.spi_conformance.reference.values import (
    SecretReference,
    SecretValue,
    SubsystemMetadata,
    ToolDefinition,
)
from omnibase.spi_conformance.suites import (
    MCPKitEnvironment,
    MCPRegistrySuite,
    MCPToolProxySuite,
)


def _in_process(name: str) -> SubsystemMetadata:
    return SubsystemMetadata(name, "custom", "1", name, "", transport="in_process")


class TestSdkRegistry(MCPRegistrySuite):
    clock_wired = True
    capabilities: ClassVar[AbstractSet[str]] = frozenset({"monitor"})
    short_timeout: ClassVar[timedelta] = timedelta(milliseconds=200)

    @override
    async def create_subject(
        self, env: MCPKitEnvironment
    ) -> AsyncIterator[ProtocolMCPRegistry]:
        self.servers = InProcessServers()
        self.proxy = SdkToolProxy(in_process=self.servers, clock=env.clock)
        self.monitor = InMemoryMCPMonitor(clock=env.clock)
        registry = SdkMCPRegistry(
            proxy=self.proxy,
            api_keys=env.api_keys,
            clock=env.clock,
            monitor=self.monitor,
        )
        yield registry
        for server in env.servers.values():
            server.release_all()
        await registry.aclose()
        await self.proxy.aclose()

    @override
    async def serve_subsystem(
        self,
        subject: ProtocolMCPRegistry,
        env: MCPKitEnvironment,
        server: InProcessMCPServer,
    ) -> ProtocolMCPSubsystemMetadata:
        self.servers.add(server.name, serve_kit_server(server))
        await self.proxy.disconnect(server.name)
        return _in_process(server.name)

    @override
    def monitor_of(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> ProtocolMCPMonitor:
        return self.monitor

    @override
    async def fault_refuse_connections(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment, subsystem_name: str
    ) -> None:
        self.servers.refuse(subsystem_name)
        await self.proxy.disconnect(subsystem_name)

    @override
    async def fault_break_connections(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment, subsystem_name: str
    ) -> None:
        self.servers.kill(subsystem_name)

    @override
    async def fault_backend_unreachable(
        self, subject: ProtocolMCPRegistry, env: MCPKitEnvironment
    ) -> None:
        cast("SdkMCPRegistry", subject).simulate_outage()


class TestSdkToolProxy(MCPToolProxySuite):
    clock_wired = True
    short_timeout: ClassVar[timedelta] = timedelta(milliseconds=200)

    @override
    async def create_subject(
        self, env: MCPKitEnvironment
    ) -> AsyncIterator[ProtocolMCPToolProxy]:
        self.servers = InProcessServers()
        self.proxy = SdkToolProxy(in_process=self.servers, clock=env.clock)
        yield self.proxy
        for server in env.servers.values():
            server.release_all()
        await self.proxy.aclose()

    @override
    async def serve_subsystem(
        self,
        subject: ProtocolMCPToolProxy,
        env: MCPKitEnvironment,
        server: InProcessMCPServer,
    ) -> ProtocolMCPSubsystemMetadata:
        self.servers.add(server.name, serve_kit_server(server))
        await self.proxy.disconnect(server.name)
        return _in_process(server.name)

    @override
    async def fault_refuse_connections(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment, subsystem_name: str
    ) -> None:
        self.servers.refuse(subsystem_name)
        await self.proxy.disconnect(subsystem_name)

    @override
    async def fault_break_connections(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment, subsystem_name: str
    ) -> None:
        self.servers.kill(subsystem_name)

    @override
    async def fault_backend_unreachable(
        self, subject: ProtocolMCPToolProxy, env: MCPKitEnvironment
    ) -> None:
        self.proxy.simulate_outage()


# --- scenarios over stdio subprocesses and the in-memory transport ----------------

SERVER_SCRIPT = Path(__file__).resolve().parents[1] / "examples" / "mcp_sdk_server.py"
API_KEY = "sdk-example-key-Qw3rty"
TOKEN = "sdk-example-token-Zx9cv"


def _stdio(name: str, *, token: bool = False) -> SubsystemMetadata:
    return SubsystemMetadata(
        name,
        "integration",
        "1",
        sys.executable,
        f"stdio example server {name}",
        transport="stdio",
        arguments=(str(SERVER_SCRIPT), name),
        credentials={"KIT_TOKEN": SecretReference("env:KIT_TOKEN")} if token else {},
    )


class _Pids:
    """A progress handler that keeps the pid the stdio tools report."""

    def __init__(self) -> None:
        self.pid: int | None = None
        self.reported = asyncio.Event()

    async def __call__(self, progress: ProtocolMCPProgress, /) -> None:
        message = progress.message or ""
        if message.startswith("pid "):
            self.pid = int(message.removeprefix("pid "))
            self.reported.set()


@contextlib.asynccontextmanager
async def _stdio_registry() -> AsyncGenerator[SdkMCPRegistry]:
    resolver = EnvironmentSecretResolver({"KIT_TOKEN": TOKEN})
    proxy = SdkToolProxy(resolver=resolver)
    registry = SdkMCPRegistry(proxy=proxy, api_keys=[SecretValue(API_KEY)])
    try:
        yield registry
    finally:
        await registry.aclose()
        await proxy.aclose()


async def _start(registry: SdkMCPRegistry, metadata: SubsystemMetadata) -> UUID:
    trusted = {"lookup": (False, True), "calls": (False, True)}
    registration_id = await registry.register_server(
        metadata, SecretValue(API_KEY), trusted=trusted
    )
    await registry.heartbeat(registration_id, SecretValue(API_KEY))
    return registration_id


@dataclass
class StdioReport:
    """What the stdio scenario observed."""

    lookup: ProtocolMCPToolResult
    charge_error: BaseException | None
    bravo_calls: int
    failed: ProtocolMCPToolResult
    whoami: ProtocolMCPToolResult
    alias: ProtocolMCPToolResult
    missing: type[Exception] | None
    unknown: type[Exception] | None
    shown: list[str]
    logged: list[str]


async def _kill_mid_call(registry: SdkMCPRegistry, tool: str) -> object:
    """Run ``tool`` preferring alpha, which hangs; kill alpha's process mid-call."""
    pids = _Pids()
    call = asyncio.ensure_future(
        registry.execute_tool(
            tool,
            {"hang_on": "alpha"},
            uuid4(),
            preferred_subsystem="alpha",
            progress_handler=pids,
        )
    )
    await asyncio.wait_for(pids.reported.wait(), 60)
    assert pids.pid is not None
    os.kill(pids.pid, signal.SIGKILL)
    try:
        return await asyncio.wait_for(call, 60)
    except (OutcomeUnknownError, UnavailableError) as error:
        return error


async def _stdio_scenario() -> StdioReport:
    shown: list[str] = []
    async with _stdio_registry() as registry:
        alpha = await _start(registry, _stdio("alpha", token=True))
        await _start(registry, _stdio("bravo"))
        lookup = await _kill_mid_call(registry, "lookup")
        charge = await _kill_mid_call(registry, "charge")
        counted = await registry.execute_tool("calls", {}, uuid4(), subsystem="bravo")
        failed = await registry.execute_tool("fail", {}, uuid4(), subsystem="alpha")
        whoami = await registry.execute_tool("whoami", {}, uuid4(), subsystem="alpha")
        alias = await registry.execute_tool(
            "look_up_v1", {}, uuid4(), subsystem="alpha"
        )
        registration = await registry.get_subsystem(alpha)
        missing_tool = ToolDefinition(
            "missing", "", "query", {"type": "object"}, True, True
        )
        await registry.register_subsystem(
            registration.subsystem,
            [*registration.tools, missing_tool],
            SecretValue(API_KEY),
        )
        errors: list[type[Exception] | None] = []
        for name in ("missing", "nonexistent"):
            try:
                await registry.execute_tool(name, {}, uuid4())
                errors.append(None)
            except (UnavailableError, NotFoundError) as error:
                errors.append(type(error))
        for key in ("wrong-key", API_KEY[:-1]):
            try:
                await registry.heartbeat(alpha, SecretValue(key))
            except AuthenticationError as error:
                shown += [str(error), repr(error)]
        shown += [repr(registry), repr(registry.sdk_proxy), repr(registration)]
        shown += [repr(result) for result in (lookup, failed, whoami, alias)]
        shown += [str(charge), repr(charge)]
    return StdioReport(
        lookup=cast("ProtocolMCPToolResult", lookup),
        charge_error=charge if isinstance(charge, BaseException) else None,
        bravo_calls=cast("dict[str, int]", counted.structured_content)["count"],
        failed=failed,
        whoami=whoami,
        alias=alias,
        missing=errors[0],
        unknown=errors[1],
        shown=shown,
        logged=[],
    )


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    @override
    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(record.getMessage())
        self.texts.append(repr(record.args))
        if record.exc_info is not None:
            self.texts.append(logging.Formatter().formatException(record.exc_info))


@pytest.fixture(scope="module")
def stdio() -> StdioReport:
    """Two stdio subsystems, alpha killed mid-call twice; every log record kept."""
    records = _Records()
    root = logging.getLogger()
    level = root.level
    root.addHandler(records)
    root.setLevel(logging.DEBUG)
    try:
        report = asyncio.run(_stdio_scenario())
    finally:
        root.removeHandler(records)
        root.setLevel(level)
    report.logged = records.texts
    return report


def test_a_read_only_tool_fails_over_when_its_server_is_killed_mid_call(
    stdio: StdioReport,
) -> None:
    assert (stdio.lookup.subsystem_name, stdio.lookup.attempts) == ("bravo", 2)
    assert stdio.lookup.structured_content == {"served_by": "bravo"}


def test_a_non_idempotent_tool_is_not_resent_when_its_server_is_killed(
    stdio: StdioReport,
) -> None:
    assert isinstance(stdio.charge_error, OutcomeUnknownError)
    assert stdio.bravo_calls == 1  # the failed-over lookup only, never the charge


def test_a_tool_error_is_an_answer(stdio: StdioReport) -> None:
    assert stdio.failed.is_error
    assert stdio.failed.attempts == 1


def test_an_unknown_tool_is_never_run(stdio: StdioReport) -> None:
    assert stdio.missing is UnavailableError  # registered, not listed (MTP-2)
    assert stdio.unknown is NotFoundError  # not registered at all


def test_a_name_breaking_mct_1_is_served_under_an_alias(stdio: StdioReport) -> None:
    assert stdio.alias.content[0].text == "looked up"


def test_the_credential_reaches_the_server_through_a_reference(
    stdio: StdioReport,
) -> None:
    assert stdio.whoami.structured_content == {"token_set": True}


def test_the_api_key_and_credentials_never_reach_logs_reprs_or_errors(
    stdio: StdioReport,
) -> None:
    assert any("alpha" in text for text in stdio.logged)  # the capture works
    for text in stdio.shown + stdio.logged:
        assert API_KEY not in text
        assert TOKEN not in text


def test_five_hundred_tools_are_discovered_and_listed_page_by_page() -> None:
    async def scenario() -> tuple[int, list[str]]:
        servers = InProcessServers()
        servers.add("many", serve_kit_server(build_server("many", 500), page_size=50))
        proxy = SdkToolProxy(in_process=servers)
        registry = SdkMCPRegistry(proxy=proxy, api_keys=[SecretValue(API_KEY)])
        try:
            await _start(registry, _in_process("many"))
            names: list[str] = []
            pages, cursor = 0, None
            while True:
                page = await registry.list_tools(subsystem_name="many", cursor=cursor)
                names += [listing.tool.name for listing in page.items]
                pages, cursor = pages + 1, page.next_cursor
                if cursor is None:
                    return pages, names
        finally:
            await registry.aclose()
            await proxy.aclose()

    pages, names = asyncio.run(scenario())
    assert len(set(names)) == len(names) == 506
    assert names == sorted(names)
    assert pages == 6
    assert {"extra_499", "look_up_v1"} <= set(names)
