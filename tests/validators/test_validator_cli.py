"""The command line of scripts/ast_spi_validator.py: options, exit codes, bad input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import spi_validator as validator
from scripts.spi_validator import imports, layers, source

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "ast_spi_validator.py"
GOOD = Path(__file__).resolve().parent / "fixtures/good_spi/src/omnibase/protocols"
BAD = '"""D."""\nimport os\nfrom typing import Any\n'


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the validator in-process; return its status, stdout and stderr."""
    status = validator.main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def codes(out: str) -> list[str]:
    """The codes of the text-format diagnostics in ``out``."""
    return [line.split(": ", 1)[1].split()[0] for line in out.splitlines()]


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    """A module with an SPI101 (line 2) and an SPI201 (line 3)."""
    path = tmp_path / "bad.py"
    path.write_text(BAD, encoding="utf-8")
    return path


def test_clean_tree_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(["--check-protocols", str(GOOD)], capsys)
    assert (status, out) == (0, "")
    assert "0 violation(s) in 12 file(s)" in err


def test_violations_exit_1_with_locations(
    bad_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run([str(bad_file)], capsys)
    assert status == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{bad_file}:2:8: SPI101 `os` is outside the allow-list")
    assert lines[1].startswith(f"{bad_file}:3:20: SPI201 `Any` (= `typing.Any`)")
    assert len(lines) == 2


def test_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["--list-rules"], capsys)
    assert status == 0
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == list(validator.RULES)
    assert all(len(line.split(None, 2)) == 3 for line in lines)


