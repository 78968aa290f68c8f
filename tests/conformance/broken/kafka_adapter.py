"""Broken Kafka adapters: each breaks one rule of ProtocolKafkaAdapter."""

import asyncio
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import timedelta
from typing import override

from omnibase.protocols.event_bus import ProtocolKafkaAdapter
from omnibase.protocols.types import (
    EventMetadata,
    Headers,
    ProtocolHealthReport,
    ProtocolKafkaRecord,
    ProtocolPublishReceipt,
    TopicPartition,
)
from omnibase.spi_conformance.reference.kafka_adapter import (
    _ConsumerGroup,  # pyright: ignore[reportPrivateUsage]
)
from omnibase.spi_conformance.reference.kafka_adapter import (
    _PartitionState,  # pyright: ignore[reportPrivateUsage]
)
from omnibase.spi_conformance.reference.kafka_adapter import (
    InMemoryKafkaAdapter,
    InMemoryKafkaCluster,
)
from omnibase.spi_conformance.reference.partition_log import PartitionLog
from omnibase.spi_conformance.reference.values import HealthReport, KafkaRecord
from omnibase.spi_conformance.suites import SuiteEnvironment
from tests.conformance.harness import Variant
from tests.conformance.test_reference_kafka_adapter import TestInMemoryKafkaAdapter


class KeysIgnored(InMemoryKafkaAdapter):
    """Spreads records round robin whatever their key (KA-1)."""

    _next = 0

    @override
    def _partition_of(self, partition: object, key: bytes | None, count: int) -> int:
        if partition is not None:
            return super()._partition_of(partition, key, count)
        KeysIgnored._next += 1
        return KeysIgnored._next % count


class KeylessTombstones(InMemoryKafkaAdapter):
    """Writes ``value=None`` without a key (KA-2)."""

    @override
    async def send(
        self,
        topic: str,
        value: bytes | None,
        *,
        key: bytes | None = None,
        headers: Headers = (),
        partition: int | None = None,
        metadata: EventMetadata | None = None,
        timeout: timedelta | None = None,
    ) -> ProtocolPublishReceipt:
        if value is None and key is None:
            key = b""
        return await super().send(
            topic,
            value,
            key=key,
            headers=headers,
            partition=partition,
            metadata=metadata,
            timeout=timeout,
        )


class ReversedBatches(InMemoryKafkaAdapter):
    """Returns each batch backwards (KA-3)."""

    @override
    def _take(self, limit: int) -> list[KafkaRecord]:
        return list(reversed(super()._take(limit)))


class CommitsHighestAcknowledged(InMemoryKafkaAdapter):
    """Commits past the highest acknowledged record, gaps and all (KA-4)."""

    @override
    def _commit(
        self, partitions: Mapping[TopicPartition, _PartitionState]
    ) -> dict[TopicPartition, int]:
        for state in partitions.values():
            if state.acknowledged:
                state.acknowledged |= set(
                    range(state.run_start or 0, max(state.acknowledged) + 1)
                )
        return super()._commit(partitions)


class RevokeWithoutCommit(InMemoryKafkaAdapter):
    """Drops acknowledgements of revoked partitions uncommitted (KA-5)."""

    @override
    async def revoke(self, partitions: AbstractSet[TopicPartition]) -> None:
        if not self.closed:
            for partition in partitions:
                self._partitions[partition].acknowledged.clear()
        await super().revoke(partitions)


class SeekKeepsTheRun(InMemoryKafkaAdapter):
    """Moves the read position only: acknowledgements and run stay (KA-6)."""

    @override
    def seek(self, partition: TopicPartition, offset: int) -> None:
        self._check_open()
        state = self._assigned(partition)
        kept, start = set(state.acknowledged), state.run_start
        super().seek(partition, offset)
        state.acknowledged, state.run_start = kept, start


class PauseIgnored(InMemoryKafkaAdapter):
    """Keeps fetching paused partitions (KA-7)."""

    @override
    def pause(self, partitions: Iterable[TopicPartition]) -> None:
        self._check_open()
        for partition in partitions:
            self._assigned(partition)


class CloseWithoutCommit(InMemoryKafkaAdapter):
    """Leaves the group without committing what was acknowledged (KA-8)."""

    @override
    async def _on_close(self) -> None:
        for state in self._partitions.values():
            state.acknowledged.clear()
        await super()._on_close()


class LatestResolvedLate(InMemoryKafkaAdapter):
    """Resolves ``latest`` at the first poll, not when subscribing (KA-9)."""

    @override
    async def assign(self, partitions: AbstractSet[TopicPartition]) -> None:
        group = self._group
        fresh = {p for p in partitions if group is None or p not in group.committed}
        await super().assign(partitions)
        if self._offset_reset == "latest":
            for partition in fresh:  # out of range: reset at the first poll
                self._partitions[partition].position = -1


