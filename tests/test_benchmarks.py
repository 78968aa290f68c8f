"""Keep ``python -m benchmarks`` working: structure only, never timing.

One quick run (tiny repeat counts) of the whole command feeds the structural
tests; in-process tests cover the pieces the quick run does not reach (the
other-interpreter labels, instruction-count rows, the floor, the kit's
result, the verdict rule). No test asserts how fast anything is.
"""

import math
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks import (
    bench_import,
    bench_isinstance,
    bench_kit,
    bench_validator,
    callgrind,
    cli,
    floor,
    report,
    spi,
)
from benchmarks.common import (
    MET,
    NOT_MET,
    REPO,
    UNDECIDED,
    BenchmarkError,
    Decision,
    Row,
    SectionResult,
    Settings,
    Stats,
    decide,
    median_interval,
    seeded_decision,
)

SECTION_KEYS = ("import", "isinstance", "typecheck", "validator", "kit")
VERDICTS = ("", MET, NOT_MET, UNDECIDED)


@dataclass(frozen=True)
class QuickRun:
    sections: list[SectionResult]
    markdown: str
    stderr: str


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> QuickRun:
    output = tmp_path_factory.mktemp("bench") / "benchmarks.md"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--json", "--output", output],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return QuickRun(
        report.sections_from_json(done.stdout),
        output.read_text(encoding="utf-8"),
        done.stderr,
    )


def _rows(run: QuickRun) -> Iterator[Row]:
    for section in run.sections:
        yield from section.rows


def test_every_section_present_once(quick_run: QuickRun) -> None:
    keys = [s.key for s in quick_run.sections]
    assert sorted(keys) == sorted(SECTION_KEYS)
    assert all(s.rows for s in quick_run.sections)


def test_no_section_failed(quick_run: QuickRun) -> None:
    assert not [r.case for r in _rows(quick_run) if r.case.startswith("FAILED")]


def test_every_number_positive(quick_run: QuickRun) -> None:
    for row in _rows(quick_run):
        stats = row.stats
        if stats is None:
            continue
        values = (stats.median, stats.minimum, stats.maximum)
        assert all(math.isfinite(v) for v in values), row
        assert stats.minimum <= stats.median <= stats.maximum, row
        assert stats.samples >= 1, row
        if row.case.startswith("wall cost:"):
            continue  # differences of two noisy wall times: the sign may flip
        if row.unit == "modules":
            assert stats.median >= 0, row
        else:
            assert stats.minimum > 0, row


def test_ratios_computed(quick_run: QuickRun) -> None:
    with_baseline = [r for r in _rows(quick_run) if r.baseline]
    assert with_baseline
    for row in with_baseline:
        assert row.ratio is not None, row
        assert math.isfinite(row.ratio), row
        if not row.case.startswith("wall cost:"):
            assert row.ratio > 0, row


def test_targets_have_verdicts_and_methods(quick_run: QuickRun) -> None:
    for row in _rows(quick_run):
        assert row.verdict in VERDICTS, row
        assert bool(row.target) == bool(row.verdict), row
    targets = [t for s in quick_run.sections for t in s.targets]
    wanted = [
        "adds under 1 ms",
        "1.5x the cost of import typing",
        "1.5x the cost of its floor",
        "importing one contract costs at most 0.7x",
        "within 2x of an ABC",
        "within 2x of a positive isinstance",
        "(SPI)",
        "(stdlib)",
    ]
    for fragment in wanted:
        assert any(fragment in t.target for t in targets), fragment
    for target in targets:
        assert target.verdict in VERDICTS[1:], target
        assert target.measured
        assert target.limit
        assert "interval" in target.method, target
        assert math.isfinite(target.ratio)


