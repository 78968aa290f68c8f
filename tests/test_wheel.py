"""The built wheel ships exactly the SPI and works with the standard library alone."""

import zipfile
from pathlib import Path

import pytest

from scripts import check_wheel

GOOD_METADATA = (
    "Metadata-Version: 2.4\nName: omnibase-spi\nRequires-Python: >=3.12\n"
    'Requires-Dist: pytest>=8.0 ; extra == "conformance"\n'
    "Project-URL: Repository, https://example.org/omnibase-spi\n"
)


def make_wheel(path: Path, files: dict[str, str]) -> Path:
    """Write a fake wheel holding ``files``."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path


def complete_files() -> dict[str, str]:
    """Every file a correct wheel holds."""
    files = dict.fromkeys(check_wheel.shipped_sources(), "")
    files["omnibase_spi-0.1.0.dist-info/METADATA"] = GOOD_METADATA
    files["omnibase_spi-0.1.0.dist-info/licenses/LICENSE"] = "MIT License"
    return files


def test_built_wheel_installs_into_an_empty_venv_and_imports_with_stdlib_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert check_wheel.main(["--build", "--install"]) == 0
    out = capsys.readouterr().out
    assert "ships exactly the SPI" in out
    assert "all stdlib or SPI" in out


def test_a_correct_wheel_has_no_problems(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path / "good.whl", complete_files())
    assert check_wheel.content_problems(wheel) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"omnibase/__init__.py": ""}, "breaks the PEP 420 namespace"),
        ({"omnibase/core/impl.py": ""}, "outside the SPI packages"),
        ({"omnibase/protocols/__pycache__/x.cpython-312.pyc": ""}, "bytecode"),
        (
            {
                "omnibase_spi-0.1.0.dist-info/METADATA": GOOD_METADATA
                + "Requires-Dist: pydantic>=2\n"
            },
            "runtime dependencies ['pydantic>=2']",
        ),
        (
            {
                "omnibase_spi-0.1.0.dist-info/METADATA": GOOD_METADATA.replace(
                    ">=3.12", ">=3.8"
                )
            },
            "Requires-Python is '>=3.8'",
        ),
        (
            {
                "omnibase_spi-0.1.0.dist-info/METADATA": GOOD_METADATA.replace(
                    "Project-URL", "X-Project-URL"
                )
            },
            "no Project-URL",
        ),
    ],
)
def test_content_problems_name_the_offending_file(
    tmp_path: Path, change: dict[str, str], expected: str
) -> None:
    wheel = make_wheel(tmp_path / "bad.whl", complete_files() | change)
    problems = check_wheel.content_problems(wheel)
    assert len(problems) == 1
    assert expected in problems[0]


def test_a_missing_module_is_reported(tmp_path: Path) -> None:
    files = complete_files()
    del files["omnibase/protocols/py.typed"]
    wheel = make_wheel(tmp_path / "bad.whl", files)
    assert check_wheel.content_problems(wheel) == [
        "bad.whl: missing omnibase/protocols/py.typed",
        "bad.whl: omnibase/protocols/ has no py.typed (PEP 561)",
    ]


@pytest.mark.parametrize(
    ("removed", "expected"),
    [
        ("omnibase_spi-0.1.0.dist-info/licenses/LICENSE", "no LICENSE"),
        ("omnibase/spi_conformance/py.typed", "spi_conformance/ has no py.typed"),
    ],
)
def test_license_and_every_py_typed_are_required(
    tmp_path: Path, removed: str, expected: str
) -> None:
    files = complete_files()
    del files[removed]
    problems = check_wheel.content_problems(make_wheel(tmp_path / "bad.whl", files))
    assert any(expected in problem for problem in problems), problems


def test_every_shipped_module_is_listed_for_the_import_probe() -> None:
    modules = check_wheel.public_modules()
    assert "omnibase.protocols" in modules
    assert "omnibase.protocols.errors" in modules
    assert "omnibase.protocols.workflow_orchestration.protocol_workflow_event_bus" in (
        modules
    )
    assert all(not name.endswith("__init__") for name in modules)
