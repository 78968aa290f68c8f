"""End-to-end example of the ONEX SPI: in-memory implementations and a demo run.

``omnibase.spi_conformance.reference`` holds one small in-memory
implementation per central contract; ``examples.end_to_end`` wires them
through the DI container and drives two workflows. Run it from the repository root::

    python -m examples.end_to_end
"""
