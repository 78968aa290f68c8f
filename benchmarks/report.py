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
    verdict,
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

_DECIMALS = {"ns": 0, "ms": 2, "s": 3, "modules": 0}


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


def text_report(
    machine: Machine, sections: Sequence[SectionResult], command: str, seconds: float
) -> str:
    """Render the full plain-text report (header, table, targets, notes)."""
    lines = [
        f"Python {machine.python}",
        f"  executable: {machine.executable}",
        f"Platform {machine.platform}; CPU {machine.cpu}; {machine.cpus} CPUs",
        f"Command: {command}; took {seconds:.0f} s",
        "Each figure: median, min and max over repeated runs; ratio = median / "
        "the baseline's median, measured in the same run.",
        "",
        text_table([row for section in sections for row in section.rows]),
        "",
        "Targets:",
    ]
    for section in sections:
        for target in section.targets:
            lines.append(
                f"- [{verdict(target.met)}] {target.target}: {target.measured}"
            )
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
implementation, type-check time in CI. This page measures them against their
physical floor (a bare interpreter, `import typing`, an `abc.ABC` check, an
empty-module mypy run, bare `ast.parse`), each baseline measured in the same
run. Every figure is the median over repeated runs, with min and max.

- **import**: fresh interpreters (`python -c ...`) importing
  `omnibase.protocols` and every SPI module, against `python -c pass` and
  `import typing`; `-X importtime`; modules added to `sys.modules` and proof
  that all of them are standard library or SPI.
- **isinstance**: every protocol of the SPI (found by walking the package)
  with generated conforming and non-conforming objects, against an `abc.ABC`
  with the same members.
- **typecheck**: cold `mypy` with the repository's strict `mypy.ini`.
- **validator**: `scripts/ast_spi_validator.py` against bare `ast.parse` of
  the same files.

This machine exports `PYTHONDONTWRITEBYTECODE=1`, so no `.pyc` is ever
written and every import would recompile. The benchmark precompiles the SPI
(`python -m compileall -q src`) and runs its child interpreters with that
variable removed, so the import figures are for cached bytecode, which is
what users see.
"""


def markdown_report(
    machine: Machine, sections: Sequence[SectionResult], command: str, seconds: float
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
        f"| Python | {_md(machine.python)} |",
        f"| Platform | {_md(machine.platform)} |",
        f"| CPU | {_md(machine.cpu)} ({machine.cpus} CPUs) |",
        f"| Date | {machine.date} |",
        "",
        "## Targets",
        "",
        "| target | measured | verdict | what limits it |",
        "|---|---|---|---|",
    ]
    for section in sections:
        out.extend(
            f"| {_md(t.target)} | {_md(t.measured)} | {verdict(t.met)} | "
            f"{_md(t.limit)} |"
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
        _field(data, "met") is True,
        _str(data, "limit"),
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
