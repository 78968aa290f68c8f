"""Lifecycle and health of every service that owns connections or tasks."""

from typing import Protocol, runtime_checkable

from omnibase.protocols.types.core_types import ProtocolHealthReport

__all__ = ["ProtocolLifecycle"]


@runtime_checkable
class ProtocolLifecycle(Protocol):
    """The base contract of every I/O service: a health check and ``aclose``.

    Buses, adapters, stores, registries, proxies, monitors, artifact
    containers and secret resolvers extend it; pure computation (reducers,
    validators), in-memory bookkeeping (the service registry) and callbacks do
    not. ``contextlib.aclosing(service)`` closes one at the end of a block.

    Rules:
        LC-1: ``health_check`` reports, it does not fail: it never raises
            (cancellation aside, ERR-2) and bounds its own probe, so a
            backend it cannot reach is reported ``critical`` with a message
            saying so instead of a timeout.
        LC-2: ``aclose`` is idempotent: calling it again returns without
            error.
        LC-3: After ``aclose`` returned, ``health_check`` reports
            ``critical`` and every other method raises ``UnavailableError``;
            an asynchronous iterator obtained before raises it at its next
            step.
    """

    async def health_check(self) -> ProtocolHealthReport:
        """Report the service's health now (LC-1).

        Returns:
            The observed health; ``critical`` when the backend is unreachable
            or the service is closed (LC-3).

        Raises:
            asyncio.CancelledError: Only cancellation propagates (LC-1, ERR-2).
        """
        ...

    async def aclose(self) -> None:
        """Release connections and background tasks (LC-2, LC-3).

        Each contract says what ``aclose`` does with work in flight.

        Raises:
            DeadlineExceededError: Work in flight could not be finished in
                time; the service is closed anyway.
        """
        ...
