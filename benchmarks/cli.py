"""Command line: ``python -m benchmarks [options]``.

Runs the selected sections, prints the table (or JSON), and with
``--write`` renders the same results to ``docs/benchmarks.md``.
"""

import argparse
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from benchmarks import (
    bench_import,
    bench_isinstance,
    bench_kit,
    bench_typecheck,
    bench_validator,
    callgrind,
    report,
)
from benchmarks.common import (
    REPO,
    BenchmarkError,
    Method,
    Row,
    SectionResult,
    Settings,
    child_env,
    python_version,
)

type Runner = Callable[[Settings], SectionResult]

SECTIONS: Mapping[str, tuple[str, Runner]] = {
    bench_import.KEY: (bench_import.TITLE, bench_import.run),
    bench_isinstance.KEY: (bench_isinstance.TITLE, bench_isinstance.run),
    bench_typecheck.KEY: (bench_typecheck.TITLE, bench_typecheck.run),
    bench_validator.KEY: (bench_validator.TITLE, bench_validator.run),
    bench_kit.KEY: (bench_kit.TITLE, bench_kit.run),
}
"""Every section, in the order they run and print."""

PER_INTERPRETER = (bench_import.KEY, bench_isinstance.KEY)
"""Sections that ``--python`` repeats on other interpreters."""

DEFAULT_OUTPUT = REPO / "docs" / "benchmarks.md"


def _sections(text: str) -> list[str]:
    keys = [k.strip() for k in text.split(",") if k.strip()]
    unknown = [k for k in keys if k not in SECTIONS]
    if unknown or not keys:
        raise argparse.ArgumentTypeError(
            f"unknown section(s) {', '.join(unknown) or '(none)'}; "
            f"choose from {','.join(SECTIONS)}"
        )
    return keys


def parser() -> argparse.ArgumentParser:
    """Return the argument parser."""
    parse = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Measure the SPI's costs against their floor and print a table.",
    )
    parse.add_argument(
        "--quick",
        action="store_true",
        help="smoke mode: tiny repeat counts (numbers not meant to be read)",
    )
    parse.add_argument(
        "--only",
        type=_sections,
        default=list(SECTIONS),
        metavar="SECTIONS",
        help=f"comma-separated sections to run (default: {','.join(SECTIONS)})",
    )
    parse.add_argument(
        "--write",
        action="store_true",
        help="also write the results as Markdown to "
        f"{DEFAULT_OUTPUT.relative_to(REPO)}",
    )
    parse.add_argument(
        "--output",
        type=Path,
        metavar="PATH",
        help="write the Markdown here instead (implies --write)",
    )
    parse.add_argument(
        "--python",
        action="append",
        default=[],
        metavar="EXE",
        help="also run the import and isinstance sections with this interpreter "
        "(repeatable; it needs only the standard library)",
    )
    parse.add_argument(
        "--kit-python",
        action="append",
        default=[],
        metavar="EXE",
        help="also run the kit section with this interpreter (repeatable; it "
        "needs pytest and the SPI, e.g. .venv-3.13/bin/python, which "
        "`scripts/test --python 3.13` makes)",
    )
    parse.add_argument(
        "--method",
        choices=("auto", "instructions", "timing"),
        default="auto",
        help="how targets are decided: instruction counts (callgrind) or CPU "
        "time of interleaved rounds; auto: instructions when valgrind is "
        "installed, except in quick mode (default: auto)",
    )
    parse.add_argument("--method-note", default="", help=argparse.SUPPRESS)
    parse.add_argument(
        "--json",
        action="store_true",
        help="print the results as JSON instead of the table",
    )
    return parse


def resolve_method(requested: str, quick: bool, note: str = "") -> tuple[Method, str]:
    """Return the method that decides the targets, and why.

    Args:
        requested: ``auto``, ``instructions`` or ``timing``.
        quick: Quick mode (auto means timing there: callgrind is slow).
        note: A reason given by the caller (``--method-note``).

    Returns:
        The method and a note saying why it was chosen.

    Raises:
        BenchmarkError: ``instructions`` was asked for and valgrind is missing.
    """
    missing = callgrind.unavailable()
    if requested == "instructions":
        if missing is not None:
            raise BenchmarkError(f"--method instructions: {missing}")
        return "instructions", note or "--method instructions"
    if requested == "timing":
        return "timing", note or "--method timing"
    if missing is not None:
        return "timing", missing
    if quick:
        return "timing", "quick mode"
    return "instructions", "valgrind is installed"


def method_summary(settings: Settings) -> str:
    """Describe the method for the report header."""
    if settings.method == "instructions":
        return (
            "callgrind instruction counts (hash seeds "
            + ", ".join(str(s) for s in settings.seeds)
            + ") for the import, isinstance and validator targets; CPU time of "
            "interleaved rounds for the others"
        )
    return f"CPU time of interleaved rounds ({settings.method_note})"


def _failed(key: str, python: str, error: BenchmarkError) -> SectionResult:
    title = SECTIONS[key][0]
    result = SectionResult(key, title, python)
    result.rows.append(Row(key, f"FAILED: {error}", None, ""))
    result.notes.append(f"The section failed: {error}")
    return result


