"""Package-level promises: version, README examples, no machine-specific text."""

import re
import subprocess
import tomllib
from pathlib import Path

from mypy import api as mypy_api

import omnibase.protocols

ROOT = Path(__file__).resolve().parent.parent


def test_version_matches_the_project_metadata() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert omnibase.protocols.__version__ == project["project"]["version"]


def test_readme_python_examples_pass_mypy_strict(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.DOTALL)
    assert blocks, "README.md has no python example"
    files: list[str] = []
    for number, block in enumerate(blocks):
        path = tmp_path / f"readme_example_{number}.py"
        path.write_text(block, encoding="utf-8")
        files.append(str(path))
    stdout, stderr, status = mypy_api.run(
        [
            "--config-file",
            str(ROOT / "mypy.ini"),
            "--cache-dir",
            str(tmp_path / ".mypy_cache"),
            *files,
        ]
    )
    assert status == 0, stdout + stderr


def test_no_committed_file_names_a_package_index_or_this_machine() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    machine_paths = {f"{Path.home()}/", f"{ROOT.parent}/"}
    forbidden = re.compile(
        "|".join(
            [
                re.escape("[[tool.poetry" + ".source]]"),
                r"https?://[^ \"']*/simple",
                *(re.escape(path) for path in machine_paths),
            ]
        ).encode()
    )
    offenders: list[str] = []
    for name in filter(None, tracked):
        path = ROOT / name.decode()
        if path.is_file():
            for number, line in enumerate(path.read_bytes().splitlines(), 1):
                if forbidden.search(line):
                    offenders.append(f"{name.decode()}:{number}")
    assert not offenders
    lock = (ROOT / "poetry.lock").read_text(encoding="utf-8")
    assert not re.search(r"https?://", lock)
