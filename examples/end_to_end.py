"""End-to-end example: two workflows over the in-memory SPI implementations.

Run it from the repository root::

    python -m examples.end_to_end

What it shows, in order:

1. A DI container (``ProtocolServiceRegistry``) receives every implementation
   under its protocol, refuses one that does not conform (SR-1), and hands
   them back; everything below uses only the resolved protocol types.
2. Two MCP subsystems register the same tools (MCR-1, MCR-2) and heartbeat
   (MCR-3).
3. Consumers join two groups on the workflow event bus: ``projection`` (two
   members that share the events and fold them into a read model) and
   ``audit`` (one member that gets every event and fails once, to show a
   redelivery) (EB-2, EB-5, WEH-1).
4. Workflow A goes pending -> initializing -> running -> completed. A second
   writer starts it first, so the first writer's append conflicts; it
   catches up and carries on (WP-2). Its first task calls a read-only tool
   whose preferred subsystem drops the connection, and the registry fails
   over to the other subsystem (MCR-5, MCR-7). A retried append is a no-op
   (WP-4). Snapshots plus replay equal the full fold (WP-6, WSN-1).
5. Workflow B completes two tasks; then a tool answers with a tool error,
   which is not failed over (MCR-6), and the workflow compensates the
   completed tasks in reverse order and ends ``compensated`` (WF-6).
6. Each stream is printed with sequence numbers, causation and correlation,
   followed by direct contract checks (WEB-4, MCR-7, EB-2, SUB-2, EB-6).

The application code (tools, wiring, the workflow writer, tasks,
compensation, consumers) is in :mod:`examples.order_workflow`; this module
drives it and reports what happens. Clock and ids are injected, so every run
prints the same data.
"""

import asyncio
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from uuid import UUID

from examples.order_workflow import (
    BACKUP,
    PRIMARY,
    TOOLS,
    WORKFLOW_TYPE,
    AuditTrail,
    ProjectionMember,
    Services,
    WorkflowRunner,
    build_container,
    compensate,
    resolve_services,
    run_task,
    task_data,
    tool_functions,
)
from omnibase.protocols.container import ProtocolServiceRegistry
from omnibase.protocols.core import ProtocolWorkflowReducer
from omnibase.protocols.errors import (
    ConcurrencyConflictError,
    InvalidInputError,
    OutcomeUnknownError,
)
from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.types import (
    JsonObject,
    ProtocolHealthReport,
    ProtocolMCPToolResult,
    ProtocolWorkflowEvent,
    WorkflowState,
)
from omnibase.spi_conformance import protocol_type
from omnibase.spi_conformance.reference import (
    FakeToolProxy,
    SeededIds,
    SteppingClock,
)
from omnibase.spi_conformance.reference.factories import Clock, IdFactory
from omnibase.spi_conformance.reference.values import (
    SecretValue,
    SubsystemMetadata,
    WorkflowSnapshot,
)

__all__ = [
    "ConcurrencyFacts",
    "ConsumerFacts",
    "ContractChecks",
    "DemoReport",
    "WorkflowRun",
    "main",
    "run_demo",
]

type Output = Callable[[str], None]
type ToolCall = tuple[str, str]
"""``(subsystem name, tool name)`` of one call the tool proxy attempted."""


# --- a bus that must be refused ----------------------------------------------


class SyncPublishBus:
    """Passes ``isinstance(x, ProtocolEventBus)``, but its ``publish`` is not async."""

    def publish(self, message: object, *, timeout: timedelta | None = None) -> None:
        """Publish synchronously, against SPI rule 4 (I/O is ``async def``)."""

    async def subscribe_to_topic(
        self,
        topic: str,
        group_id: str,
        handler: object,
        *,
        offset_reset: str = "latest",
        retry_policy: object = None,
        dead_letter_topic: str | None = None,
    ) -> None:
        """Subscribe (never called)."""

    async def health_check(self) -> None:
        """Report health (never called)."""

    async def close(self) -> None:
        """Close (never called)."""


# --- what the demo reports ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkflowRun:
    """What one workflow run left behind.

    Attributes:
        instance_id: The workflow instance.
        request_id: Id of the start request: the causation of event 1.
        correlation_id: Correlation id of the start request: the first entry
            of every event's correlation chain.
        final: The writer's state after the last event.
        events: The stream as replayed from the store.
        tool_results: Results of the tool calls, in call order.
        tool_calls: Every call the tool proxy attempted while the workflow ran.
    """

    instance_id: UUID
    request_id: UUID
    correlation_id: UUID
    final: WorkflowSnapshot
    events: tuple[ProtocolWorkflowEvent, ...]
    tool_results: tuple[ProtocolMCPToolResult, ...]
    tool_calls: tuple[ToolCall, ...]


