"""The kit proven on itself: every broken variant is caught by its rule's tests only.

Each variant runs its whole suite. The runs mostly wait (``eventually``
limits, deliberate timeouts), so they are started together in a pool of
worker processes (processes, not threads: some tests capture process-wide
logging), each test in its own event loop as always; each variant's verdict
is then one parametrised test. ``KIT_VARIANT_WORKERS=1`` runs them one after
the other in this process.
"""

import importlib
import multiprocessing
import os
import pkgutil
from concurrent.futures import ProcessPoolExecutor
from typing import Final

import pytest

from tests.conformance import broken
from tests.conformance.harness import Variant, run_suite, verdict

WORKERS: Final = int(os.environ.get("KIT_VARIANT_WORKERS", "12"))


def all_variants() -> list[Variant]:
    """Every variant of every module under tests/conformance/broken."""
    variants: list[Variant] = []
    for info in pkgutil.iter_modules(broken.__path__):
        module = importlib.import_module(f"{broken.__name__}.{info.name}")
        variants.extend(module.VARIANTS)
    return variants


VARIANTS = all_variants()


def judge(index: int) -> list[str]:
    """Run one variant's suite; return what is wrong with the kit's verdict."""
    variant = VARIANTS[index]
    return verdict(variant, run_suite(variant.suite_class()))


@pytest.fixture(scope="module")
def verdicts() -> dict[str, list[str]]:
    """Every variant's problems, computed in worker processes."""
    indices = range(len(VARIANTS))
    if WORKERS <= 1:
        problems = [judge(index) for index in indices]
    else:
        context = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(max_workers=WORKERS, mp_context=context) as pool:
            problems = list(pool.map(judge, indices))
    return {v.label: found for v, found in zip(VARIANTS, problems, strict=True)}


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.label for v in VARIANTS])
def test_variant_is_caught_by_its_rule_and_only_by_it(
    variant: Variant, verdicts: dict[str, list[str]]
) -> None:
    assert verdicts[variant.label] == []


def test_variant_labels_are_unique() -> None:
    labels = [variant.label for variant in VARIANTS]
    assert len(labels) == len(set(labels))
