"""Broken MCP references: each breaks one rule of the MCP contracts.

Among them, the defects implementers found in the 0.1 references: MCR-10
treating ``{"const": 1}`` and ``{"const": true}`` alike, stored schemas
aliasing the caller's dicts (T-4), invalid schemas accepted (MCT-2), a tool
``db.query`` unreachable once a subsystem ``db`` exists (MCR-16), no TTL at
all (MCR-3), a plain-string API key accepted (ERR-1).
"""

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import cast, override
from uuid import UUID, uuid4

from omnibase.protocols.errors import (
    DeadlineExceededError,
    InvalidInputError,
    OutcomeUnknownError,
    ResourceExhaustedError,
    UnavailableError,
)
from omnibase.protocols.mcp import ProtocolMCPValidator
from omnibase.protocols.types import (
    HealthStatus,
    JsonObject,
    MCPBalancingStrategy,
    MCPToolChangeKind,
    MCPToolType,
    ProtocolHealthCheckConfig,
    ProtocolMCPAttemptRecord,
    ProtocolMCPProgress,
    ProtocolMCPProgressHandler,
    ProtocolMCPSubsystemMetadata,
    ProtocolMCPSubsystemRegistration,
    ProtocolMCPToolDefinition,
    ProtocolMCPToolListing,
    ProtocolMCPToolMetrics,
    ProtocolMCPToolResult,
    ProtocolPage,
    ProtocolSecretValue,
    ProtocolValidationIssue,
)
from omnibase.spi_conformance.reference.factories import SeededIds
from omnibase.spi_conformance.reference.mcp_monitor import InMemoryMCPMonitor
from omnibase.spi_conformance.reference.mcp_registry import (
    AttemptPlace,
    Candidate,
    InMemoryMCPRegistry,
    SubsystemEntry,
)
from omnibase.spi_conformance.reference.mcp_server import (
    InProcessMCPServer,
    ServerErrorReply,
    ServerReply,
    text_block,
)
from omnibase.spi_conformance.reference.mcp_tool_proxy import (
    FakeToolProxy,
    MonotonicProgress,
    error_for_reply,
)
from omnibase.spi_conformance.reference.mcp_validator import SimpleMCPValidator
from omnibase.spi_conformance.reference.paging import paginate
from omnibase.spi_conformance.reference.values import (
    ContentBlock,
    HealthReport,
    SecretReference,
    SecretValue,
    SubsystemMetadata,
    SubsystemRegistration,
    ToolDefinition,
    ToolListing,
    ToolMetrics,
    ToolResult,
)
from omnibase.spi_conformance.suites import MCPKitEnvironment, SuiteEnvironment
from tests.conformance.harness import Variant
from tests.conformance.test_reference_mcp_monitor import TestInMemoryMCPMonitor
from tests.conformance.test_reference_mcp_registry import TestInMemoryMCPRegistry
from tests.conformance.test_reference_mcp_tool_proxy import TestFakeToolProxy
from tests.conformance.test_reference_mcp_validator import TestSimpleMCPValidator

_LOG = logging.getLogger(__name__)

# --- registries -------------------------------------------------------------------


class _RegisterVariant(InMemoryMCPRegistry):
    """A registry whose registrations pass through [`register`][]."""

    async def register(
        self,
        subsystem_metadata: ProtocolMCPSubsystemMetadata,
        tools: Sequence[ProtocolMCPToolDefinition],
        api_key: ProtocolSecretValue,
        options: tuple[JsonObject | None, ProtocolHealthCheckConfig | None],
    ) -> UUID:
        """Register as the reference does; variants change it."""
        return await super().register_subsystem(
            subsystem_metadata,
            tools,
            api_key,
            configuration=options[0],
            health_check=options[1],
        )

    @override
    async def register_subsystem(
        self,
        subsystem_metadata: ProtocolMCPSubsystemMetadata,
        tools: Sequence[ProtocolMCPToolDefinition],
        api_key: ProtocolSecretValue,
        *,
        configuration: JsonObject | None = None,
        health_check: ProtocolHealthCheckConfig | None = None,
    ) -> UUID:
        return await self.register(
            subsystem_metadata, tools, api_key, (configuration, health_check)
        )