@dataclass(frozen=True, slots=True)
class ConcurrencyFacts:
    """Workflow A's optimistic-concurrency and snapshot story.

    Attributes:
        conflict: What the losing writer's append raised (WP-2).
        caught_up: Events the losing writer folded before it carried on.
        reappended: What the retried append of a stored event returned (WP-4).
        snapshot_sequences: Sequence numbers of the snapshots saved.
    """

    conflict: ConcurrencyConflictError
    caught_up: int
    reappended: int
    snapshot_sequences: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ConsumerFacts:
    """What the consumer groups received.

    Attributes:
        projection: Events each ``projection`` member handled, by member name.
        read_model: The projection's folded states, by instance.
        audit_events: Events the ``audit`` member recorded, once each.
        audit_deliveries: Deliveries to the ``audit`` member, by event id.
    """

    projection: Mapping[str, tuple[ProtocolWorkflowEvent, ...]]
    read_model: Mapping[UUID, WorkflowSnapshot]
    audit_events: tuple[ProtocolWorkflowEvent, ...]
    audit_deliveries: Mapping[UUID, int]


@dataclass(frozen=True, slots=True)
class ContractChecks:
    """Results of the direct checks after the workflows.

    Attributes:
        snapshot_at_or_before_6: Sequence number ``load_snapshot`` returned
            for ``at_or_before=6`` (WP-6).
        snapshot_plus_replay_equals_fold: WSN-1 held for workflow A.
        replayed: Sequence numbers of ``replay_events(from 3 to 5)`` (WEB-4).
        non_idempotent_error: What a non-idempotent call raised when its
            subsystem was unreachable (MCR-7).
        non_idempotent_calls: The calls that attempt made.
    """

    snapshot_at_or_before_6: int | None
    snapshot_plus_replay_equals_fold: bool
    replayed: tuple[int, ...]
    non_idempotent_error: OutcomeUnknownError
    non_idempotent_calls: tuple[ToolCall, ...]


@dataclass(frozen=True, slots=True)
class DemoReport:
    """Everything the demo observed; the tests assert on it.

    Attributes:
        registrations: The container's ``(interface, name)`` pairs.
        refused: Why the container refused a non-conforming bus (SR-1).
        fulfilled: Workflow A.
        compensated: Workflow B.
        concurrency: Workflow A's conflict, retry and snapshots.
        consumers: What the consumer groups received.
        checks: The direct contract checks.
        health_after_close: The event bus's health after ``close`` (EB-6).
    """

    registrations: tuple[tuple[type[object], str], ...]
    refused: InvalidInputError
    fulfilled: WorkflowRun
    compensated: WorkflowRun
    concurrency: ConcurrencyFacts
    consumers: ConsumerFacts
    checks: ContractChecks
    health_after_close: ProtocolHealthReport


# --- the demo -----------------------------------------------------------------


@dataclass(slots=True)
class _Demo:
    services: Services
    container: ProtocolServiceRegistry
    proxy: FakeToolProxy
    clock: Clock
    ids: IdFactory
    out: Output
    calls_seen: int = 0

    def runner(self, instance_id: UUID) -> WorkflowRunner:
        state = self.services.reducer.initial_state(WORKFLOW_TYPE, instance_id)
        return WorkflowRunner(self.services, state, clock=self.clock, ids=self.ids)

    def new_calls(self) -> tuple[ToolCall, ...]:
        """The proxy calls since the last time this was asked."""
        calls = tuple(self.proxy.calls[self.calls_seen :])
        self.calls_seen = len(self.proxy.calls)
        return calls

    async def stream(self, instance_id: UUID) -> tuple[ProtocolWorkflowEvent, ...]:
        replay = await self.services.workflow_bus.replay_events(
            WORKFLOW_TYPE, instance_id
        )
        return tuple([event async for event in replay])

    def fold(
        self, state: WorkflowSnapshot, events: Sequence[ProtocolWorkflowEvent]
    ) -> WorkflowSnapshot:
        for event in events:
            state = self.services.reducer.reduce(state, event)
        return state


