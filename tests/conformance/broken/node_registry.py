"""Broken node registries: each breaks one rule of ProtocolNodeRegistry."""

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta, timezone
from typing import ClassVar, cast, override
from uuid import UUID

from omnibase.protocols.core import ProtocolNodeChange
from omnibase.protocols.errors import InvalidInputError, NotFoundError
from omnibase.protocols.types import (
    HealthStatus,
    NodeMetadata,
    ProtocolHealthCheckConfig,
    ProtocolNodeRecord,
    ProtocolPage,
)
from omnibase.spi_conformance.reference.node_registry import (
    InMemoryNodeRegistry,
    _Entry,
    check_capabilities,
)
from omnibase.spi_conformance.reference.paging import (
    decode_cursor,
    encode_cursor,
    paginate_after,
)
from omnibase.spi_conformance.reference.values import (
    HealthCheckConfig,
    HealthReport,
    NodeRecord,
    Page,
)
from omnibase.spi_conformance.suites import SuiteEnvironment
from tests.conformance.harness import Variant
from tests.conformance.test_reference_node_registry import TestInMemoryNodeRegistry

# pyright: reportPrivateUsage=false


class ResetsHealthOnReRegistration(InMemoryNodeRegistry):
    """Registering again starts the node over as ``critical`` (NR-1)."""

    @override
    async def register_node(
        self,
        node_metadata: NodeMetadata,
        capabilities: Sequence[str],
        health_check_config: ProtocolHealthCheckConfig,
    ) -> ProtocolNodeRecord:
        self._nodes.pop(node_metadata.node_id, None)
        return await super().register_node(
            node_metadata, capabilities, health_check_config
        )


class StartsPassing(InMemoryNodeRegistry):
    """A new node counts as having sent a ``passing`` heartbeat (NR-2)."""

    @override
    async def register_node(
        self,
        node_metadata: NodeMetadata,
        capabilities: Sequence[str],
        health_check_config: ProtocolHealthCheckConfig,
    ) -> ProtocolNodeRecord:
        known = node_metadata.node_id in self._nodes
        await super().register_node(node_metadata, capabilities, health_check_config)
        entry = self._nodes[node_metadata.node_id]
        if not known:
            entry.last_heartbeat, entry.status = self._now(), "passing"
        return self._record(entry, self._now())


@dataclass(slots=True)
class GraceFromLastHeartbeat(_Entry):
    """Counts the grace period from the last heartbeat, not from the expiry."""

    @override
    def health(self, now: datetime) -> tuple[HealthReport, datetime | None]:
        report, since = _Entry.health(self, now)
        if report.message == "TTL expired (NR-3)" and self.last_heartbeat is not None:
            return report, self.last_heartbeat
        return report, since


class RemovesEarly(InMemoryNodeRegistry):
    """Removes a silent node a TTL too early (NR-3)."""

    @override
    async def register_node(
        self,
        node_metadata: NodeMetadata,
        capabilities: Sequence[str],
        health_check_config: ProtocolHealthCheckConfig,
    ) -> ProtocolNodeRecord:
        await super().register_node(node_metadata, capabilities, health_check_config)
        entry = self._nodes[node_metadata.node_id]
        if not isinstance(entry, GraceFromLastHeartbeat):
            values = {field.name: getattr(entry, field.name) for field in fields(entry)}
            entry = GraceFromLastHeartbeat(**values)
            self._nodes[node_metadata.node_id] = entry
        return self._record(entry, self._now())


class ReportsRequested(InMemoryNodeRegistry):
    """Applies its minimum grace period but reports the one requested (NR-3)."""

    requested: ClassVar[dict[UUID, HealthCheckConfig]] = {}

    @override
    def _record(self, entry: _Entry, now: datetime) -> NodeRecord:
        record = super()._record(entry, now)
        requested = self.requested.get(entry.node.node_id, record.health_check)
        return replace(record, health_check=requested)

    @override
    async def register_node(
        self,
        node_metadata: NodeMetadata,
        capabilities: Sequence[str],
        health_check_config: ProtocolHealthCheckConfig,
    ) -> ProtocolNodeRecord:
        self.requested[node_metadata.node_id] = HealthCheckConfig(
            health_check_config.ttl, health_check_config.deregister_critical_after
        )
        return await super().register_node(
            node_metadata, capabilities, health_check_config
        )


