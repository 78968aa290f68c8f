"""Section 1: what importing the SPI costs a fresh interpreter.

Every case is a fresh ``python -c <code>`` of the measured interpreter, timed
from start to exit (wall clock). The cases run round-robin, so that a slow
moment of the machine hits all of them alike, and a cost is the per-round
difference to ``python -c pass``. The SPI is precompiled first and the
children run without ``PYTHONDONTWRITEBYTECODE``, so they load cached
bytecode as users' interpreters do.

``-X importtime`` splits the cost by module, and a separate run per case
lists the modules added to ``sys.modules``, each classified by the child
itself as standard library (``sys.stdlib_module_names``), SPI or other.
"""

import statistics
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from benchmarks import spi
from benchmarks.common import (
    SPI_PACKAGE,
    BenchmarkError,
    Row,
    SectionResult,
    Settings,
    Stats,
    TargetResult,
    child_env,
    precompile,
    python_version,
    ratio_text,
    run_child,
    verdict,
)

KEY = "import"
TITLE = "import cost of a fresh interpreter"

ALL_MODULES_TARGET = 1.5
"""Every SPI module: at most 1.5x the cost of ``import typing``."""

PACKAGE_TARGET_MS = 1.0
"""``import omnibase.protocols``: adds under 1 ms."""

PASS = "pass"
TYPING = "typing"
DEPS = "deps"
PACKAGE = "package"
EVERYTHING = "everything"

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


def _cases(modules: Sequence[str], deps: Sequence[str]) -> list[Case]:
    return [
        Case(PASS, "python -c pass", "pass"),
        Case(TYPING, "import typing", "import typing"),
        Case(
            DEPS,
            f"import the {len(deps)} stdlib modules the SPI loads",
            "\n".join(f"__import__({name!r})" for name in deps),
        ),
        Case(PACKAGE, f"import {SPI_PACKAGE}", f"import {SPI_PACKAGE}"),
        Case(
            EVERYTHING,
            f"import every SPI module ({len(modules)})",
            _import_statement(modules),
        ),
    ]


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


_TIMED = """\
import time as _time
_started = _time.perf_counter()
{statement}
print(_time.perf_counter() - _started)
"""


@dataclass(frozen=True, slots=True)
class Samples:
    """Per-case samples of the round-robin runs (milliseconds).

    Attributes:
        wall: Start to exit of the child.
        inside: The import statement alone, timed by the child itself.
    """

    wall: dict[str, list[float]]
    inside: dict[str, list[float]]


