"""Append and stream a long workflow stream on two stores, side by side.

Run it from the repository root::

    python -m examples.event_store_benchmark            # 100,000 events
    python -m examples.event_store_benchmark --events 20000 --batch 500

For the in-memory reference store and the SQLite example store, in the same
run and on the same events, it measures:

- the time to append the stream in batches (one transaction per batch on
  SQLite, ``BEGIN IMMEDIATE``);
- the time and the peak of Python memory allocated while ``read_events``
  streams the whole stream, and the same for ``read_all``.

Peaks are measured with ``tracemalloc`` in a second pass (tracing slows the
code down), so the times are untraced. A streamed read holds one page at a
time (WP-12): its peak does not grow with the stream's length, which
``tests/test_event_store_benchmark.py`` checks.
"""

import argparse
import asyncio
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID, uuid4

from examples.sqlite_event_store import SQLiteWorkflowPersistence
from omnibase.protocols.workflow_orchestration import ProtocolWorkflowPersistence
from omnibase.spi_conformance.reference import InMemoryWorkflowPersistence
from omnibase.spi_conformance.reference.values import WorkflowEvent

__all__ = ["Measurement", "main", "measure", "run"]

WORKFLOW_TYPE = "benchmark_flow"
START = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Measurement:
    """What one store did with one stream.

    Attributes:
        store: Which store.
        events: Events in the stream.
        append_seconds: Time to append them all, in batches.
        read_seconds: Time to stream them back with ``read_events``.
        read_peak_bytes: Peak memory allocated while streaming them.
        read_all_seconds: Time to stream them with ``read_all``.
        read_all_peak_bytes: Peak memory allocated while doing so.
    """

    store: str
    events: int
    append_seconds: float
    read_seconds: float
    read_peak_bytes: int
    read_all_seconds: float
    read_all_peak_bytes: int


def events(count: int, instance_id: UUID) -> list[WorkflowEvent]:
    """Return a stream of ``count`` events: created, then scheduled tasks.

    Args:
        count: How many events.
        instance_id: The stream's instance.

    Returns:
        The events, numbered from 1.
    """
    correlation = uuid4()
    stream: list[WorkflowEvent] = []
    for number in range(1, count + 1):
        created = number == 1
        stream.append(
            WorkflowEvent(
                event_id=uuid4(),
                event_type="workflow.created" if created else "task.scheduled",
                workflow_type=WORKFLOW_TYPE,
                instance_id=instance_id,
                sequence_number=number,
                occurred_at=START + timedelta(milliseconds=number),
                causation_id=stream[-1].event_id if stream else None,
                correlation_chain=(correlation,),
                task_id=None if created else uuid4(),
                data={"task_name": f"step-{number}", "task_type": "step", "n": number},
            )
        )
    return stream


async def _drain(iterator: AsyncIterator[object]) -> int:
    count = 0
    async for _ in iterator:
        count += 1
    return count


async def _timed(read: Callable[[], AsyncIterator[object]]) -> float:
    began = time.perf_counter()
    await _drain(read())
    return time.perf_counter() - began


async def _peak(read: Callable[[], AsyncIterator[object]]) -> int:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        await _drain(read())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


async def measure(
    name: str,
    store: ProtocolWorkflowPersistence,
    stream: Sequence[WorkflowEvent],
    batch: int,
) -> Measurement:
    """Append ``stream`` to ``store`` and read it back twice (timed, traced).

    Args:
        name: The store's name in the report.
        store: An empty store.
        stream: The events to append.
        batch: Events per append.

    Returns:
        What was measured.
    """
    instance = stream[0].instance_id
    began = time.perf_counter()
    for start in range(0, len(stream), batch):
        await store.append_events(
            WORKFLOW_TYPE, instance, stream[start : start + batch], start
        )
    appended = time.perf_counter() - began

    def read() -> AsyncIterator[object]:
        return store.read_events(WORKFLOW_TYPE, instance)

    def read_all() -> AsyncIterator[object]:
        return store.read_all()

    read_seconds = await _timed(read)
    read_all_seconds = await _timed(read_all)
    return Measurement(
        store=name,
        events=len(stream),
        append_seconds=appended,
        read_seconds=read_seconds,
        read_peak_bytes=await _peak(read),
        read_all_seconds=read_all_seconds,
        read_all_peak_bytes=await _peak(read_all),
    )


async def run(count: int, batch: int) -> list[Measurement]:
    """Measure both stores on the same stream of ``count`` events.

    Args:
        count: Events in the stream.
        batch: Events per append.

    Returns:
        The in-memory reference's measurement, then SQLite's.
    """
    stream = events(count, uuid4())
    memory = InMemoryWorkflowPersistence()
    results = [await measure("in-memory reference", memory, stream, batch)]
    await memory.aclose()
    with tempfile.TemporaryDirectory() as directory:
        sqlite = SQLiteWorkflowPersistence(Path(directory) / "benchmark.sqlite3")
        results.append(await measure("SQLite example", sqlite, stream, batch))
        await sqlite.aclose()
    return results


def report(results: Sequence[Measurement]) -> list[str]:
    """Render the measurements as a table and the SQLite/in-memory ratios.

    Args:
        results: The reference's measurement first.

    Returns:
        The lines to print.
    """
    lines = [
        f"{'store':<20} {'events':>8} {'append s':>9} {'read s':>8} "
        f"{'read peak KiB':>13} {'read_all s':>10} {'read_all peak KiB':>17}"
    ]
    lines += [
        f"{m.store:<20} {m.events:>8} {m.append_seconds:>9.3f} {m.read_seconds:>8.3f} "
        f"{m.read_peak_bytes / 1024:>13.0f} {m.read_all_seconds:>10.3f} "
        f"{m.read_all_peak_bytes / 1024:>17.0f}"
        for m in results
    ]
    base, other = results[0], results[-1]
    lines.append(
        f"SQLite / in-memory: append x{other.append_seconds / base.append_seconds:.1f}"
        f", read x{other.read_seconds / base.read_seconds:.1f}"
        f", read_all x{other.read_all_seconds / base.read_all_seconds:.1f}"
    )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print its table.

    Args:
        argv: Command-line arguments (``sys.argv[1:]`` when ``None``).

    Returns:
        The exit status, 0.
    """
    parser = argparse.ArgumentParser(
        description="Append and stream a long workflow stream on two stores."
    )
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_000)
    arguments = parser.parse_args(argv)
    if arguments.events < 1 or arguments.batch < 1:
        parser.error("--events and --batch must be positive")
    results = asyncio.run(run(arguments.events, arguments.batch))
    print("\n".join(report(results)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
