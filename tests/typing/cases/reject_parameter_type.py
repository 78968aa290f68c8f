"""A parameter's type differs from the contract's."""

from datetime import timedelta

from case_support import EventBusWithoutPublish

from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.types import (
    EventMessage,
    ProtocolEventHandler,
    ProtocolPublishReceipt,
)


class PublishTakesStr(EventBusWithoutPublish):
    async def publish(
        self, message: str, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        raise NotImplementedError


def wrong_parameter_type(bus: PublishTakesStr) -> None:
    _contract: ProtocolEventBus = bus  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


class PublishTakesSecondsTimeout(EventBusWithoutPublish):
    async def publish(
        self, message: EventMessage, *, timeout: float | None = None
    ) -> ProtocolPublishReceipt:
        raise NotImplementedError


def wrong_keyword_parameter_type(bus: PublishTakesSecondsTimeout) -> None:
    _contract: ProtocolEventBus = bus  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


async def handle_text(record: str) -> None:
    raise NotImplementedError


def wrong_callback_parameter_type() -> None:
    _contract: ProtocolEventHandler = handle_text  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