class MatchesAnyCapability(InMemoryNodeRegistry):
    """Discovery keeps nodes that declared any of the capabilities (NR-4)."""

    @override
    def _matching(
        self,
        now: datetime,
        node_type: str | None,
        capabilities: tuple[str, ...],
        healthy_only: bool,
    ) -> list[NodeRecord]:
        every = super()._matching(now, node_type, (), healthy_only)
        return [
            record
            for record in every
            if not capabilities or set(capabilities) & set(record.capabilities)
        ]


class HealthyMeansPassing(InMemoryNodeRegistry):
    """``healthy_only`` drops ``warning`` nodes (HLT-1)."""

    @override
    def _matching(
        self,
        now: datetime,
        node_type: str | None,
        capabilities: tuple[str, ...],
        healthy_only: bool,
    ) -> list[NodeRecord]:
        every = super()._matching(now, node_type, capabilities, healthy_only)
        if not healthy_only:
            return every
        return [record for record in every if record.health.status == "passing"]


class DeregisterRaises(InMemoryNodeRegistry):
    """Deregistering an unknown node raises ``NotFoundError`` (NR-5)."""

    @override
    async def deregister_node(self, node_id: UUID) -> bool:
        if not await super().deregister_node(node_id):
            raise NotFoundError(f"node {node_id} is not registered")
        return True


class AcceptsEmptyCapabilities(InMemoryNodeRegistry):
    """Takes ``""`` and non-strings as capabilities (NR-6)."""

    @override
    async def register_node(
        self,
        node_metadata: NodeMetadata,
        capabilities: Sequence[str],
        health_check_config: ProtocolHealthCheckConfig,
    ) -> ProtocolNodeRecord:
        if isinstance(cast("object", capabilities), str):  # still refused (T-5)
            return await super().register_node(
                node_metadata, capabilities, health_check_config
            )
        kept = [
            name
            for name in cast("Sequence[object]", capabilities)
            if isinstance(name, str) and name
        ]
        return await super().register_node(node_metadata, kept, health_check_config)


class WatchWithoutSnapshot(InMemoryNodeRegistry):
    """A watch reports changes only, not the nodes already there (NR-7)."""

    @override
    async def _watch(
        self, node_type: str | None, capabilities: object, healthy_only: bool
    ) -> AsyncIterator[ProtocolNodeChange]:
        names = check_capabilities(capabilities, allow_empty=True)
        initial = {
            record.node.node_id
            for record in self._matching(self._now(), node_type, names, healthy_only)
        }
        async for change in super()._watch(node_type, capabilities, healthy_only):
            if change.kind == "added" and change.record.node.node_id in initial:
                initial.discard(change.record.node.node_id)
                continue
            yield change


class WatchIgnoresTheClock(InMemoryNodeRegistry):
    """A watch wakes on calls only, so it never sees a TTL expire (NR-7)."""

    @override
    def _notify(self) -> None:
        self._tick = timedelta(days=1)
        super()._notify()


class MaintenanceDoesNotRefresh(InMemoryNodeRegistry):
    """A ``maintenance`` heartbeat sets the status but not the TTL (NR-8)."""

    @override
    async def heartbeat(
        self,
        node_id: UUID,
        *,
        status: HealthStatus = "passing",
        note: str | None = None,
    ) -> None:
        if status != "maintenance":
            return await super().heartbeat(node_id, status=status, note=note)
        entry = self._entry(node_id, self._now())
        entry.status, entry.note = status, note
        self._notify()
        return None


class KeepsReportedCritical(InMemoryNodeRegistry):
    """Each ``critical`` heartbeat restarts the grace period (NR-8)."""

    @override
    async def heartbeat(
        self,
        node_id: UUID,
        *,
        status: HealthStatus = "passing",
        note: str | None = None,
    ) -> None:
        await super().heartbeat(node_id, status=status, note=note)
        if status == "critical":
            self._nodes[node_id].critical_since = self._now()


class LocalTimes(InMemoryNodeRegistry):
    """Returns times at UTC+2 (T-2)."""

    @override
    def _record(self, entry: _Entry, now: datetime) -> NodeRecord:
        record = super()._record(entry, now)
        local = timezone(timedelta(hours=2))
        health = record.health
        return NodeRecord(
            record.node,
            record.capabilities,
            record.health_check,
            HealthReport(
                health.status,
                health.observed_at.astimezone(local),
                health.message,
                health.details,
            ),
            record.registered_at.astimezone(local),
        )


