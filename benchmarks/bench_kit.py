"""Section 5: what the conformance kit costs, run against the reference implementations.

The kit's behavioural suites (``omnibase.spi_conformance.suites``) run
against the reference implementations in the files
``tests/conformance/test_reference_<suite>.py`` (:data:`KIT_TESTS`,
:data:`REFERENCE_FILES`): one module per suite, one test class per reference
implementation (``class TestInMemorySecretResolver(SecretResolverSuite)``).
This section runs those files the way CI does::

    python -m pytest tests/conformance/test_reference_*.py -q -p no:cacheprovider \
        --junitxml=<file> -o junit_family=xunit2

and reads the JUnit XML pytest writes: the total is the wall time of the
whole command (interpreter start-up and collection included); a suite's
time is the sum of its test cases' times, grouped by module (each test
case's ``classname`` is ``tests.conformance.test_reference_<suite>.<Class>``).
The kit's other self-tests (broken variants, the rule registry, the
framework) are not part of this figure; the broken-variant self-test
(:data:`BROKEN_VARIANTS`: every suite against deliberately broken
implementations, in a pool of worker processes) gets its own wall-time row,
without a target.

Until the suites module can be imported, or when there are no reference
files, the section prints one skipped row saying why. Quick mode does not
run the kit (it takes as long as the kit takes).
"""

import importlib
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from xml.etree import ElementTree

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
    median_interval,
    python_version,
    run_child,
)

KEY = "kit"
TITLE = "conformance kit against the reference implementations"

SUITES_MODULE: Final = "omnibase.spi_conformance.suites"
"""The kit's suites; the section is skipped while it cannot be imported."""

KIT_TESTS: Final = REPO / "tests" / "conformance"
"""The folder of the kit's self-tests."""

REFERENCE_FILES: Final = "test_reference_*.py"
"""The files that run each suite against its reference implementations."""

_REFERENCE_PREFIX: Final = "test_reference_"

BROKEN_VARIANTS: Final = "test_broken_variants.py"
"""The kit's self-test against broken implementations (timed, no target)."""

TARGET_SECONDS: Final = 30.0
"""The full kit against the references: under 30 s on this machine."""

_PYTEST_FAILED: Final = 1
"""pytest's exit status when tests ran and some failed (still timed)."""


@dataclass(slots=True)
class KitRun:
    """One run of the kit.

    Attributes:
        wall: Seconds from start to exit of the pytest process.
        suites: Seconds per suite (sum of its test cases' times).
        classes: The test classes (reference implementations) of each suite.
        tests: Test cases run.
        failed: Test cases failed or in error.
        skipped: Test cases skipped.
    """

    wall: float
    suites: dict[str, float] = field(default_factory=dict[str, float])
    classes: dict[str, set[str]] = field(default_factory=dict[str, set[str]])
    tests: int = 0
    failed: int = 0
    skipped: int = 0


def reference_files(folder: Path) -> list[Path]:
    """Return the kit's reference runs in ``folder``, sorted."""
    return sorted(folder.glob(REFERENCE_FILES))


def kit_command(python: str, files: Sequence[Path], junit: Path) -> list[str]:
    """Return the command that runs the kit against the references."""
    return [
        python,
        "-m",
        "pytest",
        *(str(f) for f in files),
        "-q",
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
        "-o",
        "junit_family=xunit2",
    ]


def suite_name(classname: str) -> tuple[str, str]:
    """Return the suite and the test class of a JUnit ``classname``.

    Args:
        classname: ``tests.conformance.test_reference_<suite>.<Class>``.

    Returns:
        ``(<suite>, <Class>)``; a classname of another shape gives its
        module and its last part.
    """
    parts = classname.split(".")
    for index, part in enumerate(parts):
        if part.startswith(_REFERENCE_PREFIX):
            cls = ".".join(parts[index + 1 :]) or "module-level tests"
            return (part[len(_REFERENCE_PREFIX) :], cls)
    module = parts[-2] if len(parts) > 1 else classname
    return (module, parts[-1])


