"""A member is missing, or is a method where the contract declares a property."""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from types import MappingProxyType
from uuid import UUID

from case_support import EventBusWithoutPublish

from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.types import ProtocolRetryPolicy, ProtocolWorkflowEvent


class BusWithoutPublish(EventBusWithoutPublish):
    pass


def missing_method(bus: BusWithoutPublish) -> None:
    _contract: ProtocolEventBus = bus  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


class PolicyWithoutMaximumAttempts:
    @property
    def initial_interval(self) -> timedelta:
        raise NotImplementedError

    @property
    def backoff_coefficient(self) -> float:
        raise NotImplementedError

    @property
    def maximum_interval(self) -> timedelta:
        raise NotImplementedError

    @property
    def non_retryable_errors(self) -> Sequence[str]:
        raise NotImplementedError


def missing_property(policy: PolicyWithoutMaximumAttempts) -> None:
    _contract: ProtocolRetryPolicy = policy  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]


class EventWithMethods:
    """``event_id()`` is a method: callers would get a bound method, not a UUID."""

    def event_id(self) -> UUID:
        raise NotImplementedError

    event_type = "workflow.created"
    workflow_type = "order"
    instance_id = UUID(int=1)
    sequence_number = 1
    occurred_at = datetime(2026, 1, 1)
    causation_id = None
    correlation_chain = (UUID(int=2),)
    task_id = None
    data: Mapping[str, str] = MappingProxyType({})


def method_for_property(event: EventWithMethods) -> None:
    _contract: ProtocolWorkflowEvent = event  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
