"""Section 1: what importing the SPI costs a fresh interpreter.

Cases, each a fresh ``python -c <code>`` of the measured interpreter:
``pass``; ``import typing``; the standard-library modules the SPI loads;
the *floor* (those modules plus as many empty runtime-checkable protocols
as the SPI has, with the same member names and kinds, generated at run
time by :mod:`benchmarks.floor`); ``import omnibase.protocols``; every SPI
module; every export through its package (``from <domain> import *`` for
each domain package: what laziness costs a program that uses everything);
and one contract per domain package (``from <domain> import <Protocol>``,
plus the example the issue names).

Three measurements:

- *instructions* (when valgrind is there): callgrind counts the
  instructions of the import statement alone, between two marks (see
  :mod:`benchmarks.callgrind`), once per hash seed. The import targets are
  decided on these counts, which do not depend on the machine's load.
- *CPU time in process*: the child times its import statement with
  ``time.process_time``. The cases run round-robin (one child of each case
  per round), so a busy moment hits every case alike; targets fall back to
  the median per-round ratio and its 95% interval without valgrind.
- *wall*: start to exit of each child, and ``-X importtime``, for context.

The SPI is precompiled and the children run without
``PYTHONDONTWRITEBYTECODE``, so they load cached bytecode as users'
interpreters do. A separate run per case lists the modules added to
``sys.modules``, each classified by the child itself as standard library
(``sys.stdlib_module_names``), SPI or other.
"""

import importlib
import os
import statistics
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from benchmarks import callgrind, floor, spi
from benchmarks.common import (
    SPI_PACKAGE,
    BenchmarkError,
    Decision,
    Row,
    SectionResult,
    Settings,
    Stats,
    TargetResult,
    child_env,
    decide,
    median_interval,
    paired_decision,
    precompile,
    python_version,
    ratio_text,
    run_child,
    seeded_decision,
)

KEY = "import"
TITLE = "import cost of a fresh interpreter"

TYPING_TARGET: Final = 1.5
"""Every SPI module: at most 1.5x the cost of ``import typing``."""

FLOOR_TARGET: Final = 1.5
"""Every SPI module: at most 1.5x the cost of the floor (the same factor)."""

CONTRACT_TARGET: Final = 0.7
"""Importing one contract: at most 0.7x the cost of every SPI module."""

PACKAGE_TARGET_MS: Final = 1.0
"""``import omnibase.protocols``: adds under 1 ms."""

EXAMPLE_CONTRACT: Final = (f"{SPI_PACKAGE}.container", "ProtocolServiceRegistry")
"""The one-contract import the issue names; measured when it exists."""

PASS = "pass"
TYPING = "typing"
DEPS = "deps"
FLOOR = "floor"
PACKAGE = "package"
EVERYTHING = "everything"
EXPORTS = "exports"
CONTRACT_PREFIX = "contract:"

_LIST_CODE = """\
import sys
_before = set(sys.modules)
{statement}
for _name in sorted(set(sys.modules) - _before):
    _top = _name.partition(".")[0]
    if _name == "omnibase" or _name == {spi!r} or _name.startswith({spi!r} + "."):
        _kind = "spi"
    elif _top in sys.stdlib_module_names:
        _kind = "stdlib"
    else:
        _kind = "other"
    print(_kind, _name)
"""

_TIMED = """\
import time as _time
_cpu, _wall = _time.process_time(), _time.perf_counter()
{statement}
print(_time.process_time() - _cpu, _time.perf_counter() - _wall)
"""

_COUNTED = callgrind.MARK_PROLOGUE + "_mark()\n{statement}\n_mark()\n"


@dataclass(frozen=True, slots=True)
class Case:
    """One child interpreter's job.

    Attributes:
        key: Internal key.
        label: Table label.
        statement: Python code run with ``-c``.
    """

    key: str
    label: str
    statement: str


@dataclass(frozen=True, slots=True)
class ImportTimeEntry:
    """One line of ``-X importtime``.

    Attributes:
        name: Module name.
        level: Nesting level (0: imported by the top-level code).
        self_us: Microseconds in the module itself.
        cumulative_us: Microseconds including what it imported.
    """

    name: str
    level: int
    self_us: int
    cumulative_us: int


