"""The project's maintenance scripts.

Each one runs as a file (``python scripts/<name>.py``); the tests import them
one way only, as modules of this package (``from scripts import ...``).
"""
