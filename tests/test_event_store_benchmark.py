"""The event store benchmark runs, and the SQLite store streams in bounded memory."""

import asyncio
import tempfile
from pathlib import Path
from uuid import uuid4

import pytest

from examples.event_store_benchmark import events, main, measure
from examples.sqlite_event_store import SQLiteWorkflowPersistence


def test_the_benchmark_prints_both_stores(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--events", "300", "--batch", "100"]) == 0
    out = capsys.readouterr().out
    assert "in-memory reference" in out
    assert "SQLite example" in out
    assert "SQLite / in-memory" in out


def _sqlite_read_peak(count: int) -> int:
    async def scenario() -> int:
        with tempfile.TemporaryDirectory() as directory:
            store = SQLiteWorkflowPersistence(
                Path(directory) / "peak.sqlite3", page_size=50
            )
            measured = await measure("SQLite", store, events(count, uuid4()), 500)
            await store.aclose()
            return max(measured.read_peak_bytes, measured.read_all_peak_bytes)

    return asyncio.run(scenario())


def test_a_streamed_read_does_not_grow_with_the_stream() -> None:
    """WP-12: four times the events, about the same peak (one page at a time)."""
    small, large = _sqlite_read_peak(1_000), _sqlite_read_peak(4_000)
    assert large < 2 * small, (small, large)
