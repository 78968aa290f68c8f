"""Shapes that must be accepted and that the generated cases do not cover.

No expectations here: both checkers must report nothing. Each shape is one
an implementer may reasonably write and the contracts promise to accept.
"""

from collections.abc import AsyncGenerator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast, get_args
from uuid import UUID

from case_support import EventBusWithoutPublish, WorkflowEventBusWithoutReplay
from pydantic import SecretStr

from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.types import (
    EventMessage,
    HealthStatus,
    IsolationLevel,
    ProtocolClosableIterator,
    ProtocolEventHandler,
    ProtocolEventRecord,
    ProtocolPublishReceipt,
    ProtocolSecretValue,
    ProtocolWorkflowContext,
    ProtocolWorkflowEvent,
    WorkflowData,
    WorkflowEventType,
)
from omnibase.protocols.workflow_orchestration import ProtocolWorkflowEventBus


# Extra optional parameters (keyword-only with defaults, **kwargs) are fine.
class PublishWithOptions(EventBusWithoutPublish):
    async def publish(
        self,
        message: EventMessage,
        *,
        timeout: timedelta | None = None,
        priority: int = 0,
        **options: str,
    ) -> ProtocolPublishReceipt:
        raise NotImplementedError


def accept_extra_optional_parameters(bus: PublishWithOptions) -> None:
    _contract: ProtocolEventBus = bus


# ``async def -> ProtocolClosableIterator`` returning an async generator (on
# the base the rejection cases share): an async generator can be closed.
class ReplayingBus(WorkflowEventBusWithoutReplay):
    async def replay_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> ProtocolClosableIterator[ProtocolWorkflowEvent]:
        return self._events()

    async def _events(self) -> AsyncGenerator[ProtocolWorkflowEvent, None]:
        events: list[ProtocolWorkflowEvent] = []
        for event in events:
            yield event


def accept_async_generator(bus: ReplayingBus) -> None:
    _contract: ProtocolWorkflowEventBus = bus


# A callback's positional-only parameter may have any name; extra optional
# keyword-only parameters are fine too.
async def handle_record(delivered: ProtocolEventRecord, *, attempt: int = 1) -> None:
    raise NotImplementedError


def accept_plain_function_handler() -> None:
    _contract: ProtocolEventHandler = handle_record


# Read-only contract members accept mutable, invariant attributes: a list for
# a Sequence, a dict for a Mapping, a settable attribute for a property.
@dataclass
class MutableEvent:
    event_id: UUID
    event_type: WorkflowEventType
    workflow_type: str
    instance_id: UUID
    sequence_number: int
    occurred_at: datetime
    causation_id: UUID | None
    correlation_chain: list[UUID]
    task_id: UUID | None
    data: dict[str, WorkflowData]


def accept_mutable_collections(event: MutableEvent) -> None:
    _contract: ProtocolWorkflowEvent = event


# pydantic's SecretStr is a ProtocolSecretValue; a context holds references
# (WCX-1), which a frozen dataclass with one ``uri`` field satisfies.
@dataclass(frozen=True)
class Reference:
    uri: str


@dataclass(frozen=True)
class ContextWithReferences:
    workflow_type: str
    instance_id: UUID
    correlation_id: UUID
    isolation_level: IsolationLevel
    data: Mapping[str, WorkflowData]
    secrets: Mapping[str, Reference]
    capabilities: Sequence[str]
    resource_limits: Mapping[str, int]


def accept_secret_str(context: ContextWithReferences, key: SecretStr) -> None:
    _secret: ProtocolSecretValue = key
    _contract: ProtocolWorkflowContext = context


# T-5: runtime checks that a rule asks for, written on the value cast to
# ``object``, are neither unreachable nor unnecessary for either checker.
# (Without the cast, basedpyright reports ``not isinstance(names, Sequence)``
# as an unnecessary isinstance call; an annotated ``value: object = names``
# does not help, because pyright narrows a variable on assignment.)
def check_names(names: Sequence[str]) -> None:
    value = cast("object", names)
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise ValueError("a sequence of names, not one string (T-5)")


def check_status(status: HealthStatus) -> None:
    value = cast("object", status)
    if value not in get_args(HealthStatus):
        raise ValueError(f"unknown health status {status!r}")
