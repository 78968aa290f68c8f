"""The kit proven on itself: every broken variant is caught by its rule's tests only."""

import importlib
import pkgutil

import pytest

from tests.conformance import broken
from tests.conformance.harness import Variant, run_suite, verdict


def all_variants() -> list[Variant]:
    """Every variant of every module under tests/conformance/broken."""
    variants: list[Variant] = []
    for info in pkgutil.iter_modules(broken.__path__):
        module = importlib.import_module(f"{broken.__name__}.{info.name}")
        variants.extend(module.VARIANTS)
    return variants


VARIANTS = all_variants()


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.label for v in VARIANTS])
def test_variant_is_caught_by_its_rule_and_only_by_it(variant: Variant) -> None:
    results = run_suite(variant.suite_class())
    assert verdict(variant, results) == []


def test_variant_labels_are_unique() -> None:
    labels = [variant.label for variant in VARIANTS]
    assert len(labels) == len(set(labels))