def parse_importtime(stderr: str) -> list[ImportTimeEntry]:
    """Parse the ``-X importtime`` report of a child's stderr.

    Args:
        stderr: The child's standard error.

    Returns:
        The entries in the order printed (a module after what it imported).
    """
    entries: list[ImportTimeEntry] = []
    for line in stderr.splitlines():
        if not line.startswith("import time:"):
            continue
        parts = line[len("import time:") :].split("|")
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue  # the header line
        raw = parts[2].rstrip()
        indent = len(raw) - len(raw.lstrip(" ")) - 1
        entries.append(
            ImportTimeEntry(
                raw.strip(), max(indent, 0) // 2, int(parts[0]), int(parts[1])
            )
        )
    return entries


def _import_statement(modules: Sequence[str]) -> str:
    return "\n".join(f"import {name}" for name in modules)


def exports_statement(modules: Sequence[str]) -> str:
    """Import every export through its package, as a program using all would.

    ``from <domain> import *`` for each domain package (each export goes
    through the package's lazy ``__getattr__``), ``import`` for the other
    top-level modules (``errors``).
    """
    depth = SPI_PACKAGE.count(".") + 1
    packages = domains(modules)
    lines = [f"from {d} import *" for d in packages]
    lines += [
        f"import {m}" for m in modules if m.count(".") == depth and m not in packages
    ]
    return "\n".join(lines)


def domains(modules: Sequence[str]) -> list[str]:
    """Return the domain packages: direct children of the SPI with modules."""
    depth = SPI_PACKAGE.count(".") + 1
    return [
        m
        for m in modules
        if m.count(".") == depth and any(n.startswith(f"{m}.") for n in modules)
    ]


def contract_statements(
    modules: Sequence[str], infos: Sequence[spi.ProtocolInfo]
) -> list[tuple[str, str]]:
    """Choose the one-contract imports: the issue's example, one per domain.

    Per domain package, the first service protocol in module order (else
    its first protocol) is imported from the package, as users write it.

    Args:
        modules: Every SPI module.
        infos: Every SPI protocol.

    Returns:
        ``(label, statement)`` pairs, the issue's example first.
    """
    chosen: list[tuple[str, str]] = []
    package, name = EXAMPLE_CONTRACT
    if any(i.module.startswith(f"{package}.") and i.name == name for i in infos):
        chosen.append((package, name))
    for domain in domains(modules):
        inside = [i for i in infos if i.module.startswith(f"{domain}.")]
        services = [i for i in inside if i.kind == "service"]
        candidates = services or inside
        if not candidates or (domain, candidates[0].name) in chosen:
            continue
        pick = candidates[0]
        exported = hasattr(importlib.import_module(domain), pick.name)
        chosen.append((domain if exported else pick.module, pick.name))
    return [(f"from {m} import {n}", f"from {m} import {n}") for m, n in chosen]


def import_cases(
    modules: Sequence[str],
    deps: Sequence[str],
    protocols: int,
    contracts: Sequence[tuple[str, str]],
) -> list[Case]:
    """Return the cases every round runs, the one-contract imports last."""
    cases = [
        Case(PASS, "python -c pass", "pass"),
        Case(TYPING, "import typing", "import typing"),
        Case(
            DEPS,
            f"the {len(deps)} stdlib modules the SPI loads",
            "\n".join(f"__import__({name!r})" for name in deps),
        ),
        Case(
            FLOOR,
            f"floor: those modules + {protocols} empty protocols",
            f"import {floor.MODULE}",
        ),
        Case(PACKAGE, f"import {SPI_PACKAGE}", f"import {SPI_PACKAGE}"),
        Case(
            EVERYTHING,
            f"every SPI module ({len(modules)})",
            _import_statement(modules),
        ),
        Case(
            EXPORTS,
            "every export through its package (from <domain> import *)",
            exports_statement(modules),
        ),
    ]
    cases.extend(
        Case(f"{CONTRACT_PREFIX}{label}", label, statement)
        for label, statement in contracts
    )
    return cases


def added_modules(
    python: str, statement: str, env: Mapping[str, str]
) -> dict[str, list[str]]:
    """List what ``statement`` adds to ``sys.modules`` in a fresh interpreter.

    Args:
        python: The interpreter.
        statement: Code to run.
        env: Its environment.

    Returns:
        Module names by kind: ``spi``, ``stdlib`` and ``other``.
    """
    code = _LIST_CODE.format(statement=statement, spi=SPI_PACKAGE)
    _, done = run_child([python, "-c", code], env=env)
    found: dict[str, list[str]] = {"spi": [], "stdlib": [], "other": []}
    for line in done.stdout.splitlines():
        kind, _, name = line.partition(" ")
        found.setdefault(kind, []).append(name)
    return found


