"""Shared data model and measuring helpers of the benchmark sections.

Every figure is a :class:`Stats` (median, min and max over repeated runs).
A section returns a :class:`SectionResult`: table rows, the targets it
evaluates and free-text notes. Nothing here knows about a specific section.

A target's verdict is taken from a :class:`Decision`: the measured ratio and
an interval around it that says how far noise can move it. The verdict is
``met`` or ``not met`` only when the whole interval is on one side of the
target, and ``undecided`` otherwise, so that a verdict printed once is the
verdict of every run (see :func:`decide`).
"""

import math
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal, Self

REPO: Final = Path(__file__).resolve().parent.parent
"""Root of the repository that holds this package."""

SPI_PACKAGE: Final = "omnibase.protocols"
"""Import name of the SPI."""

BYTECODE_VARIABLE: Final = "PYTHONDONTWRITEBYTECODE"
"""Removed from the environment of every child interpreter (see README)."""

HASH_SEED_VARIABLE: Final = "PYTHONHASHSEED"
"""Fixed in children whose results could depend on string hashing."""

MET: Final = "met"
NOT_MET: Final = "not met"
UNDECIDED: Final = "undecided"
"""The three verdicts of a target."""

type Method = Literal["instructions", "timing"]
"""How targets are decided: callgrind instruction counts or CPU time."""

CONFIDENCE_Z: Final = 1.96
"""z of the two-sided 95% interval used by :func:`median_interval`."""


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
        verdict: ``met``, ``not met`` or ``undecided`` (see :func:`decide`).
        limit: What limits the result (always filled in; most useful when the
            target is not met).
        method: How the verdict was decided: the measurement and its noise
            interval.
    """

    target: str
    measured: str
    ratio: float
    verdict: str
    limit: str
    method: str = ""

    @property
    def met(self) -> bool:
        """Whether the target is met (``undecided`` is not met)."""
        return self.verdict == MET


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
class Decision:
    """A measured ratio and how far noise can move it.

    Attributes:
        ratio: The figure compared with the target (a median, or the
            median over hash seeds of instruction counts).
        low: Lower end of the noise interval.
        high: Upper end of the noise interval.
        method: The measurement and the interval, in words.
    """

    ratio: float
    low: float
    high: float
    method: str


def decide(decision: Decision, limit: float) -> str:
    """Return the verdict on "at most ``limit``" for ``decision``.

    Args:
        decision: The measured ratio and its noise interval.
        limit: The largest ratio that meets the target.

    Returns:
        ``met`` when the whole interval is at or below ``limit``, ``not met``
        when it is wholly above, ``undecided`` when it straddles the limit
        (the figure is within the noise of the target).
    """
    if decision.high <= limit:
        return MET
    if decision.low > limit:
        return NOT_MET
    return UNDECIDED


def median_interval(samples: Sequence[float]) -> tuple[float, float, float]:
    """Return the median of ``samples`` and a 95% interval around it.

    The interval is distribution-free: the order statistics at ranks
    ``n/2 -+ 1.96 * sqrt(n)/2`` (the binomial confidence interval of a
    median). It narrows with more samples; for three samples it is the
    range.

    Args:
        samples: At least one value.

    Returns:
        Median, lower end, upper end.

    Raises:
        BenchmarkError: ``samples`` is empty.
    """
    values = sorted(samples)
    if not values:
        raise BenchmarkError("no samples to summarise")
    count = len(values)
    half = CONFIDENCE_Z * math.sqrt(count) / 2
    low = max(math.floor(count / 2 - half), 0)
    high = min(math.ceil(count / 2 + half), count - 1)
    return statistics.median(values), values[low], values[high]


def paired_decision(
    measured: Sequence[float], baseline: Sequence[float], method: str
) -> Decision:
    """Decide on per-round ratios of interleaved samples.

    Args:
        measured: One sample per round.
        baseline: The baseline's sample of the same rounds.
        method: What the samples are (e.g. ``CPU time of 31 interleaved
            rounds``); the interval is appended.

    Returns:
        The median per-round ratio and its 95% interval.

    Raises:
        BenchmarkError: No rounds, or a baseline sample is not positive.
    """
    if any(b <= 0 for b in baseline):
        raise BenchmarkError("a baseline sample is not positive")
    ratios = [m / b for m, b in zip(measured, baseline, strict=True)]
    median, low, high = median_interval(ratios)
    return Decision(
        median,
        low,
        high,
        f"{method}; median per-round ratio, 95% interval "
        f"{ratio_text(low)}-{ratio_text(high)}",
    )


def seeded_decision(
    measured: Mapping[int, float], baseline: Mapping[int, float], method: str
) -> Decision:
    """Decide on instruction counts taken under several hash seeds.

    Counts are reproducible for a fixed seed; the seeds move them by a
    fraction of a percent. The interval is the range of the per-seed
    ratios.

    Args:
        measured: Instructions by hash seed.
        baseline: The baseline's instructions by the same seeds.
        method: What was counted; the seeds and interval are appended.

    Returns:
        The median per-seed ratio and the range over seeds.

    Raises:
        BenchmarkError: The seeds differ, or a baseline count is not positive.
    """
    if set(measured) != set(baseline) or not measured:
        raise BenchmarkError("instruction counts of different hash seeds")
    if any(v <= 0 for v in baseline.values()):
        raise BenchmarkError("a baseline instruction count is not positive")
    ratios = [measured[seed] / baseline[seed] for seed in sorted(measured)]
    seeds = ", ".join(str(seed) for seed in sorted(measured))
    return Decision(
        statistics.median(ratios),
        min(ratios),
        max(ratios),
        f"{method}; callgrind instruction counts, PYTHONHASHSEED {seeds}: "
        f"{ratio_text(min(ratios))}-{ratio_text(max(ratios))}",
    )


@dataclass(frozen=True, slots=True)
class Settings:
    """How long to measure, and how targets are decided.

    Attributes:
        quick: Smoke mode: tiny repeat counts, smaller trees. The structure
            of the output is the same; the numbers are not meant to be read.
        method: ``instructions`` (callgrind) or ``timing`` (CPU time of
            interleaved rounds); see ``benchmarks/README.md``.
        method_note: Why this method was chosen (e.g. valgrind missing).
    """

    quick: bool = False
    method: Method = "timing"
    method_note: str = ""

    @property
    def seeds(self) -> tuple[int, ...]:
        """Hash seeds of the callgrind runs (one run per seed and case)."""
        return (0,) if self.quick else (0, 1, 2)

    @property
    def instruction_loops(self) -> int:
        """Checks per callgrind phase of the ``isinstance`` section.

        Not smaller in quick mode: over a few dozen iterations the counts
        still include the interpreter's specialisation attempts (the empty
        loop costs 43 instructions per iteration over 10, 78 from 100 on).
        """
        return 100

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
        """Cold ``mypy`` runs per case (interleaved rounds)."""
        return 1 if self.quick else 7

    @property
    def validator_repeats(self) -> int:
        """Rounds of the validator and the bare parse over the large tree."""
        return 1 if self.quick else 7

    @property
    def validator_small_repeats(self) -> int:
        """Rounds over the SPI (a few ms each: many rounds are cheap)."""
        return 3 if self.quick else 41

    @property
    def kit_repeats(self) -> int:
        """Runs of the conformance kit (none in quick mode)."""
        return 0 if self.quick else 3


def python_version() -> str:
    """Return the running interpreter's version, e.g. ``3.12.1``."""
    return ".".join(str(part) for part in sys.version_info[:3])


