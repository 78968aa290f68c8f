"""Conformance kit for implementations of the ONEX SPI (not part of the contracts)."""

__all__: list[str] = []