@dataclass(frozen=True, slots=True)
class Samples:
    """Per-case samples of the round-robin runs (milliseconds).

    Attributes:
        wall: Start to exit of the child.
        cpu: The import statement alone, CPU time measured by the child.
    """

    wall: dict[str, list[float]]
    cpu: dict[str, list[float]]


def _rounds(
    python: str, cases: Sequence[Case], env: Mapping[str, str], repeats: int
) -> Samples:
    codes = {case.key: _TIMED.format(statement=case.statement) for case in cases}
    for case in cases:  # warm-up: fills the OS cache and any missing .pyc
        run_child([python, "-c", codes[case.key]], env=env)
    samples = Samples({c.key: [] for c in cases}, {c.key: [] for c in cases})
    for _ in range(repeats):
        for case in cases:
            elapsed, done = run_child([python, "-c", codes[case.key]], env=env)
            samples.wall[case.key].append(elapsed * 1000.0)
            try:
                cpu = float(done.stdout.split()[-2])
            except (IndexError, ValueError) as exc:
                raise BenchmarkError(f"{case.label}: no timing printed") from exc
            samples.cpu[case.key].append(cpu * 1000.0)
    return samples


def _instructions(
    python: str, cases: Sequence[Case], env: Mapping[str, str], seeds: Sequence[int]
) -> dict[str, dict[int, float]]:
    """Count each case's import statement under every seed (millions)."""
    jobs = [
        callgrind.Job(
            case.key, python, _COUNTED.format(statement=case.statement), env, seed
        )
        for case in cases
        if case.key != PASS
        for seed in seeds
    ]
    counts: dict[str, dict[int, float]] = {}
    for (key, seed), counted in callgrind.run_jobs(jobs).items():
        phases = counted.phases
        if len(phases) != 1:
            raise BenchmarkError(f"{key}: expected one counted phase, got {phases}")
        counts.setdefault(key, {})[seed] = phases[0] / 1e6
    return counts


@dataclass(frozen=True, slots=True)
class ImportTimes:
    """``-X importtime`` figures (microseconds, one value per run).

    Attributes:
        typing_cumulative: ``typing`` with what it imports.
        package_cumulative: ``omnibase.protocols`` (and ``omnibase``).
        everything_cumulative: Every SPI module with the stdlib they need.
        spi_self: Sum of the SPI modules' own time (no stdlib).
        stdlib_self: Sum of the stdlib modules' own time in the same run.
        per_module: Each SPI module's own time, per run.
    """

    typing_cumulative: list[float]
    package_cumulative: list[float]
    everything_cumulative: list[float]
    spi_self: list[float]
    stdlib_self: list[float]
    per_module: dict[str, list[float]]


def _is_spi(name: str) -> bool:
    return name in ("omnibase", SPI_PACKAGE) or name.startswith(f"{SPI_PACKAGE}.")


def _importtime(
    python: str, statement: str, env: Mapping[str, str], startup: set[str]
) -> list[ImportTimeEntry]:
    _, done = run_child([python, "-X", "importtime", "-c", statement], env=env)
    return [e for e in parse_importtime(done.stderr) if e.name not in startup]


def _importtimes(
    python: str, cases: Mapping[str, Case], env: Mapping[str, str], repeats: int
) -> ImportTimes:
    _, done = run_child([python, "-X", "importtime", "-c", "pass"], env=env)
    startup = {e.name for e in parse_importtime(done.stderr)}
    result = ImportTimes([], [], [], [], [], {})
    for _ in range(repeats):
        typing_run = _importtime(python, cases[TYPING].statement, env, startup)
        result.typing_cumulative.extend(
            e.cumulative_us for e in typing_run if e.name == "typing"
        )
        package_run = _importtime(python, cases[PACKAGE].statement, env, startup)
        result.package_cumulative.append(
            sum(e.cumulative_us for e in package_run if e.level == 0)
        )
        everything = _importtime(python, cases[EVERYTHING].statement, env, startup)
        result.everything_cumulative.append(
            sum(e.cumulative_us for e in everything if e.level == 0)
        )
        spi_entries = [e for e in everything if _is_spi(e.name)]
        result.spi_self.append(sum(e.self_us for e in spi_entries))
        result.stdlib_self.append(
            sum(e.self_us for e in everything if not _is_spi(e.name))
        )
        for entry in spi_entries:
            result.per_module.setdefault(entry.name, []).append(entry.self_us)
    if not result.typing_cumulative or not result.spi_self:
        raise BenchmarkError("-X importtime did not report typing or the SPI")
    return result


