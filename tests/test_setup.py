"""Set-up scripts and hook configs: idempotent, offline, clear when they cannot work."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
BOOTSTRAP = ROOT / "scripts" / "bootstrap"
BASH = shutil.which("bash") or "/bin/bash"
HOOK_CONFIGS = [".pre-commit-config.yaml", ".pre-commit-config-push.yaml"]


def run_bootstrap(
    *arguments: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BASH, str(BOOTSTRAP), *arguments],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
        timeout=600,
    )


def test_a_second_bootstrap_installs_nothing() -> None:
    venv = Path(sys.prefix)
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert (venv / ".bootstrap-stamp").is_file(), "tests run in a bootstrapped venv"
    result = run_bootstrap("--python", version, "--venv", str(venv))
    assert result.returncode == 0, result.stderr
    assert "locked dependencies already installed" in result.stdout
    assert "installing the locked" not in result.stdout


def has_pip(venv: Path) -> bool:
    """Tell whether ``venv`` is a virtual environment whose pip works."""
    result = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0 and str(venv) in result.stdout


def test_an_interrupted_venv_creation_is_repaired(tmp_path: Path) -> None:
    venv = tmp_path / "with space" / "venv"
    started = subprocess.Popen(
        [BASH, str(BOOTSTRAP), "--venv", str(venv), "--venv-only"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not (venv / "pyvenv.cfg").exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    os.killpg(started.pid, signal.SIGKILL)  # in its first seconds: during `venv`
    started.wait()
    assert (venv / "pyvenv.cfg").exists()

    result = run_bootstrap("--venv", str(venv), "--venv-only")
    assert result.returncode == 0, result.stderr
    assert "incomplete (an interrupted run?); re-creating it" in result.stdout
    assert has_pip(venv)


def test_two_bootstraps_at_once(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    command = [BASH, str(BOOTSTRAP), "--venv", str(venv), "--venv-only"]
    runs = [
        subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert sum("creating" in out for out, _ in outputs) == 1
    assert has_pip(venv)


def test_a_read_only_home_does_not_stop_the_bootstrap(tmp_path: Path) -> None:
    venv = Path(sys.prefix)
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("", encoding="utf-8")  # nothing can be made below it
    env = {**os.environ, "HOME": str(blocker / "home")}
    env.pop("XDG_CACHE_HOME", None)
    env.pop("PRE_COMMIT_HOME", None)
    result = run_bootstrap("--python", version, "--venv", str(venv), env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (venv / ".pre-commit-cache").is_dir()


def test_bootstrap_refuses_clearly_without_python_3_12(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("dirname", "ls", "sort", "cat", "sed", "git"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    old_python = bin_dir / "python3"
    old_python.write_text("#!/bin/sh\n# a Python older than 3.12\nexit 0\n")
    old_python.chmod(0o755)
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    result = run_bootstrap(env=env)
    assert result.returncode == 1
    assert "no Python >= 3.12 found" in result.stderr
    assert "Traceback" not in result.stderr


def test_bootstrap_rejects_an_unknown_argument() -> None:
    result = run_bootstrap("--frobnicate")
    assert result.returncode == 2
    assert "unknown argument '--frobnicate'" in result.stderr


@pytest.mark.parametrize("config", HOOK_CONFIGS)
def test_hook_configs_are_valid_and_need_no_network(config: str) -> None:
    validated = subprocess.run(
        [str(Path(sys.executable).with_name("pre-commit")), "validate-config", config],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert validated.returncode == 0, validated.stdout + validated.stderr
    document = yaml.safe_load((ROOT / config).read_text(encoding="utf-8"))
    for repo in document["repos"]:
        assert repo["repo"] in {"local", "meta"}, f"{config} fetches {repo['repo']}"
        for hook in repo["hooks"]:
            if repo["repo"] == "local":
                assert hook["language"] == "unsupported", hook["id"]
                program = hook["entry"].split()[0]
                assert (ROOT / program).is_file(), f"{hook['id']}: {program} missing"
                assert os.access(ROOT / program, os.X_OK), program
