"""Node discovery and management with TTL heartbeats."""

from collections.abc import Sequence
from typing import Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.types.core_types import (
    HealthStatus,
    NodeMetadata,
    ProtocolHealthCheckConfig,
    ProtocolNodeRecord,
    ProtocolPage,
)

__all__ = ["ProtocolNodeRegistry"]


@runtime_checkable
class ProtocolNodeRegistry(ProtocolLifecycle, Protocol):
    """Registry of ONEX nodes, their capabilities and their health.

    Health follows TTL heartbeats (Consul's model): see
    ``ProtocolHealthCheckConfig``.

    Rules:
        NR-1: Registration is idempotent by ``node_metadata.node_id``:
            registering an id again replaces its metadata, capabilities and
            health configuration and keeps its current health.
        NR-2: A new registration is ``critical`` until its first heartbeat.
        NR-3: Without a heartbeat for ``ttl`` a node becomes ``critical``;
            after ``deregister_critical_after`` more in ``critical`` it is
            removed, and then ``get_node`` and ``heartbeat`` raise
            ``NotFoundError`` (the node must register again).
        NR-4: ``discover_nodes`` returns the nodes that match every filter,
            ordered by ``node_id``; ``healthy_only`` keeps ``passing`` and
            ``warning`` nodes; a node matches ``capabilities`` when it
            declared all of them.
        NR-5: ``deregister_node`` is idempotent.
        NR-6: Capabilities are non-empty strings; a bare ``str`` instead of a
            sequence raises ``InvalidInputError`` (T-5).
    """

    async def register_node(
        self,
        node_metadata: NodeMetadata,
        capabilities: Sequence[str],
        health_check_config: ProtocolHealthCheckConfig,
    ) -> ProtocolNodeRecord:
        """Register a node or replace its registration (NR-1, NR-2).

        Args:
            node_metadata: Identity of the node.
            capabilities: What the node can do (NR-6).
            health_check_config: TTL and grace period of its heartbeats.

        Returns:
            The registry's record of the node.

        Raises:
            InvalidInputError: Bad capabilities (NR-6) or a non-positive TTL.
            UnavailableError: The registry's backend could not be reached.
        """
        ...

    async def heartbeat(
        self,
        node_id: UUID,
        *,
        status: HealthStatus = "passing",
        note: str | None = None,
    ) -> None:
        """Report the node alive and its health (NR-3).

        Args:
            node_id: The registered node.
            status: Health the node reports about itself.
            note: Human-readable detail kept in the health report's message.

        Raises:
            NotFoundError: The node is not registered, or was removed (NR-3).
            UnavailableError: The registry's backend could not be reached.
        """
        ...

    async def deregister_node(self, node_id: UUID) -> bool:
        """Remove a node (NR-5).

        Args:
            node_id: The node to remove.

        Returns:
            ``True`` if the node was registered, ``False`` if it was not.

        Raises:
            UnavailableError: The registry's backend could not be reached.
        """
        ...

    async def get_node(self, node_id: UUID) -> ProtocolNodeRecord:
        """Return what the registry knows about one node.

        Args:
            node_id: The node.

        Returns:
            The node's record, with its current health.

        Raises:
            NotFoundError: The node is not registered (NR-3).
            UnavailableError: The registry's backend could not be reached.
        """
        ...

    async def discover_nodes(
        self,
        *,
        node_type: str | None = None,
        capabilities: Sequence[str] = (),
        healthy_only: bool = True,
        cursor: str | None = None,
        limit: int = 100,
    ) -> ProtocolPage[ProtocolNodeRecord]:
        """List registered nodes that match the filters (NR-4), one page at a time.

        Args:
            node_type: Only nodes of this type.
            capabilities: Only nodes that declared all of these (NR-6).
            healthy_only: Only ``passing`` and ``warning`` nodes.
            cursor: ``next_cursor`` of the previous page; ``None`` to start.
            limit: Most items on the page (PG-4).

        Returns:
            One page of matching node records.

        Raises:
            InvalidInputError: A bad cursor or limit (PG-3, PG-4).
            UnavailableError: The registry's backend could not be reached.
        """
        ...