class ValidatesBeforeTheKey(_RegisterVariant):
    """Reports invalid tools before a refused key (MCR-1)."""

    @override
    async def register(
        self,
        subsystem_metadata: ProtocolMCPSubsystemMetadata,
        tools: Sequence[ProtocolMCPToolDefinition],
        api_key: ProtocolSecretValue,
        options: tuple[JsonObject | None, ProtocolHealthCheckConfig | None],
    ) -> UUID:
        for tool in tools:
            if self._validator.validate_tool_definition(tool):
                raise InvalidInputError(f"invalid tool {tool.name!r}")
        return await super().register(subsystem_metadata, tools, api_key, options)


class StoresTheValidHalf(_RegisterVariant):
    """Drops invalid tools and stores the rest (MCR-1)."""

    @override
    async def register(
        self,
        subsystem_metadata: ProtocolMCPSubsystemMetadata,
        tools: Sequence[ProtocolMCPToolDefinition],
        api_key: ProtocolSecretValue,
        options: tuple[JsonObject | None, ProtocolHealthCheckConfig | None],
    ) -> UUID:
        valid = [t for t in tools if not self._validator.validate_tool_definition(t)]
        return await super().register(subsystem_metadata, valid, api_key, options)


class ForgetsHealth(_RegisterVariant):
    """Re-registration starts over at ``critical`` (MCR-2)."""

    @override
    async def register(
        self,
        subsystem_metadata: ProtocolMCPSubsystemMetadata,
        tools: Sequence[ProtocolMCPToolDefinition],
        api_key: ProtocolSecretValue,
        options: tuple[JsonObject | None, ProtocolHealthCheckConfig | None],
    ) -> UUID:
        registration_id = await super().register(
            subsystem_metadata, tools, api_key, options
        )
        entry = self._entries[registration_id]
        entry.last_heartbeat = None
        entry.reported = None
        return registration_id


class DropsAnnotations(InMemoryMCPRegistry):
    """Loses tool annotations, icons and ``_meta`` (MCR-1)."""

    @override
    def _copy_tool(self, tool: ProtocolMCPToolDefinition) -> ToolDefinition:
        return replace(super()._copy_tool(tool), annotations=None, icons=(), meta={})


class AliasesSchemas(InMemoryMCPRegistry):
    """Keeps the caller's schema object (T-4)."""

    @override
    def _copy_tool(self, tool: ProtocolMCPToolDefinition) -> ToolDefinition:
        copy = super()._copy_tool(tool)
        return replace(copy, parameters_schema=tool.parameters_schema)


class AcceptsPlainStringKeys(InMemoryMCPRegistry):
    """Accepts an API key given as a bare ``str`` (ERR-1)."""

    @override
    def _principal(self, api_key: ProtocolSecretValue) -> int:
        given = cast("object", api_key)
        if isinstance(given, str):
            return super()._principal(SecretValue(given))
        return super()._principal(api_key)


class ResolvesCredentials(InMemoryMCPRegistry):
    """Stores credentials resolved, as secret values (MCT-6)."""

    @override
    def _copy_subsystem(
        self, metadata: ProtocolMCPSubsystemMetadata
    ) -> SubsystemMetadata:
        copy = super()._copy_subsystem(metadata)
        resolved: object = {name: SecretValue("resolved") for name in copy.credentials}
        return replace(copy, credentials=cast("dict[str, SecretReference]", resolved))


class AnyKeyTakesAName(InMemoryMCPRegistry):
    """Any accepted key may re-register, heartbeat or remove any subsystem (MCR-2)."""

    @override
    def _check_owner(self, entry: SubsystemEntry, principal: int) -> None:
        del entry, principal

    @override
    def _owned(
        self, registration_id: UUID, api_key: ProtocolSecretValue
    ) -> SubsystemEntry | None:
        self._principal(api_key)
        return self._entries.get(registration_id)


class NoTTL(InMemoryMCPRegistry):
    """Health changes only by heartbeats; nothing expires (MCR-3)."""

    @override
    def _health(
        self, entry: SubsystemEntry, now: datetime
    ) -> tuple[HealthReport, bool]:
        report, _ = super()._health(entry, now)
        return (entry.reported or report), False


class WarningIsUnhealthy(InMemoryMCPRegistry):
    """Counts only ``passing`` as healthy (HLT-1)."""

    @override
    def _healthy(self, status: HealthStatus) -> bool:
        return status == "passing"


