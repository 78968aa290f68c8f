"""Section 3: what type-checking against the SPI costs an implementer's CI.

Cold ``mypy`` runs (``--no-incremental --cache-dir=/dev/null``) with the
repository's ``mypy.ini`` (``strict = True`` plus extra error codes) over
``src``, over a small implementer module (:mod:`benchmarks.implementer_sample`)
and over an empty module, which is the baseline: loading mypy and the
typeshed stubs of ``builtins`` costs every run the same.

The figure is the CPU time of each mypy process (user + system, from
``getrusage``), which does not grow while another process holds the core.
The three runs of a round follow each other and rounds repeat, so ratios
are medians of per-round ratios, with their 95% interval.
"""

import os
import sys
import tempfile
from pathlib import Path

from benchmarks.common import (
    REPO,
    Row,
    SectionResult,
    Settings,
    Stats,
    paired_decision,
    python_version,
    ratio_text,
    run_child_cpu,
)

KEY = "typecheck"
TITLE = "type-check cost (cold mypy)"

SAMPLE = REPO / "benchmarks" / "implementer_sample.py"


def mypy_command(target: Path) -> list[str]:
    """Return the cold ``mypy`` command line for ``target``."""
    return [
        sys.executable,
        "-m",
        "mypy",
        "--config-file",
        str(REPO / "mypy.ini"),
        "--no-incremental",
        "--cache-dir",
        os.devnull,
        str(target),
    ]


def run(settings: Settings) -> SectionResult:
    """Run the section.

    Args:
        settings: Repeat count.

    Returns:
        Seconds per cold run for each target and its ratio to the empty
        module; a note when mypy reported errors.
    """
    result = SectionResult(KEY, TITLE, python_version())
    src = REPO / "src"
    sources = sum(1 for _ in src.rglob("*.py"))
    with tempfile.TemporaryDirectory(prefix="spi-bench-") as folder:
        empty = Path(folder) / "empty_module.py"
        empty.write_text("", encoding="utf-8")
        targets = {
            "empty": (empty, "mypy (cold): an empty module"),
            "src": (src, f"mypy --strict (cold): src ({sources} files)"),
            "sample": (
                SAMPLE,
                f"mypy --strict (cold): implementer module ({SAMPLE.name})",
            ),
        }
        samples: dict[str, list[float]] = {key: [] for key in targets}
        failures: dict[str, str] = {}
        for _ in range(settings.mypy_repeats):
            for key, (target, _label) in targets.items():
                cpu, done = run_child_cpu(
                    mypy_command(target), env=os.environ, check=False
                )
                samples[key].append(cpu)
                if done.returncode != 0:
                    failures[key] = (done.stdout.strip().splitlines() or ["?"])[-1]
    empty_stats = Stats.of(samples["empty"])
    intervals: list[str] = []
    for key, (_target, label) in targets.items():
        stats = Stats.of(samples[key])
        if key == "empty":
            result.rows.append(Row(KEY, label, stats, "s"))
            continue
        decision = paired_decision(
            samples[key], samples["empty"], "CPU time of cold mypy runs"
        )
        intervals.append(
            f"{key}: {ratio_text(decision.ratio)} "
            f"({ratio_text(decision.low)}-{ratio_text(decision.high)})"
        )
        result.rows.append(
            Row(
                KEY,
                label,
                stats,
                "s",
                f"empty module {empty_stats.median:.2f}",
                decision.ratio,
            )
        )
    result.notes.append(
        "CPU time (user + system) of each cold mypy process: "
        "--no-incremental --cache-dir=/dev/null, the repository's mypy.ini "
        "(strict = True, extra error codes; the Any bans on omnibase.protocols "
        "apply when it is checked). The implementer module imports the SPI, so "
        "its run also analyses the SPI modules it uses. "
        f"{settings.mypy_repeats} interleaved rounds; ratio = median per-round "
        "ratio to the empty module, with its 95% interval: "
        + "; ".join(intervals)
        + ". No target: the figures are for reading."
    )
    for key, last_line in sorted(failures.items()):
        result.notes.append(f"mypy reported errors for {key}: {last_line}")
    return result
