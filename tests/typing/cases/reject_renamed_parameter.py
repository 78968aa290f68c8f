"""Names of positional-or-keyword parameters: pyright enforces them, mypy does not.

Callers pass them by keyword (``bus.publish(message=...)``), so a renamed
parameter breaks them at runtime. mypy ignores the names of parameters that
may be passed by position when it compares a class with a protocol, so these
cases assert the asymmetry: pyright rejects, mypy accepts (and the runtime
conformance check, ``omnibase.spi_conformance``, rejects too).
"""

from datetime import timedelta

from case_support import EventBusWithoutPublish

from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.types import EventMessage, ProtocolPublishReceipt


class PublishWithRenamedMessage(EventBusWithoutPublish):
    async def publish(
        self, msg: EventMessage, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        raise NotImplementedError


def renamed_parameter(bus: PublishWithRenamedMessage) -> None:
    # Only pyright rejects ("Parameter name mismatch"); mypy accepts it.
    _contract: ProtocolEventBus = bus  # pyright: ignore[reportAssignmentType]


class PublishPositionalOnly(EventBusWithoutPublish):
    async def publish(
        self, message: EventMessage, /, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        raise NotImplementedError


def positional_only_parameter(bus: PublishPositionalOnly) -> None:
    # Only pyright rejects: `message` can no longer be passed by keyword;
    # mypy accepts it.
    _contract: ProtocolEventBus = bus  # pyright: ignore[reportAssignmentType]
