"""System-level contracts: envelope, reply, workflow reducer, node registry."""

from omnibase.protocols.core.protocol_node_registry import ProtocolNodeRegistry
from omnibase.protocols.core.protocol_onex_envelope import ProtocolOnexEnvelope
from omnibase.protocols.core.protocol_onex_reply import (
    ProtocolOnexErrorDetail,
    ProtocolOnexReply,
    ProtocolOnexRequestHandler,
    ReplyOutcome,
)
from omnibase.protocols.core.protocol_workflow_reducer import ProtocolWorkflowReducer

__all__ = [
    "ProtocolNodeRegistry",
    "ProtocolOnexEnvelope",
    "ProtocolOnexErrorDetail",
    "ProtocolOnexReply",
    "ProtocolOnexRequestHandler",
    "ProtocolWorkflowReducer",
    "ReplyOutcome",
]
