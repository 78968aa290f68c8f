"""In-memory ``ProtocolNodeRegistry``: TTL heartbeats, grace periods, a watch.

Demonstrates:
    NR-1, NR-2: re-registration keeps health; a new node starts critical.
    NR-3: granted values (``minimum_ttl``, ``minimum_grace`` raise what is
        asked, never lower it, and the record reports them); expiry and
        removal judged against the injected clock, so a manual clock runs
        them without waiting. Removal is exact: the reap interval is zero.
    NR-4, HLT-1, PG-1 to PG-5: filtered discovery ordered by node id, with
        cursors that mark the last node id returned.
    NR-7: watches diff the matching nodes after every change and every
        ``tick`` (time-driven expiry), so intermediate states may coalesce.
    NR-8: every heartbeat restarts the TTL; a reported ``critical`` starts
        the grace period.

Deliberate simplifications:
    One process, no persistence; health is computed from the last heartbeat
    when read, and expired nodes are removed by whichever call comes next.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast, get_args, override
from uuid import UUID

from omnibase.protocols.core import ProtocolNodeChange
from omnibase.protocols.errors import InvalidInputError, NotFoundError
from omnibase.protocols.types import (
    HEALTHY_STATUSES,
    HealthStatus,
    NodeMetadata,
    ProtocolHealthCheckConfig,
    ProtocolNodeRecord,
    ProtocolPage,
)
from omnibase.spi_conformance.reference.factories import Clock, utc_now
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle
from omnibase.spi_conformance.reference.paging import paginate_after
from omnibase.spi_conformance.reference.values import (
    HealthCheckConfig,
    HealthReport,
    NodeChange,
    NodeInfo,
    NodeRecord,
)

__all__ = ["InMemoryNodeRegistry", "check_capabilities"]


def check_capabilities(capabilities: object, *, allow_empty: bool) -> tuple[str, ...]:
    """Validate a sequence of capability names (NR-6, T-5) and copy it (T-4).

    Args:
        capabilities: What the caller passed.
        allow_empty: Whether no capability at all is acceptable.

    Returns:
        The names, as a tuple.

    Raises:
        InvalidInputError: A bare string, a non-sequence, or a name that is
            not a non-empty string.
    """
    if isinstance(capabilities, str) or not isinstance(capabilities, Sequence):
        raise InvalidInputError(
            f"capabilities must be a sequence of names, got {capabilities!r} (T-5)"
        )
    names = tuple(cast("Sequence[object]", capabilities))
    for name in names:
        if not isinstance(name, str) or not name:
            raise InvalidInputError(
                f"a capability is a non-empty string, got {name!r} (NR-6)"
            )
    if not names and not allow_empty:
        raise InvalidInputError("no capabilities given (NR-6)")
    return cast("tuple[str, ...]", names)


def _node_id(node_id: object) -> UUID:
    if not isinstance(node_id, UUID):
        raise InvalidInputError(f"node_id must be a UUID, got {node_id!r} (T-1)")
    return node_id


def _duration(value: object, what: str) -> timedelta:
    if not isinstance(value, timedelta):
        raise InvalidInputError(f"{what} must be a timedelta, got {value!r}")
    if value <= timedelta(0):
        raise InvalidInputError(f"{what} must be positive, got {value} (T-6)")
    return value


@dataclass(slots=True)
class _Entry:
    """One registration and the heartbeat state behind its health."""

    node: NodeInfo
    capabilities: tuple[str, ...]
    config: HealthCheckConfig
    first_registered_at: datetime
    registered_at: datetime
    generation: int
    last_heartbeat: datetime | None = None
    status: HealthStatus = "critical"
    note: str | None = None
    critical_since: datetime | None = None

    def health(self, now: datetime) -> tuple[HealthReport, datetime | None]:
        """The health at ``now`` and, when critical, since when."""
        if self.last_heartbeat is None:
            since = self.first_registered_at
            return HealthReport("critical", since, "no heartbeat yet (NR-2)"), since
        expiry = self.last_heartbeat + self.config.ttl
        if now >= expiry:
            return HealthReport("critical", expiry, "TTL expired (NR-3)"), expiry
        report = HealthReport(self.status, self.last_heartbeat, self.note)
        return report, self.critical_since if self.status == "critical" else None


class InMemoryNodeRegistry(ReferenceLifecycle):
    """Nodes in a dict, health from heartbeats and the injected clock."""

    def __init__(
        self,
        *,
        clock: Clock = utc_now,
        minimum_ttl: timedelta = timedelta(0),
        minimum_grace: timedelta = timedelta(0),
        tick: timedelta = timedelta(seconds=1),
    ) -> None:
        """Create an empty registry.

        Args:
            clock: The registry's time (TTLs, grace periods, timestamps).
            minimum_ttl: The shortest TTL granted (NR-3).
            minimum_grace: The shortest grace period granted (NR-3; Consul's
                is one minute).
            tick: How often a watch looks at the clock for expiries (NR-7).
        """
        super().__init__(clock=clock)
        self._minimum_ttl = minimum_ttl
        self._minimum_grace = minimum_grace
        self._tick = tick
        self._nodes: dict[UUID, _Entry] = {}
        self._generation = 0
        self._watchers: set[asyncio.Event] = set()

    def _now(self) -> datetime:
        return self._clock().astimezone(UTC)

    def _notify(self) -> None:
        for watcher in self._watchers:
            watcher.set()

    def _reap(self, now: datetime) -> None:
        """Remove the nodes that stayed critical for their grace period (NR-3)."""
        expired = [
            node_id
            for node_id, entry in self._nodes.items()
            if (since := entry.health(now)[1]) is not None
            and now >= since + entry.config.deregister_critical_after
        ]
        for node_id in expired:
            del self._nodes[node_id]
        if expired:
            self._notify()

    def _record(self, entry: _Entry, now: datetime) -> NodeRecord:
        return NodeRecord(
            node=entry.node,
            capabilities=entry.capabilities,
            health_check=entry.config,
            health=entry.health(now)[0],
            registered_at=entry.registered_at,
        )

    def _entry(self, node_id: object, now: datetime) -> _Entry:
        self._check_open()
        checked = _node_id(node_id)
        self._reap(now)
        entry = self._nodes.get(checked)
        if entry is None:
            raise NotFoundError(f"node {checked} is not registered (NR-3)")
        return entry

    async def register_node(
        self,
        node_metadata: NodeMetadata,
        capabilities: Sequence[str],
        health_check_config: ProtocolHealthCheckConfig,
    ) -> ProtocolNodeRecord:
        """Register or replace a node (NR-1 to NR-3, NR-6, T-4 to T-6)."""
        self._check_open()
        if not isinstance(cast("object", node_metadata), NodeMetadata):
            raise InvalidInputError(f"not a NodeMetadata: {node_metadata!r}")
        if not isinstance(
            cast("object", health_check_config), ProtocolHealthCheckConfig
        ):
            raise InvalidInputError(
                f"not a ProtocolHealthCheckConfig: {health_check_config!r}"
            )
        names = check_capabilities(capabilities, allow_empty=True)
        ttl = _duration(health_check_config.ttl, "ttl")
        grace = _duration(
            health_check_config.deregister_critical_after, "deregister_critical_after"
        )
        config = HealthCheckConfig(
            max(ttl, self._minimum_ttl), max(grace, self._minimum_grace)
        )
        node = NodeInfo(
            node_id=_node_id(node_metadata.node_id),
            node_name=node_metadata.node_name,
            node_type=node_metadata.node_type,
            version=node_metadata.version,
            endpoint=node_metadata.endpoint,
            labels=dict(node_metadata.labels),
        )
        now = self._now()
        self._reap(now)
        self._generation += 1
        entry = self._nodes.get(node.node_id)
        if entry is None:
            entry = _Entry(node, names, config, now, now, self._generation)
            self._nodes[node.node_id] = entry
        else:  # NR-1: new registration, same health
            entry.node, entry.capabilities, entry.config = node, names, config
            entry.registered_at, entry.generation = now, self._generation
        self._notify()
        return self._record(entry, now)

    async def heartbeat(
        self,
        node_id: UUID,
        *,
        status: HealthStatus = "passing",
        note: str | None = None,
    ) -> None:
        """Restart the TTL and set the node's health (NR-8)."""
        reported: object = status
        if reported not in get_args(HealthStatus):
            raise InvalidInputError(f"unknown health status {reported!r} (T-5)")
        if note is not None and not isinstance(cast("object", note), str):
            raise InvalidInputError(f"note must be a str, got {note!r}")
        now = self._now()
        entry = self._entry(node_id, now)
        before, since = entry.health(now)
        if status == "critical":
            entry.critical_since = since if before.status == "critical" else now
        else:
            entry.critical_since = None
        entry.last_heartbeat, entry.status, entry.note = now, status, note
        if (before.status, before.message) != (status, note):
            self._notify()

    async def deregister_node(self, node_id: UUID) -> bool:
        """Remove a node; ``False`` if it was not registered (NR-5)."""
        self._check_open()
        checked = _node_id(node_id)
        self._reap(self._now())
        removed = self._nodes.pop(checked, None) is not None
        if removed:
            self._notify()
        return removed

    async def get_node(self, node_id: UUID) -> ProtocolNodeRecord:
        """Return the node's record with its current health."""
        now = self._now()
        return self._record(self._entry(node_id, now), now)

    def _matching(
        self,
        now: datetime,
        node_type: str | None,
        capabilities: tuple[str, ...],
        healthy_only: bool,
    ) -> list[NodeRecord]:
        """The records of the nodes that match every filter (NR-4)."""
        self._reap(now)
        records = (self._record(entry, now) for entry in self._nodes.values())
        return sorted(
            (
                record
                for record in records
                if (node_type is None or record.node.node_type == node_type)
                and set(capabilities) <= set(record.capabilities)
                and (not healthy_only or record.health.status in HEALTHY_STATUSES)
            ),
            key=lambda record: record.node.node_id,
        )

    async def discover_nodes(
        self,
        *,
        node_type: str | None = None,
        capabilities: Sequence[str] = (),
        healthy_only: bool = True,
        cursor: str | None = None,
        limit: int = 100,
    ) -> ProtocolPage[ProtocolNodeRecord]:
        """List matching nodes by node id, one page at a time (NR-4, PG-5)."""
        self._check_open()
        names = check_capabilities(capabilities, allow_empty=True)
        records = self._matching(self._now(), node_type, names, healthy_only)
        return paginate_after(
            records,
            key=lambda record: (str(record.node.node_id),),
            cursor=cursor,
            limit=limit,
        )

    def watch_nodes(
        self,
        *,
        node_type: str | None = None,
        capabilities: Sequence[str] = (),
        healthy_only: bool = True,
    ) -> AsyncIterator[ProtocolNodeChange]:
        """Follow the matching nodes (NR-7)."""
        return self._watch(node_type, capabilities, healthy_only)

    async def _watch(
        self, node_type: str | None, capabilities: object, healthy_only: bool
    ) -> AsyncIterator[ProtocolNodeChange]:
        names = check_capabilities(capabilities, allow_empty=True)
        wake = asyncio.Event()
        self._watchers.add(wake)
        seen: dict[UUID, tuple[NodeRecord, tuple[object, ...]]] = {}
        try:
            while True:
                self._check_open()
                wake.clear()
                now = self._now()
                current = {
                    record.node.node_id: (record, self._signature(record))
                    for record in self._matching(now, node_type, names, healthy_only)
                }
                for change in _changes(seen, current):
                    yield change
                seen = current
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), self._tick.total_seconds())
        finally:
            self._watchers.discard(wake)

    def _signature(self, record: NodeRecord) -> tuple[object, ...]:
        """What makes a ``modified`` change: registration, status, message."""
        entry = self._nodes[record.node.node_id]
        return (entry.generation, record.health.status, record.health.message)

    @override
    async def _on_close(self) -> None:
        self._notify()


def _changes(
    seen: dict[UUID, tuple[NodeRecord, tuple[object, ...]]],
    current: dict[UUID, tuple[NodeRecord, tuple[object, ...]]],
) -> Iterable[NodeChange]:
    """The changes from ``seen`` to ``current``, in node id order."""
    for node_id in sorted(seen.keys() | current.keys()):
        before, after = seen.get(node_id), current.get(node_id)
        if after is None and before is not None:
            yield NodeChange("removed", before[0])
        elif after is not None and before is None:
            yield NodeChange("added", after[0])
        elif after is not None and before is not None and before[1] != after[1]:
            yield NodeChange("modified", after[0])
