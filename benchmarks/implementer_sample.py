"""A small implementer of the SPI: the input of the type-check benchmark.

It is what an implementation package's CI type-checks: a service protocol
(:class:`ProtocolEventBus`) implemented by a class, and data protocols
(:class:`EventMessage`, :class:`EventMetadata`, ...) implemented by frozen
dataclasses, with assignments that make the checker verify conformance.
It is a benchmark input, not a usable bus: subscriptions deliver nothing.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

from omnibase.protocols.event_bus import ProtocolEventBus, ProtocolRebalanceListener
from omnibase.protocols.types import (
    EventMessage,
    EventMetadata,
    Headers,
    HealthStatus,
    JsonObject,
    JsonValue,
    OffsetReset,
    ProtocolEventHandler,
    ProtocolHealthReport,
    ProtocolPublishReceipt,
    ProtocolRetryPolicy,
    ProtocolUnsubscribe,
)

__all__ = ["InMemoryEventBus", "Message", "Metadata"]


@dataclass(frozen=True, slots=True)
class Metadata:
    """Identity and lineage of an event."""

    event_type: str
    source: str
    event_id: str = field(default_factory=lambda: str(uuid4()))
    occurred_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    correlation_id: UUID | None = None
    causation_id: str | None = None
    content_type: str | None = "application/json"
    trace_parent: str | None = None
    trace_state: str | None = None
    subject: str | None = None
    data_schema: str | None = None
    spec_version: str = "1.0"
    extensions: Mapping[str, str] = field(default_factory=dict[str, str])


@dataclass(frozen=True, slots=True)
class Message:
    """A message to publish."""

    topic: str
    metadata: Metadata
    key: bytes | None = None
    value: bytes | None = None
    headers: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True, slots=True)
class Receipt:
    """Where a message was stored."""

    topic: str
    partition: int
    offset: int
    timestamp: datetime


@dataclass(frozen=True, slots=True)
class Health:
    """A health report."""

    status: HealthStatus
    observed_at: datetime
    message: str | None = None
    details: JsonObject = field(default_factory=dict[str, JsonValue])


class _Unsubscribe:
    """Ends a subscription; idempotent."""

    def __init__(self) -> None:
        self.active = True

    async def __call__(self) -> None:
        self.active = False


class InMemoryEventBus:
    """An event bus that stores messages in a list (one partition per topic)."""

    def __init__(self) -> None:
        self._log: dict[str, list[EventMessage]] = {}
        self._closed = False

    async def publish(
        self, message: EventMessage, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        log = self._log.setdefault(message.topic, [])
        log.append(message)
        return Receipt(message.topic, 0, len(log) - 1, datetime.now(UTC))

    async def subscribe_to_topic(
        self,
        topic: str,
        group_id: str,
        handler: ProtocolEventHandler,
        *,
        offset_reset: OffsetReset = "latest",
        retry_policy: ProtocolRetryPolicy | None = None,
        dead_letter_topic: str | None = None,
        event_types: Sequence[str] | None = None,
        rebalance_listener: ProtocolRebalanceListener | None = None,
    ) -> ProtocolUnsubscribe:
        return _Unsubscribe()

    async def health_check(self) -> ProtocolHealthReport:
        status: HealthStatus = "critical" if self._closed else "passing"
        return Health(status, datetime.now(UTC))

    async def aclose(self) -> None:
        self._closed = True


def _headers(message: EventMessage) -> Headers:
    return message.headers


# The checker proves conformance here: a wrong member type or a missing
# member is an error on these lines.
BUS: ProtocolEventBus = InMemoryEventBus()
METADATA: EventMetadata = Metadata("onex.sample.created", "/benchmarks")
MESSAGE: EventMessage = Message("sample", Metadata("onex.sample.created", "/b"))
RECEIPT: ProtocolPublishReceipt = Receipt("sample", 0, 0, datetime.now(UTC))
HEALTH: ProtocolHealthReport = Health("passing", datetime.now(UTC))
HEADERS: Headers = _headers(MESSAGE)
