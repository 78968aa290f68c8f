"""Section 4: what the AST validator costs over bare ``ast.parse``.

The validator (``scripts/ast_spi_validator.py``, full rule set with
``--check-protocols``) is timed over the SPI sources and over a large tree,
the standard library of the running interpreter without its test folders.
The baseline is reading and ``ast.parse``-ing the same files.

When the script exposes ``check_paths(paths, *, protocols=...)`` both are
timed in this process, as CPU time (``time.process_time``); otherwise both
run as subprocesses (the validator's command line against ``python -c
<bare parse>``, wall time), so that interpreter start-up is in both. Each
round runs the validator then the baseline, and the ratio is the median
per-round ratio with its 95% interval. The validator reports many
violations on the standard library: that is expected and its output is
discarded.

Where callgrind is available (not in quick mode) the targets are decided on
instruction counts instead, which the machine's load cannot move: one child
per hash seed validates, then parses, each tree between ``os.getppid``
marks. The large tree is sampled for this (every
:data:`INSTRUCTION_SAMPLE_EVERY`-th file): callgrind runs code about fifty
times slower.
"""

import ast
import gc
import importlib.util
import json
import os
import sys
import sysconfig
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import Protocol, cast

from benchmarks import callgrind
from benchmarks.common import (
    REPO,
    BenchmarkError,
    Decision,
    Row,
    SectionResult,
    Settings,
    Stats,
    TargetResult,
    child_env,
    decide,
    paired_decision,
    python_version,
    ratio_text,
    run_child,
    seeded_decision,
)

KEY = "validator"
TITLE = "AST validator cost"

VALIDATOR = REPO / "scripts" / "ast_spi_validator.py"
TARGET_RATIO = 2.0
"""The validator: within 2x of bare ``ast.parse`` of the same files."""

QUICK_TREE_FILES = 60
"""Files of the large tree in quick mode (smoke test only)."""

INSTRUCTION_SAMPLE_EVERY = 16
"""Instruction counts of the large tree take every 16th file (about 1 MB)."""

WARM_UP_FILES = 5
"""Files of each tree validated and parsed once before the first mark."""

SKIPPED_FOLDERS = frozenset(
    {"test", "tests", "idle_test", "site-packages", "__pycache__", "dist-packages"}
)

BARE_PARSE_CODE = """\
import ast, sys
for path in sys.argv[1:]:
    with open(path, "rb") as handle:
        ast.parse(handle.read(), path)
"""


class CheckPaths(Protocol):
    """The in-process entry point of the validator."""

    def __call__(self, paths: Sequence[str], /, *, protocols: bool = ...) -> object:
        """Check ``paths`` (``protocols``: also the contract rules)."""
        ...


def load_validator(path: Path | None = None) -> ModuleType | None:
    """Import the validator script as a module, or return ``None``.

    Args:
        path: The script (default: :data:`VALIDATOR`).

    Returns:
        The module, or ``None`` when the file does not exist.

    Raises:
        BenchmarkError: The file exists but cannot be imported.
    """
    path = VALIDATOR if path is None else path
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("_spi_bench_validator", path)
    if spec is None or spec.loader is None:
        raise BenchmarkError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise BenchmarkError(f"importing {path} failed: {exc!r}") from exc
    finally:
        sys.modules.pop(spec.name, None)
    return module


def in_process_entry(module: ModuleType) -> CheckPaths | None:
    """Return the validator's ``check_paths`` function, if it has one."""
    entry: object = getattr(module, "check_paths", None)
    return cast(CheckPaths, entry) if callable(entry) else None


def _python_files(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d for d in dirs if d not in SKIPPED_FOLDERS and not d.startswith(".")
        )
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(folder) / name


def parseable_files(root: Path, max_bytes: int, first: int | None = None) -> list[str]:
    """Return the ``.py`` files under ``root`` that both sides can handle.

    Kept: UTF-8 files of at most ``max_bytes`` that ``ast.parse`` accepts,
    so the validator and the baseline do the same parsing work.

    Args:
        root: Folder to walk (test folders and ``site-packages`` skipped).
        max_bytes: The validator's file size limit.
        first: Stop after this many files (quick mode).

    Returns:
        Paths, in walk order (sorted folders and names).
    """
    kept: list[str] = []
    for path in _python_files(root):
        if first is not None and len(kept) >= first:
            break
        try:
            data = path.read_bytes()
            if len(data) > max_bytes or data.startswith(b"\xef\xbb\xbf"):
                continue
            ast.parse(data.decode("utf-8"), str(path))
        except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
            continue
        kept.append(str(path))
    return kept


def bare_parse(paths: Sequence[str]) -> None:
    """Read and ``ast.parse`` every file: the baseline."""
    for path in paths:
        with open(path, "rb") as handle:
            ast.parse(handle.read(), path)


def _cpu_seconds(action: Callable[[], object]) -> float:
    gc.collect()
    started = time.process_time()
    action()
    return time.process_time() - started


