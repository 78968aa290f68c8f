"""A return or property type differs from the contract's (generic ones included)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from case_support import EventBusWithoutPublish

from omnibase.protocols.core import ProtocolWorkflowReducer
from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.types import (
    EventMessage,
    JsonObject,
    ProtocolHealthReport,
    ProtocolPage,
    ProtocolWorkflowEvent,
    WorkflowData,
    WorkflowEventType,
)


class PublishReturnsOffset(EventBusWithoutPublish):
    async def publish(
        self, message: EventMessage, *, timeout: timedelta | None = None
    ) -> int:
        raise NotImplementedError


def wrong_return_type(bus: PublishReturnsOffset) -> None:
    _contract: ProtocolEventBus = bus  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


@dataclass(frozen=True)
class EventWithStrId:
    event_id: str
    event_type: WorkflowEventType
    workflow_type: str
    instance_id: UUID
    sequence_number: int
    occurred_at: datetime
    causation_id: UUID | None
    correlation_chain: tuple[UUID, ...]
    task_id: UUID | None
    data: Mapping[str, WorkflowData]


def wrong_property_type(event: EventWithStrId) -> None:
    _contract: ProtocolWorkflowEvent = event  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


@dataclass(frozen=True)
class ReportWithFreeStatus:
    status: str
    observed_at: datetime
    message: str | None
    details: JsonObject


def str_for_literal(report: ReportWithFreeStatus) -> None:
    _contract: ProtocolHealthReport = report  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


class StrReducer:
    def initial_state(self, workflow_type: str, instance_id: UUID) -> str:
        return ""

    def reduce(self, state: str, event: ProtocolWorkflowEvent) -> str:
        return state


def wrong_state_type(reducer: StrReducer) -> None:
    _accepted: ProtocolWorkflowReducer[str] = reducer
    _contract: ProtocolWorkflowReducer[int] = reducer  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


@dataclass(frozen=True)
class PageOfStr:
    items: tuple[str, ...]
    next_cursor: str | None


def wrong_page_item_type(page: PageOfStr) -> None:
    _accepted: ProtocolPage[str] = page
    _contract: ProtocolPage[int] = page  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
