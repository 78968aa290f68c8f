"""What the event bus and Kafka adapter suites share: values, handlers, listeners.

The suites build their own messages, metadata and retry policies (small
frozen dataclasses), so an implementation is never tested against its own
value classes. Handlers and listeners record what they were given for the
tests to inspect, and can fail, block or crash on purpose.
"""

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import ClassVar, Final, Literal, override
from uuid import UUID, uuid4

from omnibase.protocols.core import ProtocolLifecycle
from omnibase.protocols.types import (
    Headers,
    ProtocolCloudEventAttributes,
    ProtocolEventRecord,
    TopicPartition,
)
from omnibase.spi_conformance.suites._base import SuiteEnvironment
from omnibase.spi_conformance.suites.lifecycle import LifecycleChecks

__all__ = [
    "ATTRIBUTES",
    "Behaviour",
    "Blocker",
    "BrokerChecks",
    "ConformanceFatalError",
    "ConformanceFatalSubError",
    "ConformanceHandlerError",
    "ListenerEvent",
    "Recorder",
    "RecordingListener",
    "SuiteMessage",
    "SuiteMetadata",
    "SuiteRetryPolicy",
    "attributes_of",
    "ownership_violations",
    "qualified_name",
]

ATTRIBUTES: Final = (
    "event_id",
    "source",
    "event_type",
    "spec_version",
    "occurred_at",
    "subject",
    "content_type",
    "data_schema",
    "correlation_id",
    "causation_id",
    "trace_parent",
    "trace_state",
)
"""Every attribute of ``ProtocolCloudEventAttributes`` but ``extensions``."""


class ConformanceHandlerError(Exception):
    """What the suites' handlers raise to fail a delivery."""


class ConformanceFatalError(ConformanceHandlerError):
    """A handler error the suites list as non-retryable (RP-2)."""


class ConformanceFatalSubError(ConformanceFatalError):
    """A subclass of a non-retryable error: not matched itself (RP-2)."""


def qualified_name(kind: type[BaseException]) -> str:
    """Return ``module.qualname`` of an exception class (RP-2, EB-5).

    Args:
        kind: The class.

    Returns:
        Its qualified name.
    """
    return f"{kind.__module__}.{kind.__qualname__}"


@dataclass(frozen=True, slots=True)
class SuiteMetadata:
    """``EventMetadata`` as the suites build it."""

    event_id: str
    source: str
    event_type: str
    occurred_at: datetime
    spec_version: str = "1.0"
    subject: str | None = None
    content_type: str | None = "application/json"
    data_schema: str | None = None
    correlation_id: UUID | None = None
    causation_id: str | None = None
    trace_parent: str | None = None
    trace_state: str | None = None
    extensions: Mapping[str, str] = field(default_factory=dict[str, str])

    @classmethod
    def fresh(cls, event_type: str = "onex.conformance.tested") -> "SuiteMetadata":
        """Return metadata with a new ``event_id``.

        Args:
            event_type: The CloudEvents type.

        Returns:
            The metadata.
        """
        return cls(
            event_id=str(uuid4()),
            source="/onex/conformance",
            event_type=event_type,
            occurred_at=datetime(2026, 1, 2, 3, 4, 5, 123000, tzinfo=UTC),
        )


@dataclass(frozen=True, slots=True)
class SuiteMessage:
    """``EventMessage`` as the suites build it."""

    topic: str
    key: bytes | None
    value: bytes | None
    metadata: SuiteMetadata
    headers: Headers = ()


@dataclass(frozen=True, slots=True)
class SuiteRetryPolicy:
    """``ProtocolRetryPolicy`` as the suites build it (not checked here: RP-3)."""

    initial_interval: object
    backoff_coefficient: object
    maximum_interval: object
    maximum_attempts: object
    non_retryable_errors: object = ()


def attributes_of(metadata: ProtocolCloudEventAttributes) -> dict[str, object]:
    """Return every attribute of ``metadata`` by name, extensions included.

    Args:
        metadata: Attributes to read.

    Returns:
        Name -> value, ``extensions`` as a plain ``dict``.
    """
    values: dict[str, object] = {name: getattr(metadata, name) for name in ATTRIBUTES}
    values["extensions"] = dict(metadata.extensions)
    return values


type Behaviour = Callable[[ProtocolEventRecord], Awaitable[None]]
"""What a [`Recorder`][] does with a record after recording it."""


