"""What the MCP suites share: the kit's servers, keys, tools and comparisons.

The registry and tool proxy suites drive an implementation against MCP
servers whose tools the kit controls. Each server is an
[`InProcessMCPServer`][omnibase.spi_conformance.reference.mcp_server.
InProcessMCPServer]: its tools answer, fail as tools, hang until released or
cancelled, report progress, refuse with a JSON-RPC error code or ask for
input, and it logs every call it receives. The implementer makes each server
reachable by their proxy in ``serve_subsystem`` and returns how it is reached
(``transport``, ``endpoint``, ``arguments``, ``credentials``):

- over a fake proxy, by handing the server object to the proxy;
- over the MCP Python SDK, by serving it from a real MCP server (the SDK's
  lowlevel ``Server`` whose ``tools/list`` lists ``server.tools`` and whose
  ``tools/call`` awaits ``server.call(...)``) behind the SDK's in-memory
  transport, or a stdio subprocess that calls back into the test process.

Two fault hooks break the connection to a server: ``fault_refuse_connections``
(nothing more is delivered to it) and ``fault_break_connections`` (calls in
flight lose their connection after they were sent).
"""

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import ClassVar, Final, cast, override

from omnibase.protocols.core import ProtocolLifecycle
from omnibase.protocols.types import (
    JsonObject,
    MCPTaskSupport,
    MCPToolType,
    ProtocolMCPContentBlock,
    ProtocolMCPSubsystemMetadata,
    ProtocolMCPToolDefinition,
    ProtocolSecretValue,
)
from omnibase.spi_conformance.reference.mcp_server import (
    InProcessMCPServer,
    ServedTool,
    ServerCall,
    ToolBehaviour,
    answer,
)
from omnibase.spi_conformance.reference.mcp_validator import json_equal
from omnibase.spi_conformance.reference.values import (
    SecretReference,
    SecretValue,
    SubsystemMetadata,
    ToolAnnotations,
    ToolDefinition,
)
from omnibase.spi_conformance.suites._base import (
    SuiteEnvironment,
    check_equal,
    fail,
    fault_hook,
)
from omnibase.spi_conformance.suites.lifecycle import LifecycleChecks

__all__ = [
    "ACCEPTED_KEYS",
    "OBJECT_SCHEMA",
    "REFUSED_KEY",
    "MCPKitEnvironment",
    "MCPServedChecks",
    "block_differences",
    "kit_tool",
    "tool_differences",
]

ACCEPTED_KEYS: Final = ("kit-key-alpha-7Qm2vX", "kit-key-bravo-9Zx4wT")
"""The API keys the registry under test must accept, as two principals (MCR-2)."""

REFUSED_KEY: Final = "kit-key-refused-3Lp8nR"
"""An API key the registry under test must refuse (MCR-1)."""

OBJECT_SCHEMA: Final[JsonObject] = {"type": "object"}
"""The smallest valid parameters schema (MCT-2)."""


@dataclass(slots=True)
class MCPKitEnvironment(SuiteEnvironment):
    """The environment of the MCP suites.

    Attributes:
        api_keys: The two accepted keys (``ACCEPTED_KEYS``), as secret values.
        refused_key: ``REFUSED_KEY`` as a secret value.
        servers: The kit's servers of this test, by name.
    """

    api_keys: tuple[ProtocolSecretValue, ProtocolSecretValue] = field(
        default_factory=lambda: (
            SecretValue(ACCEPTED_KEYS[0]),
            SecretValue(ACCEPTED_KEYS[1]),
        )
    )
    refused_key: ProtocolSecretValue = field(
        default_factory=lambda: SecretValue(REFUSED_KEY)
    )
    servers: dict[str, InProcessMCPServer] = field(
        default_factory=dict[str, InProcessMCPServer]
    )


def kit_tool(
    name: str,
    behaviour: ToolBehaviour | None = None,
    *,
    read_only: bool = False,
    idempotent: bool = False,
    schema: JsonObject | None = None,
    output_schema: JsonObject | None = None,
    tool_type: MCPToolType = "action",
    version: str | None = None,
    upstream_name: str | None = None,
    annotations: ToolAnnotations | None = None,
    task_support: MCPTaskSupport = "forbidden",
) -> ServedTool:
    """Build a tool the kit serves and registers.

    Args:
        name: Registry name (MCT-1).
        behaviour: What a call does; answers ``"done"`` by default.
        read_only: Authoritative flag.
        idempotent: Authoritative flag.
        schema: Parameters schema; ``{"type": "object"}`` by default.
        output_schema: Output schema, if any.
        tool_type: Descriptive type.
        version: Contract version (MCR-10).
        upstream_name: The server's name, if it breaks MCT-1.
        annotations: The server's hints (MCT-5).
        task_support: MCP ``execution.taskSupport``.

    Returns:
        The served tool; its ``definition`` is what the kit registers.
    """
    definition = ToolDefinition(
        name=name,
        description=f"kit tool {name}",
        tool_type=tool_type,
        parameters_schema=schema if schema is not None else OBJECT_SCHEMA,
        idempotent=idempotent,
        read_only=read_only,
        output_schema=output_schema,
        version=version,
        upstream_name=upstream_name,
        annotations=annotations,
        task_support=task_support,
    )
    return ServedTool(definition, behaviour or answer())


