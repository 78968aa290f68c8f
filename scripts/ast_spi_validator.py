#!/usr/bin/env python3
"""Check the ``omnibase.protocols`` SPI with the standard library's ``ast``.

Usage::

    python scripts/ast_spi_validator.py [--check-protocols] [paths...]

Without paths it checks ``src/omnibase/protocols`` of the repository that
holds this script. The default run applies the input (``SPI0xx``), import
(``SPI1xx``), ``Any`` (``SPI2xx``) and import-time (``SPI4xx``) rules;
``--check-protocols`` adds the contract rules (``SPI3xx``). ``--list-rules``
explains every code.

Exit status: 0 clean, 1 violations, 2 usage error or a path that could not be
read (the ``io`` rules, reported even when ``--select`` or ``--ignore`` would
filter them out).

This file is the entry point; the rules live in the package
``scripts/spi_validator`` (one module per rule family).
"""

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make `scripts.*` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.spi_validator import (
    MAX_BYTES,
    RULES,
    Diagnostic,
    check_paths,
    check_source,
    main,
)

__all__ = ["MAX_BYTES", "RULES", "Diagnostic", "check_paths", "check_source", "main"]

if __name__ == "__main__":
    sys.exit(main())
