"""Event messaging infrastructure: the event bus and its Kafka adapter contract."""

from omnibase.protocols.event_bus.protocol_event_bus import ProtocolEventBus
from omnibase.protocols.event_bus.protocol_kafka_adapter import (
    ProtocolKafkaAdapter,
    ProtocolRebalanceListener,
)

__all__ = ["ProtocolEventBus", "ProtocolKafkaAdapter", "ProtocolRebalanceListener"]
