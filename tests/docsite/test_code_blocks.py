"""Every code block of the site and the README runs and type-checks, or is a fragment.

- A block made only of snippet lines (``--8<-- "examples/..."``) shows files
  from ``examples/``: those files pass ``mypy --strict`` and basedpyright
  (strict) here, and run here (``main`` functions are called, test files run
  under pytest, conformance reports are compared with a fresh run).
- A Python block of the README runs here as a module and is type-checked by
  ``tests/test_package.py`` and ``tests/test_installed_kit.py``.
- Any other block is preceded by ``<!-- fragment -->``.
"""

import asyncio
import importlib
import inspect
import os
import subprocess
import sys
import types
from pathlib import Path
from typing import cast

import pytest

from tests.docsite.blocks import all_blocks, included_files
from tests.docsite.conftest import ROOT
from tests.typing.checkers import run_checkers


def test_every_block_is_an_example_include_a_readme_example_or_a_fragment() -> None:
    blocks = all_blocks()
    unmarked = [f"{b.page}:{b.line}" for b in blocks if b.kind == "unmarked"]
    assert (
        unmarked == []
    ), "run these blocks from examples/ or mark them <!-- fragment -->"
    kinds = {b.kind for b in blocks}
    assert {"include", "readme-python", "fragment"} <= kinds


def test_included_files_exist_and_code_comes_from_examples() -> None:
    for block in all_blocks():
        for path in block.includes:
            assert (ROOT / path).is_file(), f"{block.page}:{block.line}: {path}"
            if path.endswith(".py"):
                assert path.startswith(
                    "examples/"
                ), f"{block.page}:{block.line}: {path}"


def test_included_examples_pass_both_type_checkers(tmp_path: Path) -> None:
    files = [path for path in included_files() if path.suffix == ".py"]
    assert files
    run = run_checkers(
        files,
        search_paths=[ROOT / "src", ROOT],
        work_dir=tmp_path,
        mypy_cache=ROOT / ".mypy_cache" / "docsite",
    )
    assert [str(d) for d in run.diagnostics] == []


def _example_modules() -> list[str]:
    return [
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in included_files()
        if path.suffix == ".py" and not path.name.startswith("test_")
    ]


@pytest.mark.parametrize("module_name", _example_modules())
def test_included_example_modules_run(module_name: str) -> None:
    module = importlib.import_module(module_name)
    main: object = getattr(module, "main", None)
    if not callable(main):
        return  # imported: a module of definitions
    result: object = main()
    if inspect.isawaitable(result):
        result = asyncio.run(_awaited(result))
    if module_name.startswith("examples.di."):
        assert isinstance(result, list)
        refused = cast("list[object]", result)
        assert len(refused) == 1  # the wrong plugin
        assert "[not-async]" in str(refused[0])


async def _awaited(awaitable: object) -> object:
    assert inspect.isawaitable(awaitable)
    return await awaitable


def test_included_test_files_pass_under_pytest() -> None:
    reported = {"test_mounted_secrets.py", "test_caching_resolver.py"}  # reports below
    files = [
        str(path.relative_to(ROOT))
        for path in included_files()
        if path.name.startswith("test_") and path.name not in reported
    ]
    assert files
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_the_conformance_reports_shown_are_those_of_a_fresh_run() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "examples.getting_started.reports"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        },
    )
    assert completed.returncode == 0, completed.stderr


def _readme_python_blocks() -> list[tuple[int, str]]:
    return [(b.line, b.body) for b in all_blocks() if b.kind == "readme-python"]


@pytest.mark.parametrize(("line", "source"), _readme_python_blocks())
def test_readme_python_blocks_run(line: int, source: str) -> None:
    name = f"readme_block_{line}"
    module = types.ModuleType(name)
    sys.modules[name] = module
    try:
        exec(compile(source, f"README.md:{line}", "exec"), module.__dict__)
    finally:
        del sys.modules[name]
