"""The order-fulfilment application the end-to-end example runs.

Application code as an ONEX package would write it: it is typed against the
SPI's protocols only, and gets its implementations from a DI container.

- :data:`TOOLS` and :func:`tool_functions`: the MCP tools both subsystems
  serve, with the registry's authoritative idempotent/read-only flags.
- :func:`build_container` / :func:`resolve_services`: wiring by protocol.
- :class:`WorkflowRunner`: the writer of one instance. It folds each event
  (refusing illegal transitions, WR-4), appends it with the expected
  sequence number (WP-2) and publishes it once stored (WEB-1).
- :func:`run_task` and :func:`compensate`: tasks as MCP tool calls, and the
  saga that undoes completed tasks in reverse order (WF-6).
- :class:`ProjectionMember` and :class:`AuditTrail`: consumers on the
  workflow event bus that deduplicate on ``event_id`` (WEH-1).
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Final, Self
from uuid import UUID

from omnibase.protocols.container import ProtocolServiceRegistry
from omnibase.protocols.core import ProtocolWorkflowReducer
from omnibase.protocols.errors import (
    OutcomeUnknownError,
    UnavailableError,
)
from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.mcp import (
    ProtocolMCPRegistry,
    ProtocolMCPToolProxy,
    ProtocolMCPValidator,
)
from omnibase.protocols.types import (
    JsonObject,
    MCPToolType,
    ProtocolMCPToolResult,
    ProtocolWorkflowEvent,
    WorkflowData,
    WorkflowEventType,
)
from omnibase.protocols.workflow_orchestration import (
    ProtocolWorkflowEventBus,
    ProtocolWorkflowPersistence,
)
from omnibase.spi_conformance import protocol_type
from omnibase.spi_conformance.reference import (
    InMemoryEventBus,
    InMemoryMCPRegistry,
    InMemoryServiceRegistry,
    InMemoryWorkflowEventBus,
    InMemoryWorkflowPersistence,
    SimpleMCPValidator,
    ToolFunction,
    ToolReply,
    WorkflowReducer,
)
from omnibase.spi_conformance.reference.factories import Clock, IdFactory
from omnibase.spi_conformance.reference.values import (
    SecretValue,
    TaskConfiguration,
    ToolDefinition,
    WorkflowEvent,
    WorkflowSnapshot,
    workflow_snapshot_of,
)

__all__ = [
    "BACKUP",
    "PRIMARY",
    "TOOLS",
    "WORKFLOW_TYPE",
    "AuditTrail",
    "ProjectionMember",
    "Services",
    "WorkflowRunner",
    "build_container",
    "compensate",
    "resolve_services",
    "run_task",
    "task_data",
    "tool_functions",
]

WORKFLOW_TYPE: Final = "order_fulfilment"
PRIMARY: Final = "fulfilment_primary"
BACKUP: Final = "fulfilment_backup"


# --- the tools both subsystems serve ------------------------------------------


def _tool(
    name: str,
    tool_type: MCPToolType,
    *,
    idempotent: bool,
    read_only: bool = False,
    **parameters: str,
) -> ToolDefinition:
    """A tool whose parameters are all required, of the given JSON types."""
    return ToolDefinition(
        name=name,
        description=name.replace("_", " ").capitalize() + ".",
        tool_type=tool_type,
        parameters_schema={
            "type": "object",
            "properties": {key: {"type": kind} for key, kind in parameters.items()},
            "required": list(parameters),
            "additionalProperties": False,
        },
        idempotent=idempotent,
        read_only=read_only,
        timeout=timedelta(seconds=5),
    )


TOOLS: Final = (
    _tool(
        "lookup_customer",
        "query",
        idempotent=True,
        read_only=True,
        customer_id="string",
    ),
    _tool("reserve_stock", "action", idempotent=True, order_id="string", sku="string"),
    _tool("release_stock", "action", idempotent=True, order_id="string", sku="string"),
    _tool(
        "charge_payment",
        "action",
        idempotent=False,
        order_id="string",
        amount_cents="integer",
    ),
    _tool(
        "refund_payment",
        "action",
        idempotent=True,
        order_id="string",
        amount_cents="integer",
    ),
    _tool(
        "ship_order", "action", idempotent=False, order_id="string", address="string"
    ),
)
"""The registry's authoritative flags: only the lookup is read-only; a charge
and a shipment are not idempotent, so a transport error never fails them over."""


def _ship(arguments: JsonObject) -> ToolReply:
    address = arguments.get("address")
    if address == "Atlantis":
        return ToolReply(error=f"cannot ship order to {address!r}: no carrier")
    return ToolReply({"tracking": f"TRK-{arguments.get('order_id')}"})


def tool_functions() -> dict[str, ToolFunction]:
    """Return the bodies of the fake tools by name.

    Returns:
        Functions that answer the way the real tools would.
    """
    return {
        "lookup_customer": lambda a: ToolReply(
            {"customer_id": a.get("customer_id"), "tier": "gold"}
        ),
        "reserve_stock": lambda a: ToolReply({"reservation": f"R-{a.get('order_id')}"}),
        "release_stock": lambda _: ToolReply({"released": True}),
        "charge_payment": lambda a: ToolReply({"payment": f"P-{a.get('order_id')}"}),
        "refund_payment": lambda a: ToolReply({"refunded": a.get("amount_cents")}),
        "ship_order": _ship,
    }


# --- wiring -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Services:
    """The contracts the workflows use, as resolved from the container."""

    event_bus: ProtocolEventBus
    persistence: ProtocolWorkflowPersistence
    workflow_bus: ProtocolWorkflowEventBus
    reducer: ProtocolWorkflowReducer[WorkflowSnapshot]
    mcp: ProtocolMCPRegistry


def build_container(
    *, proxy: ProtocolMCPToolProxy, api_key: SecretValue, clock: Clock, ids: IdFactory
) -> ProtocolServiceRegistry:
    """Create every implementation and register it under its protocol.

    Each object is first bound to a protocol-typed name, so mypy and pyright
    check it against the contract; ``register`` then checks it at run time
    (SR-1). ``protocol_type`` passes a protocol where ``type[T]`` is expected
    without mypy's ``type-abstract`` error.

    Args:
        proxy: The MCP tool proxy.
        api_key: The key MCP subsystems must present.
        clock: The clock every implementation uses.
        ids: The id factory every implementation uses.

    Returns:
        The filled container.
    """
    event_bus: ProtocolEventBus = InMemoryEventBus(clock=clock)
    persistence: ProtocolWorkflowPersistence = InMemoryWorkflowPersistence()
    workflow_bus: ProtocolWorkflowEventBus = InMemoryWorkflowEventBus(
        event_bus, persistence
    )
    reducer: ProtocolWorkflowReducer[WorkflowSnapshot] = WorkflowReducer()
    validator: ProtocolMCPValidator = SimpleMCPValidator()
    mcp: ProtocolMCPRegistry = InMemoryMCPRegistry(
        proxy=proxy, validator=validator, api_key=api_key, ids=ids, clock=clock
    )
    container: ProtocolServiceRegistry = InMemoryServiceRegistry()
    container.register(protocol_type(ProtocolEventBus), event_bus)
    container.register(protocol_type(ProtocolWorkflowPersistence), persistence)
    container.register(protocol_type(ProtocolWorkflowEventBus), workflow_bus)
    container.register(
        protocol_type(ProtocolWorkflowReducer[WorkflowSnapshot]), reducer
    )
    container.register(protocol_type(ProtocolMCPValidator), validator)
    container.register(protocol_type(ProtocolMCPToolProxy), proxy)
    container.register(protocol_type(ProtocolMCPRegistry), mcp)
    return container


def resolve_services(container: ProtocolServiceRegistry) -> Services:
    """Resolve what the workflows need (SR-4).

    Args:
        container: A container filled by :func:`build_container`.

    Returns:
        The services, typed by their protocols.
    """
    return Services(
        event_bus=container.resolve(protocol_type(ProtocolEventBus)),
        persistence=container.resolve(protocol_type(ProtocolWorkflowPersistence)),
        workflow_bus=container.resolve(protocol_type(ProtocolWorkflowEventBus)),
        reducer=container.resolve(
            protocol_type(ProtocolWorkflowReducer[WorkflowSnapshot])
        ),
        mcp=container.resolve(protocol_type(ProtocolMCPRegistry)),
    )


# --- consumers ----------------------------------------------------------------


class ProjectionMember:
    """A member of the ``projection`` group: folds events into a shared read model."""

    def __init__(
        self,
        name: str,
        read_model: dict[UUID, WorkflowSnapshot],
        reducer: ProtocolWorkflowReducer[WorkflowSnapshot],
    ) -> None:
        """Join the shared read model.

        Args:
            name: Member name, for the printout.
            read_model: Workflow states by instance, shared by the members.
            reducer: Folds the events.
        """
        self.name = name
        self.handled: list[ProtocolWorkflowEvent] = []
        self._read_model = read_model
        self._reducer = reducer
        self._seen: set[UUID] = set()

    async def __call__(self, event: ProtocolWorkflowEvent, /) -> None:
        """Fold one event, once (WEH-1)."""
        if event.event_id in self._seen:
            return
        state = self._read_model.get(event.instance_id) or self._reducer.initial_state(
            event.workflow_type, event.instance_id
        )
        self._read_model[event.instance_id] = self._reducer.reduce(state, event)
        self._seen.add(event.event_id)
        self.handled.append(event)


class AuditTrail:
    """The ``audit`` group's only member: keeps every event, fails once on purpose."""

    def __init__(self, fail_once_on: WorkflowEventType) -> None:
        """Prepare the trail.

        Args:
            fail_once_on: The first event of this type fails its first delivery.
        """
        self.events: list[ProtocolWorkflowEvent] = []
        self.deliveries: Counter[UUID] = Counter()
        self._fail_once_on: WorkflowEventType | None = fail_once_on

    async def __call__(self, event: ProtocolWorkflowEvent, /) -> None:
        """Record one event, ignoring redeliveries of recorded ones (WEH-1)."""
        self.deliveries[event.event_id] += 1
        if event.event_type == self._fail_once_on:
            self._fail_once_on = None
            raise RuntimeError("audit store busy")  # asks for a redelivery (EH-1)
        if all(seen.event_id != event.event_id for seen in self.events):
            self.events.append(event)


