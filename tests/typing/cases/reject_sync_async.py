"""``def`` versus ``async def``, in every direction the contracts distinguish."""

from collections.abc import AsyncIterator, Coroutine
from datetime import timedelta
from typing import Any
from uuid import UUID

from case_support import EventBusWithoutPublish, WorkflowEventBusWithoutReplay

from omnibase.protocols.core import ProtocolWorkflowReducer
from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.types import (
    EventMessage,
    ProtocolPublishReceipt,
    ProtocolWorkflowEvent,
    ProtocolWorkflowEventHandler,
)
from omnibase.protocols.workflow_orchestration import ProtocolWorkflowEventBus


class SyncPublish(EventBusWithoutPublish):
    """``def`` where the contract says ``async def``."""

    def publish(
        self, message: EventMessage, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        raise NotImplementedError


def sync_for_async(bus: SyncPublish) -> None:
    _contract: ProtocolEventBus = bus  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


class CoroutineReturningPublish(EventBusWithoutPublish):
    """A plain ``def`` returning a ``Coroutine``: awaitable, but not ``async def``."""

    def publish(
        self, message: EventMessage, *, timeout: timedelta | None = None
    ) -> Coroutine[Any, Any, ProtocolPublishReceipt]:
        raise NotImplementedError


def coroutine_returning_def(bus: CoroutineReturningPublish) -> None:
    # Only pyright rejects: it types `async def` as returning CoroutineType,
    # which Coroutine is not; mypy types it as returning Coroutine and accepts.
    _contract: ProtocolEventBus = bus  # pyright: ignore[reportAssignmentType]


class CoroutineReplay(WorkflowEventBusWithoutReplay):
    """``async def`` *without* ``yield`` for a ``def -> AsyncIterator`` contract.

    Callers ``async for`` over the result; this returns a coroutine to await
    first. (With a ``yield`` it would be an async generator, which is right.)
    """

    async def replay_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> AsyncIterator[ProtocolWorkflowEvent]:
        raise NotImplementedError


def coroutine_for_async_iterator(bus: CoroutineReplay) -> None:
    _contract: ProtocolWorkflowEventBus = bus  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


class AsyncReducer:
    """``async def`` where the contract says ``def`` (pure computation)."""

    def initial_state(self, workflow_type: str, instance_id: UUID) -> int:
        return 0

    async def reduce(self, state: int, event: ProtocolWorkflowEvent) -> int:
        return state


def async_for_sync(reducer: AsyncReducer) -> None:
    _contract: ProtocolWorkflowReducer[int] = reducer  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


async def sync_handler_target(event: ProtocolWorkflowEvent) -> None:
    raise NotImplementedError


def sync_handler(event: ProtocolWorkflowEvent) -> None:
    raise NotImplementedError


def sync_callback() -> None:
    _accepted: ProtocolWorkflowEventHandler = sync_handler_target
    _contract: ProtocolWorkflowEventHandler = sync_handler  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
