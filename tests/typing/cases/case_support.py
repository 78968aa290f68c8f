"""Shared pieces of the case files: everything but the member a case is about.

Not a case itself: it holds no expectations and must type-check cleanly. Each
base here is completed faithfully in ``accepted_by_hand.py`` or
``assert_types.py``, which proves the base itself conforms: a rejection case
built on it is rejected for the one member it adds, not for a stale base.
"""

from collections.abc import Sequence

from omnibase.protocols.event_bus import ProtocolRebalanceListener
from omnibase.protocols.types import (
    OffsetReset,
    ProtocolEventHandler,
    ProtocolHealthReport,
    ProtocolRetryPolicy,
    ProtocolUnsubscribe,
    ProtocolWorkflowEvent,
    ProtocolWorkflowEventHandler,
)


class EventBusWithoutPublish:
    """A faithful ``ProtocolEventBus`` minus ``publish``: cases add their own."""

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
        raise NotImplementedError

    async def health_check(self) -> ProtocolHealthReport:
        raise NotImplementedError

    async def aclose(self) -> None:
        raise NotImplementedError


class WorkflowEventBusWithoutReplay:
    """A faithful ``ProtocolWorkflowEventBus`` minus ``replay_events``."""

    async def health_check(self) -> ProtocolHealthReport:
        raise NotImplementedError

    async def aclose(self) -> None:
        raise NotImplementedError

    async def publish_workflow_event(
        self, event: ProtocolWorkflowEvent, *, target_topic: str | None = None
    ) -> None:
        raise NotImplementedError

    async def subscribe_to_workflow_events(
        self,
        workflow_type: str,
        group_id: str,
        handler: ProtocolWorkflowEventHandler,
        *,
        offset_reset: OffsetReset = "latest",
        retry_policy: ProtocolRetryPolicy | None = None,
        dead_letter_topic: str | None = None,
        event_types: Sequence[str] | None = None,
    ) -> ProtocolUnsubscribe:
        raise NotImplementedError