# --- the writer side ----------------------------------------------------------


class WorkflowRunner:
    """Writes one workflow instance: fold to validate, append, then publish.

    Every event is folded before it is appended, so the reducer refuses an
    illegal transition before anything is stored (WR-4). It is appended with
    the sequence number the runner last saw, so a concurrent writer is
    detected (WP-2), and published only once stored (WEB-1).
    """

    def __init__(
        self,
        services: Services,
        state: WorkflowSnapshot,
        *,
        clock: Clock,
        ids: IdFactory,
    ) -> None:
        """Continue from ``state``.

        Args:
            services: The contracts to use.
            state: The instance's state as this runner knows it.
            clock: Stamps events.
            ids: Makes event ids.
        """
        self.state = state
        self.last_event: ProtocolWorkflowEvent | None = None
        self._services = services
        self._clock = clock
        self._ids = ids

    @classmethod
    async def load(
        cls, services: Services, instance_id: UUID, *, clock: Clock, ids: IdFactory
    ) -> Self:
        """Rebuild a writer from the latest snapshot and the events after it (WP-6).

        Args:
            services: The contracts to use.
            instance_id: The workflow instance.
            clock: Stamps events.
            ids: Makes event ids.

        Returns:
            A runner that knows the whole stream.
        """
        initial = services.reducer.initial_state(WORKFLOW_TYPE, instance_id)
        snapshot = await services.persistence.load_snapshot(
            WORKFLOW_TYPE,
            instance_id,
            schema_version=initial.schema_version,  # this reducer's only (WSN-2)
        )
        state = initial if snapshot is None else workflow_snapshot_of(snapshot)
        runner = cls(services, state, clock=clock, ids=ids)
        await runner.catch_up()
        return runner

    async def catch_up(self) -> int:
        """Fold the stored events this runner has not seen yet (WSN-1).

        Returns:
            How many events were folded.
        """
        events = self._services.persistence.read_events(
            self.state.workflow_type,
            self.state.instance_id,
            from_sequence=self.state.sequence_number + 1,
        )
        folded = 0
        async for event in events:
            self.state = self._services.reducer.reduce(self.state, event)
            self.last_event = event
            folded += 1
        return folded

    async def start(
        self, request_id: UUID, correlation_id: UUID, data: Mapping[str, WorkflowData]
    ) -> WorkflowEvent:
        """Append ``workflow.created``, caused by the start request (WF-2, WEV-3).

        The workflow is granted the ``mcp`` capability its tasks need (WCX-2).

        Args:
            request_id: Id of the request that starts the workflow.
            correlation_id: Correlation id of that request (WEV-4).
            data: The workflow's input.

        Returns:
            The event.
        """
        return await self._append(
            "workflow.created",
            request_id,
            (correlation_id,),
            None,
            {"capabilities": ["mcp"], **data},
        )

    async def follow(
        self,
        cause: ProtocolWorkflowEvent,
        event_type: WorkflowEventType,
        *,
        task_id: UUID | None = None,
        data: Mapping[str, WorkflowData] | None = None,
        request: UUID | None = None,
    ) -> WorkflowEvent:
        """Append the event that ``cause`` led to (WEV-3, WEV-4).

        Args:
            cause: The event that directly caused this one.
            event_type: What happened.
            task_id: The task the event is about (WEV-5).
            data: Payload.
            request: Correlation id of the request this event answers (a tool
                call); it extends the cause's correlation chain.

        Returns:
            The event.
        """
        chain = (*cause.correlation_chain, *(() if request is None else (request,)))
        return await self._append(
            event_type, cause.event_id, chain, task_id, data or {}
        )

    async def _append(
        self,
        event_type: WorkflowEventType,
        causation_id: UUID,
        chain: tuple[UUID, ...],
        task_id: UUID | None,
        data: Mapping[str, WorkflowData],
    ) -> WorkflowEvent:
        event = WorkflowEvent(
            event_id=self._ids(),
            event_type=event_type,
            workflow_type=self.state.workflow_type,
            instance_id=self.state.instance_id,
            sequence_number=self.state.sequence_number + 1,
            occurred_at=self._clock(),
            causation_id=causation_id,
            correlation_chain=chain,
            task_id=task_id,
            data=data,
        )
        folded = self._services.reducer.reduce(self.state, event)  # refuse (WR-4)
        await self._services.persistence.append_events(
            event.workflow_type,
            event.instance_id,
            [event],
            expected_sequence=self.state.sequence_number,  # WP-2
        )
        self.state = folded
        self.last_event = event
        await self._services.workflow_bus.publish_workflow_event(event)
        return event


