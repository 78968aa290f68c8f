#!/usr/bin/env python3
"""Build the wheel and prove it ships exactly the SPI and works with the stdlib alone.

Checks of the wheel's contents:

- it holds ``omnibase/protocols/py.typed`` and every module of
  ``src/omnibase/protocols`` and ``src/omnibase/spi_conformance``;
- it holds no ``omnibase/__init__.py`` (PEP 420: other distributions add
  ``omnibase.core`` and friends beside it), no bytecode, and nothing outside
  those two packages and its ``.dist-info``;
- every shipped package directory holds ``py.typed`` (PEP 561), so type
  checkers read the kit as well as the contracts;
- its ``.dist-info`` holds the ``LICENSE`` and its metadata names project URLs;
- its metadata requires Python >= 3.12 and no other distribution, except
  behind the ``conformance`` extra (pytest, for the kit's suites).

With ``--install`` it also installs the wheel into a new, empty virtual
environment (no pip, no dev tools) and imports every public module there,
failing if anything outside the standard library and the SPI gets loaded.

Usage::

    scripts/check_wheel.py --build [--install]   # build into a temp dir, check
    scripts/check_wheel.py [--install] WHEEL     # check a wheel you built
"""

from __future__ import annotations

import argparse
import email.parser
import json
import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src"
SHIPPED_PACKAGES = ("omnibase/protocols/", "omnibase/spi_conformance/")

PURELIB_PROBE = "import sysconfig; print(sysconfig.get_path('purelib'))"
IMPORT_PROBE = """
import importlib, json, sys
before = set(sys.modules)
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
foreign = sorted(
    name for name in set(sys.modules) - before
    if name.split(".")[0] not in sys.stdlib_module_names
    and name != "omnibase"
    and not name.startswith(("omnibase.protocols", "omnibase.spi_conformance"))
)
print(json.dumps({"loaded": len(set(sys.modules) - before), "foreign": foreign}))
"""


def shipped_sources() -> set[str]:
    """Return the archive paths the wheel must contain.

    Returns:
        Paths like ``omnibase/protocols/core/__init__.py`` and ``py.typed``.
    """
    expected: set[str] = set()
    for package in SHIPPED_PACKAGES:
        for path in (SOURCE / package).rglob("*"):
            if path.is_file() and (path.suffix == ".py" or path.name == "py.typed"):
                expected.add(path.relative_to(SOURCE).as_posix())
    return expected


EXTRA_MODULES: tuple[str, ...] = (
    "omnibase.spi_conformance.suites",
    "omnibase.spi_conformance.pytest_plugin",
)
"""Modules that need the ``conformance`` extra (pytest): not imported by the
stdlib-only probe."""


def public_modules() -> list[str]:
    """Return the dotted names of every shipped module the stdlib alone imports.

    Returns:
        Module names, packages included, sorted; the modules of
        [`EXTRA_MODULES`][] are left out.
    """
    names: list[str] = []
    for archive_path in shipped_sources():
        if not archive_path.endswith(".py"):
            continue
        module = archive_path.removesuffix(".py").replace("/", ".")
        name = module.removesuffix(".__init__")
        if not name.startswith(EXTRA_MODULES):
            names.append(name)
    return sorted(names)