class NoArgumentValidation(InMemoryMCPRegistry):
    """Calls subsystems with whatever arguments it gets (MCR-4)."""

    @override
    def _accepting(
        self, candidates: list[Candidate], parameters: JsonObject
    ) -> tuple[list[Candidate], Sequence[ProtocolValidationIssue]]:
        return candidates, ()


class IgnoresPreference(InMemoryMCPRegistry):
    """Never puts the preferred subsystem first (MCR-5)."""

    @override
    def _order(
        self, tool_name: str, healthy: list[Candidate], preferred: str | None
    ) -> list[Candidate]:
        return super()._order(tool_name, healthy, None)


class ClaimsRoundRobin(InMemoryMCPRegistry):
    """Reports ``round_robin`` but always orders by name (MCR-5)."""

    @override
    def balancing_strategy(self) -> MCPBalancingStrategy:
        super().balancing_strategy()
        return "round_robin"


class FailsOverToolErrors(InMemoryMCPRegistry):
    """Retries an ``is_error`` answer on the next subsystem (MCR-6, MCT-3)."""

    @override
    def _answer_fails_over(self, result: ProtocolMCPToolResult) -> bool:
        return result.is_error


class ResendsAnything(InMemoryMCPRegistry):
    """Fails over after an unknown outcome for any tool (MCR-7)."""

    @override
    def _may_resend(self, tool: ToolDefinition) -> bool:
        return True


class TrustsHints(InMemoryMCPRegistry):
    """Believes a server's read-only or idempotent hints (MCT-5)."""

    @override
    def _may_resend(self, tool: ToolDefinition) -> bool:
        hints = tool.annotations
        trusted = hints is not None and bool(
            hints.read_only_hint or hints.idempotent_hint
        )
        return trusted or super()._may_resend(tool)


class NeverFailsOver(InMemoryMCPRegistry):
    """Tries only the first candidate (MCR-7)."""

    @override
    def _order(
        self, tool_name: str, healthy: list[Candidate], preferred: str | None
    ) -> list[Candidate]:
        return super()._order(tool_name, healthy, preferred)[:1]


class SwallowsCancellation(InMemoryMCPRegistry):
    """Turns cancellation into UnavailableError (MCR-8)."""

    @override
    async def execute_tool(
        self,
        tool_name: str,
        parameters: JsonObject,
        correlation_id: UUID,
        *,
        preferred_subsystem: str | None = None,
        subsystem: str | None = None,
        timeout: timedelta | None = None,
        attempt_timeout: timedelta | None = None,
        progress_handler: ProtocolMCPProgressHandler | None = None,
    ) -> ProtocolMCPToolResult:
        try:
            return await super().execute_tool(
                tool_name,
                parameters,
                correlation_id,
                preferred_subsystem=preferred_subsystem,
                subsystem=subsystem,
                timeout=timeout,
                attempt_timeout=attempt_timeout,
                progress_handler=progress_handler,
            )
        except asyncio.CancelledError:
            raise UnavailableError("the execution was interrupted") from None


class ListsInRegistrationOrder(InMemoryMCPRegistry):
    """Lists tools in registration order (MCR-9)."""

    @override
    def _listing_order(self, listing: ToolListing) -> tuple[str, str]:
        return ("", "")


class LimitZeroMeansDefault(InMemoryMCPRegistry):
    """Reads ``limit=0`` as "the default page size" (PG-4)."""

    @override
    async def list_tools(
        self,
        *,
        tool_type: MCPToolType | None = None,
        subsystem_name: str | None = None,
        cursor: str | None = None,
        limit: int = 100,
    ) -> ProtocolPage[ProtocolMCPToolListing]:
        return await super().list_tools(
            tool_type=tool_type,
            subsystem_name=subsystem_name,
            cursor=cursor,
            limit=limit or 100,
        )


class PythonEquality(InMemoryMCPRegistry):
    """Compares schemas with ``==``, so ``1 == True`` (MCR-10)."""

    @override
    def _same_contract(
        self, left: ProtocolMCPToolDefinition, right: ProtocolMCPToolDefinition
    ) -> bool:
        fields = ("parameters_schema", "output_schema", "tool_type", "idempotent")
        return all(
            getattr(left, f) == getattr(right, f) for f in (*fields, "read_only")
        )


