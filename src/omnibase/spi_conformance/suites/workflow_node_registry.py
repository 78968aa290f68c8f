"""Conformance suite of ``ProtocolWorkflowNodeRegistry``: leases (WNR-1 to WNR-5, TAS).

It checks what the workflow registry adds to a node registry; the node
registry's own rules (NR-*) have their suite. The suite registers nodes and
heartbeats them through the ``ProtocolNodeRegistry`` methods. Leases expire
by the clock: wire ``env.clock`` into the registry and set ``clock_wired``,
or lower [`lease`][WorkflowNodeRegistrySuite.lease] so that real waiting
stays short.
"""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import ClassVar, cast, override
from uuid import UUID, uuid4

from omnibase.protocols.errors import InvalidInputError, NotFoundError, UnavailableError
from omnibase.protocols.types import HealthStatus, ProtocolTaskAssignment
from omnibase.protocols.workflow_orchestration import ProtocolWorkflowNodeRegistry
from omnibase.spi_conformance.reference.values import TaskConfiguration
from omnibase.spi_conformance.suites._base import (
    SuiteEnvironment,
    check,
    check_equal,
    check_raises,
    rule,
)
from omnibase.spi_conformance.suites._workflow import WORKFLOW_TYPE
from omnibase.spi_conformance.suites.lifecycle import Call, LifecycleChecks

__all__ = ["WorkflowNodeRegistrySuite"]

type Registry = ProtocolWorkflowNodeRegistry


@dataclass(frozen=True, slots=True)
class _Node:
    """``NodeMetadata`` of a node the suite registers."""

    node_id: UUID
    node_name: str = "conformance-node"
    node_type: str = "workflow_executor"
    version: str = "1.0"
    endpoint: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict[str, str])


@dataclass(frozen=True, slots=True)
class _HealthCheck:
    """``ProtocolHealthCheckConfig`` that outlives every test."""

    ttl: timedelta = timedelta(hours=1)
    deregister_critical_after: timedelta = timedelta(hours=1)


def _task(*capabilities: str) -> TaskConfiguration:
    return TaskConfiguration(
        task_id=uuid4(),
        task_name="conformance",
        task_type="conformance",
        required_capabilities=capabilities,
    )


