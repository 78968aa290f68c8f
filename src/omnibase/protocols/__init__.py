"""ONEX service provider interface: the contracts every ONEX package codes against.

The SPI is made of ``typing.Protocol`` classes, type aliases, ``Literal`` types,
``Final`` transition tables and one exception hierarchy. It imports nothing
but the standard library's typing modules, so importing it costs almost
nothing. Import what you need from its domain packages:

- ``omnibase.protocols.types``: shared value types (ids, JSON, health, pages,
  secrets, workflow states and events, MCP tool types, bus messages).
- ``omnibase.protocols.core``: envelope, reply, workflow reducer, node registry.
- ``omnibase.protocols.event_bus``: event bus and Kafka adapter contracts.
- ``omnibase.protocols.container``: service registry (DI) and artifact store.
- ``omnibase.protocols.mcp``: MCP tool registry, proxy, monitor, validator.
- ``omnibase.protocols.workflow_orchestration``: workflow event bus, node
  registry and persistence.
- ``omnibase.protocols.errors``: the errors every implementation raises.

This package deliberately imports none of them, not even ``typing``:
``import omnibase.protocols`` only defines ``__version__``.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