def _row(
    label: str,
    stats: Stats,
    unit: str,
    baseline: Stats | None = None,
    name: str = "",
) -> Row:
    if baseline is None:
        return Row(KEY, label, stats, unit)
    return Row(
        KEY,
        label,
        stats,
        unit,
        f"{name} {baseline.median:.2f}",
        stats.median / baseline.median,
    )


def _count_row(label: str, count: int, typing_count: int | None = None) -> Row:
    stats = Stats(count, count, count, 1)
    if typing_count is None:
        return Row(KEY, label, stats, "modules")
    return Row(
        KEY, label, stats, "modules", f"typing {typing_count}", count / typing_count
    )


@dataclass(frozen=True, slots=True)
class Comparison:
    """One ratio the section reports, with its baseline.

    Attributes:
        key: The measured case.
        baseline: The baseline case.
        name: The baseline's short name in the table.
        target: Largest ratio that meets the target (``None``: no target).
    """

    key: str
    baseline: str
    name: str
    target: float | None = None


def comparisons_of(cases: Sequence[Case]) -> list[Comparison]:
    """Return every ratio the section reports, with its target if any."""
    rows = [
        Comparison(DEPS, TYPING, "typing"),
        Comparison(FLOOR, TYPING, "typing"),
        Comparison(PACKAGE, TYPING, "typing"),
        Comparison(EVERYTHING, TYPING, "typing", TYPING_TARGET),
        Comparison(EVERYTHING, FLOOR, "floor", FLOOR_TARGET),
        Comparison(EXPORTS, EVERYTHING, "every SPI module"),
    ]
    rows.extend(
        Comparison(c.key, EVERYTHING, "every SPI module", CONTRACT_TARGET)
        for c in cases
        if c.key.startswith(CONTRACT_PREFIX)
    )
    return rows


@dataclass(slots=True)
class Measured:
    """Everything the section measured on one interpreter.

    Attributes:
        cases: The cases by key.
        samples: CPU and wall samples of the round-robin runs.
        instructions: Millions of instructions by case and hash seed
            (empty without valgrind).
        decisions: The decision behind every compared ratio.
    """

    cases: dict[str, Case]
    samples: Samples
    instructions: dict[str, dict[int, float]]
    decisions: dict[tuple[str, str], Decision]


def decide_comparisons(
    measured: Measured, comparisons: Sequence[Comparison], rounds: int
) -> None:
    """Fill ``measured.decisions``: instructions when counted, else CPU time."""
    for comparison in comparisons:
        pair = (comparison.key, comparison.baseline)
        if measured.instructions:
            measured.decisions[pair] = seeded_decision(
                measured.instructions[comparison.key],
                measured.instructions[comparison.baseline],
                "instructions of the import statement",
            )
        else:
            measured.decisions[pair] = paired_decision(
                measured.samples.cpu[comparison.key],
                measured.samples.cpu[comparison.baseline],
                f"in-process CPU time of {rounds} interleaved rounds",
            )


def instruction_rows(
    measured: Measured, comparisons: Sequence[Comparison]
) -> list[Row]:
    """Rows of instruction counts (none without valgrind), with verdicts."""
    if not measured.instructions:
        return []
    stats = {
        key: Stats.of(by_seed.values())
        for key, by_seed in measured.instructions.items()
    }
    rows = [_row("instructions: import typing", stats[TYPING], "M instr")]
    for comparison in comparisons:
        label = measured.cases[comparison.key].label
        row = _row(
            f"instructions: {label}",
            stats[comparison.key],
            "M instr",
            stats[comparison.baseline],
            comparison.name,
        )
        if comparison.target is not None:
            decision = measured.decisions[(comparison.key, comparison.baseline)]
            row = replace(
                row,
                ratio=decision.ratio,
                target=f"<= {comparison.target:g}x {comparison.name}",
                verdict=decide(decision, comparison.target),
            )
        rows.append(row)
    return rows


