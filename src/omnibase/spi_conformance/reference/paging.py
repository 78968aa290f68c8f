"""Cursor paging shared by the in-memory listings (PG-1 to PG-5).

[`paginate`][]'s cursor is the index of the next item, as a string: simple,
but an item removed from an earlier page shifts the rest, so the next page
skips one (PG-5). [`paginate_after`][]'s cursor is the sort key of the last
item returned, encoded opaquely (PG-3): the next page starts after it
whatever changed meanwhile. A real store would also sign the cursor.
"""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import cast

from omnibase.protocols.errors import InvalidInputError
from omnibase.spi_conformance.reference.values import Page

__all__ = ["decode_cursor", "encode_cursor", "paginate", "paginate_after"]


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


def encode_cursor(key: Sequence[str]) -> str:
    """Return the opaque cursor of a position in a listing's order.

    Args:
        key: The sort key of the last item returned.

    Returns:
        URL-safe text; [`decode_cursor`][] reads it back.
    """
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def decode_cursor(cursor: str) -> tuple[str, ...]:
    """Read a cursor made by [`encode_cursor`][] (PG-3).

    Args:
        cursor: The cursor a caller passed back.

    Returns:
        The sort key it marks.

    Raises:
        InvalidInputError: The cursor was not made by ``encode_cursor``.
    """
    try:
        key: object = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except (ValueError, UnicodeEncodeError, binascii.Error):
        raise InvalidInputError(f"unreadable cursor {cursor[:40]!r} (PG-3)") from None
    if isinstance(key, list):
        parts = [part for part in cast("list[object]", key) if isinstance(part, str)]
        if parts and len(parts) == len(cast("list[object]", key)):
            return tuple(parts)
    raise InvalidInputError(f"unreadable cursor {cursor[:40]!r} (PG-3)")


def paginate_after[ItemT](
    items: Sequence[ItemT],
    *,
    key: Callable[[ItemT], tuple[str, ...]],
    cursor: str | None,
    limit: int,
) -> Page[ItemT]:
    """Return the page of ``items`` that follows the position ``cursor`` marks.

    Unlike [`paginate`][], the cursor is the sort key of the last item
    returned, not an offset, so items added or removed between two pages do
    not make the next page repeat or skip the others (PG-5).

    Args:
        items: The whole listing now; sorted here by ``key``, which must be
            unique per item (a total order).
        key: The sort key of an item, as strings that compare in the
            listing's order.
        cursor: ``next_cursor`` of the previous page; ``None`` to start.
        limit: Most items on the page (PG-4).

    Returns:
        The page; ``next_cursor`` is ``None`` when nothing follows (PG-1).

    Raises:
        InvalidInputError: ``limit`` below 1 (PG-4) or an unreadable cursor
            (PG-3).
    """
    if isinstance(cast("object", limit), bool) or not isinstance(
        cast("object", limit), int
    ):
        raise InvalidInputError(f"limit must be an int, got {limit!r} (PG-4)")
    if limit < 1:
        raise InvalidInputError(f"limit must be at least 1, got {limit} (PG-4)")
    ordered = sorted(items, key=key)
    if cursor is not None:
        if not isinstance(cast("object", cursor), str):
            raise InvalidInputError(f"a cursor is a str, got {cursor!r} (PG-3)")
        after = decode_cursor(cursor)
        ordered = [item for item in ordered if key(item) > after]
    page = ordered[:limit]
    more = len(ordered) > limit
    return Page(tuple(page), encode_cursor(key(page[-1])) if more else None)