class LogsTheKey(InMemoryMCPRegistry):
    """Logs the presented API key at DEBUG (MCR-11)."""

    @override
    def _principal(self, api_key: ProtocolSecretValue) -> int:
        if isinstance(cast("object", api_key), SecretValue):
            _LOG.debug("checking API key %s", api_key.get_secret_value())
        return super()._principal(api_key)


class OneBudgetForAll(InMemoryMCPRegistry):
    """Gives every attempt the whole remaining time (MCR-12)."""

    @override
    def _attempt_limit(
        self,
        tool: ToolDefinition,
        attempt_timeout: timedelta | None,
        remaining: timedelta,
    ) -> timedelta:
        return remaining


class NoToolChanges(InMemoryMCPRegistry):
    """Never tells subscribers about changes (MCR-13)."""

    @override
    async def _notify(self, kind: MCPToolChangeKind, entry: SubsystemEntry) -> None:
        del kind, entry


class RunsTaskOnlyTools(InMemoryMCPRegistry):
    """Calls tools that require MCP tasks (MCR-14)."""

    @override
    def _runnable(self, candidates: list[Candidate]) -> list[Candidate]:
        return candidates


class RecordsOnlyAnswers(InMemoryMCPRegistry):
    """Records answered attempts only (MCR-15)."""

    @override
    async def _record(
        self, ended: ProtocolMCPToolResult | Exception, where: AttemptPlace
    ) -> None:
        if not isinstance(ended, Exception):
            await super()._record(ended, where)


class SplitsDottedNames(InMemoryMCPRegistry):
    """Reads ``db.query`` as tool ``query`` of subsystem ``db`` (MCR-16)."""

    @override
    def _candidates(self, tool_name: str, subsystem: str | None) -> list[Candidate]:
        prefix, dot, rest = tool_name.partition(".")
        if subsystem is None and dot and self._find(prefix) is not None:
            return super()._candidates(rest, prefix)
        return super()._candidates(tool_name, subsystem)


class _Passthrough(MonotonicProgress):
    """Passes every notification on."""

    @override
    async def __call__(self, progress: ProtocolMCPProgress, /) -> None:
        if self._handler is not None:
            await self._handler(progress)


class ProgressRestarts(InMemoryMCPRegistry):
    """Lets progress start over after a failover (MPR-1)."""

    @override
    def _progress_for(
        self, handler: ProtocolMCPProgressHandler | None
    ) -> MonotonicProgress:
        return _Passthrough(handler)


class ZeroTimeoutMeansDefault(InMemoryMCPRegistry):
    """Reads ``timeout=timedelta(0)`` as "the default" (T-6)."""

    @override
    def _check_arguments(
        self,
        tool_name: object,
        parameters: object,
        correlation_id: object,
        timeout: object,
        attempt_timeout: object,
    ) -> None:
        del tool_name, parameters, correlation_id, timeout, attempt_timeout


def _registry_variant(
    name: str, breaks: tuple[str, ...], broken: type[InMemoryMCPRegistry]
) -> Variant:
    def build(
        self: TestInMemoryMCPRegistry,
        env: MCPKitEnvironment,
        proxy: FakeToolProxy,
        monitor: InMemoryMCPMonitor,
    ) -> object:
        return broken(
            proxy=proxy,
            validator=SimpleMCPValidator(),
            api_key=env.api_keys[0],
            other_api_keys=[env.api_keys[1]],
            ids=SeededIds(7),
            clock=env.clock,
            monitor=monitor,
        )

    return Variant(name, breaks, TestInMemoryMCPRegistry, {"build": build})


class _IgnoresCodes(SimpleMCPValidator):
    """A validator blind to some issue codes."""

    ignored: frozenset[str] = frozenset()

    @override
    def validate_tool_definition(
        self, tool: ProtocolMCPToolDefinition
    ) -> Sequence[ProtocolValidationIssue]:
        found = super().validate_tool_definition(tool)
        return [issue for issue in found if issue.code not in self.ignored]

    @override
    def validate_subsystem_metadata(
        self, subsystem_metadata: ProtocolMCPSubsystemMetadata
    ) -> Sequence[ProtocolValidationIssue]:
        found = super().validate_subsystem_metadata(subsystem_metadata)
        return [issue for issue in found if issue.code not in self.ignored]


class AcceptsBadNames(_IgnoresCodes):
    """Accepts names breaking MCT-1."""

    ignored = frozenset({"name"})