def short(value: UUID) -> str:
    """Return the first 8 hex digits of an id, for the printout.

    Args:
        value: The id.

    Returns:
        Its short form.
    """
    return value.hex[:8]


def _chain(chain: Sequence[UUID]) -> str:
    if len(chain) <= 3:
        return ">".join(map(short, chain))
    return f"{short(chain[0])}>..>{short(chain[-1])} ({len(chain)})"


def format_stream(run: WorkflowRun) -> list[str]:
    """Render a workflow's stream as a table.

    Args:
        run: The workflow run.

    Returns:
        The table's lines: seq, event type, task, event id, causation (the
        causing event's id and sequence number, or the start request's id)
        and correlation chain.
    """
    names = {task.task_id: task.task_name for task in run.final.tasks}
    numbers = {event.event_id: event.sequence_number for event in run.events}
    lines = [
        f"  {'seq':>3}  {'event_type':<28} {'task':<16} {'event_id':<9} "
        f"{'causation':<13} correlation chain"
    ]
    for event in run.events:
        cause = event.causation_id
        if cause is None:
            caused_by = "-"
        elif cause in numbers:
            caused_by = f"{short(cause)} #{numbers[cause]}"
        else:
            caused_by = f"{short(cause)} req"
        task = "-" if event.task_id is None else names.get(event.task_id, "?")
        lines.append(
            f"  {event.sequence_number:>3}  {event.event_type:<28} {task:<16} "
            f"{short(event.event_id):<9} {caused_by:<13} "
            f"{_chain(event.correlation_chain)}"
        )
    return lines


def _path(reducer: ProtocolWorkflowReducer[WorkflowSnapshot], run: WorkflowRun) -> str:
    """The workflow states a stream went through, in order."""
    states: list[WorkflowState] = []
    state = reducer.initial_state(WORKFLOW_TYPE, run.instance_id)
    for event in run.events:
        state = reducer.reduce(state, event)
        if not states or states[-1] != state.state:
            states.append(state.state)
    return " -> ".join(states)


def _show_container(demo: _Demo) -> InvalidInputError:
    demo.out("DI container (ProtocolServiceRegistry):")
    for interface, name in demo.container.registered_interfaces():
        found = type(demo.container.resolve(interface, name=name)).__name__
        demo.out(f"  {interface.__name__:<28} {name!r:<10} -> {found}")
    try:
        demo.container.register(
            protocol_type(ProtocolEventBus), SyncPublishBus(), name="sync"
        )
    except InvalidInputError as error:
        first, *details = str(error).splitlines()
        demo.out(f"  refused: {first}")
        for detail in details:
            demo.out(f"    {detail}")
        return error
    raise AssertionError("a non-conforming event bus was registered")


async def _register_subsystems(demo: _Demo, api_key: SecretValue) -> None:
    mcp = demo.services.mcp
    demo.out(f"MCP registry (subsystems present the API key {api_key!r}):")
    for name in (PRIMARY, BACKUP):
        metadata = SubsystemMetadata(
            name=name,
            subsystem_type="integration",
            version="1.4.2",
            endpoint=f"https://{name.replace('_', '-')}.example.internal/mcp",
            description="Order fulfilment tools",
            labels={"region": "eu-west-1" if name == PRIMARY else "eu-central-1"},
        )
        registration_id = await mcp.register_subsystem(metadata, TOOLS, api_key)
        before = (await mcp.get_subsystem(registration_id)).health.status
        await mcp.heartbeat(registration_id, api_key, note="serving")
        after = (await mcp.get_subsystem(registration_id)).health.status
        demo.out(
            f"  {name:<19} registered as {short(registration_id)}, {len(TOOLS)} tools,"
            f" health {before} -> {after} after its first heartbeat"
        )
    pages, cursor, listed = 0, None, 0
    while True:
        page = await mcp.list_tools(cursor=cursor, limit=5)
        pages, listed, cursor = pages + 1, listed + len(page.items), page.next_cursor
        if cursor is None:
            break
    demo.out(f"  list_tools: {listed} entries in {pages} pages of 5 (MCR-9, PG-1)")