def test_floor_and_contract_rows(quick_run: QuickRun) -> None:
    cases = [r.case for r in _rows(quick_run) if r.section == "import"]
    assert any("floor: those modules + " in c for c in cases)
    example = "from omnibase.protocols.container import ProtocolServiceRegistry"
    assert any(c.endswith(example) for c in cases)
    domains = {"container", "core", "event_bus", "mcp", "types"}
    for domain in domains:
        assert any(f"from omnibase.protocols.{domain} import " in c for c in cases)
    assert any(
        c.endswith("every export through its package (from <domain> import *)")
        for c in cases
    )
    (import_section,) = [s for s in quick_run.sections if s.key == "import"]
    assert any(n.startswith("Laziness (decision): ") for n in import_section.notes)


def test_cached_conformance_check_rows(quick_run: QuickRun) -> None:
    rows = [r for r in _rows(quick_run) if "check_conformance (cached)" in r.case]
    assert {r.case for r in rows} >= {
        "ProtocolServiceRegistry (4): check_conformance (cached) +",
        "ProtocolOnexEnvelope (17): check_conformance (cached) + @property class",
    }
    for row in rows:
        assert row.baseline.startswith("isinstance +"), row
        assert row.ratio is not None


def test_exports_statement_goes_through_the_packages() -> None:
    modules = [
        "omnibase.protocols",
        "omnibase.protocols.core",
        "omnibase.protocols.core.protocol_lifecycle",
        "omnibase.protocols.errors",
    ]
    assert bench_import.exports_statement(modules) == (
        "from omnibase.protocols.core import *\nimport omnibase.protocols.errors"
    )


def test_broken_variants_row_has_no_target() -> None:
    runs = [bench_kit.KitRun(9.5, tests=250), bench_kit.KitRun(10.5, tests=250)]
    row = bench_kit.broken_row(runs)
    assert row.case == "broken-variant self-test (250 tests, 0 failed), wall"
    assert row.stats is not None
    assert row.stats.median == 10.0
    assert (row.unit, row.target, row.verdict) == ("s", "", "")


def test_import_isolation_proven(quick_run: QuickRun) -> None:
    proofs = [r for r in _rows(quick_run) if r.case.endswith("outside stdlib and SPI")]
    assert len(proofs) == 1
    (row,) = proofs
    assert row.stats is not None
    assert row.stats.median == 0
    assert row.verdict == MET


def test_every_protocol_kind_aggregated(quick_run: QuickRun) -> None:
    cases = [r.case for r in _rows(quick_run) if r.section == "isinstance"]
    assert any("service protocols: isinstance +" in c for c in cases)
    assert any("data protocols: isinstance + frozen dataclass" in c for c in cases)
    assert any("data protocols: isinstance + frozen pydantic model" in c for c in cases)
    assert any("(1 member missing, checked last)" in c for c in cases)
    assert any("(1 member missing, checked first)" in c for c in cases)


def test_kit_row_skipped_with_reason(quick_run: QuickRun) -> None:
    (kit,) = [s for s in quick_run.sections if s.key == "kit"]
    (row,) = kit.rows
    assert row.stats is None
    assert row.case.startswith("skipped: ")
    assert "pytest tests/conformance/test_reference_*.py" in " ".join(kit.notes)


def test_markdown_written(quick_run: QuickRun) -> None:
    text = quick_run.markdown
    for heading in (
        "# Benchmarks",
        "## Method",
        "## Machine",
        "## Targets",
        "## Results",
    ):
        assert f"\n{heading}\n" in f"\n{text}", heading
    for key in SECTION_KEYS:
        assert f"(`{key}`, Python " in text, key
    assert "PYTHONDONTWRITEBYTECODE" in text
    assert "| Pythons measured |" in text
    assert "| decided on |" in text
    assert "DESIGN" not in text
    assert "wrote" in quick_run.stderr


def test_text_table_has_every_column(quick_run: QuickRun) -> None:
    machine = report.Machine.current()
    text = report.text_report(machine, quick_run.sections, "python -m benchmarks", 1)
    header = text.splitlines()[7]
    for column in report.COLUMNS:
        assert column in header
    assert "Targets" in text
    assert "decided on:" in text


