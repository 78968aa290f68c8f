"""System contracts: lifecycle, envelope, reply, reducer, node registry, secrets."""

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.core.protocol_node_registry import (
    NodeChangeKind,
    ProtocolNodeChange,
    ProtocolNodeRegistry,
)
from omnibase.protocols.core.protocol_onex_envelope import (
    ProtocolEncodedEnvelope,
    ProtocolOnexEnvelope,
    ProtocolOnexEnvelopeCodec,
)
from omnibase.protocols.core.protocol_onex_reply import (
    ProtocolOnexErrorDetail,
    ProtocolOnexReply,
    ProtocolOnexRequester,
    ProtocolOnexRequestHandler,
)
from omnibase.protocols.core.protocol_secret_resolver import ProtocolSecretResolver
from omnibase.protocols.core.protocol_workflow_reducer import ProtocolWorkflowReducer

__all__ = [
    "NodeChangeKind",
    "ProtocolEncodedEnvelope",
    "ProtocolLifecycle",
    "ProtocolNodeChange",
    "ProtocolNodeRegistry",
    "ProtocolOnexEnvelope",
    "ProtocolOnexEnvelopeCodec",
    "ProtocolOnexErrorDetail",
    "ProtocolOnexReply",
    "ProtocolOnexRequestHandler",
    "ProtocolOnexRequester",
    "ProtocolSecretResolver",
    "ProtocolWorkflowReducer",
]