async def _fulfil_order(demo: _Demo) -> tuple[WorkflowRun, ConcurrencyFacts]:
    services, persistence, out = demo.services, demo.services.persistence, demo.out
    instance_id, request_id, correlation_id = demo.ids(), demo.ids(), demo.ids()
    out(f"Workflow A {WORKFLOW_TYPE}/{short(instance_id)}: two tasks, then completed")
    runner = demo.runner(instance_id)
    order = {"order_id": "o-1001"}
    created = await runner.start(
        request_id, correlation_id, {**order, "customer": "c-42"}
    )
    init = await runner.follow(created, "workflow.initializing")
    lookup = await runner.follow(
        init,
        "task.scheduled",
        task_id=demo.ids(),
        data=task_data("lookup_customer", {"customer_id": "c-42"}),
    )
    reserve = await runner.follow(
        init,
        "task.scheduled",
        task_id=demo.ids(),
        data=task_data(
            "reserve_stock",
            {**order, "sku": "sku-7"},
            depends_on=[_task_id(lookup)],
            undo="release_stock",
        ),
    )
    snapshots = [runner.state.sequence_number]
    await persistence.save_snapshot(runner.state)  # taken_at: its last event (WSN-3)

    # A second writer loads the stream (snapshot + replay) and starts it first.
    rival = await WorkflowRunner.load(
        services, instance_id, clock=demo.clock, ids=demo.ids
    )
    await rival.follow(reserve, "workflow.started", data={"writer": "replica-2"})
    try:
        await runner.follow(reserve, "workflow.started", data={"writer": "replica-1"})
        raise AssertionError("the second start did not conflict")
    except ConcurrencyConflictError as error:
        conflict = error
    caught_up = await runner.catch_up()
    out(
        f"  replica-1's append expected last sequence {conflict.expected}, "
        f"found {conflict.actual}: ConcurrencyConflictError (WP-2)"
    )
    out(
        f"  replica-1 retries: it folds the {caught_up} new event, sees "
        f"'{runner.state.state}', and appends its next step at sequence "
        f"{runner.state.sequence_number + 1} instead"
    )

    demo.proxy.fail_transport(PRIMARY, "lookup_customer", after_sending=True)
    lookup_done, lookup_result = await run_task(
        runner,
        services.mcp,
        runner.state.task(_task_id(lookup)),
        runner.last_event or reserve,
        demo.ids(),
    )
    if lookup_result is not None:
        out(
            f"  lookup_customer: {PRIMARY} dropped the connection, failed over to "
            f"{lookup_result.subsystem_name}, attempts={lookup_result.attempts} "
            "(MCR-5, MCR-7)"
        )
    reappended = await persistence.append_events(
        WORKFLOW_TYPE,
        instance_id,
        [lookup_done],
        expected_sequence=lookup_done.sequence_number - 1,
    )
    out(
        f"  append of event {lookup_done.sequence_number} retried after a lost reply:"
        f" returned {reappended}, stored nothing (WP-4)"
    )
    snapshots.append(runner.state.sequence_number)
    await persistence.save_snapshot(runner.state)

    reserve_done, reserve_result = await run_task(
        runner,
        services.mcp,
        runner.state.task(_task_id(reserve)),
        lookup_done,
        demo.ids(),
    )
    await runner.follow(reserve_done, "workflow.completed")
    run = WorkflowRun(
        instance_id=instance_id,
        request_id=request_id,
        correlation_id=correlation_id,
        final=runner.state,
        events=await demo.stream(instance_id),
        tool_results=tuple(r for r in (lookup_result, reserve_result) if r),
        tool_calls=demo.new_calls(),
    )
    out(f"  states: {_path(services.reducer, run)}")
    facts = ConcurrencyFacts(conflict, caught_up, reappended, tuple(snapshots))
    return run, facts


