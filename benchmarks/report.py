"""Rendering of results: the plain-text table, Markdown and JSON.

The Markdown written by ``--write`` is rendered from the same
:class:`~benchmarks.common.SectionResult` objects as the printed table, so
the numbers in the docs are the numbers the tool printed.
"""

import json
import os
import platform
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

from benchmarks.common import (
    BenchmarkError,
    Row,
    SectionResult,
    Stats,
    TargetResult,
    ratio_text,
)

COLUMNS = (
    "section",
    "case",
    "median",
    "min",
    "max",
    "unit",
    "baseline",
    "ratio",
    "target",
    "verdict",
)

_DECIMALS = {"ns": 0, "ms": 2, "s": 3, "modules": 0, "M instr": 2, "instr": 0}


@dataclass(frozen=True, slots=True)
class Machine:
    """Where the benchmark ran.

    Attributes:
        python: ``sys.version`` on one line.
        executable: ``sys.executable``.
        platform: ``platform.platform()``.
        cpu: CPU model when the OS tells it, else the machine type.
        cpus: ``os.cpu_count()``.
        date: UTC time of the run.
    """

    python: str
    executable: str
    platform: str
    cpu: str
    cpus: int
    date: str

    @classmethod
    def current(cls) -> "Machine":
        """Describe this machine and interpreter."""
        return cls(
            " ".join(sys.version.split()),
            sys.executable,
            platform.platform(),
            _cpu_model(),
            os.cpu_count() or 0,
            datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        )


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def number(value: float, unit: str) -> str:
    """Format a measurement for its unit."""
    decimals = _DECIMALS.get(unit, 3)
    return f"{value:,.{decimals}f}"


def row_cells(row: Row) -> list[str]:
    """Return the table cells of ``row``, in :data:`COLUMNS` order."""
    stats = row.stats
    if stats is None:
        figures = ["-", "-", "-"]
    else:
        figures = [
            number(stats.median, row.unit),
            number(stats.minimum, row.unit),
            number(stats.maximum, row.unit),
        ]
    ratio = ratio_text(row.ratio) if row.ratio is not None else ""
    return [
        row.section,
        row.case,
        *figures,
        row.unit,
        row.baseline,
        ratio,
        row.target,
        row.verdict,
    ]


