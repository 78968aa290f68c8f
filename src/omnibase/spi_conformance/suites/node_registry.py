"""Conformance suite of ``ProtocolNodeRegistry`` (NR-1 to NR-8, HLT-1, PG-1 to PG-5).

Time-dependent rules (TTL expiry, grace periods) advance ``env.clock`` when
the implementation reads it (``clock_wired = True``); otherwise they wait in
real time, as long as the configured TTL and grace period.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import ClassVar, Self, cast, override
from uuid import UUID

from omnibase.protocols.core import ProtocolNodeChange, ProtocolNodeRegistry
from omnibase.protocols.errors import InvalidInputError, NotFoundError
from omnibase.protocols.types import HealthStatus, ProtocolNodeRecord
from omnibase.spi_conformance.suites._base import (
    SuiteEnvironment,
    check,
    check_equal,
    check_raises,
    fail,
    rule,
)
from omnibase.spi_conformance.suites.lifecycle import Call, LifecycleChecks
from omnibase.spi_conformance.suites.paging import PageChecks

__all__ = ["NodeRegistrySuite", "SuiteHealthConfig", "SuiteNode", "node_id"]


def node_id(number: int) -> UUID:
    """The id of the suite's node ``number``; ids order like the numbers."""
    return UUID(int=number << 64 | 0x4000_8000_0000_0000)


@dataclass(frozen=True, slots=True)
class SuiteNode:
    """A ``NodeMetadata`` the suite registers."""

    node_id: UUID
    node_name: str
    node_type: str = "worker"
    version: str = "1.0.0"
    endpoint: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict[str, str])


@dataclass(frozen=True, slots=True)
class SuiteHealthConfig:
    """A ``ProtocolHealthCheckConfig`` the suite requests."""

    ttl: timedelta
    deregister_critical_after: timedelta


