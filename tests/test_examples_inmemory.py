"""What the reference implementations do beyond the SPI's rules.

Every numbered rule is checked by the conformance kit (``tests/conformance``),
suite by suite, against these same implementations. What stays here is not a
rule of the SPI: each reference implementation is its protocol for both type
checkers and ``isinstance`` (and registers in the reference DI container), the
deterministic clock and id factories behave, and ``protocol_type`` keeps the
class.
"""

from datetime import UTC, datetime, timedelta

import pytest

from omnibase.protocols.container import (
    ProtocolArtifactContainer,
    ProtocolServiceRegistry,
)
from omnibase.protocols.core import (
    ProtocolNodeRegistry,
    ProtocolOnexEnvelopeCodec,
    ProtocolOnexRequester,
    ProtocolOnexRequestHandler,
    ProtocolSecretResolver,
    ProtocolWorkflowReducer,
)
from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.event_bus import ProtocolEventBus, ProtocolKafkaAdapter
from omnibase.protocols.mcp import (
    ProtocolMCPMonitor,
    ProtocolMCPRegistry,
    ProtocolMCPToolProxy,
    ProtocolMCPValidator,
)
from omnibase.protocols.workflow_orchestration import (
    ProtocolWorkflowEventBus,
    ProtocolWorkflowNodeRegistry,
    ProtocolWorkflowPersistence,
)
from omnibase.spi_conformance import protocol_type
from omnibase.spi_conformance.reference import (
    EnvelopeCodec,
    EnvironmentSecretResolver,
    FakeToolProxy,
    InMemoryArtifactContainer,
    InMemoryEventBus,
    InMemoryKafkaAdapter,
    InMemoryKafkaCluster,
    InMemoryMCPMonitor,
    InMemoryMCPRegistry,
    InMemoryNodeRegistry,
    InMemoryRequester,
    InMemorySecretResolver,
    InMemoryServiceRegistry,
    InMemoryWorkflowEventBus,
    InMemoryWorkflowNodeRegistry,
    InMemoryWorkflowPersistence,
    OperationRequestHandler,
    SecretValue,
    SeededIds,
    SimpleMCPValidator,
    SteppingClock,
    WorkflowReducer,
)
from omnibase.spi_conformance.reference.values import WorkflowSnapshot

T0 = datetime(2025, 1, 1, tzinfo=UTC)


async def _no_transport(request: object, /) -> None:
    """A requester transport that sends nothing (never called here)."""


async def _answer(request: object, /) -> None:
    """A request handler's operation that answers ``None``."""


def test_every_reference_implementation_is_its_protocol() -> None:
    ids = SeededIds(1)
    bus: ProtocolEventBus = InMemoryEventBus()
    persistence: ProtocolWorkflowPersistence = InMemoryWorkflowPersistence()
    proxy: ProtocolMCPToolProxy = FakeToolProxy({}, ids=ids)
    validator: ProtocolMCPValidator = SimpleMCPValidator()
    implementations: list[tuple[object, type]] = [
        (bus, ProtocolEventBus),
        (InMemoryKafkaAdapter(InMemoryKafkaCluster()), ProtocolKafkaAdapter),
        (persistence, ProtocolWorkflowPersistence),
        (InMemoryWorkflowEventBus(bus, persistence), ProtocolWorkflowEventBus),
        (InMemoryWorkflowNodeRegistry(), ProtocolWorkflowNodeRegistry),
        (WorkflowReducer(), ProtocolWorkflowReducer),
        (proxy, ProtocolMCPToolProxy),
        (validator, ProtocolMCPValidator),
        (
            InMemoryMCPRegistry(
                proxy=proxy, validator=validator, api_key=SecretValue("k"), ids=ids
            ),
            ProtocolMCPRegistry,
        ),
        (InMemoryMCPMonitor(), ProtocolMCPMonitor),
        (InMemoryNodeRegistry(), ProtocolNodeRegistry),
        (InMemoryArtifactContainer(), ProtocolArtifactContainer),
        (InMemoryServiceRegistry(), ProtocolServiceRegistry),
        (InMemorySecretResolver(), ProtocolSecretResolver),
        (EnvironmentSecretResolver({}), ProtocolSecretResolver),
        (EnvelopeCodec(), ProtocolOnexEnvelopeCodec),
        (InMemoryRequester(_no_transport, reply_to="replies"), ProtocolOnexRequester),
        (OperationRequestHandler(_answer), ProtocolOnexRequestHandler),
    ]
    container = InMemoryServiceRegistry()
    for implementation, interface in implementations:
        assert isinstance(implementation, interface), type(implementation).__name__
        container.register(
            protocol_type(interface),
            implementation,
            name=type(implementation).__name__,
        )
    assert len(container.registered_interfaces()) == len(implementations)


def test_deterministic_factories() -> None:
    assert [SeededIds(3)() for _ in range(2)] == [SeededIds(3)()] * 2
    ids = SeededIds(3)
    assert ids() != ids()
    assert ids().version == 4
    clock = SteppingClock(T0, timedelta(seconds=2))
    assert (clock(), clock()) == (T0, T0 + timedelta(seconds=2))
    with pytest.raises(ValueError, match="timezone"):
        SteppingClock(datetime(2025, 1, 1), timedelta(seconds=1))


def test_protocol_type_keeps_the_class() -> None:
    assert protocol_type(ProtocolEventBus) is ProtocolEventBus
    assert (
        protocol_type(ProtocolWorkflowReducer[WorkflowSnapshot])
        is ProtocolWorkflowReducer
    )
    with pytest.raises(InvalidInputError):
        protocol_type(len)
