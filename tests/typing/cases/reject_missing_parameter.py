"""A parameter callers may pass is missing, renamed by keyword, or lost its default."""

from datetime import timedelta

from case_support import EventBusWithoutPublish

from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.types import (
    EventMessage,
    ProtocolEventHandler,
    ProtocolPublishReceipt,
)


class PublishWithoutTimeout(EventBusWithoutPublish):
    async def publish(self, message: EventMessage) -> ProtocolPublishReceipt:
        raise NotImplementedError


def missing_keyword_only(bus: PublishWithoutTimeout) -> None:
    _contract: ProtocolEventBus = bus  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


class PublishWithDeadline(EventBusWithoutPublish):
    """Keyword-only names are part of the contract for both checkers."""

    async def publish(
        self, message: EventMessage, *, deadline: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        raise NotImplementedError


def renamed_keyword_only(bus: PublishWithDeadline) -> None:
    _contract: ProtocolEventBus = bus  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


class PublishRequiresTimeout(EventBusWithoutPublish):
    async def publish(
        self, message: EventMessage, *, timeout: timedelta | None
    ) -> ProtocolPublishReceipt:
        raise NotImplementedError


def optional_made_required(bus: PublishRequiresTimeout) -> None:
    _contract: ProtocolEventBus = bus  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


async def handle_nothing() -> None:
    raise NotImplementedError


def zero_argument_handler() -> None:
    _contract: ProtocolEventHandler = handle_nothing  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