def _same(left: object, right: object) -> bool:
    return json_equal(left, right)


def tool_differences(
    expected: ProtocolMCPToolDefinition, actual: ProtocolMCPToolDefinition
) -> list[str]:
    """Name every member in which ``actual`` differs from ``expected`` (MCR-1).

    Args:
        expected: The tool as registered.
        actual: The tool as returned.

    Returns:
        ``"member: expected != actual"`` lines; empty when they agree.
    """
    found: list[str] = []
    plain: tuple[str, ...] = ("name", "upstream_name", "version", "title")
    plain += ("description", "tool_type", "idempotent", "read_only", "timeout")
    plain += ("task_support",)
    for member in plain:
        want, got = getattr(expected, member), getattr(actual, member)
        if want != got:
            found.append(f"{member}: {want!r} != {got!r}")
    for member in ("parameters_schema", "output_schema", "meta"):
        want, got = getattr(expected, member), getattr(actual, member)
        if not _same(want, got):
            found.append(f"{member}: {want!r} != {got!r}")
    found += _annotation_differences(expected, actual)
    want_icons = [_icon(icon) for icon in expected.icons]
    got_icons = [_icon(icon) for icon in actual.icons]
    if want_icons != got_icons:
        found.append(f"icons: {want_icons!r} != {got_icons!r}")
    return found


def _icon(icon: object) -> tuple[object, ...]:
    return (
        getattr(icon, "src", None),
        getattr(icon, "mime_type", None),
        tuple(cast("Sequence[str]", getattr(icon, "sizes", ()))),
        getattr(icon, "theme", None),
    )


def _annotation_differences(
    expected: ProtocolMCPToolDefinition, actual: ProtocolMCPToolDefinition
) -> list[str]:
    want, got = expected.annotations, actual.annotations
    if want is None or got is None:
        return [] if want is got else [f"annotations: {want!r} != {got!r}"]
    members: tuple[str, ...] = ("title", "read_only_hint", "destructive_hint")
    members += ("idempotent_hint", "open_world_hint")
    return [
        f"annotations.{member}: {getattr(want, member)!r} != {getattr(got, member)!r}"
        for member in members
        if getattr(want, member) != getattr(got, member)
    ]


def block_differences(
    expected: ProtocolMCPContentBlock, actual: ProtocolMCPContentBlock
) -> list[str]:
    """Name every member in which a content block differs (MTP-7).

    Args:
        expected: The block the server sent.
        actual: The block the result holds.

    Returns:
        ``"member: expected != actual"`` lines; empty when they agree.
    """
    found: list[str] = []
    members = ("kind", "text", "data", "mime_type", "uri", "name", "title")
    for member in (*members, "description", "size"):
        want, got = getattr(expected, member), getattr(actual, member)
        if want != got:
            found.append(f"{member}: {want!r} != {got!r}")
    if not _same(expected.meta, actual.meta):
        found.append(f"meta: {expected.meta!r} != {actual.meta!r}")
    want, got = expected.annotations, actual.annotations
    if (want is None) != (got is None):
        found.append(f"annotations: {want!r} != {got!r}")
    elif want is not None and got is not None:
        pairs: Mapping[str, tuple[object, object]] = {
            "audience": (tuple(want.audience), tuple(got.audience)),
            "priority": (want.priority, got.priority),
            "last_modified": (want.last_modified, got.last_modified),
        }
        found += [
            f"annotations.{member}: {a!r} != {b!r}"
            for member, (a, b) in pairs.items()
            if a != b
        ]
    return found


