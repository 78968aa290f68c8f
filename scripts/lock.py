#!/usr/bin/env python3
"""Re-lock the development dependencies reproducibly.

Poetry's default source talks to the registry's per-version JSON API, which
some mirrors do not serve. This script locks against the simple index instead
and then removes every trace of it, so the committed lock names no host:

1. add a temporary primary source (the simple index pip is configured with)
   to ``pyproject.toml`` and run ``poetry lock``;
2. restore ``pyproject.toml`` byte for byte, even when locking fails;
3. drop the ``[package.source]`` tables from ``poetry.lock`` and rewrite its
   ``content-hash`` with Poetry's own algorithm;
4. export the hashed requirement files that ``scripts/bootstrap`` installs;
5. run ``poetry check --lock``.

Run it from the repository root with the project's virtual environment
(``.venv/bin/python scripts/lock.py``), which holds Poetry and its export
plugin. ``--check`` only verifies that the lock and the exported files are
current and exits 1 when they are not.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "poetry.lock"
REQUIREMENTS = ROOT / "requirements"
EXPORTED_GROUPS = ("dev", "docs")
TEMPORARY_SOURCE_NAME = "relock-simple-index"
SOURCE_TABLE = re.compile(r"\n\[package\.source\]\n(?:[a-z-]+ = .*\n)+")


def simple_index_url() -> str:
    """Return the simple index that pip on this machine is configured with.

    Returns:
        ``PIP_INDEX_URL`` or pip's configured ``global.index-url`` when set,
        else pip's built-in default index.
    """
    configured = os.environ.get("PIP_INDEX_URL")
    if configured:
        return configured
    result = subprocess.run(
        [sys.executable, "-m", "pip", "config", "get", "global.index-url"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode == 0 and result.stdout.strip():
        return result.stdout.strip()
    from pip._internal.models.index import PyPI  # noqa: PLC0415

    return str(PyPI.simple_url)


def poetry(*arguments: str) -> None:
    """Run the Poetry that lives beside this interpreter.

    Args:
        *arguments: The Poetry command line.

    Raises:
        SystemExit: When Poetry fails; its output has been shown.
    """
    executable = Path(sys.executable).with_name("poetry")
    command = [str(executable) if executable.exists() else "poetry", *arguments]
    print("+", " ".join(command), flush=True)
    completed = subprocess.run(command, cwd=ROOT, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"lock: `poetry {' '.join(arguments)}` failed")


def strip_sources_and_rehash() -> None:
    """Remove the temporary source from the lock and recompute its hash."""
    text = SOURCE_TABLE.sub("\n", LOCK.read_text(encoding="utf-8"))
    from poetry.factory import Factory  # noqa: PLC0415

    locker = Factory().create_poetry(ROOT).locker
    content_hash = locker._get_content_hash()  # pyright: ignore[reportPrivateUsage]
    text = re.sub(
        r'^content-hash = ".*"$',
        f'content-hash = "{content_hash}"',
        text,
        count=1,
        flags=re.MULTILINE,
    )
    LOCK.write_text(text, encoding="utf-8")


def export_requirements(destination: Path) -> None:
    """Write one hashed requirements file per dependency group.

    Args:
        destination: Directory that receives ``<group>.txt``.
    """
    destination.mkdir(parents=True, exist_ok=True)
    for group in EXPORTED_GROUPS:
        poetry(
            "export",
            "--only",
            group,
            "--format",
            "requirements.txt",
            "--output",
            str(destination / f"{group}.txt"),
        )


def with_temporary_source(pyproject: str, url: str) -> str:
    """Return ``pyproject`` with the simple index added as Poetry's primary source.

    Args:
        pyproject: Text of ``pyproject.toml``.
        url: The simple index to lock against.

    Returns:
        The modified text; the caller restores the original afterwards.
    """
    import tomlkit  # noqa: PLC0415  (Poetry's own dependency, in .venv)
    from tomlkit.container import OutOfOrderTableProxy  # noqa: PLC0415
    from tomlkit.items import Table  # noqa: PLC0415

    document = tomlkit.parse(pyproject)
    sources = tomlkit.item(
        [{"name": TEMPORARY_SOURCE_NAME, "url": url, "priority": "primary"}]
    )
    tool = document["tool"]
    assert isinstance(tool, Table | OutOfOrderTableProxy)
    poetry_table = tool["poetry"]
    assert isinstance(poetry_table, Table)
    poetry_table["source"] = sources
    return tomlkit.dumps(document)


def relock() -> None:
    """Lock against the simple index, then make the lock host-free."""
    original = PYPROJECT.read_bytes()
    temporary = with_temporary_source(original.decode(), simple_index_url())
    try:
        PYPROJECT.write_text(temporary, encoding="utf-8")
        poetry("lock", "--regenerate")
    finally:
        PYPROJECT.write_bytes(original)
    strip_sources_and_rehash()
    export_requirements(REQUIREMENTS)
    poetry("check", "--lock")


def check_current() -> int:
    """Verify the lock matches pyproject.toml and the exports match the lock.

    Returns:
        0 when everything is current, 1 otherwise.
    """
    poetry("check", "--lock")
    with tempfile.TemporaryDirectory() as scratch:
        export_requirements(Path(scratch))
        stale = [
            group
            for group in EXPORTED_GROUPS
            if (Path(scratch) / f"{group}.txt").read_bytes()
            != (REQUIREMENTS / f"{group}.txt").read_bytes()
        ]
    if stale:
        print(
            "lock: requirements/"
            + ", requirements/".join(f"{group}.txt" for group in stale)
            + " differ from poetry.lock; run `.venv/bin/python scripts/lock.py`",
            file=sys.stderr,
        )
        return 1
    print("lock: poetry.lock and requirements/*.txt are current")
    return 0


def main() -> int:
    """Parse the command line and re-lock or check.

    Returns:
        The process exit status.
    """
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="only verify; change nothing"
    )
    arguments = parser.parse_args()
    if arguments.check:
        return check_current()
    relock()
    return 0


if __name__ == "__main__":
    sys.exit(main())