def ratio_text(ratio: float) -> str:
    """Format a ratio as ``1.23x``."""
    return f"{ratio:.2f}x"


def verdict(met: bool) -> str:
    """Return the table's word for a yes/no verdict."""
    return MET if met else NOT_MET


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
        BenchmarkError: ``check`` is true and the child failed, or it could
            not be started.
    """
    started = time.perf_counter()
    try:
        done = subprocess.run(
            list(argv),
            env=dict(env),
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError as exc:
        raise BenchmarkError(f"cannot run {argv[0]!r}: {exc}") from exc
    elapsed = time.perf_counter() - started
    if check and done.returncode != 0:
        raise BenchmarkError(
            f"{' '.join(argv)!r} exited {done.returncode}: {done.stderr.strip()[-800:]}"
        )
    return elapsed, done


def children_cpu_seconds() -> float:
    """Return the CPU time (user + system) of every finished child so far.

    The difference around one :func:`run_child` call is that child's CPU
    time: unlike wall time it does not grow while the child waits for a
    core another process holds.
    """
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_child_cpu(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path = REPO,
    check: bool = True,
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run a child process and return its CPU time (user + system).

    Children must run one at a time for the figure to be the child's own.

    Args:
        argv: Command line.
        env: Its environment.
        cwd: Its working directory.
        check: Raise when it exits non-zero.

    Returns:
        CPU seconds of the child, and the completed process.
    """
    before = children_cpu_seconds()
    _, done = run_child(argv, env=env, cwd=cwd, check=check)
    return children_cpu_seconds() - before, done


def precompile(python: str, env: Mapping[str, str]) -> None:
    """Write the SPI's bytecode cache for ``python`` (``compileall -q src``).

    Args:
        python: Interpreter whose cache tag is written.
        env: Environment (without ``PYTHONDONTWRITEBYTECODE``).
    """
    run_child([python, "-m", "compileall", "-q", str(REPO / "src")], env=env)
