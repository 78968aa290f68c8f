"""Shared data model and measuring helpers of the benchmark sections.

Every figure is a :class:`Stats` (median, min and max over repeated runs).
A section returns a :class:`SectionResult`: table rows, the targets of the
issue it evaluates and free-text notes. Nothing here knows about a specific
section.
"""

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Self

REPO: Final = Path(__file__).resolve().parent.parent
"""Root of the repository that holds this package."""

SPI_PACKAGE: Final = "omnibase.protocols"
"""Import name of the SPI."""

BYTECODE_VARIABLE: Final = "PYTHONDONTWRITEBYTECODE"
"""Removed from the environment of every child interpreter (see README)."""


class BenchmarkError(RuntimeError):
    """A benchmark could not be run as designed (not a slow result)."""


@dataclass(frozen=True, slots=True)
class Stats:
    """Median, minimum and maximum of repeated measurements.

    Attributes:
        median: Median of the samples.
        minimum: Smallest sample.
        maximum: Largest sample.
        samples: Number of samples.
    """

    median: float
    minimum: float
    maximum: float
    samples: int

    @classmethod
    def of(cls, samples: Iterable[float]) -> Self:
        """Summarise samples.

        Args:
            samples: At least one measurement.

        Returns:
            Their median, minimum and maximum.

        Raises:
            BenchmarkError: ``samples`` is empty.
        """
        values = list(samples)
        if not values:
            raise BenchmarkError("no samples to summarise")
        return cls(statistics.median(values), min(values), max(values), len(values))

    def scaled(self, factor: float) -> Self:
        """Return the same statistics multiplied by ``factor`` (unit change)."""
        return type(self)(
            self.median * factor,
            self.minimum * factor,
            self.maximum * factor,
            self.samples,
        )


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the results table.

    Attributes:
        section: Section key (``import``, ``isinstance``, ...), with the
            Python version appended for extra interpreters.
        case: What was measured.
        stats: The measurement; ``None`` for a status line (e.g. a tool that
            was not found).
        unit: Unit of ``stats`` (``ms``, ``ns``, ``s``, ``modules``).
        baseline: The baseline the ratio is taken against, with its median.
        ratio: ``stats.median`` divided by the baseline's median.
        target: The issue's target for this row, if any.
        verdict: ``met`` or ``not met`` when there is a target.
    """

    section: str
    case: str
    stats: Stats | None
    unit: str
    baseline: str = ""
    ratio: float | None = None
    target: str = ""
    verdict: str = ""


@dataclass(frozen=True, slots=True)
class TargetResult:
    """The verdict on one target of the issue.

    Attributes:
        target: The target as the issue states it.
        measured: The measured value, in words (ratio and absolute figures).
        ratio: The ratio the verdict is based on.
        met: Whether the target is met.
        limit: What limits the result (always filled in; most useful when the
            target is not met).
    """

    target: str
    measured: str
    ratio: float
    met: bool
    limit: str


@dataclass(slots=True)
class SectionResult:
    """Everything one section measured.

    Attributes:
        key: Section key, as accepted by ``--only``.
        title: Human-readable title.
        python: Version of the interpreter that was measured.
        rows: Table rows.
        targets: Verdicts on the issue's targets.
        notes: Method notes and observations worth reading with the rows.
    """

    key: str
    title: str
    python: str
    rows: list[Row] = field(default_factory=list[Row])
    targets: list[TargetResult] = field(default_factory=list[TargetResult])
    notes: list[str] = field(default_factory=list[str])


@dataclass(frozen=True, slots=True)
class Settings:
    """How long to measure.

    Attributes:
        quick: Smoke mode: tiny repeat counts, smaller trees. The structure
            of the output is the same; the numbers are not meant to be read.
    """

    quick: bool = False

    @property
    def process_repeats(self) -> int:
        """Fresh interpreters per import case."""
        return 3 if self.quick else 31

    @property
    def importtime_repeats(self) -> int:
        """``-X importtime`` runs per case."""
        return 3 if self.quick else 11

    @property
    def timeit_repeats(self) -> int:
        """``timeit`` repeats per ``isinstance`` case."""
        return 3 if self.quick else 21

    @property
    def timeit_budget(self) -> float:
        """Target duration of one ``timeit`` repeat, in seconds.

        Short, so that on a busy machine many repeats fall between two
        preemptions; the median over many short repeats is steadier than
        over a few long ones.
        """
        return 0.0005 if self.quick else 0.001

    @property
    def mypy_repeats(self) -> int:
        """Cold ``mypy`` runs per case."""
        return 1 if self.quick else 3

    @property
    def validator_repeats(self) -> int:
        """Runs of the validator (and of the bare parse) per tree."""
        return 1 if self.quick else 5


def python_version() -> str:
    """Return the running interpreter's version, e.g. ``3.12.1``."""
    return ".".join(str(part) for part in sys.version_info[:3])


def ratio_text(ratio: float) -> str:
    """Format a ratio as ``1.23x``."""
    return f"{ratio:.2f}x"


def verdict(met: bool) -> str:
    """Return the table's word for a verdict."""
    return "met" if met else "not met"


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the environment for child interpreters.

    ``PYTHONDONTWRITEBYTECODE`` is removed so that the children read and
    write cached bytecode, as users' interpreters do.

    Args:
        extra: Variables to add or override.

    Returns:
        A copy of this process's environment.
    """
    env = {k: v for k, v in os.environ.items() if k != BYTECODE_VARIABLE}
    if extra:
        env.update(extra)
    return env


def run_child(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path = REPO,
    check: bool = True,
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run a child process and time it (wall clock, start to exit).

    Args:
        argv: Command line.
        env: Its environment.
        cwd: Its working directory.
        check: Raise when it exits non-zero.

    Returns:
        Seconds from start to exit, and the completed process (text output).

    Raises:
        BenchmarkError: ``check`` is true and the child failed.
    """
    started = time.perf_counter()
    done = subprocess.run(
        list(argv), env=dict(env), cwd=cwd, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if check and done.returncode != 0:
        raise BenchmarkError(
            f"{' '.join(argv)!r} exited {done.returncode}: {done.stderr.strip()[-800:]}"
        )
    return elapsed, done


def precompile(python: str, env: Mapping[str, str]) -> None:
    """Write the SPI's bytecode cache for ``python`` (``compileall -q src``).

    Args:
        python: Interpreter whose cache tag is written.
        env: Environment (without ``PYTHONDONTWRITEBYTECODE``).
    """
    run_child([python, "-m", "compileall", "-q", str(REPO / "src")], env=env)
