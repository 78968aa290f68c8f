"""The built wheel, installed in a fresh environment, as an implementer uses it.

One wheel is built and installed (``--no-deps``) into a new virtual
environment without pip. The ``conformance`` extra's dependency (pytest) and
the type checkers come from the locked development environment through a
path file, which adds that directory but not its own path files: the
repository's editable install of ``omnibase`` stays invisible, so every
``omnibase`` import below resolves to the installed wheel.

There, a throwaway project:

- holds a subclass of every suite of the kit for its reference implementation
  (the repository's ``tests/conformance/test_reference_*.py``, which import
  nothing but the installed wheel) and a ten-line subclass of the
  secret-resolver suite for a deliberately broken resolver, and runs them
  under pytest-asyncio in strict mode, in auto mode, and without it, with the
  per-rule report as JSON: every reference passes every rule it is run
  against, and the broken resolver fails exactly the rule it breaks, by id;
- type-checks every Python block of the README with ``mypy --strict`` and
  basedpyright (strict), so a missing ``py.typed`` or a wrong snippet fails.
"""

import importlib.util
import json
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import venv
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"```python\n(.*?)```", re.DOTALL)

PROJECT_TEST = '''
from collections.abc import AsyncIterator

from omnibase.protocols.types import ProtocolSecretReference, ProtocolSecretValue
from omnibase.spi_conformance.reference import InMemorySecretResolver, SecretReference
from omnibase.spi_conformance.suites import SecretResolverSuite


class ForgetsRotation(InMemorySecretResolver):
    """Broken on purpose: keeps the first value of every secret (SRR-1)."""

    async def resolve(self, reference: ProtocolSecretReference) -> ProtocolSecretValue:
        value = await super().resolve(reference)
        return self.__dict__.setdefault("first", {}).setdefault(reference.uri, value)


class TestReference(SecretResolverSuite):
    resolver_class = InMemorySecretResolver

    async def create_subject(self, env) -> AsyncIterator[InMemorySecretResolver]:
        self.resolver = self.resolver_class(clock=env.clock)
        yield self.resolver
        await self.resolver.aclose()

    async def store_secret(self, subject, env, name, value):
        return self.resolver.put(name, value)

    def missing_reference(self, subject, env):
        return SecretReference("memory:absent")


class TestBroken(TestReference):
    resolver_class = ForgetsRotation
'''


def load_check_wheel() -> ModuleType:
    """Import scripts/check_wheel.py as a module."""
    spec = importlib.util.spec_from_file_location(
        "check_wheel", ROOT / "scripts" / "check_wheel.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fresh_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new venv holding the built wheel, with the dev tools on a path file."""
    scratch = tmp_path_factory.mktemp("installed-kit")
    wheel = load_check_wheel().build_wheel(scratch / "dist")
    environment = scratch / "venv"
    venv.EnvBuilder(with_pip=False).create(environment)
    python = environment / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    install = ["install", "--quiet", "--no-deps", "--no-index", "--target", purelib]
    subprocess.run([sys.executable, "-m", "pip", *install, str(wheel)], check=True)
    tools = sysconfig.get_path("purelib")
    (Path(purelib) / "dev_tools.pth").write_text(tools + "\n", encoding="utf-8")
    return python


def run(python: Path, *arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), *arguments], capture_output=True, text=True, check=False, cwd=cwd
    )


def test_omnibase_resolves_to_the_installed_wheel(
    fresh_python: Path, tmp_path: Path
) -> None:
    found = run(
        fresh_python,
        "-c",
        "import omnibase.protocols, omnibase.spi_conformance.suites as s; "
        "print(omnibase.protocols.__file__); print(s.__file__)",
        cwd=tmp_path,
    )
    assert found.returncode == 0, found.stderr
    for line in found.stdout.splitlines():
        assert str(fresh_python.parent.parent) in line
        assert str(ROOT / "src") not in line


@pytest.mark.parametrize(
    "mode",
    [
        ("-p", "no:asyncio"),
        ("-p", "asyncio", "-o", "asyncio_mode=strict"),
        ("-p", "asyncio", "-o", "asyncio_mode=auto"),
    ],
    ids=["without-pytest-asyncio", "asyncio-strict", "asyncio-auto"],
)
def test_throwaway_project_gets_a_per_rule_verdict(
    fresh_python: Path, tmp_path: Path, mode: tuple[str, ...]
) -> None:
    (tmp_path / "test_resolver.py").write_text(PROJECT_TEST, encoding="utf-8")
    for reference in sorted(
        (ROOT / "tests" / "conformance").glob("test_reference_*.py")
    ):
        shutil.copy(reference, tmp_path / reference.name)
    report = tmp_path / "report.json"
    completed = run(
        fresh_python,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        *mode,
        "-p",
        "omnibase.spi_conformance.pytest_plugin",
        f"--conformance-json={report}",
        "-q",
        cwd=tmp_path,
    )
    assert completed.returncode == 1, completed.stdout + completed.stderr
    assert "ONEX SPI conformance: verdict per rule" in completed.stdout
    suites = {
        suite["suite"].rsplit("::", 1)[-1]: {
            rule["rule"]: rule["verdict"] for rule in suite["rules"]
        }
        for suite in json.loads(report.read_text(encoding="utf-8"))["suites"]
    }
    broken = suites.pop("TestBroken")
    assert suites["TestReference"]["LC-1"] == "skipped"  # no fault hook supplied
    assert len(suites) >= 18  # every suite, some for two references
    failed = {
        f"{suite}: {rule}"
        for suite, verdicts in suites.items()
        for rule, verdict in verdicts.items()
        if verdict == "failed"
    }
    assert failed == set()
    assert {rule for rule, verdict in broken.items() if verdict == "failed"} == {
        "SRR-1"
    }
    assert "SRR-1    FAILED" in completed.stdout


def readme_blocks() -> list[str]:
    return FENCE.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def test_readme_has_python_blocks() -> None:
    assert len(readme_blocks()) >= 3


@pytest.mark.parametrize("checker", ["mypy", "basedpyright"])
def test_readme_snippets_type_check_against_the_installed_wheel(
    fresh_python: Path, tmp_path: Path, checker: str
) -> None:
    files: list[str] = []
    for number, block in enumerate(readme_blocks(), start=1):
        path = tmp_path / f"readme_block_{number}.py"
        path.write_text(textwrap.dedent(block), encoding="utf-8")
        files.append(path.name)
    if checker == "mypy":
        command = [str(fresh_python), "-m", "mypy", "--strict", "--no-incremental"]
        completed = subprocess.run(
            [*command, *files],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            check=False,
        )
    else:
        (tmp_path / "pyrightconfig.json").write_text(
            json.dumps({"typeCheckingMode": "strict"}), encoding="utf-8"
        )
        executable = shutil.which("basedpyright", path=str(Path(sys.executable).parent))
        assert executable is not None
        completed = subprocess.run(
            [executable, "--pythonpath", str(fresh_python), *files],
            check=False,
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
    assert completed.returncode == 0, completed.stdout + completed.stderr