class AcceptsInvalidSchemas(_IgnoresCodes):
    """Accepts invalid schemas (MCT-2)."""

    ignored = frozenset({"schema"})


def _validator_variant(
    name: str, breaks: tuple[str, ...], validator: type[SimpleMCPValidator]
) -> Variant:
    def build(
        self: TestInMemoryMCPRegistry,
        env: MCPKitEnvironment,
        proxy: FakeToolProxy,
        monitor: InMemoryMCPMonitor,
    ) -> object:
        return InMemoryMCPRegistry(
            proxy=proxy,
            validator=validator(),
            api_key=env.api_keys[0],
            other_api_keys=[env.api_keys[1]],
            ids=SeededIds(7),
            clock=env.clock,
            monitor=monitor,
        )

    return Variant(name, breaks, TestInMemoryMCPRegistry, {"build": build})


# --- tool proxies -----------------------------------------------------------------


class _ProxyVariant(FakeToolProxy):
    """A fake proxy whose results pass through [`change`][]."""

    def change(self, result: ToolResult) -> ToolResult:
        """Break the result; the default keeps it."""
        return result

    @override
    async def call_tool(
        self,
        subsystem: ProtocolMCPSubsystemRegistration,
        tool_name: str,
        parameters: JsonObject,
        correlation_id: UUID,
        *,
        timeout: timedelta | None = None,
        progress_handler: ProtocolMCPProgressHandler | None = None,
    ) -> ProtocolMCPToolResult:
        result = await super().call_tool(
            subsystem,
            tool_name,
            parameters,
            correlation_id,
            timeout=timeout,
            progress_handler=progress_handler,
        )
        return self.change(cast("ToolResult", result))


class RaisesOnToolErrors(_ProxyVariant):
    """Raises for an ``is_error`` answer (MTP-1, MCT-3)."""

    @override
    def change(self, result: ToolResult) -> ToolResult:
        if result.is_error:
            raise UnavailableError("the tool failed")
        return result


class _NoOutputChecks(SimpleMCPValidator):
    @override
    def validate_result(
        self, tool: ProtocolMCPToolDefinition, result: ProtocolMCPToolResult
    ) -> Sequence[ProtocolValidationIssue]:
        return ()


class TrustsTheServersListing(FakeToolProxy):
    """Sends calls for tools the server does not list (MTP-2)."""

    @override
    def _listed(self, server: InProcessMCPServer, served_name: str) -> bool:
        return True


class EverythingIsUnavailable(FakeToolProxy):
    """Says "not performed" for every failure (MTP-2)."""

    @override
    async def _await_reply(
        self, name: str, call: "asyncio.Task[ServerReply]", limit: timedelta
    ) -> ServerReply:
        try:
            return await super()._await_reply(name, call, limit)
        except (OutcomeUnknownError, ResourceExhaustedError) as error:
            raise UnavailableError(str(error)) from None


class NoProgressFilter(FakeToolProxy):
    """Passes every progress notification on, late ones too (MTP-3)."""

    @override
    def _progress_for(
        self, handler: ProtocolMCPProgressHandler | None
    ) -> MonotonicProgress:
        return _Passthrough(handler)


class LeavesTheServerRunning(FakeToolProxy):
    """Does not cancel the server's call when the caller is cancelled (MTP-4)."""

    @override
    async def _await_reply(
        self, name: str, call: "asyncio.Task[ServerReply]", limit: timedelta
    ) -> ServerReply:
        try:
            async with asyncio.timeout(limit.total_seconds()):
                return await asyncio.shield(call)
        except TimeoutError:
            raise DeadlineExceededError(f"{name}: no reply within {limit}") from None
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if call in self._broken and not (current and current.cancelling()):
                raise OutcomeUnknownError(f"{name}: connection lost") from None
            raise  # the server's call keeps running
        except ServerErrorReply as error:
            raise error_for_reply(name, error) from None


class InputRequestIsAToolError(FakeToolProxy):
    """Answers a request for input with a tool error (MTP-5)."""

    @override
    def _result(
        self,
        subsystem: ProtocolMCPSubsystemRegistration,
        tool: ProtocolMCPToolDefinition,
        reply: ServerReply,
        correlation_id: UUID,
        started_at: datetime,
    ) -> ToolResult:
        if reply.input_required:
            reply = ServerReply((text_block("input required"),), is_error=True)
        return super()._result(subsystem, tool, reply, correlation_id, started_at)