def _cpu_rows(
    measured: Measured, comparisons: Sequence[Comparison], decide_here: bool
) -> list[Row]:
    cpu = {key: Stats.of(values) for key, values in measured.samples.cpu.items()}
    rows = [_row("CPU in process: import typing", cpu[TYPING], "ms")]
    for comparison in comparisons:
        if comparison.key == PACKAGE:
            continue  # its own row below, with the absolute target
        label = measured.cases[comparison.key].label
        decision = measured.decisions[(comparison.key, comparison.baseline)]
        row = _row(
            f"CPU in process: {label}",
            cpu[comparison.key],
            "ms",
            cpu[comparison.baseline],
            comparison.name,
        )
        if decide_here:  # the median per-round ratio decides
            row = replace(row, ratio=decision.ratio)
            if comparison.target is not None:
                row = replace(
                    row,
                    target=f"<= {comparison.target:g}x {comparison.name}",
                    verdict=decide(decision, comparison.target),
                )
        rows.append(row)
    package = _package_decision(measured)
    rows.append(
        replace(
            _row(
                f"CPU in process: import {SPI_PACKAGE}",
                cpu[PACKAGE],
                "ms",
                cpu[TYPING],
                "typing",
            ),
            target=f"< {PACKAGE_TARGET_MS:g} ms",
            verdict=decide(package, 1.0),
        )
    )
    return rows


def _package_decision(measured: Measured) -> Decision:
    samples = measured.samples.cpu[PACKAGE]
    median, low, high = median_interval(samples)
    return Decision(
        median / PACKAGE_TARGET_MS,
        low / PACKAGE_TARGET_MS,
        high / PACKAGE_TARGET_MS,
        f"in-process CPU time of {len(samples)} interleaved rounds; median "
        f"{median:.2f} ms, 95% interval {low:.2f}-{high:.2f} ms",
    )


def _wall_rows(measured: Measured) -> list[Row]:
    wall = measured.samples.wall
    rows = [
        _row(f"wall: {case.label}", Stats.of(wall[case.key]), "ms")
        for case in measured.cases.values()
        if not case.key.startswith(CONTRACT_PREFIX)
    ]
    typing_cost = Stats.of(a - b for a, b in zip(wall[TYPING], wall[PASS], strict=True))
    rows.append(_row("wall cost: import typing - pass", typing_cost, "ms"))
    for key in (PACKAGE, EVERYTHING):
        cost = Stats.of(a - b for a, b in zip(wall[key], wall[PASS], strict=True))
        rows.append(
            _row(
                f"wall cost: {measured.cases[key].label} - pass",
                cost,
                "ms",
                typing_cost,
                "typing - pass",
            )
        )
    return rows


def _importtime_rows(times: ImportTimes) -> list[Row]:
    typing_it = Stats.of(times.typing_cumulative).scaled(0.001)
    rows = [_row("importtime: typing, cumulative", typing_it, "ms")]
    for label, values in (
        (
            f"importtime: {SPI_PACKAGE} (with omnibase), cumulative",
            times.package_cumulative,
        ),
        ("importtime: every SPI module, cumulative", times.everything_cumulative),
        ("importtime: every SPI module, SPI modules' self", times.spi_self),
        ("importtime: every SPI module, stdlib modules' self", times.stdlib_self),
    ):
        rows.append(
            _row(label, Stats.of(values).scaled(0.001), "ms", typing_it, "typing")
        )
    return rows


@dataclass(frozen=True, slots=True)
class Loaded:
    """Modules each case adds to ``sys.modules``, by kind.

    Attributes:
        typing: ``import typing``.
        package: ``import omnibase.protocols``.
        everything: Every SPI module.
        floor: The floor module.
    """

    typing: dict[str, list[str]]
    package: dict[str, list[str]]
    everything: dict[str, list[str]]
    floor: dict[str, list[str]]


