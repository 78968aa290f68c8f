"""The Kafka adapter suite against the in-memory cluster and adapter."""

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import override

from omnibase.protocols.event_bus import ProtocolKafkaAdapter
from omnibase.spi_conformance.reference.kafka_adapter import (
    InMemoryKafkaAdapter,
    InMemoryKafkaCluster,
)
from omnibase.spi_conformance.suites import KafkaAdapterSuite, SuiteEnvironment


class TestInMemoryKafkaAdapter(KafkaAdapterSuite):
    clock_wired = True
    eventually_within = timedelta(seconds=2)

    def build(
        self, cluster: InMemoryKafkaCluster, env: SuiteEnvironment
    ) -> InMemoryKafkaAdapter:
        """An adapter; broken variants replace it (tests/conformance/broken)."""
        return InMemoryKafkaAdapter(cluster, clock=env.clock)

    @override
    async def create_subject(
        self, env: SuiteEnvironment
    ) -> AsyncIterator[ProtocolKafkaAdapter]:
        self.cluster = InMemoryKafkaCluster(clock=env.clock)
        adapter = self.build(self.cluster, env)
        await adapter.start()
        yield adapter
        await adapter.aclose()

    @override
    async def create_peer(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> ProtocolKafkaAdapter:
        return self.build(self.cluster, env)

    @override
    async def fault_backend_unreachable(
        self, subject: ProtocolKafkaAdapter, env: SuiteEnvironment
    ) -> None:
        self.cluster.simulate_outage()

    @override
    async def hook_expire_records(
        self,
        subject: ProtocolKafkaAdapter,
        env: SuiteEnvironment,
        topic: str,
        partition: int,
        before_offset: int,
    ) -> None:
        self.cluster.expire(topic, partition, before_offset)
