"""The AST validator of the ``omnibase.protocols`` SPI, as a package.

Run it as ``python scripts/ast_spi_validator.py [--check-protocols] [paths]``
(the entry point the specification names). Where things are:

=================  ======================================================
``rules``          the records: :class:`Rule`, :class:`Diagnostic`, tables
``source``         ``SPI0xx``: which files are checked, reading, decoding
``imports``        ``SPI1xx``: the allow-list, placement, layering
``anytype``        ``SPI2xx``: ``typing.Any`` in every spelling
``contract``       ``SPI3xx``: module, Protocol and error-class shape
``runtime``        ``SPI4xx``: nothing runs at import but definitions
``lazy``           the one exception: a package's lazy re-exports (``SPI114``)
``layers``         the layering, read from ``.importlinter`` (declared once)
``names``          qualified names the rules look for, in every spelling
``syntax``         small questions about syntax trees
``context``        the module being checked, the walk's position, findings
``walk``           the single walk that calls each family's observers
``checker``        :func:`check_source`, :func:`check_paths`: wiring
``cli``            the command line
=================  ======================================================

Each file is read as bytes, decoded as Python decodes it, parsed once and
walked once; checked files are never imported or executed. The rule families
are independent: each reports what breaks its own rules, so one node may
carry findings of two families (a call in an annotation runs at import time,
``SPI405``, and is a type no checker can read, ``SPI204``).

To add a rule: add its row to the family's table, an ``on_<NodeClass>``
observer (or a check in an existing one), and a failing and a passing case
to ``tests/validators/test_validator_rules.py``.
"""

from scripts.spi_validator.checker import RULES, check_paths, check_source, check_tree
from scripts.spi_validator.cli import main
from scripts.spi_validator.rules import Diagnostic, Rule
from scripts.spi_validator.source import (
    MAX_BYTES,
    iter_files,
    module_name_for,
    read_source,
)

__all__ = [
    "MAX_BYTES",
    "RULES",
    "Diagnostic",
    "Rule",
    "check_paths",
    "check_source",
    "check_tree",
    "iter_files",
    "main",
    "module_name_for",
    "read_source",
]
