"""Time and asynchrony for conformance tests: a manual clock and bounded waits.

Standard library only, so reference implementations and implementers' own
code may use them too.

- [`ManualClock`][]: a clock that moves only when told to. A conformance
  suite hands one to the implementer's factory; an implementation that reads
  time through an injected clock (``Callable[[], datetime]``) lets TTL, lease,
  retry and deadline rules run in microseconds.
- [`eventually`][]: wait, up to a limit the implementer may raise, until an
  assertion about an asynchronous system holds, instead of sleeping a fixed
  time.
"""

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Final, override

__all__ = ["DEFAULT_START", "ManualClock", "eventually"]

DEFAULT_START: Final = datetime(2026, 1, 1, tzinfo=UTC)
"""Where a [`ManualClock`][] starts unless told otherwise."""


class ManualClock:
    """A timezone-aware clock that advances only when ``advance`` is called.

    Call it to read the time (it is a ``Callable[[], datetime]``, the clock
    type the reference implementations take).
    """

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        """Start the clock.

        Args:
            start: The first instant; must be timezone-aware (T-2).

        Raises:
            ValueError: ``start`` is naive.
        """
        if start.tzinfo is None:
            raise ValueError("a ManualClock needs a timezone-aware start (T-2)")
        self._now = start.astimezone(UTC)

    def __call__(self) -> datetime:
        """Return the current instant (UTC)."""
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward.

        Args:
            delta: How far; must not be negative.

        Returns:
            The new current instant.

        Raises:
            ValueError: ``delta`` is negative (time never runs backwards).
        """
        if delta < timedelta(0):
            raise ValueError(f"a clock cannot go back ({delta})")
        self._now += delta
        return self._now

    @override
    def __repr__(self) -> str:
        """Show the current instant."""
        return f"ManualClock({self._now.isoformat()})"


async def eventually[T](
    check: Callable[[], Awaitable[T]],
    *,
    within: timedelta,
    interval: timedelta = timedelta(milliseconds=5),
) -> T:
    """Await ``check`` until it stops raising ``AssertionError`` or ``within`` passed.

    Use it for anything an asynchronous implementation does "soon": a
    delivery after ``publish`` returned, a rebalance, a removal after a TTL.
    Each attempt runs to completion; the limit is checked between attempts.

    Args:
        check: An assertion about the system; its result is returned once it
            passes. It is called at least once.
        within: How long to keep trying (wall time).
        interval: Pause between attempts.

    Returns:
        What ``check`` returned on the first attempt that passed.

    Raises:
        AssertionError: ``check`` still failed when the limit passed: its last
            failure, with the waiting time added to the message.
    """
    deadline = time.monotonic() + within.total_seconds()
    attempts = 0
    while True:
        attempts += 1
        try:
            return await check()
        except AssertionError as failure:
            if time.monotonic() >= deadline:
                waited = f"(still failing after {within.total_seconds():g} s"
                raise AssertionError(
                    f"{failure} {waited}, {attempts} attempts)"
                ) from failure
        await asyncio.sleep(interval.total_seconds())
