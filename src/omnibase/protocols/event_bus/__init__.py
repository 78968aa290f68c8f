"""Event messaging infrastructure: the event bus and its Kafka adapter contract.

Every name below is imported from the module that defines it on first
use (PEP 562): ``from omnibase.protocols.event_bus import X`` loads ``X``'s
module and what it imports, not the whole package.
"""

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from .protocol_event_bus import ProtocolEventBus
    from .protocol_kafka_adapter import ProtocolKafkaAdapter, ProtocolRebalanceListener

__all__ = ["ProtocolEventBus", "ProtocolKafkaAdapter", "ProtocolRebalanceListener"]

_SUBMODULE_OF: Final = {
    "ProtocolEventBus": "protocol_event_bus",
    "ProtocolKafkaAdapter": "protocol_kafka_adapter",
    "ProtocolRebalanceListener": "protocol_kafka_adapter",
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