# -- other interpreters (--python) -------------------------------------------------


def test_other_interpreter_rows_are_labelled(quick_run: QuickRun) -> None:
    relabelled = cli.relabel(quick_run.sections)
    version = quick_run.sections[0].python
    for section in relabelled:
        assert all(r.section == f"{section.key}@{version}" for r in section.rows)
        assert all(t.target.startswith(f"[Python {version}] ") for t in section.targets)


def test_missing_interpreter_is_a_failed_section(tmp_path: Path) -> None:
    results = cli.run_elsewhere(
        str(tmp_path / "no-python"), ["import"], Settings(quick=True)
    )
    assert len(results) == 1
    assert results[0].rows[0].case.startswith("FAILED")


def test_each_interpreter_runs_only_its_sections(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[str, list[str]]] = []

    def record(python: str, keys: list[str], settings: Settings) -> list[SectionResult]:
        calls.append((python, list(keys)))
        return []

    def nothing(keys: list[str], settings: Settings) -> list[SectionResult]:
        return []

    monkeypatch.setattr(cli, "run_sections", nothing)
    monkeypatch.setattr(cli, "run_elsewhere", record)
    argv = ["--quick", "--json", "--python", "py-a", "--kit-python", "py-b"]
    assert cli.main([*argv, "--only", "import,kit"]) == 0
    assert calls == [("py-a", ["import"]), ("py-b", ["kit"])]
    calls.clear()
    assert cli.main([*argv, "--only", "validator"]) == 0
    assert calls == []
    capsys.readouterr()


def test_method_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(callgrind, "valgrind", lambda: None)
    assert cli.resolve_method("auto", quick=False) == (
        "timing",
        "valgrind is not installed",
    )
    with pytest.raises(BenchmarkError, match="valgrind is not installed"):
        cli.resolve_method("instructions", quick=False)
    monkeypatch.setattr(callgrind, "valgrind", lambda: "/usr/bin/valgrind")
    assert cli.resolve_method("auto", quick=False)[0] == "instructions"
    assert cli.resolve_method("auto", quick=True)[0] == "timing"


# -- verdicts ------------------------------------------------------------------


def test_verdict_needs_the_whole_interval() -> None:
    assert decide(Decision(1.4, 1.3, 1.5, ""), 1.5) == MET
    assert decide(Decision(1.6, 1.55, 1.7, ""), 1.5) == NOT_MET
    assert decide(Decision(1.49, 1.45, 1.52, ""), 1.5) == UNDECIDED


def test_median_interval_narrows_with_samples() -> None:
    few = median_interval([1.0, 2.0, 3.0])
    assert few == (2.0, 1.0, 3.0)
    many = median_interval([float(v) for v in range(1, 102)])
    assert many[0] == 51.0
    assert 40.0 <= many[1] < 51.0 < many[2] <= 62.0


def test_seeded_decision_spans_the_seeds() -> None:
    decision = seeded_decision(
        {0: 150.0, 1: 151.0, 2: 152.0}, {0: 100.0, 1: 100.0, 2: 100.0}, "x"
    )
    assert (decision.ratio, decision.low, decision.high) == (1.51, 1.5, 1.52)
    assert "PYTHONHASHSEED 0, 1, 2" in decision.method


# -- in-process pieces ---------------------------------------------------------


def test_discovery_finds_both_kinds() -> None:
    infos = spi.protocols()
    assert {i.kind for i in infos} == {"service", "data"}
    for info in infos:
        assert info.members
        if info.kind == "data":
            assert info.properties == frozenset(info.members)


