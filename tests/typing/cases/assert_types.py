"""What callers get back from the central methods, under both checkers.

Also the one known checker limitation of the service registry: mypy reports
``type-abstract`` when a Protocol class is passed where ``type[T]`` is
expected (python/mypy#4717), so ``registry.resolve(ProtocolEventBus)`` needs
``# type: ignore[type-abstract]`` under mypy; pyright accepts it. The inferred
type is right in both.
"""

import contextlib
from collections.abc import Sequence
from datetime import timedelta
from typing import assert_type
from uuid import UUID

from case_support import EventBusWithoutPublish

from omnibase.protocols.container import ProtocolServiceRegistry
from omnibase.protocols.event_bus import ProtocolEventBus, ProtocolKafkaAdapter
from omnibase.protocols.mcp import ProtocolMCPRegistry
from omnibase.protocols.types import (
    EventMessage,
    EventMetadata,
    ProtocolEventHandler,
    ProtocolKafkaRecord,
    ProtocolMCPToolDefinition,
    ProtocolMCPToolListing,
    ProtocolMCPToolResult,
    ProtocolNodeRecord,
    ProtocolPage,
    ProtocolPublishReceipt,
    ProtocolUnsubscribe,
    ProtocolWorkflowEvent,
    WorkflowEventType,
)
from omnibase.protocols.workflow_orchestration import (
    ProtocolWorkflowEventBus,
    ProtocolWorkflowPersistence,
)


async def replay(bus: ProtocolWorkflowEventBus, instance_id: UUID) -> None:
    async for event in await bus.replay_events("order", instance_id, from_sequence=3):
        assert_type(event, ProtocolWorkflowEvent)


async def read_events(store: ProtocolWorkflowPersistence, instance_id: UUID) -> None:
    async with contextlib.aclosing(store.read_events("order", instance_id)) as events:
        async for event in events:
            assert_type(event, ProtocolWorkflowEvent)
            assert_type(event.event_type, WorkflowEventType | str)
    async for recorded in store.read_all(after_position=0):
        assert_type(recorded.position, int)


async def execute(registry: ProtocolMCPRegistry, correlation_id: UUID) -> None:
    result = await registry.execute_tool("search", {"q": "onex"}, correlation_id)
    assert_type(result, ProtocolMCPToolResult)
    page = await registry.list_tools(tool_type="query", limit=10)
    assert_type(page, ProtocolPage[ProtocolMCPToolListing])
    assert_type(page.items, Sequence[ProtocolMCPToolListing])
    assert_type(page.items[0].tool, ProtocolMCPToolDefinition)
    assert_type(page.next_cursor, str | None)


async def subscribe(bus: ProtocolEventBus, handler: ProtocolEventHandler) -> None:
    unsubscribe = await bus.subscribe_to_topic("orders", "billing", handler)
    assert_type(unsubscribe, ProtocolUnsubscribe)
    assert_type(await unsubscribe(), None)


async def consume(adapter: ProtocolKafkaAdapter) -> None:
    batch = await adapter.poll(timeout=timedelta(seconds=1), max_records=10)
    assert_type(batch, Sequence[ProtocolKafkaRecord])
    assert_type(batch[0].metadata, EventMetadata | None)


def page_items[T](page: ProtocolPage[T]) -> None:
    assert_type(page.items, Sequence[T])


def node_page(page: ProtocolPage[ProtocolNodeRecord]) -> None:
    assert_type(page.items, Sequence[ProtocolNodeRecord])


class InMemoryBus(EventBusWithoutPublish):
    """A concrete class: ``resolve`` and ``register`` need no ignore for it."""

    async def publish(
        self, message: EventMessage, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        raise NotImplementedError


def resolve(registry: ProtocolServiceRegistry, bus: ProtocolEventBus) -> None:
    assert_type(registry.resolve(InMemoryBus), InMemoryBus)
    # Only mypy rejects: python/mypy#4717, a Protocol class passed where
    # type[T] is expected is "type-abstract"; pyright accepts it.
    resolved = registry.resolve(ProtocolEventBus)  # type: ignore[type-abstract]
    assert_type(resolved, ProtocolEventBus)
    # Only mypy rejects: the same limitation on register.
    registry.register(ProtocolEventBus, bus)  # type: ignore[type-abstract]
    registry.register(InMemoryBus, InMemoryBus())
