"""Package-level promises: version, README examples, no machine-specific text."""

import os
import re
import subprocess
import tempfile
import tomllib
from pathlib import Path

import pytest
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


def machine_paths(root: Path, home: Path, temp: str) -> set[str]:
    """Folders of this machine that no committed file may name.

    The clone, the folder holding it and the home folder; never the file-system
    root or the temporary folder, whose names are generic (tests mention
    ``/tmp/...`` paths) and which a clone may sit right in.
    """
    generic = {"/", os.path.realpath(temp)}
    return {
        f"{folder}/"
        for folder in (root, root.parent, home)
        if str(folder) not in generic and os.path.realpath(folder) not in generic
    }


@pytest.mark.parametrize(
    ("root", "home", "expected"),
    [
        ("/srv/src/x", "/home/dev", {"/srv/src/x/", "/srv/src/", "/home/dev/"}),
        ("/tmp/clone", "/home/dev", {"/tmp/clone/", "/home/dev/"}),
        ("/tmp/a b/clone", "/", {"/tmp/a b/clone/", "/tmp/a b/"}),
    ],
)
def test_machine_paths(root: str, home: str, expected: set[str]) -> None:
    assert machine_paths(Path(root), Path(home), "/tmp") == expected


def test_no_committed_file_names_a_package_index_or_this_machine() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    forbidden_paths = machine_paths(ROOT, Path.home(), tempfile.gettempdir())
    forbidden = re.compile(
        "|".join(
            [
                re.escape("[[tool.poetry" + ".source]]"),
                r"https?://[^ \"']*/simple",
                *(re.escape(path) for path in forbidden_paths),
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
