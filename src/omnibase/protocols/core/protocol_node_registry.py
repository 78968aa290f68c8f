"""Node discovery and management with TTL heartbeats, and a watch of changes."""

from collections.abc import AsyncIterator, Sequence
from typing import Literal, Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.types.core_types import (
    HealthStatus,
    NodeMetadata,
    ProtocolHealthCheckConfig,
    ProtocolNodeRecord,
    ProtocolPage,
)

__all__ = ["NodeChangeKind", "ProtocolNodeChange", "ProtocolNodeRegistry"]

NodeChangeKind = Literal["added", "modified", "removed"]
"""How the set of nodes a watch follows changed (NR-7)."""


@runtime_checkable
class ProtocolNodeChange(Protocol):
    """One change seen by [`ProtocolNodeRegistry.watch_nodes`][] (NR-7)."""

    @property
    def kind(self) -> NodeChangeKind:
        """What happened to the node, as the watch's filters see it.

        ``added``: it now matches them; ``modified``: its registration or
        health changed; ``removed``: it no longer matches them.
        """
        ...

    @property
    def record(self) -> ProtocolNodeRecord:
        """The node's record after the change; for ``removed``, the last one."""
        ...


@runtime_checkable
class ProtocolNodeRegistry(ProtocolLifecycle, Protocol):
    """Registry of ONEX nodes, their capabilities and their health.

    Health follows TTL heartbeats (Consul's model, ``ProtocolHealthCheckConfig``):
    a registration starts ``critical``, each heartbeat sets its status, a
    missed TTL makes it ``critical``, and a registration that stays
    ``critical`` for the grace period is removed. Watching replaces polling:
    Consul serves [`watch_nodes`][] with blocking queries, etcd with a watch
    on the registry's prefix.

    Rules:
        NR-1: Registration is idempotent by ``node_metadata.node_id``:
            registering an id again replaces its metadata, capabilities and
            health configuration and keeps its current health.
        NR-2: A new registration is ``critical`` until its first heartbeat.
        NR-3: A registry grants a health configuration at least as long as
            the one requested: it may raise ``ttl`` and
            ``deregister_critical_after`` to its documented minimums (Consul:
            one minute of grace), never shortens them, and the record reports
            the granted values. Without a heartbeat for the granted ``ttl`` a
            node becomes ``critical``; once it has stayed ``critical`` for the
            granted grace period it is removed, at the latest after the
            registry's documented reap interval more (Consul: 30 s). Then
            ``get_node`` and ``heartbeat`` raise ``NotFoundError``: the node
            must register again.
        NR-4: ``discover_nodes`` returns the nodes that match every filter,
            ordered by ``node_id`` (as ``UUID`` values compare); a node
            matches ``capabilities`` when it declared all of them, and
            ``healthy_only`` keeps the healthy ones (HLT-1).
        NR-5: ``deregister_node`` is idempotent.
        NR-6: Capabilities are non-empty strings; a bare ``str`` instead of a
            sequence raises ``InvalidInputError`` (T-5).
        NR-7: ``watch_nodes`` yields first an ``added`` change for every node
            matching its filters, in ``node_id`` order, then a change
            whenever that set or the record of a node in it changes:
            ``added`` when a node starts matching, ``modified`` when its
            registration, health status or health message changes,
            ``removed`` when it stops matching (deregistered, removed by
            NR-3, or no longer healthy under ``healthy_only``). A watcher
            that falls behind may miss intermediate states of a node, but
            the last change it gets for each node agrees with ``get_node``
            once the registry is quiet. The iterator does not end by itself.
        NR-8: Every heartbeat, whatever its status, restarts the TTL and sets
            the node's health to its status and note. A node reporting
            ``maintenance`` stays registered and out of healthy listings
            (HLT-1) as long as it keeps sending heartbeats; one reporting
            ``critical`` is removed after the grace period like one that
            missed its TTL. A status outside ``HealthStatus`` raises
            ``InvalidInputError`` (T-5).
    """

    async def register_node(
        self,
        node_metadata: NodeMetadata,
        capabilities: Sequence[str],
        health_check_config: ProtocolHealthCheckConfig,
    ) -> ProtocolNodeRecord:
        """Register a node or replace its registration (NR-1 to NR-3).

        Args:
            node_metadata: Identity of the node.
            capabilities: What the node can do (NR-6); copied (T-4).
            health_check_config: Requested TTL and grace period, both
                positive (T-6); the record reports what was granted (NR-3).

        Returns:
            The registry's record of the node.

        Raises:
            InvalidInputError: Bad capabilities (NR-6), a non-positive TTL or
                grace period (T-6).
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
        """Report the node alive and its health (NR-3, NR-8).

        Args:
            node_id: The registered node.
            status: Health the node reports about itself.
            note: Human-readable detail kept in the health report's message.

        Raises:
            NotFoundError: The node is not registered, or was removed (NR-3).
            InvalidInputError: A status outside ``HealthStatus`` (NR-8).
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
            healthy_only: Only healthy nodes (HLT-1).
            cursor: ``next_cursor`` of the previous page; ``None`` to start.
            limit: Most items on the page (PG-4).

        Returns:
            One page of matching node records (PG-1 to PG-5).

        Raises:
            InvalidInputError: A bad cursor or limit (PG-3, PG-4), bad
                capabilities (NR-6).
            UnavailableError: The registry's backend could not be reached.
        """
        ...

    def watch_nodes(
        self,
        *,
        node_type: str | None = None,
        capabilities: Sequence[str] = (),
        healthy_only: bool = True,
    ) -> AsyncIterator[ProtocolNodeChange]:
        """Follow the nodes that match the filters, as they change (NR-7).

        Args:
            node_type: Only nodes of this type.
            capabilities: Only nodes that declared all of these (NR-6).
            healthy_only: Only healthy nodes (HLT-1).

        Returns:
            An asynchronous iterator of changes that does not end by itself;
            stop iterating to end the watch. Iterating it raises
            ``InvalidInputError`` for bad capabilities and
            ``UnavailableError`` when the backend is unreachable or the
            registry closed (LC-3).
        """
        ...
