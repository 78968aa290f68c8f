"""Cursor paging shared by the in-memory listings (PG-1 to PG-4).

The cursor is the index of the next item, as a string. Callers treat it as
opaque (PG-3); a real store would encode a key and sign it.
"""

from collections.abc import Sequence

from omnibase.protocols.errors import InvalidInputError
from omnibase.spi_conformance.reference.values import Page

__all__ = ["paginate"]


def paginate[ItemT](
    items: Sequence[ItemT], *, cursor: str | None, limit: int
) -> Page[ItemT]:
    """Return the page of ``items`` that starts at ``cursor``.

    Args:
        items: The whole listing, already in its documented order.
        cursor: ``next_cursor`` of the previous page; ``None`` to start.
        limit: Most items on the page.

    Returns:
        The page; ``next_cursor`` is ``None`` when nothing follows (PG-1).

    Raises:
        InvalidInputError: ``limit`` below 1 (PG-4) or an unreadable cursor
            (PG-3).
    """
    if limit < 1:
        raise InvalidInputError(f"limit must be at least 1, got {limit} (PG-4)")
    start = 0
    if cursor is not None:
        if not cursor.isdigit() or int(cursor) > len(items):
            raise InvalidInputError(f"unreadable cursor {cursor!r} (PG-3)")
        start = int(cursor)
    end = start + limit
    return Page(tuple(items[start:end]), str(end) if end < len(items) else None)