def _measure_in_process(
    entry: CheckPaths, files: Sequence[str], repeats: int
) -> tuple[list[float], list[float]]:
    bare_parse(files)  # warm the OS cache
    entry(files, protocols=True)
    validator: list[float] = []
    baseline: list[float] = []
    for _ in range(repeats):  # interleaved: one of each per round
        validator.append(_cpu_seconds(lambda: entry(files, protocols=True)))
        baseline.append(_cpu_seconds(lambda: bare_parse(files)))
    return validator, baseline


def measure_subprocess(
    files: Sequence[str], repeats: int
) -> tuple[list[float], list[float]]:
    """Time the validator's command line and a bare-parse interpreter.

    Both are fresh interpreters given the same files, so start-up is in both.

    Args:
        files: The files, passed on both command lines.
        repeats: Timed rounds (after one warm-up round).

    Returns:
        Seconds per run of the validator, and of the bare parse, per round.

    Raises:
        BenchmarkError: The validator exited with 2 (bad input) or crashed.
    """
    env = child_env()
    validator_cmd = [sys.executable, str(VALIDATOR), "--check-protocols", *files]
    bare_cmd = [sys.executable, "-c", BARE_PARSE_CODE, *files]
    validator: list[float] = []
    bare: list[float] = []
    for _ in range(repeats + 1):  # the first round warms up
        elapsed, done = run_child(validator_cmd, env=env, check=False)
        if done.returncode not in (0, 1):
            raise BenchmarkError(
                f"validator exited {done.returncode}: {done.stderr[-400:]}"
            )
        validator.append(elapsed)
        bare.append(run_child(bare_cmd, env=env)[0])
    return validator[1:], bare[1:]


def instruction_worker(trees: Sequence[Sequence[str]]) -> None:
    """Validate, then parse, each tree between callgrind marks.

    Run by :func:`count_instructions` in a child under callgrind. A few
    files of each tree go through both first, so that what the validator
    imports or compiles on first use is not counted. Phases, in order: the
    validator then the bare parse of each tree.

    Args:
        trees: The files of each tree.

    Raises:
        BenchmarkError: The validator has no in-process entry point.
    """
    module = load_validator()
    entry = None if module is None else in_process_entry(module)
    if entry is None:
        raise BenchmarkError("the validator has no check_paths entry point")
    for files in trees:
        entry(files[:WARM_UP_FILES], protocols=True)
        bare_parse(files[:WARM_UP_FILES])
    gc.collect()
    gc.disable()
    os.getppid()
    for files in trees:
        entry(files, protocols=True)
        os.getppid()
        bare_parse(files)
        os.getppid()
    gc.enable()


def count_instructions(
    trees: Sequence[Sequence[str]], seeds: Sequence[int]
) -> list[tuple[dict[int, float], dict[int, float]]]:
    """Count the validator's and the bare parse's instructions per tree.

    Args:
        trees: The files of each tree.
        seeds: Hash seeds, one child each (run in parallel).

    Returns:
        Per tree: the validator's and the baseline's instructions (millions)
        by seed.

    Raises:
        BenchmarkError: callgrind failed or the phases do not match.
    """
    paths = [str(REPO), str(REPO / "src"), os.environ.get("PYTHONPATH", "")]
    env = child_env({"PYTHONPATH": os.pathsep.join(p for p in paths if p)})
    code = (
        "from benchmarks.bench_validator import instruction_worker\n"
        f"instruction_worker({json.dumps([list(files) for files in trees])})\n"
    )
    jobs = [callgrind.Job(KEY, sys.executable, code, env, seed) for seed in seeds]
    counts: list[tuple[dict[int, float], dict[int, float]]] = [({}, {}) for _ in trees]
    for (_key, seed), counted in callgrind.run_jobs(jobs).items():
        if len(counted.phases) != 2 * len(trees):
            raise BenchmarkError(
                f"{len(counted.phases)} callgrind phases for {len(trees)} trees"
            )
        for index, (validator, baseline) in enumerate(counts):
            validator[seed] = counted.phases[2 * index] / 1e6
            baseline[seed] = counted.phases[2 * index + 1] / 1e6
    return counts


def _counted_trees(
    trees: dict[str, list[str]], settings: Settings
) -> dict[str, tuple[list[str], Decision, Stats, Stats]]:
    """Decide each tree on instruction counts (a sample of the large one)."""
    sampled = {
        name: files if name == "SPI" else files[::INSTRUCTION_SAMPLE_EVERY]
        for name, files in trees.items()
    }
    counts = count_instructions(list(sampled.values()), settings.seeds)
    decided: dict[str, tuple[list[str], Decision, Stats, Stats]] = {}
    for (name, files), (validator, baseline) in zip(
        sampled.items(), counts, strict=True
    ):
        decision = seeded_decision(
            validator, baseline, f"instructions over {len(files)} files"
        )
        decided[name] = (
            files,
            decision,
            Stats.of(validator.values()),
            Stats.of(baseline.values()),
        )
    return decided