class NoCorrelationInMeta(FakeToolProxy):
    """Sends no correlation id (MTP-6)."""

    @override
    def _meta(self, correlation_id: UUID) -> JsonObject:
        return {}


class NewCorrelationIds(_ProxyVariant):
    """Answers with a correlation id of its own (T-7)."""

    @override
    def change(self, result: ToolResult) -> ToolResult:
        return replace(result, correlation_id=uuid4())


class DropsLinkDetails(_ProxyVariant):
    """Keeps a resource link's URI only (MTP-7)."""

    @override
    def change(self, result: ToolResult) -> ToolResult:
        blocks = tuple(
            (
                ContentBlock("resource_link", uri=block.uri, mime_type=block.mime_type)
                if block.kind == "resource_link"
                else block
            )
            for block in result.content
        )
        return replace(result, content=blocks)


class FalsyIsAbsent(_ProxyVariant):
    """Reads falsy values (``0``, ``""``, ``[]``) as no structured content (MCT-4)."""

    @override
    def change(self, result: ToolResult) -> ToolResult:
        value = result.structured_content
        if value is not None and not value:
            return replace(
                result, structured_content=None, has_structured_content=False
            )
        return result


class NullIsAbsent(_ProxyVariant):
    """Reads a JSON ``null`` as no structured content (MCT-7)."""

    @override
    def change(self, result: ToolResult) -> ToolResult:
        present = result.structured_content is not None
        return replace(result, has_structured_content=present)


class CallsTheRegistryName(FakeToolProxy):
    """Sends ``name`` even when the server's name is ``upstream_name`` (MCT-1)."""

    @override
    async def call_tool(
        self,
        subsystem: ProtocolMCPSubsystemRegistration,
        tool_name: str,
        parameters: JsonObject,
        correlation_id: UUID,
        *,
        timeout: timedelta | None = None,
        progress_handler: ProtocolMCPProgressHandler | None = None,
    ) -> ProtocolMCPToolResult:
        registration = cast("SubsystemRegistration", subsystem)
        plain = tuple(replace(tool, upstream_name=None) for tool in registration.tools)
        return await super().call_tool(
            replace(registration, tools=plain),
            tool_name,
            parameters,
            correlation_id,
            timeout=timeout,
            progress_handler=progress_handler,
        )


def _proxy_variant(
    name: str,
    breaks: tuple[str, ...],
    broken: type[FakeToolProxy],
    validator: ProtocolMCPValidator | None = None,
) -> Variant:
    def build(self: TestFakeToolProxy, env: MCPKitEnvironment) -> object:
        return broken(ids=SeededIds(8), clock=env.clock, validator=validator)

    return Variant(name, breaks, TestFakeToolProxy, {"build": build})


# --- monitors ---------------------------------------------------------------------


class CountsDuplicates(InMemoryMCPMonitor):
    """Keeps every recording of an attempt (MMO-1)."""

    @override
    async def record_attempt(self, record: ProtocolMCPAttemptRecord) -> None:
        before = dict(self._records)
        await super().record_attempt(record)
        key = (record.execution_id, record.attempt)
        if key in before:  # keep the repeat too
            self._records[uuid4(), record.attempt] = before[key]


class ClosedWindow(InMemoryMCPMonitor):
    """Counts attempts started exactly at ``until`` (MMO-2)."""

    @override
    async def get_tool_metrics(
        self,
        tool_name: str,
        since: datetime,
        *,
        until: datetime | None = None,
        subsystem_name: str | None = None,
    ) -> ProtocolMCPToolMetrics:
        later = until
        if until is not None and until > since:
            later = until + timedelta(microseconds=1)
        metrics = await super().get_tool_metrics(
            tool_name, since, until=later, subsystem_name=subsystem_name
        )
        end = until or metrics.window_end
        return replace(cast("ToolMetrics", metrics), window_end=end)


class RecordingOrder(InMemoryMCPMonitor):
    """Lists attempts in the order they were recorded (MMO-3)."""

    @override
    async def list_attempts(
        self, correlation_id: UUID, *, cursor: str | None = None, limit: int = 100
    ) -> ProtocolPage[ProtocolMCPAttemptRecord]:
        self._check_open()
        found = [
            r for r in self._records.values() if r.correlation_id == correlation_id
        ]
        return paginate(found, cursor=cursor, limit=limit)


