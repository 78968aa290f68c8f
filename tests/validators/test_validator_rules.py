"""The validator as a whole: its rule table, the clean fixture tree, names.

Each rule family has its own test module (``test_rules_<family>.py``) with a
failing and a passing source per rule; here are the checks that span them.
"""

import pytest

from scripts import spi_validator as validator
from scripts.spi_validator import anytype, contract, imports, runtime, source
from tests.validators.rule_cases import CORE, GOOD_SPI

FAMILIES = {
    "SPI0": source.RULES,
    "SPI1": imports.RULES,
    "SPI2": anytype.RULES,
    "SPI3": contract.RULES,
    "SPI4": runtime.RULES,
}


def test_each_code_belongs_to_exactly_one_family() -> None:
    codes = [code for table in FAMILIES.values() for code in table]
    assert sorted(codes) == list(validator.RULES)
    for prefix, table in FAMILIES.items():
        assert all(code.startswith(prefix) for code in table), prefix
        assert len({rule.group for rule in table.values()} - {"io", "input"}) <= 1


def test_good_fixture_tree_is_clean() -> None:
    found, checked = validator.check_paths([str(GOOD_SPI)], protocols=True)
    assert checked == 12
    assert found == []


@pytest.mark.parametrize(
    ("path", "module", "is_package"),
    [
        ("/x/src/omnibase/protocols/core/a.py", "omnibase.protocols.core.a", False),
        ("/x/src/omnibase/protocols/__init__.py", "omnibase.protocols", True),
        ("/x/y/omnibase/protocols/mcp/__init__.py", "omnibase.protocols.mcp", True),
        ("/x/src/omnibase/spi_conformance/k.py", "omnibase.spi_conformance.k", False),
        ("/x/src/pkg/mod.py", "pkg.mod", False),
        ("/elsewhere/loose/file.py", "omnibase.protocols.file", False),
        (
            "/omnibase/protocols/src/omnibase/protocols/errors.py",
            "omnibase.protocols.errors",
            False,
        ),
    ],
)
def test_module_name_for(path: str, module: str, is_package: bool) -> None:
    assert validator.module_name_for(path) == (module, is_package)


def test_diagnostic_text_format() -> None:
    (found,) = validator.check_source(b'"""D."""\nimport os\n', CORE)
    assert str(found).startswith(f"{CORE}:2:8: SPI101 `os` is outside the allow-list")


def test_the_entry_point_is_the_package() -> None:
    from scripts import ast_spi_validator

    assert ast_spi_validator.main is validator.main
    assert ast_spi_validator.check_paths is validator.check_paths