@pytest.mark.parametrize("info", spi.protocols(), ids=lambda i: i.name)
def test_generated_objects_model_the_protocol(info: spi.ProtocolInfo) -> None:
    # measure_protocols raises when a generated object gives a wrong answer.
    (timings,) = bench_isinstance.measure_protocols([info], Settings(quick=True))
    assert bench_isinstance.ABC_POS in timings.cases
    assert bench_isinstance.NEG_MISSING in timings.cases
    wanted: tuple[str, ...] = bench_isinstance.SERVICE_CASES
    if info.kind == "data":
        wanted = tuple(
            c for c in bench_isinstance.DATA_CASES if c != bench_isinstance.POS_PYDANTIC
        )
    assert set(wanted) <= set(timings.cases)


def test_negative_checks_miss_the_member_checked_last_or_first() -> None:
    info = next(i for i in spi.protocols() if len(i.members) >= 3)
    order = bench_isinstance.check_order(info)
    assert set(order) == set(info.members)
    checks = {c.label: c for c in bench_isinstance.make_checks(info, pydantic=False)}
    for label, missing in (
        (bench_isinstance.NEG_MISSING, order[-1]),
        (bench_isinstance.NEG_FIRST, order[0]),
    ):
        obj = checks[label].obj
        assert not hasattr(obj, missing), label
        assert all(hasattr(obj, m) for m in info.members if m != missing), label


def test_floor_mirrors_every_protocol(tmp_path: Path) -> None:
    infos = spi.protocols()
    planned = floor.plan(infos)
    assert len(planned) == len(infos)
    by_name = {p.name: p for p in planned}
    for info in infos:
        generated = by_name[info.name]
        own = spi.declared_members(info.cls)
        assert [name for name, _kind in generated.members] == own
        for name, kind in generated.members:
            expected = (
                "property"
                if name in info.properties
                else "async method" if name in info.coroutines else "method"
            )
            assert kind == expected, (info.name, name)
    path = floor.write(tmp_path, floor.source(planned, ["uuid"]))
    namespace: dict[str, object] = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    generated_cls = namespace[infos[0].name]
    assert isinstance(generated_cls, type)
    assert spi.protocol_members(generated_cls) == infos[0].members


def test_instruction_rows_decide_the_targets() -> None:
    # Synthetic counts: no callgrind run, only the rows built from them.
    cases = bench_import.import_cases(
        ["omnibase.protocols"], ["typing"], 2, [("from a import B", "from a import B")]
    )
    keys = [c.key for c in cases]
    millions = dict.fromkeys(keys, 10.0) | {
        bench_import.TYPING: 10.0,
        bench_import.FLOOR: 12.0,
        bench_import.EVERYTHING: 16.0,
    }
    counts: dict[str, dict[int, float]] = {
        key: dict.fromkeys((0, 1, 2), value) for key, value in millions.items()
    }
    samples = bench_import.Samples({k: [1.0] for k in keys}, {k: [1.0] for k in keys})
    measured = bench_import.Measured({c.key: c for c in cases}, samples, counts, {})
    comparisons = bench_import.comparisons_of(cases)
    bench_import.decide_comparisons(measured, comparisons, 1)
    rows = {
        (r.case, r.baseline.split(" ")[0]): r
        for r in bench_import.instruction_rows(measured, comparisons)
    }
    everything = next(c.label for c in cases if c.key == bench_import.EVERYTHING)
    assert rows[(f"instructions: {everything}", "typing")].verdict == NOT_MET
    assert rows[(f"instructions: {everything}", "floor")].verdict == MET
    assert rows[("instructions: from a import B", "every")].verdict == MET


def test_parse_importtime() -> None:
    stderr = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:        12 |         12 |   omnibase\n"
        "import time:       300 |        312 | omnibase.protocols\n"
    )
    entries = bench_import.parse_importtime(stderr)
    assert [(e.name, e.level, e.self_us, e.cumulative_us) for e in entries] == [
        ("omnibase", 1, 12, 12),
        ("omnibase.protocols", 0, 300, 312),
    ]