class MCPServedChecks[SubjectT: ProtocolLifecycle](
    LifecycleChecks[SubjectT, MCPKitEnvironment]
):
    """Base of the suites whose subject reaches the kit's MCP servers.

    Implement ``create_subject``, [`serve_subsystem`][] and, to run the fault
    tests, the two fault hooks.

    Attributes:
        short_timeout: A limit the suite passes for calls that hang: short
            enough to keep the suite fast, long enough for a healthy call to
            your servers to finish well within it.
    """

    short_timeout: ClassVar[timedelta] = timedelta(milliseconds=250)

    @override
    def make_environment(self) -> MCPKitEnvironment:
        """A fresh environment with the kit's keys and no servers yet."""
        return MCPKitEnvironment()

    async def serve_subsystem(
        self, subject: SubjectT, env: MCPKitEnvironment, server: InProcessMCPServer
    ) -> ProtocolMCPSubsystemMetadata:
        """Make ``server`` reachable by the subject's proxy; say how it is reached.

        Called once per kit server, before the kit registers (or calls) it.
        The kit copies ``transport``, ``endpoint``, ``arguments`` and
        ``credentials`` of what you return into the metadata it registers
        under ``server.name``; the other members are the kit's.

        Args:
            subject: The subject under test.
            env: The test's environment.
            server: The kit's server: list ``server.tools`` (the name a tool
                is served under is ``ServedTool.served_name``), and run each
                ``tools/call`` through ``server.call``.

        Returns:
            Metadata whose transport members reach the server.
        """
        raise NotImplementedError(f"{type(self).__qualname__}.serve_subsystem")

    @fault_hook
    async def fault_refuse_connections(
        self, subject: SubjectT, env: MCPKitEnvironment, subsystem_name: str
    ) -> None:
        """From now on, nothing the subject sends reaches this server.

        Stop the server or refuse its connections: the subject must find out
        before it sends (UnavailableError, MTP-2).

        Args:
            subject: The subject under test.
            env: The test's environment.
            subsystem_name: The server's name.
        """

    @fault_hook
    async def fault_break_connections(
        self, subject: SubjectT, env: MCPKitEnvironment, subsystem_name: str
    ) -> None:
        """Break the connection of the calls in flight to this server.

        Kill the server process, reset the connection: the calls were sent,
        so their outcome is unknown (OutcomeUnknownError, MTP-2).

        Args:
            subject: The subject under test.
            env: The test's environment.
            subsystem_name: The server's name.
        """

    async def serve(
        self,
        subject: SubjectT,
        env: MCPKitEnvironment,
        name: str,
        tools: Sequence[ServedTool],
    ) -> SubsystemMetadata:
        """Start a kit server and return the metadata to register it with.

        Args:
            subject: The subject under test.
            env: The test's environment.
            name: The server's (and subsystem's) name.
            tools: What it serves.

        Returns:
            The metadata.
        """
        server = InProcessMCPServer(name, tools)
        env.servers[name] = server
        reached = await self.serve_subsystem(subject, env, server)
        return SubsystemMetadata(
            name=name,
            subsystem_type="custom",
            version="1.0.0",
            endpoint=reached.endpoint,
            description=f"kit server {name}",
            labels={"kit": "mcp"},
            transport=reached.transport,
            arguments=tuple(reached.arguments),
            credentials={
                key: SecretReference(reference.uri)
                for key, reference in reached.credentials.items()
            },
        )

    async def wait_for_call(
        self, env: MCPKitEnvironment, name: str, count: int = 1
    ) -> ServerCall:
        """Wait until server ``name`` received ``count`` calls; return the last.

        Args:
            env: The test's environment.
            name: The server.
            count: How many calls.

        Returns:
            The ``count``-th call.
        """
        server = env.servers[name]

        async def arrived() -> ServerCall:
            if len(server.calls) < count:
                raise AssertionError(
                    f"{name} received {len(server.calls)} calls, waiting for {count}"
                )
            return server.calls[count - 1]

        return await self.eventually(arrived)

    async def check_cancellation_reaches_server[T](
        self, rule_id: str, task: asyncio.Future[T], call: ServerCall
    ) -> None:
        """Cancel ``task``; require ``CancelledError`` and a cancelled server call.

        Args:
            rule_id: The rule checked (MCR-8 or MTP-4).
            task: The awaiting execution, already running on the server.
            call: The server's record of that call.

        Raises:
            ConformanceError: The task did not end in ``CancelledError``, or
                the server's call was not cancelled in time.
        """
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        except Exception as error:
            raise fail(
                rule_id, "CancelledError", f"{type(error).__name__}: {error}"
            ) from error
        else:
            raise fail(rule_id, "CancelledError", "the call returned")

        async def cancelled() -> None:
            check_equal(rule_id, "the server's call state", "cancelled", call.state)

        await self.eventually(cancelled)