def run_sections(keys: Sequence[str], settings: Settings) -> list[SectionResult]:
    """Run sections in this interpreter.

    Args:
        keys: Section keys, in :data:`SECTIONS` order.
        settings: Repeat counts.

    Returns:
        One result per section; a failed section has a ``FAILED`` row.
    """
    results: list[SectionResult] = []
    for key in SECTIONS:
        if key not in keys:
            continue
        print(f"[benchmarks] {key} (Python {python_version()}) ...", file=sys.stderr)
        started = time.perf_counter()
        try:
            results.append(SECTIONS[key][1](settings))
        except BenchmarkError as error:
            results.append(_failed(key, python_version(), error))
        print(
            f"[benchmarks] {key} done in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
    return results


def run_elsewhere(
    python: str, keys: Sequence[str], settings: Settings
) -> list[SectionResult]:
    """Run sections with another interpreter (``--python``, ``--kit-python``).

    The other interpreter runs this package with ``--json``; the SPI is
    found through ``PYTHONPATH=src``. Its rows are labelled with its version.

    Args:
        python: The interpreter.
        keys: Sections to run there.
        settings: Repeat counts.

    Returns:
        Its results, or one failed section when it could not run.
    """
    argv = [python, "-m", "benchmarks", "--json", "--only", ",".join(keys)]
    argv += ["--method", settings.method, "--method-note", settings.method_note]
    if settings.quick:
        argv.append("--quick")
    paths = [str(REPO / "src"), os.environ.get("PYTHONPATH", "")]
    env = child_env({"PYTHONPATH": os.pathsep.join(p for p in paths if p)})
    print(f"[benchmarks] {','.join(keys)} with {python} ...", file=sys.stderr)
    try:
        done = subprocess.run(
            argv, cwd=REPO, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise BenchmarkError(
                f"{python} exited {done.returncode}: {done.stderr.strip()[-600:]}"
            )
        results = report.sections_from_json(done.stdout)
    except (OSError, BenchmarkError) as error:
        failure = (
            error if isinstance(error, BenchmarkError) else BenchmarkError(str(error))
        )
        return [_failed(keys[0], python, failure)]
    return relabel(results)


def relabel(sections: Sequence[SectionResult]) -> list[SectionResult]:
    """Label another interpreter's rows and targets with its version.

    Args:
        sections: Results of a ``--python`` interpreter.

    Returns:
        Copies whose rows' section reads ``import@3.13.0`` and whose
        targets start with ``[Python 3.13.0]``.
    """
    relabelled: list[SectionResult] = []
    for section in sections:
        rows = [
            replace(r, section=f"{r.section}@{section.python}") for r in section.rows
        ]
        targets = [
            replace(t, target=f"[Python {section.python}] {t.target}")
            for t in section.targets
        ]
        relabelled.append(replace(section, rows=rows, targets=targets))
    return relabelled


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark.

    Args:
        argv: Arguments (default: ``sys.argv[1:]``).

    Returns:
        0, or 1 when a section failed.
    """
    args = parser().parse_args(argv)
    quick: bool = args.quick
    keys: list[str] = args.only
    output: Path | None = args.output
    write: bool = args.write or output is not None
    extra: list[str] = args.python
    as_json: bool = args.json
    try:
        method, note = resolve_method(args.method, quick, args.method_note)
    except BenchmarkError as error:
        print(f"python -m benchmarks: {error}", file=sys.stderr)
        return 2
    settings = Settings(quick=quick, method=method, method_note=note)
    print(f"[benchmarks] method: {method_summary(settings)}", file=sys.stderr)
    started = time.perf_counter()
    sections = run_sections(keys, settings)
    elsewhere = [k for k in keys if k in PER_INTERPRETER]
    for python in extra:
        if elsewhere:
            sections.extend(run_elsewhere(python, elsewhere, settings))
    kit_pythons: list[str] = args.kit_python
    for python in kit_pythons:
        if bench_kit.KEY in keys:
            sections.extend(run_elsewhere(python, [bench_kit.KEY], settings))
    order = list(SECTIONS)
    sections.sort(key=lambda s: order.index(s.key))  # stable: main interpreter first
    seconds = time.perf_counter() - started
    machine = report.Machine.current()
    given = sys.argv[1:] if argv is None else argv
    # Interpreter paths are shown by name: the report must not name this machine.
    shown = [Path(a).name if Path(a).is_absolute() else a for a in given]
    command = shlex.join(["python", "-m", "benchmarks", *shown])
    summary = method_summary(settings)
    if as_json:
        print(report.to_json(machine, sections))
    else:
        print(report.text_report(machine, sections, command, seconds, summary), end="")
    if write:
        path = output if output is not None else DEFAULT_OUTPUT
        report.write_markdown(
            path, report.markdown_report(machine, sections, command, seconds, summary)
        )
        print(f"[benchmarks] wrote {path}", file=sys.stderr)
    failed = any(r.case.startswith("FAILED") for s in sections for r in s.rows)
    return 1 if failed else 0
