"""Benchmarks of the SPI's costs: import, isinstance, type-check, validator.

Run ``python -m benchmarks --help``; see ``benchmarks/README.md``.
"""