class KeepsTheCallersList(InMemoryNodeRegistry):
    """Stores the capability list it was given, not a copy (T-4)."""

    @override
    async def register_node(
        self,
        node_metadata: NodeMetadata,
        capabilities: Sequence[str],
        health_check_config: ProtocolHealthCheckConfig,
    ) -> ProtocolNodeRecord:
        await super().register_node(node_metadata, capabilities, health_check_config)
        entry = self._nodes[node_metadata.node_id]
        entry.capabilities = capabilities  # type: ignore[assignment]
        return self._record(entry, self._now())


def _characters(capabilities: object, *, allow_empty: bool) -> tuple[str, ...]:
    """Reads a bare string as its characters (the T-5 trap)."""
    if isinstance(capabilities, str):
        return tuple(capabilities)
    return check_capabilities(capabilities, allow_empty=allow_empty)


class ReadsAStringAsCharacters(InMemoryNodeRegistry):
    """``capabilities="run"`` becomes ``["r", "u", "n"]`` (T-5)."""

    @override
    async def register_node(
        self,
        node_metadata: NodeMetadata,
        capabilities: Sequence[str],
        health_check_config: ProtocolHealthCheckConfig,
    ) -> ProtocolNodeRecord:
        names = _characters(capabilities, allow_empty=True)
        return await super().register_node(node_metadata, names, health_check_config)

    @override
    async def discover_nodes(
        self,
        *,
        node_type: str | None = None,
        capabilities: Sequence[str] = (),
        healthy_only: bool = True,
        cursor: str | None = None,
        limit: int = 100,
    ) -> ProtocolPage[ProtocolNodeRecord]:
        return await super().discover_nodes(
            node_type=node_type,
            capabilities=_characters(capabilities, allow_empty=True),
            healthy_only=healthy_only,
            cursor=cursor,
            limit=limit,
        )


class AcceptsZeroTtl(InMemoryNodeRegistry):
    """A zero or negative TTL or grace becomes one second (T-6)."""

    @override
    async def register_node(
        self,
        node_metadata: NodeMetadata,
        capabilities: Sequence[str],
        health_check_config: ProtocolHealthCheckConfig,
    ) -> ProtocolNodeRecord:
        second = timedelta(seconds=1)

        class Fixed:
            ttl = max(health_check_config.ttl, second)
            deregister_critical_after = max(
                health_check_config.deregister_critical_after, second
            )

        return await super().register_node(node_metadata, capabilities, Fixed())


class StringIdsAreNotFound(InMemoryNodeRegistry):
    """Looks a ``str`` id up instead of refusing it (ERR-1)."""

    @override
    def _entry(self, node_id: object, now: datetime) -> _Entry:
        if not isinstance(node_id, UUID):
            raise NotFoundError(f"no node {node_id!r}")
        return super()._entry(node_id, now)


class _Paging(InMemoryNodeRegistry):
    """Discovery through ``page``, which each paging variant breaks."""

    def page(
        self, records: list[NodeRecord], cursor: str | None, limit: int
    ) -> Page[NodeRecord]:
        return paginate_after(
            records,
            key=lambda record: (str(record.node.node_id),),
            cursor=cursor,
            limit=limit,
        )

    @override
    async def discover_nodes(
        self,
        *,
        node_type: str | None = None,
        capabilities: Sequence[str] = (),
        healthy_only: bool = True,
        cursor: str | None = None,
        limit: int = 100,
    ) -> ProtocolPage[ProtocolNodeRecord]:
        self._check_open()
        names = check_capabilities(capabilities, allow_empty=True)
        records = self._matching(self._now(), node_type, names, healthy_only)
        return self.page(records, cursor, limit)


class OffByOneEnd(_Paging):
    """Says "complete" while one item is still left (PG-1)."""

    @override
    def page(
        self, records: list[NodeRecord], cursor: str | None, limit: int
    ) -> Page[NodeRecord]:
        page = super().page(records, cursor, limit)
        if page.next_cursor is not None and page.items:
            after = [r for r in records if r.node.node_id > page.items[-1].node.node_id]
            if len(after) == 1:
                return Page(page.items, None)
        return page


