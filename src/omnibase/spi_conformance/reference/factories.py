"""Injectable clocks and id factories, so a demo run can be made deterministic.

Every implementation in ``omnibase.spi_conformance.reference`` takes a
[`Clock`][] and an [`IdFactory`][] instead of calling ``datetime.now`` or
``uuid4`` itself.
Production code passes [`utc_now`][] and ``uuid.uuid4``; the example and its
tests pass a [`SteppingClock`][] and [`SeededIds`][], which print
real-looking but reproducible values.
"""

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from uuid import UUID

__all__ = ["Clock", "IdFactory", "SeededIds", "SteppingClock", "utc_now"]

type Clock = Callable[[], datetime]
"""Returns the current instant, timezone-aware (T-2)."""

type IdFactory = Callable[[], UUID]
"""Returns a fresh identifier (T-1)."""


def utc_now() -> datetime:
    """Return the current time in UTC (the production [`Clock`][]).

    Returns:
        The current instant, timezone-aware.
    """
    return datetime.now(UTC)


class SteppingClock:
    """A deterministic clock: each call returns the previous instant plus ``step``."""

    def __init__(self, start: datetime, step: timedelta) -> None:
        """Start the clock.

        Args:
            start: The first instant returned; must be timezone-aware (T-2).
            step: How far the clock advances on every call.

        Raises:
            ValueError: ``start`` is naive.
        """
        if start.tzinfo is None:
            raise ValueError("the clock must be timezone-aware (T-2)")
        self._next = start
        self._step = step

    def __call__(self) -> datetime:
        """Return the current instant and advance the clock."""
        now = self._next
        self._next = now + self._step
        return now


class SeededIds:
    """Reproducible random version-4 UUIDs drawn from a seeded generator."""

    def __init__(self, seed: int) -> None:
        """Seed the generator.

        Args:
            seed: Equal seeds give equal sequences of ids.
        """
        self._random = random.Random(seed)

    def __call__(self) -> UUID:
        """Return the next id."""
        return UUID(int=self._random.getrandbits(128), version=4)