def _wall_times(
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
                samples.inside[case.key].append(float(done.stdout.split()[-1]) * 1000)
            except (IndexError, ValueError) as exc:
                raise BenchmarkError(f"{case.label}: no timing printed") from exc
    return samples


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


def _cost(samples: Mapping[str, list[float]], key: str) -> Stats:
    """Per-round difference of ``key`` to ``python -c pass``."""
    return Stats.of(a - b for a, b in zip(samples[key], samples[PASS], strict=True))


def _stats_row(
    label: str, stats: Stats, baseline: Stats | None = None, name: str = ""
) -> Row:
    if baseline is None:
        return Row(KEY, label, stats, "ms")
    return Row(
        KEY,
        label,
        stats,
        "ms",
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
class Costs:
    """Costs over ``python -c pass`` (ms), wall and in-process.

    Attributes:
        typing: ``import typing``.
        deps: The stdlib modules the SPI loads.
        package: ``import omnibase.protocols``.
        everything: Every SPI module.
        inside_typing: ``import typing`` timed inside the child.
        inside_deps: The stdlib modules the SPI loads, timed inside the child.
        inside_package: ``import omnibase.protocols`` timed inside the child.
        inside_everything: Every SPI module timed inside the child.
    """

    typing: Stats
    deps: Stats
    package: Stats
    everything: Stats
    inside_typing: Stats
    inside_deps: Stats
    inside_package: Stats
    inside_everything: Stats


def _costs(samples: Samples) -> Costs:
    return Costs(
        _cost(samples.wall, TYPING),
        _cost(samples.wall, DEPS),
        _cost(samples.wall, PACKAGE),
        _cost(samples.wall, EVERYTHING),
        Stats.of(samples.inside[TYPING]),
        Stats.of(samples.inside[DEPS]),
        Stats.of(samples.inside[PACKAGE]),
        Stats.of(samples.inside[EVERYTHING]),
    )


def _time_rows(
    cases: Sequence[Case], samples: Samples, costs: Costs, modules: int
) -> list[Row]:
    rows = [
        _stats_row(f"wall: {case.label}", Stats.of(samples.wall[case.key]))
        for case in cases
    ]
    typing_name = "typing - pass"
    rows.append(_stats_row("cost: import typing - pass", costs.typing))
    rows.append(
        _stats_row(
            "cost: stdlib modules the SPI loads - pass (floor)",
            costs.deps,
            costs.typing,
            typing_name,
        )
    )
    package_met = costs.package.median < PACKAGE_TARGET_MS
    rows.append(
        replace(
            _stats_row(
                f"cost: import {SPI_PACKAGE} - pass",
                costs.package,
                costs.typing,
                typing_name,
            ),
            target=f"< {PACKAGE_TARGET_MS:g} ms",
            verdict=verdict(package_met),
        )
    )
    all_ratio = costs.everything.median / costs.typing.median
    rows.append(
        replace(
            _stats_row(
                f"cost: import every SPI module ({modules}) - pass",
                costs.everything,
                costs.typing,
                typing_name,
            ),
            target=f"<= {ALL_MODULES_TARGET:g}x typing",
            verdict=verdict(all_ratio <= ALL_MODULES_TARGET),
        )
    )
    rows.append(_stats_row("in-process: import typing", costs.inside_typing))
    for label, stats in (
        ("in-process: stdlib modules the SPI loads (floor)", costs.inside_deps),
        (f"in-process: import {SPI_PACKAGE}", costs.inside_package),
        ("in-process: import every SPI module", costs.inside_everything),
    ):
        rows.append(_stats_row(label, stats, costs.inside_typing, "typing"))
    return rows


def domains(modules: Sequence[str]) -> list[str]:
    """Return the direct children of the SPI package (its domains)."""
    depth = SPI_PACKAGE.count(".") + 1
    return [m for m in modules if m.count(".") == depth]


def _domain_rows(
    python: str,
    names: Sequence[str],
    env: Mapping[str, str],
    repeats: int,
    typing_inside: Stats,
) -> list[Row]:
    samples: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(repeats):
        for name in names:
            code = _TIMED.format(statement=f"import {name}")
            _, done = run_child([python, "-c", code], env=env)
            samples[name].append(float(done.stdout.split()[-1]) * 1000)
    return [
        _stats_row(
            f"in-process: import {name} (one domain)",
            Stats.of(samples[name]),
            typing_inside,
            "typing",
        )
        for name in names
    ]


def _importtime_rows(times: ImportTimes) -> list[Row]:
    typing_it = Stats.of(times.typing_cumulative).scaled(0.001)
    rows = [_stats_row("importtime: typing, cumulative", typing_it)]
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
            _stats_row(label, Stats.of(values).scaled(0.001), typing_it, "typing")
        )
    return rows


def run(settings: Settings) -> SectionResult:
    """Run the section with the running interpreter.

    Args:
        settings: Repeat counts.

    Returns:
        Wall times, costs over ``python -c pass``, in-process and
        ``-X importtime`` figures, module counts and the proof that nothing
        outside the standard library and the SPI is loaded.

    Raises:
        BenchmarkError: A child interpreter failed.
    """
    python = sys.executable
    env = child_env()
    precompile(python, env)
    modules = spi.module_names()
    everything = added_modules(python, _import_statement(modules), env)
    cases = _cases(modules, everything["stdlib"])
    by_key = {case.key: case for case in cases}
    samples = _wall_times(python, cases, env, settings.process_repeats)
    times = _importtimes(python, by_key, env, settings.importtime_repeats)
    costs = _costs(samples)
    result = SectionResult(KEY, TITLE, python_version())
    result.rows.extend(_time_rows(cases, samples, costs, len(modules)))
    result.rows.extend(
        _domain_rows(
            python,
            domains(modules),
            env,
            settings.importtime_repeats,
            costs.inside_typing,
        )
    )
    result.rows.extend(_importtime_rows(times))

    typing_mods = added_modules(python, by_key[TYPING].statement, env)
    package_mods = added_modules(python, by_key[PACKAGE].statement, env)
    typing_count = sum(len(v) for v in typing_mods.values())
    result.rows.append(_count_row("modules added: import typing", typing_count))
    result.rows.append(
        _count_row(
            f"modules added: import {SPI_PACKAGE}",
            sum(len(v) for v in package_mods.values()),
            typing_count,
        )
    )
    result.rows.append(
        _count_row(
            f"modules added: every SPI module ({len(everything['spi'])} SPI)",
            sum(len(v) for v in everything.values()),
            typing_count,
        )
    )
    outside = sorted(set(package_mods["other"] + everything["other"]))
    result.rows.append(
        replace(
            _count_row("modules added outside stdlib and SPI", len(outside)),
            target="0",
            verdict=verdict(not outside),
        )
    )
    _targets(result, costs, times, modules)
    _notes(result, everything, typing_mods, outside)
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


def _targets(
    result: SectionResult, costs: Costs, times: ImportTimes, modules: Sequence[str]
) -> None:
    protocols = len(spi.protocols(modules))
    spi_self = statistics.median(times.spi_self) / 1000.0
    package_it = statistics.median(times.package_cumulative) / 1000.0
    package = costs.package.median
    result.targets.append(
        TargetResult(
            f"import {SPI_PACKAGE} adds under {PACKAGE_TARGET_MS:g} ms",
            f"{package:.2f} ms wall (median of per-round differences to python -c "
            f"pass); in-process {costs.inside_package.median:.2f} ms; "
            f"-X importtime {package_it:.2f} ms (Python {python_version()})",
            package / PACKAGE_TARGET_MS,
            package < PACKAGE_TARGET_MS,
            f"{SPI_PACKAGE}/__init__.py only defines __version__: the cost is "
            "finding the PEP 420 namespace package omnibase (each sys.path entry "
            "is searched) and loading one cached module. The wall difference is "
            "within the run-to-run noise of interpreter start-up; the in-process "
            "figure is the precise one.",
        )
    )
    typing_cost = costs.typing.median
    ratio = costs.everything.median / typing_cost
    inside_typing = costs.inside_typing.median
    inside_ratio = costs.inside_everything.median / inside_typing
    floor_ratio = costs.inside_deps.median / inside_typing
    own = costs.inside_everything.median - costs.inside_deps.median
    budget = max(ALL_MODULES_TARGET - floor_ratio, 0.0) * inside_typing
    result.targets.append(
        TargetResult(
            f"all SPI modules import at no more than {ALL_MODULES_TARGET:g}x the cost "
            "of import typing alone",
            f"{ratio_text(ratio)}: {costs.everything.median:.2f} ms vs "
            f"{typing_cost:.2f} ms for typing (wall, over python -c pass); "
            f"in-process {ratio_text(inside_ratio)} (Python {python_version()})",
            ratio,
            ratio <= ALL_MODULES_TARGET,
            "In-process figures: the stdlib modules the SPI needs (typing, "
            "collections.abc, datetime, uuid and what they import) cost "
            f"{ratio_text(floor_ratio)} typing on their own. That floor leaves "
            f"{budget:.2f} ms at {ALL_MODULES_TARGET:g}x for the SPI's own "
            f"{len(modules)} modules and {protocols} protocols, which take "
            f"{own:.2f} ms ({spi_self:.2f} ms self time under -X importtime, "
            f"{_per_module_text(times)}): a fixed cost per module (find, read and "
            "unmarshal a .pyc, run its imports) plus class creation by "
            "typing._ProtocolMeta per protocol.",
        )
    )


def _notes(
    result: SectionResult,
    everything: Mapping[str, list[str]],
    typing_mods: Mapping[str, list[str]],
    outside: Sequence[str],
) -> None:
    beyond_typing = sorted(set(everything["stdlib"]) - set(typing_mods["stdlib"]))
    result.notes.append(
        "This machine exports PYTHONDONTWRITEBYTECODE=1. The benchmark runs "
        "`python -m compileall -q src` first and starts every child interpreter "
        "with that variable removed, so the figures are for cached bytecode, "
        "which is what users see."
    )
    result.notes.append(
        "wall: a fresh `python -c <code>` from start to exit, cases run "
        "round-robin; cost: per-round difference to `python -c pass` (can be "
        "negative within the noise); in-process: the import statement timed "
        "with perf_counter inside the same children (no start-up or shutdown); "
        "importtime: `-X importtime` in separate children."
    )
    result.notes.append(
        f"Every SPI module loads {len(everything['stdlib'])} stdlib modules and "
        f"{len(everything['spi'])} SPI modules (omnibase namespace included). "
        f"stdlib modules beyond those of typing: {', '.join(beyond_typing) or 'none'}."
    )
    if outside:
        result.notes.append(f"NOT stdlib or SPI: {', '.join(outside)}")
    else:
        result.notes.append(
            "Proof of isolation: the top-level name of every module added to "
            "sys.modules is in the child's sys.stdlib_module_names, or the "
            f"module is omnibase or {SPI_PACKAGE}[.*]."
        )
