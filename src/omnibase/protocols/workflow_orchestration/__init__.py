"""Event-driven FSM orchestration: workflow event bus, node registry, persistence."""

from omnibase.protocols.workflow_orchestration.protocol_workflow_event_bus import (
    ProtocolWorkflowEventBus,
)
from omnibase.protocols.workflow_orchestration.protocol_workflow_node_registry import (
    ProtocolWorkflowNodeRegistry,
)
from omnibase.protocols.workflow_orchestration.protocol_workflow_persistence import (
    ProtocolWorkflowPersistence,
)

__all__ = [
    "ProtocolWorkflowEventBus",
    "ProtocolWorkflowNodeRegistry",
    "ProtocolWorkflowPersistence",
]
