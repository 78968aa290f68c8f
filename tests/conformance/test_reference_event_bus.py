"""The event bus suite against the reference bus, in both delivery modes.

``inline``: ``publish`` runs the handlers before it returns. ``tasks``: it
returns first and consumer tasks deliver, as on a networked broker. Passing
both shows the suite leans on neither.
"""

import contextlib
from collections.abc import AsyncIterator
from collections.abc import Set as AbstractSet
from datetime import timedelta
from typing import ClassVar, override

from omnibase.protocols.errors import DeadlineExceededError
from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.types import Headers, ProtocolEventHandler
from omnibase.spi_conformance.reference.event_bus import DeliveryMode, InMemoryEventBus
from omnibase.spi_conformance.suites import EventBusSuite, SuiteEnvironment


class ReferenceEventBusSuite(EventBusSuite):
    """The suite wired to ``InMemoryEventBus``; subclasses pick the mode."""

    delivery: ClassVar[DeliveryMode] = "inline"
    clock_wired = True
    eventually_within = timedelta(seconds=2)
    drain_timeout = timedelta(milliseconds=100)
    max_message_bytes: ClassVar[int | None] = 64 * 1024
    capabilities: ClassVar[AbstractSet[str]] = frozenset({"partitions_lost"})

    def build(self, env: SuiteEnvironment) -> InMemoryEventBus:
        """The subject; broken variants replace it (tests/conformance/broken)."""
        return InMemoryEventBus(
            clock=env.clock,
            delivery=self.delivery,
            drain_timeout=self.drain_timeout,
            max_message_bytes=self.max_message_bytes or 0,
        )

    @override
    async def create_subject(
        self, env: SuiteEnvironment
    ) -> AsyncIterator[ProtocolEventBus]:
        self.bus = self.build(env)
        yield self.bus
        with contextlib.suppress(DeadlineExceededError):
            await self.bus.aclose()

    @override
    async def fault_backend_unreachable(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        self.bus.simulate_outage()

    @override
    async def fault_backend_restored(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        await self.bus.restore()

    @override
    async def fault_broker_stalls(
        self, subject: ProtocolEventBus, env: SuiteEnvironment
    ) -> None:
        await self.bus.stall()

    @override
    async def fault_crash_member(
        self,
        subject: ProtocolEventBus,
        env: SuiteEnvironment,
        handler: ProtocolEventHandler,
    ) -> None:
        await self.bus.crash_member(handler)

    @override
    async def hook_write_raw_record(
        self,
        subject: ProtocolEventBus,
        env: SuiteEnvironment,
        topic: str,
        *,
        key: bytes,
        value: bytes,
        headers: Headers,
    ) -> None:
        await self.bus.append_raw(topic, value, key=key, headers=headers)

    @override
    async def hook_expire_records(
        self,
        subject: ProtocolEventBus,
        env: SuiteEnvironment,
        topic: str,
        partition: int,
        before_offset: int,
    ) -> None:
        await self.bus.expire(topic, partition, before_offset)


class TestInMemoryEventBusInline(ReferenceEventBusSuite):
    delivery: ClassVar[DeliveryMode] = "inline"


class TestInMemoryEventBusTasks(ReferenceEventBusSuite):
    delivery: ClassVar[DeliveryMode] = "tasks"