def text_table(rows: Sequence[Row]) -> str:
    """Render rows as an aligned plain-text table."""
    table = [list(COLUMNS), *(row_cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    numeric = {2, 3, 4, 7}
    lines: list[str] = []
    for index, cells in enumerate(table):
        padded = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ]
        lines.append("  ".join(padded).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def pythons(sections: Sequence[SectionResult]) -> list[str]:
    """Return the Python versions the sections measured, in run order."""
    seen: list[str] = []
    for section in sections:
        if section.python not in seen:
            seen.append(section.python)
    return seen


def text_report(
    machine: Machine,
    sections: Sequence[SectionResult],
    command: str,
    seconds: float,
    method: str = "",
) -> str:
    """Render the full plain-text report (header, table, targets, notes)."""
    lines = [
        f"Python {machine.python}",
        f"  executable: {machine.executable}",
        f"Pythons measured: {', '.join(pythons(sections))}",
        f"Platform {machine.platform}; CPU {machine.cpu}; {machine.cpus} CPUs",
        f"Command: {command}; took {seconds:.0f} s",
        "Each figure: median, min and max over repeated runs; ratio = median / "
        "the baseline's median, measured in the same run.",
        "",
        text_table([row for section in sections for row in section.rows]),
        "",
        f"Targets (verdicts decided on {method or 'see each target'}):",
    ]
    for section in sections:
        for target in section.targets:
            lines.append(f"- [{target.verdict}] {target.target}: {target.measured}")
            lines.append(f"    decided on: {target.method}")
            lines.append(f"    limited by: {target.limit}")
    lines.append("")
    lines.append("Notes:")
    for section in sections:
        lines.extend(f"- [{_label(section)}] {note}" for note in section.notes)
    return "\n".join(lines) + "\n"


def _label(section: SectionResult) -> str:
    return f"{section.key}, Python {section.python}"


def _md(text: str) -> str:
    return text.replace("|", "\\|")


_INTRO = """\
Every ONEX process pays the SPI's costs: import time at start-up,
`isinstance` when a dependency-injection container registers an
implementation, type-check time in CI, the conformance kit in an
implementer's CI. This page measures them against their floor, each
baseline measured in the same run:

- **import**: fresh interpreters importing every SPI module, against
  `import typing` and against the physical *floor*: one module, generated
  at run time, that imports the standard-library modules the SPI loads and
  defines as many empty runtime-checkable protocols as the SPI has, with
  the same member names and kinds (property, method, async method), found
  by walking the package. Also `import omnibase.protocols`; one contract
  per domain package (`from <domain> import <Protocol>`) against the full
  import (the domain packages re-export lazily, PEP 562); every export
  through its package (`from <domain> import *`), what laziness costs a
  program that uses everything; modules added to `sys.modules` and proof
  that all of them are standard library or SPI.
- **isinstance**: every protocol of the SPI (found by walking the package)
  with generated conforming and non-conforming objects, against an
  `abc.ABC` with the same members; and the kit's cached registration check
  (`check_conformance` on an instance whose class it has checked before)
  against a plain `isinstance`.
- **typecheck**: CPU time of cold `mypy` runs with the repository's strict
  `mypy.ini`.
- **validator**: `scripts/ast_spi_validator.py` against bare `ast.parse`
  of the same files.
- **kit**: the conformance kit against the reference implementations
  (total and per suite), and the kit's broken-variant self-test (wall time,
  no target).

## Method

A verdict must not change with the machine's load, so no target is
decided on one run of a few wall-clock samples:

- **Instruction counts** where valgrind is installed: callgrind counts the
  CPU instructions of the measured code alone (the import statement, one
  `isinstance` or `check_conformance` call, or the validator and the bare
  parse of a tree), between two marks in the child's code. Counts do
  not depend on what else the machine runs and are reproducible for a
  fixed `PYTHONHASHSEED`; each case runs under seeds 0, 1 and 2 and the
  interval of a ratio is its spread over the seeds. The import,
  `isinstance`, cached-check and validator targets are decided on these
  counts (the validator's large tree on every 16th file: callgrind runs
  code about fifty times slower).
- **CPU time of interleaved rounds** elsewhere (without valgrind, in quick
  mode, and for targets that are times by nature: the absolute import time,
  mypy), and beside the validator's counts: each round measures the case
  and its baseline one after the other, with `time.process_time` or the
  child's `getrusage` (time waiting for a core is not counted); the ratio
  is the median of the per-round ratios and its interval the
  distribution-free 95% interval of that median.
- The kit's time is wall time by nature: the median of its runs.

A target is `met` or `not met` only when the whole interval is on one side
of it, and `undecided` when the interval straddles it. The "decided on"
column names the method and interval of every verdict.

This machine exports `PYTHONDONTWRITEBYTECODE=1`, so no `.pyc` is ever
written and every import would recompile. The benchmark precompiles the SPI
(`python -m compileall -q src`) and runs its child interpreters with that
variable removed, so the import figures are for cached bytecode, which is
what users see.
"""


def markdown_report(
    machine: Machine,
    sections: Sequence[SectionResult],
    command: str,
    seconds: float,
    method: str = "",
) -> str:
    """Render the report written by ``--write`` (``docs/benchmarks.md``)."""
    out = [
        "# Benchmarks",
        "",
        f"<!-- Generated by `{command}`; do not edit by hand. -->",
        "",
        _INTRO,
        f"Regenerate with `{command}` (took {seconds:.0f} s).",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        f"| Python running the tool | {_md(machine.python)} |",
        f"| Pythons measured | {_md(', '.join(pythons(sections)))} |",
        f"| Platform | {_md(machine.platform)} |",
        f"| CPU | {_md(machine.cpu)} ({machine.cpus} CPUs) |",
        f"| Method | {_md(method or 'see each target')} |",
        f"| Date | {machine.date} |",
        "",
        "## Targets",
        "",
        "| target | measured | verdict | decided on | what limits it |",
        "|---|---|---|---|---|",
    ]
    for section in sections:
        out.extend(
            f"| {_md(t.target)} | {_md(t.measured)} | {t.verdict} | "
            f"{_md(t.method)} | {_md(t.limit)} |"
            for t in section.targets
        )
    out += ["", "## Results", ""]
    header = [c for c in COLUMNS if c != "section"]
    for section in sections:
        out += [f"### {section.title} (`{section.key}`, Python {section.python})", ""]
        out.append("| " + " | ".join(header) + " |")
        out.append(
            "|"
            + "|".join(
                "---:" if c in {"median", "min", "max", "ratio"} else "---"
                for c in header
            )
            + "|"
        )
        for row in section.rows:
            out.append("| " + " | ".join(_md(c) for c in row_cells(row)[1:]) + " |")
        out.append("")
        out.extend(f"- {_md(note)}" for note in section.notes)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def write_markdown(path: Path, text: str) -> None:
    """Write the Markdown report, creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# -- JSON (used by --json and by workers on other interpreters) -------------


def to_json(machine: Machine, sections: Sequence[SectionResult]) -> str:
    """Serialise a run."""
    return json.dumps(
        {"machine": asdict(machine), "sections": [asdict(s) for s in sections]},
        indent=1,
    )


def _field(data: Mapping[str, object], key: str) -> object:
    if key not in data:
        raise BenchmarkError(f"missing {key!r} in JSON results")
    return data[key]


def _str(data: Mapping[str, object], key: str) -> str:
    value = _field(data, key)
    if not isinstance(value, str):
        raise BenchmarkError(f"{key!r} is not a string")
    return value


def _float(data: Mapping[str, object], key: str) -> float:
    value = _field(data, key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BenchmarkError(f"{key!r} is not a number")
    return float(value)


def _mapping(value: object) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise BenchmarkError("expected a JSON object")
    return {str(k): v for k, v in cast("dict[object, object]", value).items()}


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise BenchmarkError("expected a JSON array")
    return list(cast("list[object]", value))


def _stats(value: object) -> Stats | None:
    if value is None:
        return None
    data = _mapping(value)
    return Stats(
        _float(data, "median"),
        _float(data, "minimum"),
        _float(data, "maximum"),
        int(_float(data, "samples")),
    )


def _row(value: object) -> Row:
    data = _mapping(value)
    ratio = _field(data, "ratio")
    return Row(
        _str(data, "section"),
        _str(data, "case"),
        _stats(_field(data, "stats")),
        _str(data, "unit"),
        _str(data, "baseline"),
        None if ratio is None else _float(data, "ratio"),
        _str(data, "target"),
        _str(data, "verdict"),
    )


def _target(value: object) -> TargetResult:
    data = _mapping(value)
    return TargetResult(
        _str(data, "target"),
        _str(data, "measured"),
        _float(data, "ratio"),
        _str(data, "verdict"),
        _str(data, "limit"),
        _str(data, "method"),
    )


def sections_from_json(text: str) -> list[SectionResult]:
    """Parse the sections of a :func:`to_json` document.

    Raises:
        BenchmarkError: The document does not have the expected shape.
    """
    try:
        document = _mapping(json.loads(text))
    except json.JSONDecodeError as exc:
        raise BenchmarkError(f"not JSON: {exc}") from exc
    sections: list[SectionResult] = []
    for item in _list(_field(document, "sections")):
        data = _mapping(item)
        sections.append(
            SectionResult(
                _str(data, "key"),
                _str(data, "title"),
                _str(data, "python"),
                [_row(r) for r in _list(_field(data, "rows"))],
                [_target(t) for t in _list(_field(data, "targets"))],
                [str(n) for n in _list(_field(data, "notes"))],
            )
        )
    return sections