def _module_rows(loaded: Loaded) -> tuple[list[Row], list[str]]:
    typing_count = sum(len(v) for v in loaded.typing.values())
    rows = [
        _count_row("modules added: import typing", typing_count),
        _count_row(
            f"modules added: import {SPI_PACKAGE}",
            sum(len(v) for v in loaded.package.values()),
            typing_count,
        ),
        _count_row(
            f"modules added: every SPI module ({len(loaded.everything['spi'])} SPI)",
            sum(len(v) for v in loaded.everything.values()),
            typing_count,
        ),
    ]
    outside = sorted(set(loaded.package["other"] + loaded.everything["other"]))
    rows.append(
        replace(
            _count_row("modules added outside stdlib and SPI", len(outside)),
            target="0",
            verdict="met" if not outside else "not met",
        )
    )
    return rows, outside


def run(settings: Settings) -> SectionResult:
    """Run the section with the running interpreter.

    Args:
        settings: Repeat counts and the method that decides the targets.

    Returns:
        Instruction counts (with valgrind), CPU times in process, wall
        times, ``-X importtime`` figures, module counts, the proof that
        nothing outside the standard library and the SPI is loaded, and the
        target verdicts.

    Raises:
        BenchmarkError: A child interpreter failed.
    """
    python = sys.executable
    precompile(python, child_env())
    modules = spi.module_names()
    infos = spi.protocols(modules)
    with tempfile.TemporaryDirectory(prefix="spi-bench-floor-") as folder:
        paths = [folder, os.environ.get("PYTHONPATH", "")]
        env = child_env({"PYTHONPATH": os.pathsep.join(p for p in paths if p)})
        everything = added_modules(python, _import_statement(modules), env)
        planned = floor.plan(infos)
        floor.write(Path(folder), floor.source(planned, everything["stdlib"]))
        cases = import_cases(
            modules,
            everything["stdlib"],
            len(planned),
            contract_statements(modules, infos),
        )
        by_key = {case.key: case for case in cases}
        loaded = Loaded(
            added_modules(python, by_key[TYPING].statement, env),
            added_modules(python, by_key[PACKAGE].statement, env),
            everything,
            added_modules(python, by_key[FLOOR].statement, env),
        )
        instructions = (
            _instructions(python, cases, env, settings.seeds)
            if settings.method == "instructions"
            else {}
        )
        samples = _rounds(python, cases, env, settings.process_repeats)
        times = _importtimes(python, by_key, env, settings.importtime_repeats)
    measured = Measured(by_key, samples, instructions, {})
    comparisons = comparisons_of(cases)
    decide_comparisons(measured, comparisons, settings.process_repeats)
    result = SectionResult(KEY, TITLE, python_version())
    result.rows.extend(instruction_rows(measured, comparisons))
    result.rows.extend(_cpu_rows(measured, comparisons, not instructions))
    result.rows.extend(_wall_rows(measured))
    result.rows.extend(_importtime_rows(times))
    module_rows, outside = _module_rows(loaded)
    result.rows.extend(module_rows)
    _targets(
        result, measured, comparisons, times=times, modules=modules, planned=planned
    )
    _notes(result, loaded, outside, planned, settings)
    note = laziness_note(measured)
    if note is not None:
        result.notes.append(note)
    return result


def _per_module_text(times: ImportTimes) -> str:
    medians = {
        name: statistics.median(values) for name, values in times.per_module.items()
    }
    ordered = sorted(medians, key=medians.__getitem__)
    lightest, heaviest = ordered[0], ordered[-1]
    return (
        f"per module {statistics.median(medians.values()):.0f} us median, from "
        f"{medians[lightest]:.0f} us ({lightest}) to {medians[heaviest]:.0f} us "
        f"({heaviest})"
    )


def _figure(measured: Measured, key: str) -> str:
    """The figure the verdicts use for ``key``, in words."""
    if measured.instructions:
        by_seed = measured.instructions[key]
        return f"{statistics.median(by_seed.values()):.1f} M instructions"
    return f"{statistics.median(measured.samples.cpu[key]):.2f} ms CPU"


