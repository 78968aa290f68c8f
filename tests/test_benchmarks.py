"""Keep ``python -m benchmarks`` working: structure only, never timing.

One quick run (tiny repeat counts) of the whole command, plus a repeat of
the per-interpreter sections through ``--python`` with this interpreter,
feeds the structural tests; a few in-process tests cover the generated
implementations and the parsers. No test asserts how fast anything is.
"""

import math
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks import bench_import, bench_isinstance, bench_validator, report, spi
from benchmarks.common import REPO, Row, SectionResult, Settings

SECTION_KEYS = ("import", "isinstance", "typecheck", "validator")


@dataclass(frozen=True)
class QuickRun:
    sections: list[SectionResult]
    markdown: str
    stderr: str


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> QuickRun:
    output = tmp_path_factory.mktemp("bench") / "benchmarks.md"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--quick",
            "--json",
            "--output",
            str(output),
            "--python",
            sys.executable,
        ],
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


def test_every_section_present(quick_run: QuickRun) -> None:
    keys = [s.key for s in quick_run.sections]
    assert set(keys) == set(SECTION_KEYS)
    # --python repeats import and isinstance under the other interpreter.
    assert keys.count("import") == 2
    assert keys.count("isinstance") == 2
    assert all(s.rows for s in quick_run.sections)


def test_no_section_failed(quick_run: QuickRun) -> None:
    assert not [r.case for r in _rows(quick_run) if r.case.startswith("FAILED")]


def test_other_interpreter_rows_are_labelled(quick_run: QuickRun) -> None:
    sections = {r.section for r in _rows(quick_run)}
    assert {"import", "isinstance"} <= sections
    assert any(s.startswith("import@") for s in sections)
    assert any(s.startswith("isinstance@") for s in sections)


def test_every_number_positive(quick_run: QuickRun) -> None:
    for row in _rows(quick_run):
        stats = row.stats
        if stats is None:
            continue
        values = (stats.median, stats.minimum, stats.maximum)
        assert all(math.isfinite(v) for v in values), row
        assert stats.minimum <= stats.median <= stats.maximum, row
        assert stats.samples >= 1, row
        if row.case.startswith("cost:"):
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
        if not row.case.startswith("cost:"):
            assert row.ratio > 0, row


def test_targets_have_verdicts(quick_run: QuickRun) -> None:
    for row in _rows(quick_run):
        assert row.verdict in ("", "met", "not met"), row
        assert bool(row.target) == bool(row.verdict), row
    main = [s for s in quick_run.sections if "@" not in s.rows[0].section]
    targets = [t for s in main for t in s.targets]
    wanted = [
        "adds under 1 ms",
        "1.5x the cost of import typing",
        "within 2x of an ABC",
    ]
    if any(r.stats is not None for s in main if s.key == "validator" for r in s.rows):
        wanted += ["(SPI)", "(stdlib)"]
    for fragment in wanted:
        assert any(fragment in t.target for t in targets), fragment
    for target in targets:
        assert target.measured
        assert target.limit
        assert math.isfinite(target.ratio)


def test_import_isolation_proven(quick_run: QuickRun) -> None:
    proofs = [r for r in _rows(quick_run) if r.case.endswith("outside stdlib and SPI")]
    assert len(proofs) == 2  # this interpreter and the --python one
    for row in proofs:
        assert row.stats is not None
        assert row.stats.median == 0
        assert row.verdict == "met"


def test_every_protocol_kind_aggregated(quick_run: QuickRun) -> None:
    cases = [r.case for r in _rows(quick_run) if r.section == "isinstance"]
    assert any("service protocols: isinstance +" in c for c in cases)
    assert any("data protocols: isinstance + frozen dataclass" in c for c in cases)
    assert any("data protocols: isinstance + frozen pydantic model" in c for c in cases)


def test_markdown_written(quick_run: QuickRun) -> None:
    text = quick_run.markdown
    for heading in ("# Benchmarks", "## Machine", "## Targets", "## Results"):
        assert f"\n{heading}\n" in f"\n{text}", heading
    for key in SECTION_KEYS:
        assert f"(`{key}`, Python " in text, key
    assert "PYTHONDONTWRITEBYTECODE" in text
    assert "| Python |" in text
    assert "wrote" in quick_run.stderr


def test_text_table_has_every_column(quick_run: QuickRun) -> None:
    machine = report.Machine.current()
    text = report.text_report(machine, quick_run.sections, "python -m benchmarks", 1)
    header = text.splitlines()[6]
    for column in report.COLUMNS:
        assert column in header
    assert "Targets:" in text


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


def test_missing_validator_is_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(bench_validator, "VALIDATOR", tmp_path / "missing.py")
    result = bench_validator.run(Settings(quick=True))
    assert len(result.rows) == 1
    assert result.rows[0].stats is None
    assert "validator not found" in result.rows[0].case
    assert not result.targets


@pytest.mark.skipif(
    not bench_validator.VALIDATOR.is_file(), reason="validator not written yet"
)
def test_validator_subprocess_mode() -> None:
    files = sorted(
        str(p) for p in (REPO / "src" / "omnibase" / "protocols").glob("*.py")
    )
    validator, baseline = bench_validator.measure_subprocess(files, 1)
    assert validator.samples == baseline.samples == 1