class Recorder:
    """A ``ProtocolEventHandler`` that records every delivery, then behaves."""

    def __init__(self, behaviour: Behaviour | None = None) -> None:
        """Record deliveries.

        Args:
            behaviour: Runs after each record is recorded; raise to fail it.
        """
        self.records: list[ProtocolEventRecord] = []
        self.behaviour = behaviour

    async def __call__(self, record: ProtocolEventRecord, /) -> None:
        """Record ``record`` and run the behaviour."""
        self.records.append(record)
        if self.behaviour is not None:
            await self.behaviour(record)

    def values(self) -> list[bytes | None]:
        """Return the delivered values, in delivery order."""
        return [record.value for record in self.records]

    def attempts(self) -> list[int]:
        """Return the ``delivery_attempt`` of every delivery."""
        return [record.delivery_attempt for record in self.records]


class Blocker:
    """A behaviour that holds a delivery until released (or cancelled)."""

    def __init__(self, only: bytes | None = None) -> None:
        """Hold deliveries.

        Args:
            only: Hold only records with this value; ``None`` holds all.
        """
        self.only = only
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.cancelled = False
        self.ended = 0

    async def __call__(self, record: ProtocolEventRecord) -> None:
        """Wait for ``release`` when the record is one to hold."""
        if self.only is not None and record.value != self.only:
            return
        self.started.set()
        try:
            await self.release.wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        self.ended += 1


type ListenerKind = Literal["assigned", "revoked", "lost"]


@dataclass(frozen=True, slots=True)
class ListenerEvent:
    """One call of a rebalance listener, in the order of all calls logged."""

    member: str
    kind: ListenerKind
    partitions: frozenset[TopicPartition]


class RecordingListener:
    """A ``ProtocolRebalanceListener`` logging its calls into a shared list."""

    def __init__(self, member: str, log: list[ListenerEvent]) -> None:
        """Log calls as ``member``.

        Args:
            member: The name of the member it listens for.
            log: Shared by the listeners of one test, in call order.
        """
        self.member = member
        self.log = log

    async def on_partitions_revoked(self, revoked: AbstractSet[TopicPartition]) -> None:
        """Log a revoke."""
        self.log.append(ListenerEvent(self.member, "revoked", frozenset(revoked)))

    async def on_partitions_assigned(
        self, assigned: AbstractSet[TopicPartition]
    ) -> None:
        """Log an assignment."""
        self.log.append(ListenerEvent(self.member, "assigned", frozenset(assigned)))

    async def on_partitions_lost(self, lost: AbstractSet[TopicPartition]) -> None:
        """Log a loss."""
        self.log.append(ListenerEvent(self.member, "lost", frozenset(lost)))

    def events(self) -> list[ListenerEvent]:
        """Return this member's events."""
        return [event for event in self.log if event.member == self.member]


def ownership_violations(log: Sequence[ListenerEvent]) -> list[str]:
    """Replay listener calls; return where a partition had two owners (RB-1).

    Args:
        log: Every listener call of one group, in call order.

    Returns:
        One line per assignment of a partition its previous owner had not
        yet given up by a revoke or a loss (an assignment leaving a
        partition out does not give it up).
    """
    owners: dict[TopicPartition, str] = {}
    problems: list[str] = []
    for index, event in enumerate(log):
        for partition in event.partitions:
            owner = owners.get(partition)
            if event.kind == "assigned":
                if owner is not None and owner != event.member:
                    problems.append(
                        f"call {index}: {partition} assigned to {event.member} while "
                        f"{owner} had not given it up"
                    )
                owners[partition] = event.member
            elif owner == event.member:
                del owners[partition]
    return problems


class BrokerChecks[SubjectT: ProtocolLifecycle](
    LifecycleChecks[SubjectT, SuiteEnvironment]
):
    """Names and time for the suites of message brokers (bus, Kafka adapter).

    Attributes:
        time_scale: Multiplies every duration the suite uses; raise it for a
            networked broker (with ``eventually_within``).
    """

    time_scale: ClassVar[float] = 1.0

    @override
    def make_environment(self) -> SuiteEnvironment:
        """A fresh environment whose ``notes["run"]`` names this test's topics."""
        env = SuiteEnvironment()
        env.notes["run"] = uuid4().hex[:12]
        return env

    def topic(self, env: SuiteEnvironment, name: str) -> str:
        """Return a topic name unique to this test."""
        return f"onex-conformance.{env.notes['run']}.{name}"

    def group(self, env: SuiteEnvironment, name: str) -> str:
        """Return a group id unique to this test."""
        return f"onex-conformance-{env.notes['run']}-{name}"

    def scaled(self, delta: timedelta) -> timedelta:
        """Return ``delta`` times ``time_scale``."""
        return delta * self.time_scale