def build_wheel(output: Path) -> Path:
    """Build the wheel with Poetry into ``output``.

    Args:
        output: Directory that receives the wheel.

    Returns:
        Path of the built wheel.

    Raises:
        SystemExit: When the build fails or produces no single wheel.
    """
    poetry = Path(sys.executable).with_name("poetry")
    command = [str(poetry), "build", "--format", "wheel", "--output", str(output)]
    completed = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise SystemExit(f"check_wheel: poetry build failed:\n{completed.stderr}")
    wheels = sorted(output.glob("*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"check_wheel: expected one wheel in {output}, found {wheels}")
    return wheels[0]


def content_problems(wheel: Path) -> list[str]:
    """List everything wrong with the wheel's contents and metadata.

    Args:
        wheel: The wheel to inspect.

    Returns:
        One message per problem; empty when the wheel is right.
    """
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata_name = next(
            (name for name in names if name.endswith(".dist-info/METADATA")), None
        )
        metadata = (
            email.parser.Parser().parsestr(archive.read(metadata_name).decode())
            if metadata_name
            else None
        )
    problems = [
        f"{wheel.name}: missing {path}" for path in sorted(shipped_sources() - names)
    ]
    for name in sorted(names):
        if name == "omnibase/__init__.py":
            problems.append(
                f"{wheel.name}: ships {name} (breaks the PEP 420 namespace)"
            )
        elif name.endswith((".pyc", ".pyo")) or "__pycache__" in name:
            problems.append(f"{wheel.name}: ships bytecode {name}")
        elif not name.startswith(SHIPPED_PACKAGES) and ".dist-info/" not in name:
            problems.append(f"{wheel.name}: ships {name}, outside the SPI packages")
    if metadata is None:
        problems.append(f"{wheel.name}: no METADATA")
    else:
        if metadata.get("Requires-Python") != ">=3.12":
            problems.append(
                f"{wheel.name}: Requires-Python is {metadata.get('Requires-Python')!r}"
            )
        requirements = metadata.get_all("Requires-Dist") or []
        unconditional = [r for r in requirements if 'extra == "conformance"' not in r]
        if unconditional:
            problems.append(f"{wheel.name}: runtime dependencies {unconditional}")
        if not metadata.get_all("Project-URL"):
            problems.append(f"{wheel.name}: no Project-URL in METADATA")
    if not any(name.endswith(".dist-info/licenses/LICENSE") for name in names):
        problems.append(f"{wheel.name}: no LICENSE in .dist-info/licenses/")
    for package in SHIPPED_PACKAGES:
        if f"{package}py.typed" not in names:
            problems.append(f"{wheel.name}: {package} has no py.typed (PEP 561)")
    return problems


def install_problems(wheel: Path) -> list[str]:
    """Install ``wheel`` into an empty venv and import every shipped module.

    Args:
        wheel: The wheel to install.

    Returns:
        One message per problem; empty when every module imports with nothing
        but the standard library.
    """
    with tempfile.TemporaryDirectory(prefix="spi-wheel-") as scratch:
        environment = Path(scratch) / "venv"
        venv.EnvBuilder(with_pip=False).create(environment)
        python = environment / "bin" / "python"
        purelib = subprocess.run(
            [str(python), "-c", PURELIB_PROBE],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        installed = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--no-index",
                "--no-compile",
                "--target",
                purelib,
                str(wheel),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if installed.returncode != 0:
            return [f"{wheel.name}: pip could not install it:\n{installed.stderr}"]
        probe = subprocess.run(
            [str(python), "-I", "-c", IMPORT_PROBE, json.dumps(public_modules())],
            capture_output=True,
            text=True,
            check=False,
            cwd=scratch,
        )
        if probe.returncode != 0:
            return [f"{wheel.name}: importing its modules failed:\n{probe.stderr}"]
        report = json.loads(probe.stdout)
        foreign: list[str] = report["foreign"]
        if foreign:
            return [f"{wheel.name}: importing it loaded non-stdlib modules {foreign}"]
        print(
            f"check_wheel: {len(public_modules())} modules import in an empty venv; "
            f"{report['loaded']} modules loaded, all stdlib or SPI"
        )
    return []


def main(argv: list[str] | None = None) -> int:
    """Run the checks the command line asks for.

    Args:
        argv: Arguments; ``None`` for ``sys.argv[1:]``.

    Returns:
        0 when the wheel is right, 1 otherwise.
    """
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("wheel", nargs="?", type=Path, help="wheel to check")
    parser.add_argument("--build", action="store_true", help="build the wheel first")
    parser.add_argument(
        "--install", action="store_true", help="also install and import it"
    )
    arguments = parser.parse_args(argv)
    if arguments.build == (arguments.wheel is not None):
        parser.error("give either --build or a WHEEL")
    with tempfile.TemporaryDirectory(prefix="spi-build-") as scratch:
        wheel = build_wheel(Path(scratch)) if arguments.build else arguments.wheel
        if not wheel.is_file():
            print(f"check_wheel: {wheel}: no such file", file=sys.stderr)
            return 1
        problems = content_problems(wheel)
        if arguments.install and not problems:
            problems = install_problems(wheel)
        for problem in problems:
            print(f"check_wheel: {problem}", file=sys.stderr)
        if not problems:
            print(f"check_wheel: {wheel.name} ships exactly the SPI")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