class NodeRegistrySuite(
    LifecycleChecks[ProtocolNodeRegistry, SuiteEnvironment],
    PageChecks[ProtocolNodeRegistry, SuiteEnvironment, ProtocolNodeRecord],
):
    """Checks a ``ProtocolNodeRegistry``; write only ``create_subject``.

    Attributes:
        ttl: The TTL the suite requests.
        grace: The grace period the suite requests.
        removal_tolerance: The registry's reap interval: how long after the
            grace period a removal may take (NR-3; Consul: 30 s).
    """

    contract: ClassVar[type] = ProtocolNodeRegistry
    ttl: ClassVar[timedelta] = timedelta(seconds=10)
    grace: ClassVar[timedelta] = timedelta(minutes=2)
    removal_tolerance: ClassVar[timedelta] = timedelta(0)

    # --- helpers --------------------------------------------------------------

    def config(
        self, ttl: timedelta | None = None, grace: timedelta | None = None
    ) -> SuiteHealthConfig:
        """The health configuration the suite requests."""
        return SuiteHealthConfig(ttl or self.ttl, grace or self.grace)

    async def register(
        self,
        subject: ProtocolNodeRegistry,
        number: int,
        capabilities: Sequence[str] = ("run",),
        *,
        node_type: str = "worker",
        name: str | None = None,
    ) -> ProtocolNodeRecord:
        """Register the suite's node ``number``."""
        node = SuiteNode(node_id(number), name or f"node-{number}", node_type)
        return await subject.register_node(node, capabilities, self.config())

    async def healthy(
        self,
        subject: ProtocolNodeRegistry,
        number: int,
        capabilities: Sequence[str] = ("run",),
        *,
        node_type: str = "worker",
        status: HealthStatus = "passing",
    ) -> None:
        """Register node ``number`` and send its first heartbeat."""
        await self.register(subject, number, capabilities, node_type=node_type)
        await subject.heartbeat(node_id(number), status=status)

    async def status(self, subject: ProtocolNodeRegistry, number: int) -> HealthStatus:
        """The current health status of node ``number``."""
        return (await subject.get_node(node_id(number))).health.status

    async def require_status(
        self,
        rule_id: str,
        subject: ProtocolNodeRegistry,
        number: int,
        expected: HealthStatus,
    ) -> None:
        """Require node ``number`` to reach ``expected`` (eventually)."""

        async def reached() -> None:
            check_equal(
                rule_id,
                f"node {number}'s status",
                expected,
                await self.status(subject, number),
            )

        await self.eventually(reached)

    async def require_removed(
        self, rule_id: str, subject: ProtocolNodeRegistry, number: int
    ) -> None:
        """Require node ``number`` to be gone (eventually)."""

        async def removed() -> None:
            await check_raises(
                rule_id,
                NotFoundError,
                subject.get_node(node_id(number)),
                doing=f"get_node of node {number} after its removal",
            )

        await self.eventually(removed)

    async def present(
        self, rule_id: str, subject: ProtocolNodeRegistry, number: int
    ) -> None:
        """Require node ``number`` to be registered now."""
        try:
            await subject.get_node(node_id(number))
        except NotFoundError:
            raise fail(
                rule_id, f"node {number} still registered", "NotFoundError"
            ) from None

    @staticmethod
    def numbers(records: Sequence[ProtocolNodeRecord]) -> list[int]:
        """The suite's numbers of ``records``' nodes, in order."""
        return [record.node.node_id.int >> 64 for record in records]

    # --- what the paging checks need ------------------------------------------

    @override
    async def fill(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment, count: int
    ) -> None:
        """Register ``count`` nodes, numbered 10, 20, ..."""
        for index in range(count):
            await self.register(subject, 10 * (index + 1))

    @override
    async def list_page(
        self,
        subject: ProtocolNodeRegistry,
        env: SuiteEnvironment,
        cursor: str | None,
        limit: int,
    ) -> tuple[Sequence[ProtocolNodeRecord], str | None]:
        """One page of ``discover_nodes(healthy_only=False)``."""
        page = await subject.discover_nodes(
            healthy_only=False, cursor=cursor, limit=limit
        )
        return page.items, page.next_cursor

    @override
    def item_key(self, item: ProtocolNodeRecord) -> tuple[str, ...]:
        """Nodes are listed by id (NR-4)."""
        return (f"{item.node.node_id.int:032x}",)

    @override
    async def add_before(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """Register node 15, which sorts among the first nodes."""
        await self.register(subject, 15)

    @override
    async def remove_first(
        self,
        subject: ProtocolNodeRegistry,
        env: SuiteEnvironment,
        item: ProtocolNodeRecord,
    ) -> None:
        """Deregister a node already listed."""
        await subject.deregister_node(item.node.node_id)

    @override
    def calls_after_close(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> Mapping[str, Call]:
        """Every method after ``aclose`` (LC-3)."""

        async def watch() -> AsyncIterator[ProtocolNodeChange]:
            return subject.watch_nodes()

        node = SuiteNode(node_id(1), "node-1")
        return {
            "register_node": lambda: subject.register_node(
                node, ("run",), self.config()
            ),
            "heartbeat": lambda: subject.heartbeat(node_id(1)),
            "deregister_node": lambda: subject.deregister_node(node_id(1)),
            "get_node": lambda: subject.get_node(node_id(1)),
            "discover_nodes": subject.discover_nodes,
            "watch_nodes": watch,
        }

    # --- registration and health ----------------------------------------------

    @rule("NR-1")
    async def test_NR_1_registering_again_replaces_and_keeps_health(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """The new metadata and capabilities replace the old; health stays."""
        await self.healthy(subject, 1, ("run",))
        record = await self.register(subject, 1, ("run", "gpu"), name="renamed")
        again = await subject.get_node(node_id(1))
        for what, seen in (("returned", record), ("read back", again)):
            check_equal("NR-1", f"the name {what}", "renamed", seen.node.node_name)
            check_equal(
                "NR-1",
                f"the capabilities {what}",
                ["run", "gpu"],
                list(seen.capabilities),
            )
            check_equal("NR-1", f"the health {what}", "passing", seen.health.status)
        page = await subject.discover_nodes(healthy_only=False)
        check_equal("NR-1", "nodes listed", [1], self.numbers(page.items))

    @rule("NR-2")
    async def test_NR_2_a_new_node_is_critical_until_its_first_heartbeat(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """``critical`` at registration, the reported status after a heartbeat."""
        record = await self.register(subject, 1)
        check_equal(
            "NR-2", "the status at registration", "critical", record.health.status
        )
        check_equal(
            "NR-2", "the status read back", "critical", await self.status(subject, 1)
        )
        await subject.heartbeat(node_id(1))
        check_equal(
            "NR-2",
            "the status after a heartbeat",
            "passing",
            await self.status(subject, 1),
        )

    @rule("NR-3")
    async def test_NR_3_a_missed_ttl_makes_the_node_critical(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """Passing within the TTL, critical once it passed without a heartbeat."""
        record = await self.register(subject, 1)
        ttl = record.health_check.ttl
        await subject.heartbeat(node_id(1))
        await self.advance_time(env, ttl - timedelta(seconds=1))
        check_equal(
            "NR-3",
            "the status within the TTL",
            "passing",
            await self.status(subject, 1),
        )
        await self.advance_time(env, timedelta(seconds=2))
        await self.require_status("NR-3", subject, 1, "critical")

    @rule("NR-3")
    async def test_NR_3_a_critical_node_is_removed_after_the_grace_period(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """Kept for the grace period, then removed; it must register again."""
        record = await self.register(subject, 1)
        await subject.heartbeat(node_id(1))
        check_config = record.health_check
        await self.advance_time(
            env,
            check_config.ttl
            + check_config.deregister_critical_after
            - timedelta(seconds=1),
        )
        await self.present("NR-3", subject, 1)
        await self.advance_time(env, self.removal_tolerance + timedelta(seconds=2))
        await self.require_removed("NR-3", subject, 1)
        await check_raises(
            "NR-3",
            NotFoundError,
            subject.heartbeat(node_id(1)),
            doing="heartbeat of a removed node",
        )
        await self.register(subject, 1)
        await self.present("NR-3", subject, 1)

    @rule("NR-3")
    async def test_NR_3_the_record_reports_what_was_granted(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """Granted values are at least the requested ones and are the ones applied."""
        asked = SuiteHealthConfig(timedelta(seconds=1), timedelta(seconds=1))
        record = await subject.register_node(
            SuiteNode(node_id(1), "node-1"), ("run",), asked
        )
        granted = record.health_check
        check(granted.ttl >= asked.ttl, "NR-3", "a TTL of at least 1 s", granted.ttl)
        check(
            granted.deregister_critical_after >= asked.deregister_critical_after,
            "NR-3",
            "a grace period of at least 1 s",
            granted.deregister_critical_after,
        )
        read = (await subject.get_node(node_id(1))).health_check
        check_equal("NR-3", "the TTL read back", granted.ttl, read.ttl)
        await subject.heartbeat(node_id(1))
        half = timedelta(milliseconds=500)
        await self.advance_time(
            env, granted.ttl + granted.deregister_critical_after - half
        )
        await self.present("NR-3", subject, 1)
        await self.advance_time(env, self.removal_tolerance + 2 * half)
        await self.require_removed("NR-3", subject, 1)

    @rule("NR-8")
    async def test_NR_8_a_heartbeat_sets_status_and_note(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """The health is what the node reported, with its note as message."""
        await self.register(subject, 1)
        await subject.heartbeat(node_id(1), status="warning", note="disk 91% full")
        health = (await subject.get_node(node_id(1))).health
        check_equal("NR-8", "the status", "warning", health.status)
        check_equal("NR-8", "the message", "disk 91% full", health.message)

    @rule("NR-8", "HLT-1")
    async def test_NR_8_maintenance_heartbeats_keep_the_node(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """Every heartbeat restarts the TTL; maintenance is registered but unhealthy."""
        record = await self.register(subject, 1)
        ttl = record.health_check.ttl
        for _ in range(3):
            await subject.heartbeat(node_id(1), status="maintenance")
            await self.advance_time(env, ttl - timedelta(seconds=1))
        check_equal("NR-8", "the status", "maintenance", await self.status(subject, 1))
        healthy = await subject.discover_nodes()
        check_equal("NR-8", "healthy nodes", [], self.numbers(healthy.items))
        every = await subject.discover_nodes(healthy_only=False)
        check_equal("NR-8", "all nodes", [1], self.numbers(every.items))

    @rule("NR-8")
    async def test_NR_8_a_node_reporting_critical_is_removed_after_the_grace(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """Heartbeats reporting ``critical`` do not keep a node forever."""
        record = await self.register(subject, 1)
        grace = record.health_check.deregister_critical_after
        step = min(record.health_check.ttl / 2, grace / 4)
        await subject.heartbeat(node_id(1), status="critical")
        elapsed = timedelta(0)
        while elapsed + step < grace:
            await self.advance_time(env, step)
            elapsed += step
            await subject.heartbeat(node_id(1), status="critical")
        await self.advance_time(
            env, grace - elapsed + self.removal_tolerance + timedelta(seconds=1)
        )
        await self.require_removed("NR-8", subject, 1)

    @rule("T-5", "NR-8")
    async def test_T_5_an_unknown_status_is_refused(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """A status outside ``HealthStatus`` raises ``InvalidInputError``."""
        await self.register(subject, 1)
        unknown = cast("HealthStatus", "sleeping")
        await check_raises(
            "T-5",
            InvalidInputError,
            subject.heartbeat(node_id(1), status=unknown),
            doing="heartbeat with status 'sleeping'",
        )

    # --- discovery ------------------------------------------------------------

    @rule("NR-4")
    async def test_NR_4_discovery_filters_and_orders_by_node_id(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """Every filter must match; capabilities all; ordered by node id."""
        await self.healthy(subject, 3, ("run", "gpu"), node_type="other")
        await self.healthy(subject, 1, ("run", "gpu"))
        await self.healthy(subject, 4, ("gpu",))
        await self.healthy(subject, 2, ("run",))
        cases: list[tuple[dict[str, object], list[int]]] = [
            ({}, [1, 2, 3, 4]),
            ({"node_type": "worker"}, [1, 2, 4]),
            ({"capabilities": ["run", "gpu"]}, [1, 3]),
            ({"node_type": "worker", "capabilities": ["gpu"]}, [1, 4]),
            ({"node_type": "nobody"}, []),
        ]
        for filters, expected in cases:
            page = await subject.discover_nodes(
                node_type=cast("str | None", filters.get("node_type")),
                capabilities=cast("Sequence[str]", filters.get("capabilities", ())),
            )
            check_equal(
                "NR-4", f"nodes for {filters}", expected, self.numbers(page.items)
            )

    @rule("HLT-1")
    async def test_HLT_1_healthy_only_keeps_passing_and_warning(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """``healthy_only`` means exactly ``passing`` and ``warning``."""
        await self.healthy(subject, 1, status="passing")
        await self.healthy(subject, 2, status="warning")
        await self.healthy(subject, 3, status="maintenance")
        await self.healthy(subject, 4, status="critical")
        healthy = await subject.discover_nodes()
        check_equal("HLT-1", "healthy nodes", [1, 2], self.numbers(healthy.items))
        every = await subject.discover_nodes(healthy_only=False)
        check_equal("HLT-1", "all nodes", [1, 2, 3, 4], self.numbers(every.items))

    @rule("NR-5")
    async def test_NR_5_deregistering_is_idempotent(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """``True`` once, ``False`` after; the node is gone."""
        await self.register(subject, 1)
        check_equal(
            "NR-5",
            "the first deregistration",
            True,
            await subject.deregister_node(node_id(1)),
        )
        check_equal(
            "NR-5",
            "the second deregistration",
            False,
            await subject.deregister_node(node_id(1)),
        )
        check_equal(
            "NR-5",
            "deregistering a stranger",
            False,
            await subject.deregister_node(node_id(9)),
        )
        await check_raises(
            "NR-5",
            NotFoundError,
            subject.get_node(node_id(1)),
            doing="get_node after deregistration",
        )

    @rule("NR-6")
    async def test_NR_6_capabilities_are_non_empty_strings(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """An empty or non-string capability raises ``InvalidInputError``."""
        node = SuiteNode(node_id(1), "node-1")
        for capabilities in (["run", ""], ["run", cast("str", 7)]):
            await check_raises(
                "NR-6",
                InvalidInputError,
                subject.register_node(node, capabilities, self.config()),
                doing=f"register_node with capabilities {capabilities!r}",
            )

    @rule("T-5", "NR-6")
    async def test_T_5_a_bare_string_of_capabilities_is_refused(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """``"run"`` is not read as ``["r", "u", "n"]``."""
        bare = cast("Sequence[str]", "run")
        await check_raises(
            "T-5",
            InvalidInputError,
            subject.register_node(SuiteNode(node_id(1), "n"), bare, self.config()),
            doing="register_node with capabilities='run'",
        )
        await check_raises(
            "T-5",
            InvalidInputError,
            subject.discover_nodes(capabilities=bare),
            doing="discover_nodes with capabilities='run'",
        )

    # --- values ---------------------------------------------------------------

    @rule("T-2")
    async def test_T_2_returned_times_are_utc(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """``registered_at`` and ``health.observed_at`` are UTC."""
        await self.healthy(subject, 1)
        record = await subject.get_node(node_id(1))
        for name, moment in (
            ("registered_at", record.registered_at),
            ("health.observed_at", record.health.observed_at),
        ):
            check_equal("T-2", f"{name}'s offset", timedelta(0), moment.utcoffset())

    @rule("T-4")
    async def test_T_4_arguments_are_copied(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """Changing the caller's list or labels afterwards changes nothing stored."""
        capabilities = ["run"]
        labels = {"zone": "a"}
        node = SuiteNode(node_id(1), "node-1", labels=labels)
        await subject.register_node(node, capabilities, self.config())
        capabilities.append("gpu")
        labels["zone"] = "b"
        record = await subject.get_node(node_id(1))
        check_equal("T-4", "the capabilities", ["run"], list(record.capabilities))
        check_equal("T-4", "the labels", {"zone": "a"}, dict(record.node.labels))

    @rule("T-6")
    async def test_T_6_non_positive_durations_are_refused(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """A zero or negative TTL or grace period raises ``InvalidInputError``."""
        node = SuiteNode(node_id(1), "node-1")
        for ttl, grace in (
            (timedelta(0), self.grace),
            (timedelta(seconds=-5), self.grace),
            (self.ttl, timedelta(0)),
        ):
            await check_raises(
                "T-6",
                InvalidInputError,
                subject.register_node(node, ("run",), SuiteHealthConfig(ttl, grace)),
                doing=f"register_node with ttl={ttl}, grace={grace}",
            )

    @rule("ERR-1")
    async def test_ERR_1_a_wrong_typed_node_id_is_invalid_input(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """A ``str`` where a ``UUID`` is expected raises ``InvalidInputError``."""
        wrong = cast("UUID", str(node_id(1)))
        await check_raises(
            "ERR-1",
            InvalidInputError,
            subject.get_node(wrong),
            doing="get_node with a str id",
        )
        await check_raises(
            "ERR-1",
            InvalidInputError,
            subject.heartbeat(wrong),
            doing="heartbeat with a str id",
        )

    # --- watching -------------------------------------------------------------

    @rule("NR-7")
    async def test_NR_7_a_watch_starts_with_the_matching_nodes(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """First an ``added`` change per matching node, in node id order."""
        await self.healthy(subject, 2)
        await self.healthy(subject, 1)
        await self.healthy(subject, 3, node_type="other")
        async with Watch(subject, node_type="worker") as watch:

            async def started() -> None:
                check_equal(
                    "NR-7",
                    "the first changes",
                    [("added", 1), ("added", 2)],
                    watch.seen()[:2],
                )

            await self.eventually(started)

    @rule("NR-7")
    async def test_NR_7_a_watch_follows_registration_health_and_removal(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """``added``, ``modified`` on a new status, ``removed`` on deregistration."""
        async with Watch(subject, healthy_only=False) as watch:
            await self.register(subject, 1)
            await self.eventually(watch.expect("NR-7", 1, "added", None))
            await subject.heartbeat(node_id(1), status="warning")
            await self.eventually(watch.expect("NR-7", 1, "modified", "warning"))
            await subject.deregister_node(node_id(1))
            await self.eventually(watch.expect("NR-7", 1, "removed", None))

    @rule("NR-7")
    async def test_NR_7_a_healthy_watch_sees_an_expiry_as_removal(
        self, subject: ProtocolNodeRegistry, env: SuiteEnvironment
    ) -> None:
        """Under ``healthy_only`` a node whose TTL passed stops matching."""
        record = await self.register(subject, 1)
        async with Watch(subject) as watch:
            await subject.heartbeat(node_id(1))
            await self.eventually(watch.expect("NR-7", 1, "added", "passing"))
            await self.advance_time(env, record.health_check.ttl + timedelta(seconds=1))
            await self.eventually(watch.expect("NR-7", 1, "removed", None))


class Watch:
    """Runs ``watch_nodes`` in a task and keeps what it yields."""

    def __init__(
        self,
        subject: ProtocolNodeRegistry,
        *,
        node_type: str | None = None,
        healthy_only: bool = True,
    ) -> None:
        """Prepare the watch; ``async with`` starts and stops it."""
        self._subject = subject
        self._node_type = node_type
        self._healthy_only = healthy_only
        self.changes: list[ProtocolNodeChange] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        changes = self._subject.watch_nodes(
            node_type=self._node_type, healthy_only=self._healthy_only
        )
        async for change in changes:
            self.changes.append(change)

    async def __aenter__(self) -> Self:
        """Start iterating in the background."""
        self._task = asyncio.ensure_future(self._run())
        await asyncio.sleep(0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Stop iterating; surface an error the watch raised meanwhile."""
        task = self._task
        if task is None:
            return
        if task.done():
            task.result()
            return
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise

    def seen(self) -> list[tuple[str, int]]:
        """``(kind, node number)`` of every change so far."""
        if self._task is not None and self._task.done():
            self._task.result()
        return [
            (change.kind, change.record.node.node_id.int >> 64)
            for change in self.changes
        ]

    def expect(
        self, rule_id: str, number: int, kind: str, status: HealthStatus | None
    ) -> Callable[[], Awaitable[None]]:
        """A check: the last change of node ``number`` is ``kind`` (with ``status``)."""

        async def last_change() -> None:
            self.seen()
            mine = [c for c in self.changes if c.record.node.node_id == node_id(number)]
            if not mine:
                raise fail(rule_id, f"a change of node {number}", "none yet")
            last = mine[-1]
            check_equal(rule_id, f"the last change of node {number}", kind, last.kind)
            if status is not None:
                check_equal(
                    rule_id,
                    f"node {number}'s status in it",
                    status,
                    last.record.health.status,
                )

        return last_change