async def _compensate_order(demo: _Demo) -> WorkflowRun:
    services, out = demo.services, demo.out
    instance_id, request_id, correlation_id = demo.ids(), demo.ids(), demo.ids()
    out(f"Workflow B {WORKFLOW_TYPE}/{short(instance_id)}: a task fails, compensation")
    runner = demo.runner(instance_id)
    order = {"order_id": "o-1002"}
    created = await runner.start(
        request_id, correlation_id, {**order, "customer": "c-77"}
    )
    init = await runner.follow(created, "workflow.initializing")
    cause: ProtocolWorkflowEvent = init
    steps: list[tuple[str, dict[str, str | int], str | None]] = [
        ("reserve_stock", {**order, "sku": "sku-9"}, "release_stock"),
        ("charge_payment", {**order, "amount_cents": 4999}, "refund_payment"),
        ("ship_order", {**order, "address": "Atlantis"}, None),  # fails: no carrier
    ]
    for tool, inputs, undo in steps:  # each depends on the one before
        previous = [task.task_id for task in runner.state.tasks[-1:]]
        cause = await runner.follow(
            init,
            "task.scheduled",
            task_id=demo.ids(),
            data=task_data(tool, inputs, depends_on=previous, undo=undo),
        )
    cause = await runner.follow(cause, "workflow.started")
    results: list[ProtocolMCPToolResult] = []
    for task in runner.state.tasks:  # scheduling order respects depends_on here
        cause, result = await run_task(runner, services.mcp, task, cause, demo.ids())
        results.extend([result] if result else [])
        if cause.event_type == "task.failed":
            served = f" from {result.subsystem_name}" if result else ""
            attempts = f" after {result.attempts} attempt(s)" if result else ""
            out(
                f"  {task.task_name}: tool error{served}{attempts}, not failed over "
                f"(MCR-6): {cause.data.get('error')}"
            )
            break
    done, undone = await compensate(runner, services.mcp, cause, demo.ids)
    out(
        "  compensated in reverse dependency order: "
        + ", ".join(f"{r.tool_name} on {r.subsystem_name}" for r in undone)
        + f" -> {done.event_type} (WF-6)"
    )
    run = WorkflowRun(
        instance_id=instance_id,
        request_id=request_id,
        correlation_id=correlation_id,
        final=runner.state,
        events=await demo.stream(instance_id),
        tool_results=(*results, *undone),
        tool_calls=demo.new_calls(),
    )
    out(f"  states: {_path(services.reducer, run)}")
    return run


async def _check_contracts(demo: _Demo, fulfilled: WorkflowRun) -> ContractChecks:
    services, out = demo.services, demo.out
    instance_id = fulfilled.instance_id
    persistence, reducer = services.persistence, services.reducer
    out("Checks:")
    early = await persistence.load_snapshot(WORKFLOW_TYPE, instance_id, at_or_before=6)
    latest = await persistence.load_snapshot(WORKFLOW_TYPE, instance_id)
    if not isinstance(latest, WorkflowSnapshot):
        raise AssertionError("workflow A has no snapshot of the example's type")
    after = [e for e in fulfilled.events if e.sequence_number > latest.sequence_number]
    full = demo.fold(
        reducer.initial_state(WORKFLOW_TYPE, instance_id), fulfilled.events
    )
    equal = demo.fold(latest, after) == full
    out(
        f"  load_snapshot(at_or_before=6) -> {early.sequence_number if early else None}"
        f"; snapshot {latest.sequence_number} + replay of {len(after)} events == fold "
        f"of all {len(fulfilled.events)}: {equal} (WP-6, WSN-1)"
    )
    replay = await services.workflow_bus.replay_events(
        workflow_type=WORKFLOW_TYPE,
        instance_id=instance_id,
        from_sequence=3,
        to_sequence=5,
    )
    replayed = tuple([event.sequence_number async for event in replay])
    out(
        f"  replay_events(A, from 3 to 5) -> {list(replayed)}: bounds inclusive (WEB-4)"
    )

    demo.proxy.fail_transport(PRIMARY, "charge_payment", after_sending=True)
    arguments: JsonObject = {"order_id": "o-1003", "amount_cents": 1200}
    try:
        await services.mcp.execute_tool(
            "charge_payment", arguments, demo.ids(), preferred_subsystem=PRIMARY
        )
        raise AssertionError("a non-idempotent call was failed over")
    except OutcomeUnknownError as error:
        non_idempotent_error = error
    calls = demo.new_calls()
    out(
        f"  charge_payment lost its connection to {PRIMARY} after sending: "
        f"OutcomeUnknownError after {len(calls)} call, no failover (MCR-7)"
    )
    return ContractChecks(
        snapshot_at_or_before_6=early.sequence_number if early else None,
        snapshot_plus_replay_equals_fold=equal,
        replayed=replayed,
        non_idempotent_error=non_idempotent_error,
        non_idempotent_calls=calls,
    )