def task_data(
    tool: str,
    inputs: Mapping[str, str | int],
    *,
    depends_on: Sequence[UUID] = (),
    undo: str | None = None,
) -> dict[str, WorkflowData]:
    """Return the data of a ``task.scheduled`` event whose task runs ``tool``.

    Args:
        tool: The MCP tool; also the task's name and type.
        inputs: The tool's arguments.
        depends_on: Tasks that must complete first.
        undo: The tool that compensates the task, if any.

    Returns:
        The event data the reducer reads the task's configuration from.
    """
    data: dict[str, WorkflowData] = {
        "task_name": tool,
        "task_type": tool,
        "inputs": dict(inputs),
        "depends_on": [str(task_id) for task_id in depends_on],
        "required_capabilities": ["mcp"],
    }
    if undo is not None:
        data["compensation_task_type"] = undo
    return data


async def run_task(
    runner: WorkflowRunner,
    mcp: ProtocolMCPRegistry,
    task: TaskConfiguration,
    cause: ProtocolWorkflowEvent,
    request: UUID,
) -> tuple[WorkflowEvent, ProtocolMCPToolResult | None]:
    """Run one task as an MCP tool call and record its outcome.

    Args:
        runner: The workflow's writer.
        mcp: Runs the tool.
        task: The task; its ``task_type`` names the tool.
        cause: The event that let the task start.
        request: Correlation id of the tool call.

    Returns:
        ``task.completed`` or ``task.failed``, and the tool's result (``None``
        when no subsystem could be reached).
    """
    started = await runner.follow(cause, "task.started", task_id=task.task_id)
    try:
        result = await mcp.execute_tool(
            task.task_type, dict(task.inputs), request, preferred_subsystem=PRIMARY
        )
    except (UnavailableError, OutcomeUnknownError) as error:
        failed = await runner.follow(
            started, "task.failed", task_id=task.task_id, data={"error": str(error)}
        )
        return failed, None
    data: dict[str, WorkflowData] = {
        "served_by": result.subsystem_name,
        "attempts": result.attempts,
    }
    if result.is_error:  # the tool ran and failed (MCT-3)
        data["error"] = next((c.text for c in result.content if c.text), "tool error")
    outcome: WorkflowEventType = "task.failed" if result.is_error else "task.completed"
    event = await runner.follow(
        started, outcome, task_id=task.task_id, data=data, request=request
    )
    return event, result