class AcceptsEmptyWindows(InMemoryMCPMonitor):
    """Answers zeros for a window that ends before it starts (MMO-4)."""

    @override
    async def get_tool_metrics(
        self,
        tool_name: str,
        since: datetime,
        *,
        until: datetime | None = None,
        subsystem_name: str | None = None,
    ) -> ProtocolMCPToolMetrics:
        if until is not None and until <= since and until.tzinfo is not None:
            return ToolMetrics(
                tool_name, subsystem_name, since, until, 0, 0, 0, None, None
            )
        return await super().get_tool_metrics(
            tool_name, since, until=until, subsystem_name=subsystem_name
        )


def _monitor_variant(
    name: str, breaks: tuple[str, ...], broken: type[InMemoryMCPMonitor]
) -> Variant:
    def build(self: TestInMemoryMCPMonitor, env: SuiteEnvironment) -> object:
        return broken(clock=env.clock)

    return Variant(name, breaks, TestInMemoryMCPMonitor, {"build": build})


# --- validators -------------------------------------------------------------------


class RaisesOnGarbage(SimpleMCPValidator):
    """Raises for a schema that is not a JSON object (MVA-1)."""

    @override
    def validate_tool_definition(
        self, tool: ProtocolMCPToolDefinition
    ) -> Sequence[ProtocolValidationIssue]:
        if not isinstance(cast("object", tool.parameters_schema), dict):
            raise TypeError("parameters_schema must be a dict")
        return super().validate_tool_definition(tool)


class SortsPathsAsText(SimpleMCPValidator):
    """Orders issues by the path's text, so ``/a/10`` before ``/a/2`` (MVA-2)."""

    @override
    def validate_parameters(
        self, tool: ProtocolMCPToolDefinition, parameters: JsonObject
    ) -> Sequence[ProtocolValidationIssue]:
        found = super().validate_parameters(tool, parameters)
        return sorted(found, key=lambda issue: (issue.path, issue.code))


class HidesRemoteReferences(SimpleMCPValidator):
    """Silently ignores ``$ref`` s to other documents (MVA-3)."""

    @override
    def validate_tool_definition(
        self, tool: ProtocolMCPToolDefinition
    ) -> Sequence[ProtocolValidationIssue]:
        found = super().validate_tool_definition(tool)
        return [issue for issue in found if issue.code != "remote_ref"]


class BooleansAreNumbers(SimpleMCPValidator):
    """Python's ``True == 1`` for ``const``, ``enum`` and ``integer`` (MVA-4)."""

    @override
    def validate_parameters(
        self, tool: ProtocolMCPToolDefinition, parameters: JsonObject
    ) -> Sequence[ProtocolValidationIssue]:
        value = parameters.get("v", 0)
        if isinstance(value, bool):
            return super().validate_parameters(tool, {**parameters, "v": int(value)})
        return super().validate_parameters(tool, parameters)


class _LenientEndpoints(_IgnoresCodes):
    """Accepts any endpoint and credentials (MCT-6)."""

    ignored = frozenset({"endpoint", "credentials"})


def _validator_suite_variant(
    name: str, breaks: tuple[str, ...], broken: type[SimpleMCPValidator]
) -> Variant:
    def build(self: TestSimpleMCPValidator) -> object:
        return broken()

    return Variant(name, breaks, TestSimpleMCPValidator, {"build": build})