def parse_junit(path: Path, wall: float) -> KitRun:
    """Read per-suite times and counts from pytest's JUnit XML.

    Args:
        path: The file ``--junitxml`` wrote.
        wall: The run's wall time.

    Returns:
        The run.

    Raises:
        BenchmarkError: The file is missing or not JUnit XML.
    """
    try:
        root = ElementTree.parse(path).getroot()
    except (OSError, ElementTree.ParseError) as exc:
        raise BenchmarkError(
            f"cannot read the kit's JUnit XML {path.name}: {exc}"
        ) from exc
    run = KitRun(wall)
    for case in root.iter("testcase"):
        name, cls = suite_name(case.get("classname", ""))
        run.classes.setdefault(name, set()).add(cls)
        try:
            seconds = float(case.get("time", "0"))
        except ValueError as exc:
            raise BenchmarkError(f"bad time in the kit's JUnit XML: {exc}") from exc
        run.suites[name] = run.suites.get(name, 0.0) + seconds
        run.tests += 1
        if case.find("failure") is not None or case.find("error") is not None:
            run.failed += 1
        elif case.find("skipped") is not None:
            run.skipped += 1
    return run


def run_kit(python: str, files: Sequence[Path]) -> KitRun:
    """Run the kit's reference tests once with ``python`` and read the result.

    Args:
        python: The interpreter (it needs pytest and the kit's extra).
        files: The test files.

    Returns:
        The run; failed tests are counted, not raised.

    Raises:
        BenchmarkError: pytest could not run the tests (usage error, nothing
            collected, internal error).
    """
    with tempfile.TemporaryDirectory(prefix="spi-bench-kit-") as folder:
        junit = Path(folder) / "kit.xml"
        elapsed, done = run_child(
            kit_command(python, files, junit), env=child_env(), check=False
        )
        if done.returncode not in (0, _PYTEST_FAILED):
            raise BenchmarkError(
                f"pytest exited {done.returncode} on the kit's reference tests: "
                f"{(done.stdout + done.stderr).strip()[-600:]}"
            )
        return parse_junit(junit, elapsed)


def _skipped(result: SectionResult, why: str) -> SectionResult:
    result.rows.append(Row(KEY, f"skipped: {why}", None, ""))
    result.notes.append(
        f"The kit was not run: {why}. The section runs `{_shown_command()}` and "
        "reads per-suite times from its JUnit XML."
    )
    return result


def _shown_command() -> str:
    pattern = KIT_TESTS.relative_to(REPO) / REFERENCE_FILES
    return " ".join(kit_command("python", [pattern], Path("<file>")))


def unavailable(settings: Settings) -> str | None:
    """Return why the kit cannot be measured here, or ``None``."""
    try:
        importlib.import_module(SUITES_MODULE)
    except ImportError as exc:
        return f"{SUITES_MODULE} cannot be imported ({exc})"
    if not reference_files(KIT_TESTS):
        return f"no {KIT_TESTS.relative_to(REPO) / REFERENCE_FILES}"
    if settings.kit_repeats < 1:
        return "quick mode does not run the kit"
    return None


def measure(python: str, tests: Path, repeats: int) -> list[KitRun]:
    """Run the kit's reference files in ``tests`` ``repeats`` times.

    Raises:
        BenchmarkError: A run could not be made.
    """
    files = reference_files(tests)
    if not files:
        raise BenchmarkError(f"no {REFERENCE_FILES} in {tests.name}")
    return [run_kit(python, files) for _ in range(repeats)]