def _show_consumers(
    demo: _Demo,
    members: Sequence[ProjectionMember],
    audit: AuditTrail,
    runs: Mapping[str, WorkflowRun],
    read_model: Mapping[UUID, WorkflowSnapshot],
) -> ConsumerFacts:
    label = {run.instance_id: name for name, run in runs.items()}
    for member in members:
        counts = Counter(label[event.instance_id] for event in member.handled)
        handled = ", ".join(f"{n} events of {k}" for k, n in sorted(counts.items()))
        demo.out(f"  group 'projection', {member.name}: {handled or 'nothing'} (EB-2)")
    again = [e for e in audit.events if audit.deliveries[e.event_id] > 1]
    redelivered = ", ".join(
        f"{label[e.instance_id]}#{e.sequence_number} {e.event_type} "
        f"{audit.deliveries[e.event_id]} times"
        for e in again
    )
    demo.out(
        f"  group 'audit', 1 member: all {len(audit.events)} events; delivered "
        f"again after the handler raised: {redelivered} (EB-5, WEH-1)"
    )
    same = all(read_model.get(run.instance_id) == run.final for run in runs.values())
    demo.out(f"  projection's read model equals the writers' final states: {same}")
    return ConsumerFacts(
        projection={member.name: tuple(member.handled) for member in members},
        read_model=dict(read_model),
        audit_events=tuple(audit.events),
        audit_deliveries=dict(audit.deliveries),
    )


async def run_demo(*, out: Output = print, seed: int = 2024) -> DemoReport:
    """Run the whole example, printing what happens.

    Args:
        out: Receives the printout, line by line.
        seed: Seeds the ids; equal seeds print equal runs.

    Returns:
        What the run observed.
    """
    clock = SteppingClock(
        datetime(2025, 3, 14, 9, 30, tzinfo=UTC), timedelta(milliseconds=125)
    )
    ids = SeededIds(seed)
    proxy = FakeToolProxy(tool_functions(), clock=clock, ids=ids)
    api_key = SecretValue("mcp-demo-key-7f3a9c")
    container = build_container(proxy=proxy, api_key=api_key, clock=clock, ids=ids)
    services = resolve_services(container)
    demo = _Demo(services, container, proxy, clock, ids, out)

    out("ONEX SPI end-to-end example (in-memory implementations)")
    out("")
    refused = _show_container(demo)
    out("")
    await _register_subsystems(demo, api_key)
    demo.new_calls()
    out("")

    read_model: dict[UUID, WorkflowSnapshot] = {}
    members = [
        ProjectionMember(f"projector-{n}", read_model, services.reducer) for n in (1, 2)
    ]
    audit = AuditTrail(fail_once_on="task.completed")
    unsubscribes = [
        await services.workflow_bus.subscribe_to_workflow_events(
            WORKFLOW_TYPE, group, handler, dead_letter_topic=f"{group}.dead-letter"
        )
        for group, handler in (
            ("projection", members[0]),
            ("projection", members[1]),
            ("audit", audit),
        )
    ]

    out(
        "Streams: causation is the causing event's id and #seq (or the start "
        "request's id, req); the correlation chain runs from the start request "
        "to the request served (WEV-3, WEV-4)."
    )
    out("")
    fulfilled, concurrency = await _fulfil_order(demo)
    for line in format_stream(fulfilled):
        out(line)
    out("")
    compensated = await _compensate_order(demo)
    for line in format_stream(compensated):
        out(line)
    out("")

    checks = await _check_contracts(demo, fulfilled)
    runs = {"A": fulfilled, "B": compensated}
    consumers = _show_consumers(demo, members, audit, runs, read_model)
    for unsubscribe in unsubscribes:
        await unsubscribe()
        await unsubscribe()  # a no-op (SUB-2)
    await services.event_bus.aclose()
    await services.event_bus.aclose()  # idempotent (LC-2)
    health = await services.event_bus.health_check()
    out(
        "  every unsubscribe called twice, no error (SUB-2); bus closed twice, "
        f"health now {health.status} (EB-6)"
    )
    out(f"Final states: A {fulfilled.final.state}, B {compensated.final.state}")
    return DemoReport(
        registrations=tuple(container.registered_interfaces()),
        refused=refused,
        fulfilled=fulfilled,
        compensated=compensated,
        concurrency=concurrency,
        consumers=consumers,
        checks=checks,
        health_after_close=health,
    )


def _task_id(event: ProtocolWorkflowEvent) -> UUID:
    if event.task_id is None:
        raise InvalidInputError(f"{event.event_type} names no task")
    return event.task_id


def main() -> int:
    """Run the example.

    Returns:
        The process exit code, 0.
    """
    asyncio.run(run_demo())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