VARIANTS = [
    _registry_variant("validates_before_the_key", ("MCR-1",), ValidatesBeforeTheKey),
    _registry_variant("stores_the_valid_half", ("MCR-1",), StoresTheValidHalf),
    _registry_variant("drops_annotations", ("MCR-1",), DropsAnnotations),
    _registry_variant("aliases_schemas", ("T-4",), AliasesSchemas),
    _registry_variant("plain_string_key", ("ERR-1",), AcceptsPlainStringKeys),
    _registry_variant("resolves_credentials", ("MCT-6",), ResolvesCredentials),
    _registry_variant("forgets_health", ("MCR-2",), ForgetsHealth),
    _registry_variant("any_key_takes_a_name", ("MCR-2",), AnyKeyTakesAName),
    _registry_variant("no_ttl", ("MCR-3",), NoTTL),
    _registry_variant("warning_is_unhealthy", ("HLT-1",), WarningIsUnhealthy),
    _registry_variant("no_argument_validation", ("MCR-4",), NoArgumentValidation),
    _registry_variant("ignores_preference", ("MCR-5",), IgnoresPreference),
    _registry_variant("claims_round_robin", ("MCR-5",), ClaimsRoundRobin),
    _registry_variant(
        "fails_over_tool_errors", ("MCR-6", "MCT-3"), FailsOverToolErrors
    ),
    _registry_variant("resends_anything", ("MCR-7",), ResendsAnything),
    _registry_variant("never_fails_over", ("MCR-7",), NeverFailsOver),
    _registry_variant("trusts_hints", ("MCT-5",), TrustsHints),
    _registry_variant("swallows_cancellation", ("MCR-8",), SwallowsCancellation),
    _registry_variant("registration_order", ("MCR-9",), ListsInRegistrationOrder),
    _registry_variant("limit_zero_default", ("PG-4",), LimitZeroMeansDefault),
    _registry_variant("python_equality", ("MCR-10",), PythonEquality),
    _registry_variant("logs_the_key", ("MCR-11",), LogsTheKey),
    _registry_variant("one_budget_for_all", ("MCR-12",), OneBudgetForAll),
    _registry_variant("no_tool_changes", ("MCR-13",), NoToolChanges),
    _registry_variant("runs_task_only_tools", ("MCR-14",), RunsTaskOnlyTools),
    _registry_variant("records_only_answers", ("MCR-15",), RecordsOnlyAnswers),
    _registry_variant("splits_dotted_names", ("MCR-16",), SplitsDottedNames),
    _registry_variant("progress_restarts", ("MPR-1",), ProgressRestarts),
    _registry_variant("zero_timeout_default", ("T-6",), ZeroTimeoutMeansDefault),
    _validator_variant("accepts_bad_names", ("MCT-1",), AcceptsBadNames),
    _validator_variant("accepts_invalid_schemas", ("MCT-2",), AcceptsInvalidSchemas),
    _proxy_variant("raises_on_tool_errors", ("MTP-1", "MCT-3"), RaisesOnToolErrors),
    _proxy_variant("no_output_checks", ("MTP-1",), FakeToolProxy, _NoOutputChecks()),
    _proxy_variant("trusts_the_listing", ("MTP-2",), TrustsTheServersListing),
    _proxy_variant("everything_unavailable", ("MTP-2",), EverythingIsUnavailable),
    _proxy_variant("no_progress_filter", ("MTP-3",), NoProgressFilter),
    _proxy_variant("leaves_the_server_running", ("MTP-4",), LeavesTheServerRunning),
    _proxy_variant("input_request_tool_error", ("MTP-5",), InputRequestIsAToolError),
    _proxy_variant("no_correlation_meta", ("MTP-6",), NoCorrelationInMeta),
    _proxy_variant("new_correlation_ids", ("T-7",), NewCorrelationIds),
    _proxy_variant("drops_link_details", ("MTP-7",), DropsLinkDetails),
    _proxy_variant("falsy_is_absent", ("MCT-4",), FalsyIsAbsent),
    _proxy_variant("null_is_absent", ("MCT-7",), NullIsAbsent),
    _proxy_variant("calls_the_registry_name", ("MCT-1",), CallsTheRegistryName),
    _monitor_variant("counts_duplicates", ("MMO-1",), CountsDuplicates),
    _monitor_variant("closed_window", ("MMO-2",), ClosedWindow),
    _monitor_variant("recording_order", ("MMO-3",), RecordingOrder),
    _monitor_variant("accepts_empty_windows", ("MMO-4",), AcceptsEmptyWindows),
    _validator_suite_variant("raises_on_garbage", ("MVA-1",), RaisesOnGarbage),
    _validator_suite_variant("sorts_paths_as_text", ("MVA-2",), SortsPathsAsText),
    _validator_suite_variant("hides_remote_refs", ("MVA-3",), HidesRemoteReferences),
    _validator_suite_variant("booleans_are_numbers", ("MVA-4",), BooleansAreNumbers),
    _validator_suite_variant("lenient_names", ("MCT-1",), AcceptsBadNames),
    _validator_suite_variant("lenient_schemas", ("MCT-2",), AcceptsInvalidSchemas),
    _validator_suite_variant("lenient_endpoints", ("MCT-6",), _LenientEndpoints),
]
