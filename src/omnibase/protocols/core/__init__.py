"""System contracts: lifecycle, envelope, reply, reducer, node registry, secrets."""

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.core.protocol_node_registry import ProtocolNodeRegistry
from omnibase.protocols.core.protocol_onex_envelope import ProtocolOnexEnvelope
from omnibase.protocols.core.protocol_onex_reply import (
    ProtocolOnexErrorDetail,
    ProtocolOnexReply,
    ProtocolOnexRequestHandler,
    ReplyOutcome,
)
from omnibase.protocols.core.protocol_secret_resolver import ProtocolSecretResolver
from omnibase.protocols.core.protocol_workflow_reducer import ProtocolWorkflowReducer

__all__ = [
    "ProtocolLifecycle",
    "ProtocolNodeRegistry",
    "ProtocolOnexEnvelope",
    "ProtocolOnexErrorDetail",
    "ProtocolOnexReply",
    "ProtocolOnexRequestHandler",
    "ProtocolSecretResolver",
    "ProtocolWorkflowReducer",
    "ReplyOutcome",
]