def run(settings: Settings) -> SectionResult:
    """Run the section.

    Args:
        settings: Repeat count; quick mode also shrinks the large tree.

    Returns:
        Validator and bare-parse times per tree, their ratio and the target
        verdicts; a single status row when the validator does not exist.
    """
    result = SectionResult(KEY, TITLE, python_version())
    module = load_validator()
    if module is None:
        result.rows.append(Row(KEY, f"validator not found: {VALIDATOR}", None, ""))
        result.notes.append("The validator section is skipped: the script is missing.")
        return result
    entry = in_process_entry(module)
    max_bytes: object = getattr(module, "MAX_BYTES", 2_000_000)
    limit = max_bytes if isinstance(max_bytes, int) else 2_000_000
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    first = QUICK_TREE_FILES if settings.quick else None
    trees = {
        "SPI": parseable_files(REPO / "src" / "omnibase" / "protocols", limit),
        "stdlib": parseable_files(stdlib, limit, first),
    }
    how = "CPU time in process" if entry is not None else "wall time, subprocess"
    counted = (
        _counted_trees(trees, settings)
        if settings.method == "instructions" and entry is not None
        else {}
    )
    for name, files in trees.items():
        repeats = (
            settings.validator_small_repeats
            if name == "SPI"
            else settings.validator_repeats
        )
        if entry is not None:
            validator, baseline = _measure_in_process(entry, files, repeats)
        else:
            validator, baseline = measure_subprocess(files, repeats)
        timed = paired_decision(
            validator, baseline, f"{how}, {len(validator)} interleaved rounds"
        )
        validator_stats, baseline_stats = Stats.of(validator), Stats.of(baseline)
        size = sum(os.path.getsize(f) for f in files) / 1e6
        label = f"{name} ({len(files)} files, {size:.1f} MB)"
        target = f"<= {TARGET_RATIO:g}x"
        if name in counted:
            sample, decision, counted_validator, counted_baseline = counted[name]
            outcome = decide(decision, TARGET_RATIO)
            sample_size = sum(os.path.getsize(f) for f in sample) / 1e6
            sample_label = f"{name} ({len(sample)} files, {sample_size:.1f} MB)"
            result.rows.append(
                Row(
                    KEY,
                    f"instructions: bare ast.parse: {sample_label}",
                    counted_baseline,
                    "M instr",
                )
            )
            result.rows.append(
                Row(
                    KEY,
                    f"instructions: validator --check-protocols: {sample_label}",
                    counted_validator,
                    "M instr",
                    f"bare ast.parse {counted_baseline.median:.1f}",
                    decision.ratio,
                    target,
                    outcome,
                )
            )
            measured = (
                f"{ratio_text(decision.ratio)}: {counted_validator.median:.1f} M vs "
                f"{counted_baseline.median:.1f} M instructions over {len(sample)} "
                f"files (CPU time: {ratio_text(timed.ratio)} over {len(files)} "
                f"files, 95% interval {ratio_text(timed.low)}-"
                f"{ratio_text(timed.high)})"
            )
            timed_target, timed_outcome = "", ""
        else:
            decision = timed
            outcome = decide(decision, TARGET_RATIO)
            measured = (
                f"{ratio_text(decision.ratio)}: {validator_stats.median:.3f} s vs "
                f"{baseline_stats.median:.3f} s over {len(files)} files"
            )
            timed_target, timed_outcome = target, outcome
        result.rows.append(Row(KEY, f"bare ast.parse: {label}", baseline_stats, "s"))
        result.rows.append(
            Row(
                KEY,
                f"validator --check-protocols: {label}",
                validator_stats,
                "s",
                f"bare ast.parse {baseline_stats.median:.3f}",
                timed.ratio,
                timed_target,
                timed_outcome,
            )
        )
        result.targets.append(
            TargetResult(
                f"the validator within {TARGET_RATIO:g}x of bare ast.parse ({name})",
                measured,
                decision.ratio,
                outcome,
                (
                    "Parsing is the floor. The validator reads each file once, parses "
                    "it once and walks the tree once; the rest is its rule checks per "
                    "node."
                    if decision.ratio <= TARGET_RATIO
                    else "The validator's single walk and rule checks per node cost "
                    "more than the parse itself; profile check_source on the tree."
                ),
                decision.method,
            )
        )
    if counted:
        result.notes.append(
            "instructions: callgrind counts the validator and the bare parse "
            "of each tree in one child per hash seed "
            f"({len(settings.seeds)} seeds), after both ran once on "
            f"{WARM_UP_FILES} files of the tree; the large tree is sampled "
            f"(every {INSTRUCTION_SAMPLE_EVERY}th file). The targets are decided "
            "on these counts; CPU time, which also pays for cache misses of the "
            "tree walk, is shown beside them without a verdict."
        )
    result.notes.append(
        f"Validator measured as {how}"
        + (
            " (check_paths(files, protocols=True)) against reading and "
            "ast.parse-ing the same files in a loop, one of each per round."
            if entry is not None
            else " (its command line) against `python -c <bare parse>`, both as "
            "fresh interpreters so start-up is in both."
        )
        + " Large tree: the running interpreter's standard library "
        f"(Lib/, Python {sys.version_info[0]}.{sys.version_info[1]}) without "
        "test folders and site-packages; "
        "files the parser rejects or larger than the validator's limit are left "
        "out of both. The validator's findings on the standard library are "
        "expected and discarded."
    )
    return result
