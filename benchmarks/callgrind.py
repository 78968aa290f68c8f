"""CPU instruction counts of code phases, with valgrind's callgrind.

Instruction counts do not depend on what else the machine runs, so a
verdict taken on them is the same under any load. A measured script marks
the boundaries of its phases by calling :data:`MARKER` (``os.getppid``):
callgrind runs with ``--dump-before=getppid`` and writes one profile per
call, so the instructions between two marks are one phase. Only libc's
``getppid`` symbol is needed, which every interpreter build exposes (even
a stripped one), and Python never calls it on its own.

Counts are reproducible for a fixed ``PYTHONHASHSEED`` (identical from run
to run on this machine); string hashing moves them by a fraction of a
percent, so the benchmark runs each case under a few fixed seeds and
reports the spread.

Where valgrind is missing, :func:`unavailable` says why and the sections
fall back to CPU time of interleaved rounds.
"""

import concurrent.futures
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from benchmarks.common import (
    HASH_SEED_VARIABLE,
    BenchmarkError,
    run_child,
)

MARKER: Final = "getppid"
"""The C function whose every call ends a phase (``os.getppid``)."""

MARK_PROLOGUE: Final = "from os import getppid as _mark\n"
"""Put first in a measured script; then call ``_mark()`` between phases."""

_TOTALS = b"totals:"
_SUMMARY = b"summary:"


def valgrind() -> str | None:
    """Return the path of ``valgrind``, or ``None`` when it is not on PATH."""
    return shutil.which("valgrind")


def unavailable() -> str | None:
    """Return why instruction counts cannot be taken here, or ``None``.

    Only the presence of valgrind is checked; a run that splits nothing
    (no ``getppid`` symbol) raises :class:`BenchmarkError` later.
    """
    if valgrind() is None:
        return "valgrind is not installed"
    return None


@dataclass(frozen=True, slots=True)
class Job:
    """One measured script.

    Attributes:
        key: Caller's key for the result.
        python: The interpreter.
        code: The script (``python -c``); it starts with
            :data:`MARK_PROLOGUE` and calls ``_mark()`` before and after
            every phase.
        env: Its environment (``PYTHONHASHSEED`` is set per run).
        seed: The hash seed.
    """

    key: str
    python: str
    code: str
    env: Mapping[str, str]
    seed: int


def _total(path: Path) -> int:
    """Read the instruction total of one callgrind profile."""
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(size - 4096, 0))
        tail = handle.read()
    for line in reversed(tail.splitlines()):
        for prefix in (_TOTALS, _SUMMARY):
            if line.startswith(prefix):
                return int(line[len(prefix) :].split()[0])
    raise BenchmarkError(f"no instruction total in callgrind profile {path.name}")


@dataclass(frozen=True, slots=True)
class Counted:
    """What one callgrind run gave.

    Attributes:
        phases: Instructions between consecutive marks, in order (start-up
            before the first mark and shutdown after the last left out).
        stdout: The script's standard output.
    """

    phases: list[int]
    stdout: str


def count(job: Job) -> Counted:
    """Run ``job`` under callgrind and count the instructions of each phase.

    Args:
        job: The script and its interpreter.

    Returns:
        The phases' instruction counts and the script's output.

    Raises:
        BenchmarkError: valgrind is missing, the script failed, or no mark
            was seen.
    """
    tool = valgrind()
    if tool is None:
        raise BenchmarkError("valgrind is not installed")
    with tempfile.TemporaryDirectory(prefix="spi-bench-cg-") as folder:
        out = Path(folder) / "cg.out"
        env = dict(job.env)
        env[HASH_SEED_VARIABLE] = str(job.seed)
        argv = [
            tool,
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            f"--dump-before={MARKER}",
            "--dump-line=no",
            "--dump-instr=no",
            job.python,
            "-c",
            job.code,
        ]
        _, done = run_child(argv, env=env)
        dumps = sorted(
            Path(folder).glob("cg.out.*"), key=lambda p: int(p.suffix.lstrip("."))
        )
        if not dumps:
            raise BenchmarkError(
                f"callgrind split nothing for {job.key!r}: no call of {MARKER} was "
                "seen (the interpreter's libc has no such symbol?)"
            )
        return Counted([_total(path) for path in dumps[1:]], done.stdout)


def run_jobs(jobs: Sequence[Job]) -> dict[tuple[str, int], Counted]:
    """Run jobs in parallel (instruction counts do not depend on load).

    Args:
        jobs: The scripts; ``(key, seed)`` must be unique.

    Returns:
        The result of each job by ``(key, seed)``.

    Raises:
        BenchmarkError: A job failed.
    """
    workers = max(os.cpu_count() or 1, 1)
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {(job.key, job.seed): pool.submit(count, job) for job in jobs}
        return {key: future.result() for key, future in futures.items()}
