"""Small in-memory implementations of the SPI's central contracts.

One module per implementation; each module's docstring names the rules it
demonstrates and what it deliberately simplifies. They use the standard
library and ``omnibase.protocols`` only, and type-check against the
protocols under ``mypy --strict`` and pyright's strict mode.
"""

from omnibase.spi_conformance.reference.artifact_container import (
    InMemoryArtifactContainer,
)
from omnibase.spi_conformance.reference.cloudevents import EnvelopeCodec
from omnibase.spi_conformance.reference.event_bus import InMemoryEventBus
from omnibase.spi_conformance.reference.factories import (
    SeededIds,
    SteppingClock,
    utc_now,
)
from omnibase.spi_conformance.reference.kafka_adapter import (
    InMemoryKafkaAdapter,
    InMemoryKafkaCluster,
)
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle
from omnibase.spi_conformance.reference.mcp_monitor import InMemoryMCPMonitor
from omnibase.spi_conformance.reference.mcp_registry import InMemoryMCPRegistry
from omnibase.spi_conformance.reference.mcp_server import InProcessMCPServer
from omnibase.spi_conformance.reference.mcp_tool_proxy import (
    FakeToolProxy,
    ToolFunction,
    ToolReply,
)
from omnibase.spi_conformance.reference.mcp_validator import SimpleMCPValidator
from omnibase.spi_conformance.reference.node_registry import InMemoryNodeRegistry
from omnibase.spi_conformance.reference.reducer import WorkflowReducer
from omnibase.spi_conformance.reference.request_reply import (
    InMemoryRequester,
    OperationRequestHandler,
)
from omnibase.spi_conformance.reference.secret_resolver import (
    EnvironmentSecretResolver,
    InMemorySecretResolver,
)
from omnibase.spi_conformance.reference.service_registry import InMemoryServiceRegistry
from omnibase.spi_conformance.reference.values import SecretReference, SecretValue
from omnibase.spi_conformance.reference.workflow_event_bus import (
    InMemoryWorkflowEventBus,
)
from omnibase.spi_conformance.reference.workflow_node_registry import (
    InMemoryWorkflowNodeRegistry,
)
from omnibase.spi_conformance.reference.workflow_persistence import (
    InMemoryWorkflowPersistence,
)

__all__ = [
    "EnvelopeCodec",
    "EnvironmentSecretResolver",
    "FakeToolProxy",
    "InMemoryArtifactContainer",
    "InMemoryEventBus",
    "InMemoryKafkaAdapter",
    "InMemoryKafkaCluster",
    "InMemoryMCPMonitor",
    "InMemoryMCPRegistry",
    "InMemoryNodeRegistry",
    "InMemoryRequester",
    "InMemorySecretResolver",
    "InMemoryServiceRegistry",
    "InMemoryWorkflowEventBus",
    "InMemoryWorkflowNodeRegistry",
    "InMemoryWorkflowPersistence",
    "InProcessMCPServer",
    "OperationRequestHandler",
    "ReferenceLifecycle",
    "SecretReference",
    "SecretValue",
    "SeededIds",
    "SimpleMCPValidator",
    "SteppingClock",
    "ToolFunction",
    "ToolReply",
    "WorkflowReducer",
    "utc_now",
]