def rows_and_target(runs: Sequence[KitRun]) -> tuple[list[Row], TargetResult]:
    """Turn runs into table rows and the verdict on the time target.

    Args:
        runs: At least one run.

    Returns:
        A total row (with the target), one row per suite (slowest first),
        and the target's verdict.

    Raises:
        BenchmarkError: No runs.
    """
    if not runs:
        raise BenchmarkError("the kit was not run")
    totals = [r.wall for r in runs]
    median, low, high = median_interval(totals)
    decision = Decision(
        median / TARGET_SECONDS,
        low / TARGET_SECONDS,
        high / TARGET_SECONDS,
        f"wall time of {len(runs)} run(s); median {median:.1f} s, 95% interval "
        f"{low:.1f}-{high:.1f} s",
    )
    outcome = decide(decision, 1.0)
    last = runs[-1]
    rows = [
        Row(
            KEY,
            f"the whole kit ({last.tests} tests, {last.failed} failed, "
            f"{last.skipped} skipped), wall",
            Stats.of(totals),
            "s",
            "",
            None,
            f"< {TARGET_SECONDS:g} s",
            outcome,
        )
    ]
    suites = sorted({name for r in runs for name in r.suites})
    per_suite = {name: [r.suites.get(name, 0.0) for r in runs] for name in suites}
    for name in sorted(suites, key=lambda n: -statistics.median(per_suite[n])):
        classes = sorted({c for r in runs for c in r.classes.get(name, set())})
        label = f"suite {name} ({', '.join(classes)})"
        rows.append(Row(KEY, label, Stats.of(per_suite[name]), "s"))
    target = TargetResult(
        f"the full conformance kit against the reference implementations runs in "
        f"under {TARGET_SECONDS:g} s",
        f"{median:.1f} s wall for {last.tests} tests in {len(suites)} suites "
        f"(Python {python_version()})",
        decision.ratio,
        outcome,
        "pytest start-up and collection, plus the suites' own waits (bounded "
        "'eventually' polls, real durations where no manual clock is wired); "
        "the slowest suites are listed first.",
        decision.method,
    )
    return rows, target


def broken_row(runs: Sequence[KitRun]) -> Row:
    """The wall-time row of the broken-variant self-test (no target).

    Raises:
        BenchmarkError: No runs.
    """
    if not runs:
        raise BenchmarkError("the broken-variant self-test was not run")
    last = runs[-1]
    return Row(
        KEY,
        f"broken-variant self-test ({last.tests} tests, {last.failed} failed), wall",
        Stats.of(r.wall for r in runs),
        "s",
    )


def run(settings: Settings) -> SectionResult:
    """Run the section.

    Args:
        settings: Repeat count (none in quick mode).

    Returns:
        The kit's total and per-suite times and the target verdict, or one
        skipped row saying why the kit was not run.
    """
    result = SectionResult(KEY, TITLE, python_version())
    why = unavailable(settings)
    if why is not None:
        return _skipped(result, why)
    runs = measure(sys.executable, KIT_TESTS, settings.kit_repeats)
    rows, target = rows_and_target(runs)
    result.rows.extend(rows)
    result.targets.append(target)
    broken = KIT_TESTS / BROKEN_VARIANTS
    if broken.is_file():
        result.rows.append(
            broken_row(
                [run_kit(sys.executable, [broken]) for _ in range(settings.kit_repeats)]
            )
        )
        result.notes.append(
            f"The broken-variant self-test ({broken.relative_to(REPO)}: every "
            "suite against deliberately broken implementations, run by pytest "
            "the same way) is timed on its own row, wall time of the pytest "
            "process, without a target."
        )
    result.notes.append(
        f"`{_shown_command()}` from the repository root, {len(runs)} run(s); the "
        "total is the wall time of the pytest process, a suite's time is the sum "
        "of its test cases' times in the JUnit XML (one module per suite, one "
        "test class per reference implementation, listed in brackets), so the "
        "suites do not add up to the total. The kit's other self-tests (broken "
        "variants, rule registry, framework) are not included."
    )
    failed = max(r.failed for r in runs)
    if failed:
        result.notes.append(
            f"{failed} test(s) of the kit failed against the references: the "
            "times are valid, the kit is not."
        )
    return result
