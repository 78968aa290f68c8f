"""The per-rule reports the getting-started page shows, from real runs.

Each ``report*.txt`` file starts with the command (``$ pytest ...``), then the
report the conformance plugin printed. ``python -m
examples.getting_started.reports`` runs every command again and fails when a
report differs (the tests do); ``--write`` stores the new reports.
"""

import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Final

HERE: Final = Path(__file__).resolve().parent
ROOT: Final = HERE.parent.parent
REPORTS: Final = {
    "report.txt": "examples/getting_started/test_mounted_secrets.py",
    "report-broken.txt": "examples/getting_started/test_caching_resolver.py",
}
HEADER: Final = "ONEX SPI conformance: verdict per rule"
QUIET: Final = ("-q", "-p", "no:cacheprovider")


def command(test_file: str) -> str:
    """The command a reader types, from the repository root."""
    return f"pytest -p omnibase.spi_conformance.pytest_plugin {test_file}"


def start(test_file: str) -> subprocess.Popen[str]:
    """Start the command (the runs are independent: they go side by side)."""
    return subprocess.Popen(
        [sys.executable, "-m", *shlex.split(command(test_file)), *QUIET],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "80", "NO_COLOR": "1"},
    )


def finish(test_file: str, process: subprocess.Popen[str]) -> str:
    """Return the command and the report it printed, as the page shows them."""
    stdout, stderr = process.communicate(timeout=300)
    lines = stdout.splitlines()
    starts = [n for n, line in enumerate(lines) if HEADER in line]
    ends = [n for n, line in enumerate(lines) if line.startswith("rules: ")]
    if not starts or not ends:
        raise RuntimeError(f"no conformance report in:\n{stdout}{stderr}")
    report = [HEADER, *lines[starts[0] + 1 : ends[0] + 1]]
    return "\n".join([f"$ {command(test_file)}", *report]) + "\n"


def main(argv: list[str]) -> int:
    """Check (or with ``--write``, rewrite) every report file."""
    write = argv == ["--write"]
    stale: list[str] = []
    running = {name: start(test_file) for name, test_file in REPORTS.items()}
    for name, test_file in REPORTS.items():
        path = HERE / name
        actual = finish(test_file, running[name])
        if write:
            path.write_text(actual, encoding="utf-8")
        elif not path.is_file() or path.read_text(encoding="utf-8") != actual:
            stale.append(f"{path.relative_to(ROOT)} differs from this run:\n{actual}")
    for message in stale:
        print(message, file=sys.stderr)
    if stale:
        print(
            "update with: python -m examples.getting_started.reports --write",
            file=sys.stderr,
        )
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