class RefusesTheEndCursor(_Paging):
    """Gives a cursor after a full last page, then refuses it (PG-2)."""

    @override
    def page(
        self, records: list[NodeRecord], cursor: str | None, limit: int
    ) -> Page[NodeRecord]:
        if (
            cursor is not None
            and records
            and decode_cursor(cursor) >= (str(records[-1].node.node_id),)
        ):
            raise InvalidInputError("cursor past the end")
        page = super().page(records, cursor, limit)
        if page.next_cursor is None and len(page.items) == limit:
            last = page.items[-1]
            return Page(page.items, encode_cursor((str(last.node.node_id),)))
        return page


class StartsOverOnABadCursor(_Paging):
    """Reads a cursor it cannot decode as the start (PG-3)."""

    @override
    def page(
        self, records: list[NodeRecord], cursor: str | None, limit: int
    ) -> Page[NodeRecord]:
        try:
            return super().page(records, cursor, limit)
        except InvalidInputError:
            if limit < 1:
                raise
            return super().page(records, None, limit)


class DefaultsABadLimit(_Paging):
    """Reads a limit below 1 as the default (PG-4)."""

    @override
    def page(
        self, records: list[NodeRecord], cursor: str | None, limit: int
    ) -> Page[NodeRecord]:
        return super().page(records, cursor, limit if limit >= 1 else 100)


class OffsetCursors(_Paging):
    """Cursors are offsets: a removal skips an item, an addition repeats one (PG-5)."""

    @override
    def page(
        self, records: list[NodeRecord], cursor: str | None, limit: int
    ) -> Page[NodeRecord]:
        if limit < 1:
            raise InvalidInputError("limit below 1")
        start = 0
        if cursor is not None:
            if not (cursor.isascii() and cursor.isdecimal()) or len(cursor) > 9:
                raise InvalidInputError(f"unreadable cursor {cursor[:20]!r}")
            start = int(cursor)
        end = start + limit
        more = end < len(records)
        return Page(tuple(records[start:end]), str(end) if more else None)


def _variant(name: str, breaks: tuple[str, ...], broken: type) -> Variant:
    def build(self: TestInMemoryNodeRegistry, env: SuiteEnvironment) -> object:
        return broken(
            clock=env.clock,
            minimum_grace=timedelta(minutes=1),
            tick=timedelta(milliseconds=2),
        )

    return Variant(name, breaks, TestInMemoryNodeRegistry, {"build": build})


VARIANTS = [
    _variant(
        "resets_health_on_re_registration", ("NR-1",), ResetsHealthOnReRegistration
    ),
    _variant("starts_passing", ("NR-2",), StartsPassing),
    _variant("grace_from_the_last_heartbeat", ("NR-3",), RemovesEarly),
    _variant("reports_the_requested_grace", ("NR-3",), ReportsRequested),
    _variant("matches_any_capability", ("NR-4",), MatchesAnyCapability),
    _variant("healthy_means_passing", ("HLT-1",), HealthyMeansPassing),
    _variant("deregister_raises", ("NR-5",), DeregisterRaises),
    _variant("accepts_empty_capabilities", ("NR-6",), AcceptsEmptyCapabilities),
    _variant("watch_without_snapshot", ("NR-7",), WatchWithoutSnapshot),
    _variant("watch_ignores_the_clock", ("NR-7",), WatchIgnoresTheClock),
    _variant("maintenance_does_not_refresh", ("NR-8",), MaintenanceDoesNotRefresh),
    _variant("keeps_reported_critical", ("NR-8",), KeepsReportedCritical),
    _variant("local_times", ("T-2",), LocalTimes),
    _variant("keeps_the_callers_list", ("T-4",), KeepsTheCallersList),
    _variant("reads_a_string_as_characters", ("T-5",), ReadsAStringAsCharacters),
    _variant("accepts_zero_ttl", ("T-6",), AcceptsZeroTtl),
    _variant("string_ids_are_not_found", ("ERR-1",), StringIdsAreNotFound),
    _variant("off_by_one_end", ("PG-1",), OffByOneEnd),
    _variant("refuses_the_end_cursor", ("PG-2",), RefusesTheEndCursor),
    _variant("starts_over_on_a_bad_cursor", ("PG-3",), StartsOverOnABadCursor),
    _variant("defaults_a_bad_limit", ("PG-4",), DefaultsABadLimit),
    _variant("offset_cursors", ("PG-5",), OffsetCursors),
]