class WorkflowNodeRegistrySuite(LifecycleChecks[Registry, SuiteEnvironment]):
    """Checks the leases of a ``ProtocolWorkflowNodeRegistry``.

    Attributes:
        lease: The lease length the tests ask for; the suite lets it expire.
        short_wait: How long a poll that must come back empty may wait.
    """

    contract: ClassVar[type] = ProtocolWorkflowNodeRegistry
    lease: ClassVar[timedelta] = timedelta(seconds=30)
    short_wait: ClassVar[timedelta] = timedelta(milliseconds=20)

    @override
    def calls_after_close(
        self, subject: Registry, env: SuiteEnvironment
    ) -> Mapping[str, Call]:
        """Every method after ``aclose`` (LC-3), the node registry's included."""
        node = uuid4()

        async def watch_nodes() -> object:
            return subject.watch_nodes()

        return {
            "watch_nodes": watch_nodes,
            "assign_task": lambda: subject.assign_task(WORKFLOW_TYPE, uuid4(), _task()),
            "renew_assignment": lambda: subject.renew_assignment(uuid4()),
            "release_assignment": lambda: subject.release_assignment(uuid4()),
            "poll_assignments": lambda: subject.poll_assignments(
                node, max_wait=self.short_wait
            ),
            "register_node": lambda: subject.register_node(
                _Node(node), [], _HealthCheck()
            ),
            "heartbeat": lambda: subject.heartbeat(node),
            "deregister_node": lambda: subject.deregister_node(node),
            "get_node": lambda: subject.get_node(node),
            "discover_nodes": subject.discover_nodes,
        }

    async def node(
        self,
        subject: Registry,
        *capabilities: str,
        status: HealthStatus | None = "passing",
    ) -> UUID:
        """Register a node with ``capabilities`` and heartbeat ``status``.

        Args:
            subject: The registry under test.
            *capabilities: What the node declares.
            status: Its heartbeat's status; ``None`` leaves it ``critical``.

        Returns:
            The node's id.
        """
        node_id = uuid4()
        await subject.register_node(_Node(node_id), list(capabilities), _HealthCheck())
        if status is not None:
            await subject.heartbeat(node_id, status=status)
        return node_id

    async def _assign(
        self, subject: Registry, task: TaskConfiguration, **options: UUID | None
    ) -> ProtocolTaskAssignment:
        return await subject.assign_task(
            WORKFLOW_TYPE,
            uuid4() if "instance" not in options else cast("UUID", options["instance"]),
            task,
            preferred_node=options.get("preferred"),
            lease=self.lease,
        )

    # --- WNR-1 ------------------------------------------------------------------

    @rule("WNR-1", "HLT-1")
    async def test_WNR_1_tasks_go_to_healthy_capable_nodes(
        self, subject: Registry, env: SuiteEnvironment
    ) -> None:
        """Only a healthy node with every capability gets the task."""
        await self.node(subject, "a")
        capable = await self.node(subject, "a", "b")
        await self.node(subject, "a", "b", status=None)  # never heartbeated
        await self.node(subject, "a", "b", status="maintenance")
        await self.node(subject, "a", "b", status="critical")
        for _ in range(3):
            assignment = await self._assign(subject, _task("a", "b"))
            check_equal(
                "WNR-1",
                "the node given a task needing a and b",
                capable,
                assignment.node_id,
            )
        degraded = await self.node(subject, "w", status="warning")
        assignment = await self._assign(subject, _task("w"))
        check_equal(
            "WNR-1", "the warning node (healthy, HLT-1)", degraded, assignment.node_id
        )

    @rule("WNR-1")
    async def test_WNR_1_the_preferred_node_when_it_qualifies(
        self, subject: Registry, env: SuiteEnvironment
    ) -> None:
        """``preferred_node`` wins when it qualifies, and only then."""
        nodes = [await self.node(subject, "a") for _ in range(3)]
        for preferred in nodes:
            assignment = await self._assign(subject, _task("a"), preferred=preferred)
            check_equal("WNR-1", "the preferred node", preferred, assignment.node_id)
        lacking = await self.node(subject, "z")
        assignment = await self._assign(subject, _task("a"), preferred=lacking)
        check(
            assignment.node_id in nodes,
            "WNR-1",
            "a capable node, not the preferred one",
            assignment.node_id,
        )

    @rule("WNR-1")
    async def test_WNR_1_no_capable_node_is_unavailable(
        self, subject: Registry, env: SuiteEnvironment
    ) -> None:
        """Without a qualifying node: ``UnavailableError`` and no lease."""
        node = await self.node(subject, "a")
        await check_raises(
            "WNR-1",
            UnavailableError,
            self._assign(subject, _task("c")),
            doing="assign_task needing a capability no node declared",
        )
        check_equal(
            "WNR-1",
            "the node's leases",
            [],
            list(await subject.poll_assignments(node, max_wait=self.short_wait)),
        )

    # --- WNR-2 ------------------------------------------------------------------

    @rule("WNR-2")
    async def test_WNR_2_assigning_a_leased_task_returns_its_lease(
        self, subject: Registry, env: SuiteEnvironment
    ) -> None:
        """A second ``assign_task`` of a leased task returns the same lease."""
        await self.node(subject, "a")
        await self.node(subject, "a")
        task, instance = _task("a"), uuid4()
        first = await self._assign(subject, task, instance=instance)
        again = await self._assign(subject, task, instance=instance)
        check_equal(
            "WNR-2",
            "(assignment_id, node_id, lease_expires_at) of the second call",
            (first.assignment_id, first.node_id, first.lease_expires_at),
            (again.assignment_id, again.node_id, again.lease_expires_at),
        )

    # --- WNR-3 ------------------------------------------------------------------

    @rule("WNR-3", "TAS-2")
    async def test_WNR_3_renewing_extends_from_now(
        self, subject: Registry, env: SuiteEnvironment
    ) -> None:
        """A renewal moves the expiry to now + lease and keeps attempt and token."""
        await self.node(subject, "a")
        first = await self._assign(subject, _task("a"))
        await self.advance_time(env, self.lease / 2)
        renewed = await subject.renew_assignment(first.assignment_id, lease=self.lease)
        check(
            renewed.lease_expires_at > first.lease_expires_at,
            "WNR-3",
            f"an expiry after {first.lease_expires_at.isoformat()}",
            renewed.lease_expires_at.isoformat(),
        )
        check_equal(
            "WNR-3",
            "(assignment_id, attempt, fencing_token) after a renewal",
            (first.assignment_id, first.attempt, first.fencing_token),
            (renewed.assignment_id, renewed.attempt, renewed.fencing_token),
        )
        await self.advance_time(env, self.lease * 3 / 4)
        still = await subject.renew_assignment(first.assignment_id, lease=self.lease)
        check_equal(
            "WNR-3",
            "the lease renewed in time",
            first.assignment_id,
            still.assignment_id,
        )

    @rule("WNR-3", "TAS-1")
    async def test_WNR_3_expired_released_or_superseded_leases_are_not_found(
        self, subject: Registry, env: SuiteEnvironment
    ) -> None:
        """Renewing a lease that is no longer the task's current one fails."""
        await self.node(subject, "a")
        task, instance = _task("a"), uuid4()
        expired = await self._assign(subject, task, instance=instance)
        await self.advance_time(env, self.lease + self.lease / 10)
        await check_raises(
            "WNR-3",
            NotFoundError,
            subject.renew_assignment(expired.assignment_id, lease=self.lease),
            doing="renew_assignment of an expired lease",
        )
        current = await self._assign(subject, task, instance=instance)
        await check_raises(
            "WNR-3",
            NotFoundError,
            subject.renew_assignment(expired.assignment_id, lease=self.lease),
            doing="renew_assignment of a superseded lease",
        )
        await subject.release_assignment(current.assignment_id)
        await check_raises(
            "WNR-3",
            NotFoundError,
            subject.renew_assignment(current.assignment_id, lease=self.lease),
            doing="renew_assignment of a released lease",
        )

    # --- WNR-4 ------------------------------------------------------------------

    @rule("WNR-4")
    async def test_WNR_4_only_the_current_lease_is_released(
        self, subject: Registry, env: SuiteEnvironment
    ) -> None:
        """``True`` for the current lease once; ``False`` for any other."""
        await self.node(subject, "a")
        task, instance = _task("a"), uuid4()
        lease = await self._assign(subject, task, instance=instance)
        check_equal(
            "WNR-4",
            "releasing the current lease",
            True,
            await subject.release_assignment(lease.assignment_id),
        )
        check_equal(
            "WNR-4",
            "releasing it again",
            False,
            await subject.release_assignment(lease.assignment_id),
        )
        check_equal(
            "WNR-4",
            "releasing an unknown id",
            False,
            await subject.release_assignment(uuid4()),
        )
        stale = await self._assign(subject, task, instance=instance)
        await self.advance_time(env, self.lease + self.lease / 10)
        check_equal(
            "WNR-4",
            "releasing an expired lease",
            False,
            await subject.release_assignment(stale.assignment_id),
        )
        await self._assign(subject, task, instance=instance)
        check_equal(
            "WNR-4",
            "releasing a superseded lease",
            False,
            await subject.release_assignment(stale.assignment_id),
        )

    # --- WNR-5 ------------------------------------------------------------------

    @rule("WNR-5")
    async def test_WNR_5_a_node_polls_its_leases(
        self, subject: Registry, env: SuiteEnvironment
    ) -> None:
        """A poll returns the node's unexpired leases, oldest first."""
        worker = await self.node(subject, "a")
        other = await self.node(subject, "b")
        mine = [await self._assign(subject, _task("a")) for _ in range(3)]
        await self._assign(subject, _task("b"))
        released = mine.pop()
        await subject.release_assignment(released.assignment_id)
        polled = await subject.poll_assignments(worker, max_wait=self.short_wait)
        expected = sorted(mine, key=lambda a: (a.assigned_at, a.assignment_id))
        check_equal(
            "WNR-5",
            "the worker's leases",
            [a.assignment_id for a in expected],
            [a.assignment_id for a in polled],
        )
        check_equal(
            "WNR-5",
            "the other node's leases",
            1,
            len(await subject.poll_assignments(other, max_wait=self.short_wait)),
        )
        await check_raises(
            "WNR-5",
            NotFoundError,
            subject.poll_assignments(uuid4(), max_wait=self.short_wait),
            doing="poll_assignments of a node that is not registered",
        )

    @rule("WNR-5")
    async def test_WNR_5_a_poll_waits_for_an_assignment(
        self, subject: Registry, env: SuiteEnvironment
    ) -> None:
        """An idle worker's poll returns the lease assigned while it waits."""
        worker = await self.node(subject, "a")
        empty = await subject.poll_assignments(worker, max_wait=self.short_wait)
        check_equal("WNR-5", "a poll with nothing to return", [], list(empty))
        waiting = asyncio.ensure_future(
            subject.poll_assignments(worker, max_wait=timedelta(seconds=30))
        )
        await asyncio.sleep(0.01)
        assignment = await self._assign(subject, _task("a"))
        polled = await asyncio.wait_for(waiting, timeout=10)
        check_equal(
            "WNR-5",
            "what the waiting poll returned",
            [assignment.assignment_id],
            [a.assignment_id for a in polled],
        )

    # --- TAS ---------------------------------------------------------------------

    @rule("TAS-1")
    async def test_TAS_1_an_expired_lease_frees_the_task(
        self, subject: Registry, env: SuiteEnvironment
    ) -> None:
        """After its lease expires the task gets a new assignment, not the old one."""
        await self.node(subject, "a")
        task, instance = _task("a"), uuid4()
        first = await self._assign(subject, task, instance=instance)
        await self.advance_time(env, self.lease + self.lease / 10)
        second = await self._assign(subject, task, instance=instance)
        check(
            second.assignment_id != first.assignment_id,
            "TAS-1",
            "a new assignment after expiry",
            second.assignment_id,
        )
        check(
            second.lease_expires_at > first.lease_expires_at,
            "TAS-1",
            "a new, later expiry",
            second.lease_expires_at.isoformat(),
        )

    @rule("TAS-2")
    async def test_TAS_2_attempts_and_tokens_grow_with_each_assignment(
        self, subject: Registry, env: SuiteEnvironment
    ) -> None:
        """Attempts count 1, 2, 3 and tokens grow with each new lease of a task."""
        await self.node(subject, "a")
        task, instance = _task("a"), uuid4()
        seen: list[ProtocolTaskAssignment] = []
        for _ in range(3):
            seen.append(await self._assign(subject, task, instance=instance))
            await subject.release_assignment(seen[-1].assignment_id)
        check_equal("TAS-2", "the attempts", [1, 2, 3], [a.attempt for a in seen])
        tokens = [a.fencing_token for a in seen]
        check(
            tokens[0] < tokens[1] < tokens[2],
            "TAS-2",
            "strictly growing fencing tokens",
            tokens,
        )
        other = await self._assign(subject, _task("a"))
        check_equal("TAS-2", "another task's first attempt", 1, other.attempt)

    # --- T-6, WEV-6 ---------------------------------------------------------------

    @rule("T-6")
    async def test_T_6_non_positive_durations_are_invalid(
        self, subject: Registry, env: SuiteEnvironment
    ) -> None:
        """A zero or negative lease or ``max_wait`` is refused."""
        node = await self.node(subject, "a")
        lease = await self._assign(subject, _task("a"))
        for duration in (timedelta(0), timedelta(seconds=-1)):
            await check_raises(
                "T-6",
                InvalidInputError,
                subject.assign_task(WORKFLOW_TYPE, uuid4(), _task("a"), lease=duration),
                doing=f"assign_task(lease={duration})",
            )
            await check_raises(
                "T-6",
                InvalidInputError,
                subject.renew_assignment(lease.assignment_id, lease=duration),
                doing=f"renew_assignment(lease={duration})",
            )
            await check_raises(
                "T-6",
                InvalidInputError,
                subject.poll_assignments(node, max_wait=duration),
                doing=f"poll_assignments(max_wait={duration})",
            )

    @rule("WEV-6")
    async def test_WEV_6_bad_workflow_types_are_refused(
        self, subject: Registry, env: SuiteEnvironment
    ) -> None:
        """A task of workflow type ``a.b`` is not assigned."""
        await self.node(subject, "a")
        await check_raises(
            "WEV-6",
            InvalidInputError,
            subject.assign_task("a.b", uuid4(), _task("a"), lease=self.lease),
            doing="assign_task of workflow type 'a.b'",
        )