class NoneResetsSilently(InMemoryKafkaAdapter):
    """Treats ``offset_reset="none"`` as ``latest`` (KA-10)."""

    @override
    def _resolve(self, topic: str, log: PartitionLog, state: _PartitionState) -> int:
        if self._offset_reset == "none":
            self._offset_reset = "latest"
        return super()._resolve(topic, log, state)


class InventsMetadata(InMemoryKafkaAdapter):
    """Invents metadata for raw records (KA-11)."""

    @override
    def _take(self, limit: int) -> list[KafkaRecord]:
        batch = super()._take(limit)
        filled: list[KafkaRecord] = []
        for record in batch:
            template = next((r.metadata for r in batch if r.metadata), None)
            if record.metadata is not None:
                filled.append(record)
                continue
            filled.append(
                KafkaRecord(
                    record.topic,
                    record.partition,
                    record.offset,
                    record.key,
                    record.value,
                    record.headers,
                    template,
                    record.timestamp,
                )
            )
        return filled


class PollLosesRecordsWhenCancelled(InMemoryKafkaAdapter):
    """Prefetches in a shielded task; a cancelled poll drops its batch (KA-12)."""

    @override
    async def poll(
        self, *, timeout: timedelta | None = None, max_records: int | None = None
    ) -> Sequence[ProtocolKafkaRecord]:
        fetch = asyncio.ensure_future(
            super().poll(timeout=timeout, max_records=max_records)
        )
        return await asyncio.shield(fetch)


class NoLag(InMemoryKafkaAdapter):
    """Reports no lag details (KA-13)."""

    @override
    async def health_check(self) -> ProtocolHealthReport:
        report = await super().health_check()
        return HealthReport(report.status, report.observed_at, report.message, {})


class AssigningCluster(InMemoryKafkaCluster):
    """Assigns the new owner before the old one hears its revoke (RB-1)."""

    @override
    async def rebalance(self, group: _ConsumerGroup) -> None:
        async with group.lock:
            desired: dict[InMemoryKafkaAdapter, set[TopicPartition]] = {
                member: set() for member in group.members
            }
            topics = sorted({t for member in group.members for t in member.topics})
            for topic in topics:
                readers = [m for m in group.members if topic in m.topics]
                for partition in range(self.partitions):
                    desired[readers[partition % len(readers)]].add((topic, partition))
            taken = {m: m.assignment() - desired[m] for m in group.members}
            for member in group.members:
                await member.assign(desired[member] | taken[member])
            for member in group.members:
                await member.revoke(taken[member])


def _variant(
    name: str,
    breaks: tuple[str, ...],
    broken: type[InMemoryKafkaAdapter] = InMemoryKafkaAdapter,
    cluster: type[InMemoryKafkaCluster] = InMemoryKafkaCluster,
) -> Variant:
    def build(
        self: TestInMemoryKafkaAdapter,
        given: InMemoryKafkaCluster,
        env: SuiteEnvironment,
    ) -> InMemoryKafkaAdapter:
        return broken(given, clock=env.clock)

    async def create_subject(
        self: TestInMemoryKafkaAdapter, env: SuiteEnvironment
    ) -> AsyncIterator[ProtocolKafkaAdapter]:
        self.cluster = cluster(clock=env.clock)
        adapter = build(self, self.cluster, env)
        await adapter.start()
        yield adapter
        await adapter.aclose()

    return Variant(
        name,
        breaks,
        TestInMemoryKafkaAdapter,
        {"build": build, "create_subject": create_subject},
    )


VARIANTS = [
    _variant("keys_ignored", ("KA-1",), KeysIgnored),
    _variant("keyless_tombstones", ("KA-2",), KeylessTombstones),
    _variant("reversed_batches", ("KA-3",), ReversedBatches),
    _variant("commits_highest_acknowledged", ("KA-4",), CommitsHighestAcknowledged),
    _variant("revoke_without_commit", ("KA-5",), RevokeWithoutCommit),
    _variant("seek_keeps_the_run", ("KA-6",), SeekKeepsTheRun),
    _variant("pause_ignored", ("KA-7",), PauseIgnored),
    _variant("close_without_commit", ("KA-8",), CloseWithoutCommit),
    _variant("latest_resolved_late", ("KA-9",), LatestResolvedLate),
    _variant("none_resets_silently", ("KA-10",), NoneResetsSilently),
    _variant("invents_metadata", ("KA-11",), InventsMetadata),
    _variant(
        "poll_loses_records_when_cancelled", ("KA-12",), PollLosesRecordsWhenCancelled
    ),
    _variant("no_lag", ("KA-13",), NoLag),
    _variant("assigns_before_revoking", ("RB-1",), cluster=AssigningCluster),
]
