"""System contracts: lifecycle, envelope, reply, reducer, node registry, secrets.

Every name below is imported from the module that defines it on first
use (PEP 562): ``from omnibase.protocols.core import X`` loads ``X``'s
module and what it imports, not the whole package.
"""

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from .protocol_lifecycle import ProtocolLifecycle
    from .protocol_node_registry import (
        NodeChangeKind,
        ProtocolNodeChange,
        ProtocolNodeRegistry,
    )
    from .protocol_onex_envelope import (
        ProtocolEncodedEnvelope,
        ProtocolOnexEnvelope,
        ProtocolOnexEnvelopeCodec,
    )
    from .protocol_onex_reply import (
        ProtocolOnexErrorDetail,
        ProtocolOnexReply,
        ProtocolOnexRequester,
        ProtocolOnexRequestHandler,
    )
    from .protocol_secret_resolver import ProtocolSecretResolver
    from .protocol_workflow_reducer import ProtocolWorkflowReducer

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

_SUBMODULE_OF: Final = {
    "NodeChangeKind": "protocol_node_registry",
    "ProtocolEncodedEnvelope": "protocol_onex_envelope",
    "ProtocolLifecycle": "protocol_lifecycle",
    "ProtocolNodeChange": "protocol_node_registry",
    "ProtocolNodeRegistry": "protocol_node_registry",
    "ProtocolOnexEnvelope": "protocol_onex_envelope",
    "ProtocolOnexEnvelopeCodec": "protocol_onex_envelope",
    "ProtocolOnexErrorDetail": "protocol_onex_reply",
    "ProtocolOnexReply": "protocol_onex_reply",
    "ProtocolOnexRequestHandler": "protocol_onex_reply",
    "ProtocolOnexRequester": "protocol_onex_reply",
    "ProtocolSecretResolver": "protocol_secret_resolver",
    "ProtocolWorkflowReducer": "protocol_workflow_reducer",
}
"""The submodule of this package that defines each name of ``__all__``."""


def __getattr__(name: str) -> object:
    """Import the submodule that defines ``name`` on first use (PEP 562).

    Args:
        name: An attribute the package does not hold yet.

    Returns:
        The object named ``name`` in the submodule that defines it.

    Raises:
        AttributeError: ``name`` is not one of the package's exports.
    """
    if name not in _SUBMODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib  # noqa: PLC0415 (the lazy re-export the validators allow)

    value: object = getattr(
        importlib.import_module(f"{__name__}.{_SUBMODULE_OF[name]}"), name
    )
    namespace: dict[str, object] = globals()
    namespace[name] = value  # later lookups find it: this hook runs once per name
    return value


def __dir__() -> list[str]:
    """List the package's exports, imported yet or not (PEP 562)."""
    return list(__all__)