def _targets(
    result: SectionResult,
    measured: Measured,
    comparisons: Sequence[Comparison],
    *,
    times: ImportTimes,
    modules: Sequence[str],
    planned: Sequence[floor.FloorProtocol],
) -> None:
    version = f"(Python {python_version()})"
    package = _package_decision(measured)
    result.targets.append(
        TargetResult(
            f"import {SPI_PACKAGE} adds under {PACKAGE_TARGET_MS:g} ms",
            f"{package.ratio * PACKAGE_TARGET_MS:.2f} ms CPU in process {version}",
            package.ratio,
            decide(package, 1.0),
            f"{SPI_PACKAGE}/__init__.py only defines __version__: the cost is "
            "finding the PEP 420 namespace package omnibase (each sys.path entry "
            "is searched) and loading one cached module.",
            package.method,
        )
    )
    decisions = measured.decisions
    to_typing = decisions[(EVERYTHING, TYPING)]
    to_floor = decisions[(EVERYTHING, FLOOR)]
    floor_to_typing = decisions[(FLOOR, TYPING)]
    spi_self = statistics.median(times.spi_self) / 1000.0
    own = (
        f"the SPI's own {len(modules)} modules add {ratio_text(to_floor.ratio)} "
        f"of the floor ({spi_self:.2f} ms self time under -X importtime, "
        f"{_per_module_text(times)}): a fixed cost per module (find, read and "
        "unmarshal a .pyc, run its imports) plus annotations and docstrings"
    )
    result.targets.append(
        TargetResult(
            f"every SPI module imports at no more than {TYPING_TARGET:g}x the cost "
            "of import typing",
            f"{ratio_text(to_typing.ratio)}: {_figure(measured, EVERYTHING)} vs "
            f"{_figure(measured, TYPING)} for typing {version}",
            to_typing.ratio,
            decide(to_typing, TYPING_TARGET),
            f"The floor (the stdlib modules the SPI needs and {len(planned)} empty "
            "runtime-checkable protocols with the same members) costs "
            f"{ratio_text(floor_to_typing.ratio)} typing on its own"
            + (
                ", already above the target: no SPI with these contracts can meet "
                "it; "
                if floor_to_typing.ratio > TYPING_TARGET
                else "; "
            )
            + f"{own}.",
            to_typing.method,
        )
    )
    result.targets.append(
        TargetResult(
            f"every SPI module imports at no more than {FLOOR_TARGET:g}x the "
            "cost of its floor",
            f"{ratio_text(to_floor.ratio)}: {_figure(measured, EVERYTHING)} vs "
            f"{_figure(measured, FLOOR)} for the floor {version}",
            to_floor.ratio,
            decide(to_floor, FLOOR_TARGET),
            f"The floor is what any dependency-free SPI with these {len(planned)} "
            f"protocols pays; {own}.",
            to_floor.method,
        )
    )
    _contract_target(result, measured, comparisons, version)


def _contract_target(
    result: SectionResult,
    measured: Measured,
    comparisons: Sequence[Comparison],
    version: str,
) -> None:
    contracts = [c for c in comparisons if c.key.startswith(CONTRACT_PREFIX)]
    if not contracts:
        return
    decisions = [measured.decisions[(c.key, c.baseline)] for c in contracts]
    worst_index = max(range(len(contracts)), key=lambda i: decisions[i].ratio)
    worst = decisions[worst_index]
    # The worst of several ratios: its interval runs from the largest lower
    # end to the largest upper end.
    combined = Decision(
        worst.ratio,
        max(d.low for d in decisions),
        max(d.high for d in decisions),
        worst.method,
    )
    first = decisions[0]
    first_label = measured.cases[contracts[0].key].label
    worst_label = measured.cases[contracts[worst_index].key].label
    result.targets.append(
        TargetResult(
            "importing one contract costs at most "
            f"{CONTRACT_TARGET:g}x importing every SPI module",
            f"worst {ratio_text(worst.ratio)} ({worst_label}); {first_label}: "
            f"{ratio_text(first.ratio)}; median "
            f"{ratio_text(statistics.median(d.ratio for d in decisions))} over "
            f"{len(decisions)} contracts {version}",
            combined.ratio,
            decide(combined, CONTRACT_TARGET),
            "The domain packages re-export lazily (PEP 562 __getattr__): one "
            "contract loads its own module, the SPI modules that module imports "
            "(the types modules its annotations name, which get_type_hints() "
            "needs bound, and core.protocol_lifecycle) and importlib. import "
            f"typing alone costs {_share(measured, TYPING)} of every SPI module "
            f"and the stdlib modules the SPI needs {_share(measured, DEPS)}: "
            "the contracts whose annotations use three of the four types "
            "modules (workflow, MCP, event bus) cannot get far below that; "
            "only splitting the types modules would.",
            combined.method
            + f"; the verdict needs every one of the {len(decisions)} contracts",
        )
    )


