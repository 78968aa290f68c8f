"""``ProtocolLifecycle`` for the reference implementations, with a simulated outage.

Every reference implementation of an I/O contract inherits
[`ReferenceLifecycle`][]: ``health_check`` and an idempotent ``aclose`` (LC-1
to LC-3), and [`simulate_outage`][ReferenceLifecycle.simulate_outage], the
fault hook the conformance kit's "unreachable backend" tests use: while the
outage lasts every operation raises ``UnavailableError`` (nothing took effect,
ERR-5) and ``health_check`` reports ``critical`` instead of failing (LC-1).
"""

from omnibase.protocols.errors import UnavailableError
from omnibase.protocols.types import ProtocolHealthReport
from omnibase.spi_conformance.reference.factories import Clock, utc_now
from omnibase.spi_conformance.reference.values import HealthReport

__all__ = ["ReferenceLifecycle"]


class ReferenceLifecycle:
    """Closed and outage state shared by the reference implementations."""

    def __init__(self, *, clock: Clock = utc_now) -> None:
        """Start open and reachable.

        Args:
            clock: Timestamps health reports.
        """
        self._clock = clock
        self._closed = False
        self._outage = False

    @property
    def closed(self) -> bool:
        """Whether ``aclose`` has run."""
        return self._closed

    def simulate_outage(self, down: bool = True) -> None:
        """Make the (imaginary) backend unreachable, or reachable again.

        Args:
            down: ``True`` to start the outage, ``False`` to end it.
        """
        self._outage = down

    def _check_open(self) -> None:
        """Raise ``UnavailableError`` when closed (LC-3) or in an outage.

        Raises:
            UnavailableError: The service is closed or its backend is down.
        """
        if self._closed:
            raise UnavailableError(f"{type(self).__name__} is closed (LC-3)")
        if self._outage:
            raise UnavailableError(f"{type(self).__name__}: backend unreachable")

    def _health_details(self) -> dict[str, int | str]:
        """Return details of a ``passing`` report; subclasses add their own."""
        return {}

    async def health_check(self) -> ProtocolHealthReport:
        """Report ``critical`` when closed or unreachable, else ``passing`` (LC-1)."""
        if self._closed:
            return HealthReport("critical", self._clock(), "closed (LC-3)")
        if self._outage:
            return HealthReport("critical", self._clock(), "backend unreachable")
        return HealthReport("passing", self._clock(), None, self._health_details())

    async def aclose(self) -> None:
        """Close; a second call does nothing (LC-2)."""
        if self._closed:
            return
        self._closed = True
        await self._on_close()

    async def _on_close(self) -> None:
        """Release what the implementation holds; called once, by ``aclose``."""
