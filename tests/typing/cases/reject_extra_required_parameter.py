"""The implementation requires a parameter the contract never passes."""

from datetime import timedelta

from case_support import EventBusWithoutPublish

from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.types import (
    EventMessage,
    ProtocolEventHandler,
    ProtocolEventRecord,
    ProtocolPublishReceipt,
)


class PublishNeedsPriority(EventBusWithoutPublish):
    async def publish(
        self, message: EventMessage, priority: int, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        raise NotImplementedError


def extra_required_positional(bus: PublishNeedsPriority) -> None:
    _contract: ProtocolEventBus = bus  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


class PublishNeedsKeyword(EventBusWithoutPublish):
    async def publish(
        self, message: EventMessage, *, timeout: timedelta | None = None, priority: int
    ) -> ProtocolPublishReceipt:
        raise NotImplementedError


def extra_required_keyword(bus: PublishNeedsKeyword) -> None:
    _contract: ProtocolEventBus = bus  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


async def handle_with_context(record: ProtocolEventRecord, context: str) -> None:
    raise NotImplementedError


def extra_required_callback_parameter() -> None:
    _contract: ProtocolEventHandler = handle_with_context  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