def _share(measured: Measured, key: str) -> str:
    """A case's cost as a share of every SPI module, in words."""
    if measured.instructions:
        by_seed = measured.instructions
        case = statistics.median(by_seed[key].values())
        everything = statistics.median(by_seed[EVERYTHING].values())
    else:
        case = statistics.median(measured.samples.cpu[key])
        everything = statistics.median(measured.samples.cpu[EVERYTHING])
    return ratio_text(case / everything)


def laziness_note(measured: Measured) -> str | None:
    """The decision on what laziness costs a program importing everything."""
    decision = measured.decisions.get((EXPORTS, EVERYTHING))
    if decision is None:
        return None
    growth = (decision.ratio - 1.0) * 100.0
    return (
        "Laziness (decision): every export through its package costs "
        f"{ratio_text(decision.ratio)} of every SPI module imported module by "
        f"module ({growth:+.1f}%; {decision.method}): one call of "
        "the package's PEP 562 __getattr__ per name (importlib.import_module "
        "and a failed lookup first), after which the name is cached in the "
        "package. Importing module by module (the 'every SPI module' rows) "
        "calls no hook and imports no importlib. The full import may grow by "
        "this much: a program pays it once, only when it imports every "
        "contract through the packages, and every program that imports a few "
        "contracts saves far more (the one-contract rows)."
    )


def _notes(
    result: SectionResult,
    loaded: Loaded,
    outside: Sequence[str],
    planned: Sequence[floor.FloorProtocol],
    settings: Settings,
) -> None:
    beyond_typing = sorted(
        set(loaded.everything["stdlib"]) - set(loaded.typing["stdlib"])
    )
    counts = floor.kinds(planned)
    result.notes.append(
        "This machine exports PYTHONDONTWRITEBYTECODE=1. The benchmark runs "
        "`python -m compileall -q src` first and starts every child interpreter "
        "with that variable removed, so the figures are for cached bytecode, "
        "which is what users see; the floor module is precompiled too."
    )
    if settings.method == "instructions":
        result.notes.append(
            "instructions: callgrind counts the instructions of the import "
            "statement alone (between two os.getppid marks), in a fresh "
            f"interpreter per case and hash seed ({len(settings.seeds)} seeds); "
            "min and max are over the seeds. The import targets are decided on "
            "these counts."
        )
    else:
        result.notes.append(
            "instructions: not counted (" + settings.method_note + "); the "
            "targets are decided on CPU time in process."
        )
    result.notes.append(
        "CPU in process: the import statement timed with time.process_time "
        "inside fresh children, one child per case per round, rounds "
        "interleaved; ratios are medians of per-round ratios. wall: start to "
        "exit of the same children; wall cost: per-round difference to "
        "`python -c pass` (can be negative within the noise); importtime: "
        "`-X importtime` in separate children."
    )
    result.notes.append(
        f"floor: one generated module importing the {len(loaded.everything['stdlib'])} "
        f"stdlib modules every SPI module loads, then defining {len(planned)} "
        "empty @runtime_checkable protocols mirroring the SPI's (found by walking "
        "the package: same names, protocol bases and type-parameter counts; "
        + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
        + "; bodies `...`, no annotations or docstrings). It adds "
        f"{len(loaded.floor['stdlib'])} stdlib modules"
        + (
            ", the same as the SPI."
            if set(loaded.floor["stdlib"]) == set(loaded.everything["stdlib"])
            else ", NOT the same set as the SPI."
        )
    )
    result.notes.append(
        "One contract: `from <domain> import <Protocol>` in a fresh interpreter, "
        "for the example the issue names and for the first service protocol "
        "(else the first protocol) of each domain package, found by walking "
        "the package."
    )
    result.notes.append(
        f"Every SPI module loads {len(loaded.everything['stdlib'])} stdlib modules "
        f"and {len(loaded.everything['spi'])} SPI modules (omnibase namespace "
        "included). stdlib modules beyond those of typing: "
        f"{', '.join(beyond_typing) or 'none'}."
    )
    if outside:
        result.notes.append(f"NOT stdlib or SPI: {', '.join(outside)}")
    else:
        result.notes.append(
            "Proof of isolation: the top-level name of every module added to "
            "sys.modules is in the child's sys.stdlib_module_names, or the "
            f"module is omnibase or {SPI_PACKAGE}[.*]."
        )
