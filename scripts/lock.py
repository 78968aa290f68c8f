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

``--check`` remembers its last success: a stamp in the virtual environment
holds a SHA-256 digest of everything the check reads (``pyproject.toml``,
``poetry.toml``, ``poetry.lock``, the exported ``requirements/*.txt``, this
script, and the versions of Poetry and its export plugin). When the digest
is unchanged the check is skipped; any change to one of those files (a
stale export, an edited ``pyproject.toml``) runs it in full. ``--force``
always runs it; the stamp is only written after a check that passed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

SCRIPT = Path(__file__).resolve()
ROOT = SCRIPT.parent.parent
PYPROJECT = ROOT / "pyproject.toml"
POETRY_CONFIG = ROOT / "poetry.toml"
LOCK = ROOT / "poetry.lock"
REQUIREMENTS = ROOT / "requirements"
EXPORTED_GROUPS = ("dev", "docs")
TEMPORARY_SOURCE_NAME = "relock-simple-index"
SOURCE_TABLE = re.compile(r"\n\[package\.source\]\n(?:[a-z-]+ = .*\n)+")
STAMP_NAME = "lock-check.stamp"
STAMP_FORMAT = "lock-check 1"
TOOLS = ("poetry", "poetry-core", "poetry-plugin-export")


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


def checked_files() -> list[Path]:
    """Return every file the check reads, in a fixed order."""
    exports = [REQUIREMENTS / f"{group}.txt" for group in EXPORTED_GROUPS]
    return [SCRIPT, PYPROJECT, POETRY_CONFIG, LOCK, *exports]


def inputs_digest() -> str:
    """Return a digest of everything ``--check`` reads.

    Returns:
        SHA-256 over the stamp format, each checked file's name, size and
        bytes (a missing file counts as missing), and the tools' versions.
    """
    digest = hashlib.sha256(STAMP_FORMAT.encode())
    for path in checked_files():
        name = path.relative_to(ROOT).as_posix().encode()
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            digest.update(b"\0missing\0" + name)
            continue
        digest.update(b"\0file\0" + name + b"\0" + str(len(data)).encode() + b"\0")
        digest.update(data)
    for tool in TOOLS:
        try:
            version = metadata.version(tool)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"\0tool\0{tool}={version}".encode())
    return digest.hexdigest()


def default_stamp() -> Path | None:
    """Return where the stamp lives: in the running virtual environment.

    Returns:
        ``<venv>/lock-check.stamp``, or ``None`` outside a virtual
        environment (then every check runs in full).
    """
    if sys.prefix == sys.base_prefix:
        return None
    return Path(sys.prefix) / STAMP_NAME


def read_stamp(stamp: Path) -> str:
    """Return the digest stored in ``stamp``, or an empty string."""
    try:
        return stamp.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def write_stamp(stamp: Path, digest: str) -> None:
    """Store ``digest`` in ``stamp``; a stamp that cannot be written is skipped."""
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(digest + "\n", encoding="utf-8")
    except OSError as error:
        print(f"lock: could not write the stamp {stamp}: {error}", file=sys.stderr)


def check(stamp: Path | None, *, force: bool = False) -> int:
    """Run :func:`check_current` unless nothing it reads changed since it passed.

    Args:
        stamp: Where the digest of the last passing check is kept (``None``:
            always check, remember nothing).
        force: Check even when the digest is unchanged.

    Returns:
        0 when everything is current (or unchanged since it was), 1 otherwise.
    """
    digest = inputs_digest()
    if stamp is not None and not force and read_stamp(stamp) == digest:
        print(
            "lock: poetry.lock and requirements/*.txt unchanged since they were "
            "last checked; skipped (--force checks anyway)"
        )
        return 0
    status = check_current()
    if status == 0 and stamp is not None:
        write_stamp(stamp, digest)
    return status


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
    parser.add_argument(
        "--force",
        action="store_true",
        help="with --check: check even when nothing changed since the last pass",
    )
    parser.add_argument(
        "--stamp",
        type=Path,
        default=default_stamp(),
        metavar="PATH",
        help="with --check: where the digest of the last passing check is kept "
        "(default: lock-check.stamp in the running virtual environment)",
    )
    arguments = parser.parse_args()
    if arguments.check:
        stamp: Path | None = arguments.stamp
        force: bool = arguments.force
        return check(stamp, force=force)
    relock()
    return 0


if __name__ == "__main__":
    sys.exit(main())
