"""Reference implementations broken on purpose, one rule at a time.

Each module lists its variants in ``VARIANTS``; ``tests/conformance/
test_broken_variants.py`` runs each against its suite and requires the
broken rule's tests, and only those, to fail.
"""
