"""The surface of ``omnibase.protocols`` changes only on purpose (design rule 15).

``tests/api_surface.txt`` records every protocol member with its kind, call
style, parameters and annotations, every alias, ``Literal`` and ``Final``
constant with its value, and the error classes. Any drift fails here with a
unified diff and the one command that records an intended change.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from omnibase.spi_conformance.discovery import iter_protocols
from scripts.api_surface import SNAPSHOT, UPDATE_COMMAND, check, main, render_surface

REPO = Path(__file__).resolve().parents[1]


def test_snapshot_matches_the_source() -> None:
    diff = check()
    if diff is not None:
        pytest.fail(
            "The public API surface of omnibase.protocols differs from "
            f"{SNAPSHOT.relative_to(REPO)}:\n\n{diff}\n"
            "If the change is intended (and recorded in the changelog when it "
            f"adds a protocol member), update the snapshot with:\n    {UPDATE_COMMAND}",
            pytrace=False,
        )


def test_snapshot_names_every_protocol() -> None:
    surface = render_surface()
    missing = [
        protocol.__qualname__
        for protocol in iter_protocols()
        if f"  protocol {protocol.__qualname__}" not in surface
    ]
    assert missing == []


def test_rendering_does_not_depend_on_hash_seed() -> None:
    code = (
        "from scripts.api_surface import render_surface; "
        "print(render_surface(), end='')"
    )
    environment = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == render_surface()


def test_check_command_reports_up_to_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_check_command_prints_diff_and_update_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stale = tmp_path / "api_surface.txt"
    stale.write_text(
        render_surface().replace("[async] publish(", "[sync] publish("),
        encoding="utf-8",
    )
    monkeypatch.setattr("scripts.api_surface.SNAPSHOT", stale)
    assert main(["--check"]) == 1
    out = capsys.readouterr().out
    assert "-      [sync] publish(" in out
    assert "+      [async] publish(" in out
    assert UPDATE_COMMAND in out


def _latest_tag() -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    result = subprocess.run(
        [git, "describe", "--tags", "--abbrev=0"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    tag = result.stdout.strip()
    return tag if result.returncode == 0 and tag else None


def test_griffe_finds_no_breaking_change_since_latest_tag() -> None:
    tag = _latest_tag()
    if tag is None:
        pytest.skip(
            "no git tag to compare against: griffe check needs a released "
            "version (it exits 0 silently without one)"
        )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "griffe",
            "check",
            "omnibase.protocols",
            "-s",
            "src",
            "-a",
            tag,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, (
        f"griffe check against {tag} found breaking changes:\n"
        f"{result.stdout}{result.stderr}"
    )