def test_json_format(bad_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["--format", "json", str(bad_file)], capsys)
    report = json.loads(out)
    assert status == 1
    assert [
        (d["path"], d["line"], d["col"], d["code"]) for d in report["diagnostics"]
    ] == [(str(bad_file), 2, 8, "SPI101"), (str(bad_file), 3, 20, "SPI201")]
    assert all(d["message"] for d in report["diagnostics"])
    summary = report["summary"]
    assert summary["files_checked"] == 1
    assert summary["violations"] == 2
    assert summary["by_code"] == {"SPI101": 1, "SPI201": 1}
    assert summary["exit_code"] == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "SPI1"], ["SPI101"]),
        (["--select", "spi201"], ["SPI201"]),
        (["--select", "SPI101,SPI2"], ["SPI101", "SPI201"]),
        (["--ignore", "SPI101"], ["SPI201"]),
        (["--ignore", "SPI1,SPI2"], []),
        (["--select", "SPI", "--ignore", "SPI3"], ["SPI101", "SPI201"]),
        (["--select", "SPI303"], ["SPI303"]),
        (["--check-protocols", "--select", "SPI30"], ["SPI303"]),
    ],
)
def test_select_and_ignore(
    args: list[str],
    expected: list[str],
    bad_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = run([*args, str(bad_file)], capsys)
    assert codes(out) == expected
    assert status == int(bool(expected))


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_code_is_a_usage_error(
    option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        validator.main([option, "SPI999", str(GOOD)])
    assert exc.value.code == 2
    assert "no rule code starts with 'SPI999'" in capsys.readouterr().err


def test_statistics(bad_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(["--statistics", "--check-protocols", str(bad_file)], capsys)
    assert status == 1
    stats = [
        line.split() for line in out.splitlines() if not line.startswith(str(bad_file))
    ]
    assert [(s[0], s[1]) for s in stats] == [
        ("1", "SPI101"),
        ("1", "SPI201"),
        ("1", "SPI303"),
    ]


def test_runs_as_a_script(bad_file: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--format", "json", str(bad_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert json.loads(result.stdout)["summary"]["violations"] == 2


# -- bad input -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected", "status"),
    [
        (b'"""D."""\ndef f(:\n', "SPI001 2:7", 1),
        (b'"""D."""\nx = 1\x00\n', "SPI002 2:6", 1),
        (b'"""D."""\nx = "\xe9"\n', "SPI003 2:6", 1),
        (b"\xef\xbb\xbf" + BAD.encode(), "SPI004 1:1", 1),
        (b"", "SPI005 1:1", 1),
        (b"x = " + b"(" * 300 + b")" * 300 + b"\n", "SPI001 1:205", 1),
        (b"x = " + b"-" * 200_000 + b"1\n", "SPI006 1:1", 1),
        (b"# " + b"x" * (validator.MAX_BYTES + 1), "SPI007 1:1", 2),
    ],
    ids=["syntax", "nul", "not-utf8", "bom", "empty", "parens", "deep", "huge"],
)
def test_bad_file_content(
    content: bytes,
    expected: str,
    status: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "module.py"
    path.write_bytes(content)
    got, out, _ = run([str(path)], capsys)
    assert got == status
    code, where = expected.split()
    assert out.splitlines()[0].startswith(f"{path}:{where}: {code} ")


def test_bom_is_reported_and_the_file_still_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bom.py"
    path.write_bytes(b"\xef\xbb\xbf" + BAD.encode())
    _, out, _ = run([str(path)], capsys)
    assert codes(out) == ["SPI004", "SPI101", "SPI201"]


def test_missing_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run([str(tmp_path / "nope.py"), str(GOOD)], capsys)
    assert status == 2
    assert out == f"{tmp_path / 'nope.py'}:1:1: SPI010 no such file\n"


def test_dangling_symlink(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    link = tmp_path / "link.py"
    os.symlink(tmp_path / "gone.py", link)
    status, out, _ = run([str(link)], capsys)
    assert (status, codes(out)) == (2, ["SPI010"])
    assert "dangling symbolic link" in out


def test_symlink_loop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.symlink(tmp_path / "b.py", tmp_path / "a.py")
    os.symlink(tmp_path / "a.py", tmp_path / "b.py")
    status, out, _ = run([str(tmp_path / "a.py")], capsys)
    assert (status, codes(out)) == (2, ["SPI009"])
    status, out, _ = run([str(tmp_path)], capsys)
    assert (status, codes(out)) == (2, ["SPI009", "SPI012", "SPI009", "SPI012"])


def test_directory_without_python_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.txt").write_text("no code\n", encoding="utf-8")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.py").write_text("import os\n", encoding="utf-8")
    status, out, _ = run([str(tmp_path)], capsys)
    assert (status, out) == (
        2,
        f"{tmp_path}:1:1: SPI011 directory contains no .py files\n",
    )


def test_not_a_regular_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    status, out, _ = run([str(fifo)], capsys)
    assert (status, out) == (2, f"{fifo}:1:1: SPI008 not a regular file\n")


def test_unreadable_file(
    bad_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(*args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", args[0])

    # Running as root, chmod 000 does not stop reads: shadow open() instead.
    monkeypatch.setattr(source, "open", refuse, raising=False)
    status, out, _ = run([str(bad_file)], capsys)
    assert (status, out) == (
        2,
        f"{bad_file}:1:1: SPI008 cannot read: Permission denied\n",
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_by_mode(
    bad_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad_file.chmod(0)
    status, out, _ = run([str(bad_file)], capsys)
    assert (status, codes(out)) == (2, ["SPI008"])


def test_input_errors_are_never_filtered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(["--ignore", "SPI0", str(tmp_path / "nope.py")], capsys)
    assert (status, codes(out)) == (2, ["SPI010"])


def test_directories_skip_hidden_folders_only(tmp_path: Path) -> None:
    for folder in ("pkg", "pkg/__pycache__", "pkg/.hidden", "pkg/sub"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "m.py").write_text('"""D."""\n', encoding="utf-8")
    files = [
        f for f in validator.iter_files(str(tmp_path / "pkg")) if isinstance(f, str)
    ]
    assert files == [
        str(tmp_path / "pkg/m.py"),
        str(tmp_path / "pkg/__pycache__/m.py"),
        str(tmp_path / "pkg/sub/m.py"),
    ]


def test_an_unreadable_layering_is_a_usage_error(
    bad_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken() -> object:
        raise layers.LayeringError(".importlinter has no layers contract")

    monkeypatch.setattr(imports, "layering", broken)
    bad_file.write_text('"""D."""\nfrom ..mcp import x\n', encoding="utf-8")
    spi_file = bad_file.parent / "src/omnibase/protocols/core/m.py"
    spi_file.parent.mkdir(parents=True)
    bad_file.rename(spi_file)
    status, out, err = run([str(spi_file)], capsys)
    assert (status, out) == (2, "")
    assert "cannot read the SPI layering: .importlinter has no layers contract" in err
