"""One run of both type checkers over the generated accepted shapes and the case files.

The SPI tree the checkers read is ``src`` next to ``tests`` unless the
environment variable ``OMNIBASE_SPI_SRC`` names another one (to test a
modified copy). The protocols are discovered at runtime from the imported
``omnibase.protocols``; :func:`spi_src` fails when that package does not come
from the same tree, so that the generated cases and the checked sources never
disagree (set ``PYTHONPATH`` to the same directory as ``OMNIBASE_SPI_SRC``).
"""

import os
import time
from dataclasses import dataclass
from pathlib import Path

import omnibase.protocols
from tests.typing.accepted_shapes import GeneratedModule, generate_modules
from tests.typing.checkers import CheckerRun, run_checkers

__all__ = ["CASES_DIR", "TypingSession", "build_session", "spi_src"]

CASES_DIR = Path(__file__).resolve().parent / "cases"
"""Hand-written case files (typeshed style)."""

_REPO = Path(__file__).resolve().parents[2]


def spi_src() -> Path:
    """Return the ``src`` directory whose ``omnibase.protocols`` is under test.

    Returns:
        ``$OMNIBASE_SPI_SRC`` if set, else the repository's ``src``.

    Raises:
        RuntimeError: The imported ``omnibase.protocols`` lives elsewhere.
    """
    configured = os.environ.get("OMNIBASE_SPI_SRC")
    src = Path(configured).resolve() if configured else _REPO / "src"
    imported = Path(omnibase.protocols.__file__).resolve()
    if not imported.is_relative_to(src):
        msg = (
            f"omnibase.protocols is imported from {imported}, but the type "
            f"checkers would read {src}: set PYTHONPATH={src} as well"
        )
        raise RuntimeError(msg)
    return src


@dataclass(frozen=True, slots=True)
class TypingSession:
    """The generated modules, the case files, and what the checkers said.

    Attributes:
        run: Diagnostics of both checkers.
        generated: Generated module files and their content.
        case_files: The hand-written case files.
        generate_seconds: Time spent generating the accepted modules.
    """

    run: CheckerRun
    generated: dict[Path, GeneratedModule]
    case_files: tuple[Path, ...]
    generate_seconds: float


def build_session(work_dir: Path, mypy_cache: Path) -> TypingSession:
    """Generate the accepted modules, then run both checkers once over all files.

    Args:
        work_dir: An empty directory for generated files and configurations.
        mypy_cache: A directory for mypy's cache.

    Returns:
        The session.
    """
    started = time.perf_counter()
    generated_dir = work_dir / "accepted"
    generated_dir.mkdir()
    generated: dict[Path, GeneratedModule] = {}
    for module in generate_modules():
        path = (generated_dir / f"{module.name}.py").resolve()
        path.write_text(module.source, encoding="utf-8")
        generated[path] = module
    generate_seconds = time.perf_counter() - started
    case_files = tuple(sorted(path.resolve() for path in CASES_DIR.glob("*.py")))
    run = run_checkers(
        [*generated, *case_files],
        search_paths=[spi_src(), generated_dir, CASES_DIR],
        work_dir=work_dir,
        mypy_cache=mypy_cache,
    )
    return TypingSession(run, generated, case_files, generate_seconds)
