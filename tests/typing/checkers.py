"""Run mypy and basedpyright (both strict) once over many files; collect diagnostics.

Both checkers see the same files with the settings an implementer's CI would
use: mypy ``strict`` (which includes ``warn_unused_ignores``) and basedpyright
``strict`` with ``reportUnnecessaryTypeIgnoreComment``. pyright is told to
ignore mypy's ``# type: ignore[...]`` comments (``enableTypeIgnoreComments:
false``) and mypy never reads ``# pyright: ignore[...]``, so each checker's
expectations on a line are independent: a case line says what each checker
must report there, by error code, and an expectation that is not met is
itself reported (an unused ignore).
"""

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, override

from mypy import api as mypy_api
from pydantic import BaseModel

__all__ = ["CHECKERS", "CheckerName", "CheckerRun", "Diagnostic", "run_checkers"]

type CheckerName = Literal["mypy", "basedpyright"]
CHECKERS: tuple[CheckerName, ...] = ("mypy", "basedpyright")

_MYPY_CONFIG = """\
[mypy]
strict = True
warn_unused_ignores = True
warn_unreachable = True
explicit_package_bases = True
namespace_packages = True
mypy_path = {mypy_path}
enable_error_code = ignore-without-code, redundant-expr, truthy-bool, possibly-undefined
"""


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One error or warning reported by a checker.

    Attributes:
        checker: Who reported it.
        path: The file (resolved).
        line: 1-based line number.
        code: mypy error code or pyright rule (``""`` when none is given).
        message: The message.
    """

    checker: CheckerName
    path: Path
    line: int
    code: str
    message: str

    @override
    def __str__(self) -> str:
        """Return ``checker: file:line: message [code]``."""
        where = f"{self.path.name}:{self.line}"
        return f"{self.checker}: {where}: {self.message} [{self.code}]"


@dataclass(frozen=True, slots=True)
class CheckerRun:
    """The outcome of one run of both checkers.

    Attributes:
        diagnostics: Every error and warning, of both checkers.
        seconds: Wall time of each checker.
        files: The files checked.
    """

    diagnostics: tuple[Diagnostic, ...]
    seconds: Mapping[CheckerName, float]
    files: tuple[Path, ...]

    def for_file(self, checker: CheckerName, path: Path) -> list[Diagnostic]:
        """Return what ``checker`` reported in ``path``.

        Args:
            checker: The checker.
            path: A checked file.

        Returns:
            Its diagnostics, by line.
        """
        resolved = path.resolve()
        return sorted(
            (
                d
                for d in self.diagnostics
                if d.checker == checker and d.path == resolved
            ),
            key=lambda d: d.line,
        )


def _run_mypy(
    files: Sequence[Path], search_paths: Sequence[Path], work_dir: Path, cache: Path
) -> list[Diagnostic]:
    config = work_dir / "mypy.ini"
    config.write_text(
        _MYPY_CONFIG.format(mypy_path=":".join(str(p) for p in search_paths)),
        encoding="utf-8",
    )
    stdout, stderr, status = mypy_api.run(
        [
            "--config-file",
            str(config),
            "--cache-dir",
            str(cache),
            "--output",
            "json",
            "--no-error-summary",
            *(str(path) for path in files),
        ]
    )
    if status not in (0, 1) or stderr.strip():
        msg = f"mypy failed to run (exit {status}):\n{stderr}\n{stdout}"
        raise RuntimeError(msg)
    diagnostics: list[Diagnostic] = []
    for line in stdout.splitlines():
        if not line.startswith("{"):
            continue
        record: dict[str, object] = json.loads(line)
        if record.get("severity") != "error":
            continue
        message = str(record["message"])
        hint = record.get("hint")
        if hint:  # mypy's notes on the error, e.g. which member conflicts
            message = f"{message}\n{hint}"
        diagnostics.append(
            Diagnostic(
                "mypy",
                Path(str(record["file"])).resolve(),
                int(str(record["line"])),
                str(record.get("code") or ""),
                message,
            )
        )
    return diagnostics


def _start_basedpyright(
    files: Sequence[Path], search_paths: Sequence[Path], work_dir: Path
) -> subprocess.Popen[str]:
    config = work_dir / "pyrightconfig.json"
    config.write_text(
        json.dumps(
            {
                "typeCheckingMode": "strict",
                "include": [str(path) for path in files],
                "extraPaths": [str(path) for path in search_paths],
                "enableTypeIgnoreComments": False,
                "reportUnnecessaryTypeIgnoreComment": "error",
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    executable = Path(sys.executable).parent / "basedpyright"
    command = (
        [str(executable)]
        if executable.exists()
        else [sys.executable, "-m", "basedpyright"]
    )
    return subprocess.Popen(
        [*command, "--outputjson", "-p", str(config), "--pythonpath", sys.executable],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=work_dir,
        env={**os.environ, "NO_COLOR": "1"},
    )


class _Position(BaseModel):
    line: int


class _Range(BaseModel):
    start: _Position


class _PyrightDiagnostic(BaseModel):
    file: str
    severity: str
    message: str
    range: _Range = _Range(start=_Position(line=0))
    rule: str = ""


class _PyrightReport(BaseModel):
    """The part of ``basedpyright --outputjson`` this module reads."""

    generalDiagnostics: list[_PyrightDiagnostic]


def _finish_basedpyright(process: subprocess.Popen[str]) -> list[Diagnostic]:
    stdout, stderr = process.communicate(timeout=300)
    if process.returncode not in (0, 1):
        msg = f"basedpyright failed to run (exit {process.returncode}):\n{stderr}"
        raise RuntimeError(msg)
    report = _PyrightReport.model_validate_json(stdout)
    return [
        Diagnostic(
            "basedpyright",
            Path(item.file).resolve(),
            item.range.start.line + 1,
            item.rule,
            item.message,
        )
        for item in report.generalDiagnostics
        if item.severity in ("error", "warning")
    ]


def run_checkers(
    files: Sequence[Path],
    *,
    search_paths: Sequence[Path],
    work_dir: Path,
    mypy_cache: Path,
) -> CheckerRun:
    """Run both checkers once over ``files`` (basedpyright in parallel with mypy).

    Args:
        files: The files to check.
        search_paths: Import roots: the SPI's ``src`` and the directories of
            ``files``.
        work_dir: Where to write the checkers' configuration files.
        mypy_cache: mypy's cache directory (it only speeds up re-runs).

    Returns:
        Every diagnostic of both checkers and their wall times.
    """
    started = time.perf_counter()
    pyright = _start_basedpyright(files, search_paths, work_dir)
    try:
        mypy_diagnostics = _run_mypy(files, search_paths, work_dir, mypy_cache)
    except RuntimeError:
        # A damaged or concurrently used cache must not decide the verdict:
        # run again from nothing.
        fresh = work_dir / "mypy-cache"
        mypy_diagnostics = _run_mypy(files, search_paths, work_dir, fresh)
    mypy_seconds = time.perf_counter() - started
    pyright_diagnostics = _finish_basedpyright(pyright)
    pyright_seconds = time.perf_counter() - started
    return CheckerRun(
        tuple(mypy_diagnostics + pyright_diagnostics),
        {"mypy": mypy_seconds, "basedpyright": pyright_seconds},
        tuple(path.resolve() for path in files),
    )