async def compensate(
    runner: WorkflowRunner,
    mcp: ProtocolMCPRegistry,
    cause: ProtocolWorkflowEvent,
    ids: IdFactory,
) -> tuple[WorkflowEvent, list[ProtocolMCPToolResult]]:
    """Undo the completed tasks in reverse completion order (WF-6).

    Reverse completion order is one reverse dependency order (a task completes
    after the tasks it depends on), so the reducer accepts it; tasks with
    nothing to undo are skipped.

    Args:
        runner: The workflow's writer.
        mcp: Runs the compensation tools.
        cause: The failure that triggered compensation.
        ids: Makes the tool calls' correlation ids.

    Returns:
        The last event (``compensation.completed`` or ``compensation.failed``)
        and the compensation tools' results.
    """
    state = runner.state
    to_undo = [
        task
        for task in map(state.task, reversed(state.completed_tasks))
        if state.task_states[task.task_id] == "completed"
        and task.compensation_task_type is not None
    ]
    event = await runner.follow(cause, "compensation.started")
    results: list[ProtocolMCPToolResult] = []
    for task in to_undo:
        undo = task.compensation_task_type or ""
        started = await runner.follow(
            event, "compensation.task_started", task_id=task.task_id
        )
        request = ids()
        result = await mcp.execute_tool(
            undo, dict(task.inputs), request, preferred_subsystem=PRIMARY
        )
        results.append(result)
        outcome: WorkflowEventType = (
            "compensation.task_failed"
            if result.is_error
            else "compensation.task_completed"
        )
        event = await runner.follow(
            started,
            outcome,
            task_id=task.task_id,
            data={"undone_by": undo, "served_by": result.subsystem_name},
            request=request,
        )
        if result.is_error:  # a compensation that fails needs a human
            return await runner.follow(event, "compensation.failed"), results
    return await runner.follow(event, "compensation.completed"), results
