"""``scripts/lock.py --check`` skips its work only when nothing it reads changed.

Each test runs a copy of the script in a throwaway project made of the
repository's own ``pyproject.toml``, ``poetry.toml``, ``poetry.lock`` and
``requirements/*.txt``, so the real Poetry decides whether they are current.
"""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("pyproject.toml", "poetry.toml", "poetry.lock", "README.md", "LICENSE")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in COPIED:
        shutil.copy2(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "requirements", tmp_path / "requirements")
    (tmp_path / "scripts").mkdir()
    shutil.copy2(ROOT / "scripts" / "lock.py", tmp_path / "scripts" / "lock.py")
    return tmp_path


def _load(project: Path) -> ModuleType:
    """Import the project's copy of the script (its ROOT is the project)."""
    spec = importlib.util.spec_from_file_location(
        "_lock_under_test", project / "scripts" / "lock.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _stamp_current(project: Path) -> Path:
    """Record the project's present state as checked (what a pass writes)."""
    stamp = project / "lock-check.stamp"
    digest: object = _load(project).inputs_digest()
    assert isinstance(digest, str)
    stamp.write_text(digest + "\n", encoding="utf-8")
    return stamp


def _check(project: Path, stamp: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(project / "scripts" / "lock.py"),
            "--check",
            "--stamp",
            str(stamp),
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_unchanged_inputs_skip_the_check(project: Path) -> None:
    done = _check(project, _stamp_current(project))
    assert done.returncode == 0, done.stderr
    assert "skipped" in done.stdout
    assert "+ " not in done.stdout  # Poetry was not run


def test_stale_export_is_caught(project: Path) -> None:
    stamp = _stamp_current(project)
    before = stamp.read_text(encoding="utf-8")
    with (project / "requirements" / "dev.txt").open("a", encoding="utf-8") as out:
        out.write("six==1.17.0\n")
    done = _check(project, stamp)
    assert done.returncode == 1, done.stdout
    assert "requirements/dev.txt differ from poetry.lock" in done.stderr
    assert stamp.read_text(encoding="utf-8") == before  # a failure records nothing


def test_changed_pyproject_is_caught(project: Path) -> None:
    stamp = _stamp_current(project)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert "dev = [\n" in text
    pyproject.write_text(text.replace("dev = [\n", 'dev = [\n    "six>=1.0",\n', 1))
    done = _check(project, stamp)
    assert done.returncode == 1, done.stdout
    assert "check --lock" in done.stderr
    assert "skipped" not in done.stdout


def test_stamp_written_only_after_a_pass(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = _load(project)
    stamp = project / "stamp"
    calls: list[int] = []
    results = iter((1, 0, 0, 0))

    def fake_check_current() -> int:
        calls.append(1)
        return next(results)

    monkeypatch.setattr(module, "check_current", fake_check_current)
    assert module.check(stamp) == 1
    assert not stamp.exists()
    assert module.check(stamp) == 0
    assert stamp.exists()
    assert module.check(stamp) == 0  # unchanged: skipped
    assert len(calls) == 2
    assert module.check(stamp, force=True) == 0
    assert module.check(None) == 0  # no stamp: always checks
    assert len(calls) == 4