@pytest.mark.skipif(callgrind.unavailable() is not None, reason="no valgrind here")
def test_callgrind_counts_phases_between_marks() -> None:
    code = (
        callgrind.MARK_PROLOGUE
        + "_mark()\nfor _ in range(1000): pass\n_mark()\n"
        + "for _ in range(3000): pass\n_mark()\nprint('done')\n"
    )
    job = callgrind.Job("probe", sys.executable, code, {}, 0)
    counted = callgrind.count(job)
    assert counted.stdout.strip() == "done"
    assert len(counted.phases) == 2
    assert counted.phases[1] > counted.phases[0] > 0


# -- the kit and the validator -------------------------------------------------


_KIT_TESTS = """\
class TestReferenceA:
    def test_one(self):
        pass

    def test_two(self):
        assert False


class TestReferenceB:
    def test_one(self):
        pass
"""


def test_kit_run_reads_suites_from_junit(tmp_path: Path) -> None:
    (tmp_path / "test_reference_demo.py").write_text(_KIT_TESTS, encoding="utf-8")
    (tmp_path / "test_reference_other.py").write_text(
        "def test_alone():\n    pass\n", encoding="utf-8"
    )
    (tmp_path / "test_not_a_reference.py").write_text(
        "def test_never_run():\n    raise SystemExit(3)\n", encoding="utf-8"
    )
    (run,) = bench_kit.measure(sys.executable, tmp_path, 1)
    assert set(run.suites) == {"demo", "other"}
    assert run.classes["demo"] == {"TestReferenceA", "TestReferenceB"}
    assert (run.tests, run.failed, run.skipped) == (4, 1, 0)
    rows, target = bench_kit.rows_and_target([run])
    assert rows[0].target == "< 30 s"
    assert rows[0].verdict in VERDICTS[1:]
    assert rows[1].case.startswith("suite ")
    assert "suite demo (TestReferenceA, TestReferenceB)" in {r.case for r in rows}
    assert target.verdict == rows[0].verdict


def test_kit_skipped_when_suites_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_kit, "SUITES_MODULE", "omnibase.no_such_module")
    result = bench_kit.run(Settings())
    assert len(result.rows) == 1
    assert result.rows[0].stats is None
    assert "omnibase.no_such_module cannot be imported" in result.rows[0].case
    assert not result.targets


def test_missing_validator_is_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(bench_validator, "VALIDATOR", tmp_path / "missing.py")
    result = bench_validator.run(Settings(quick=True))
    assert len(result.rows) == 1
    assert result.rows[0].stats is None
    assert "validator not found" in result.rows[0].case
    assert not result.targets


@pytest.mark.skipif(callgrind.unavailable() is not None, reason="no valgrind here")
def test_validator_instructions_count_each_tree_apart() -> None:
    spi = sorted(str(p) for p in (REPO / "src/omnibase/protocols").rglob("*.py"))
    trees = [spi[:2], spi[:6]]
    counts = bench_validator.count_instructions(trees, (0,))
    (small_validator, small_parse), (large_validator, large_parse) = counts
    assert small_validator[0] > small_parse[0] > 0
    assert large_parse[0] > small_parse[0]
    assert large_validator[0] > small_validator[0]


@pytest.mark.skipif(
    not bench_validator.VALIDATOR.is_file(), reason="validator not written yet"
)
def test_validator_subprocess_mode() -> None:
    files = sorted(
        str(p) for p in (REPO / "src" / "omnibase" / "protocols").glob("*.py")
    )
    validator, baseline = bench_validator.measure_subprocess(files, 1)
    assert len(validator) == len(baseline) == 1


def test_stats_of_rows_are_consistent() -> None:
    stats = Stats.of([3.0, 1.0, 2.0])
    assert (stats.median, stats.minimum, stats.maximum, stats.samples) == (
        2.0,
        1.0,
        3.0,
        3,
    )
