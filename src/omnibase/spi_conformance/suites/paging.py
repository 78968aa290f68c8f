"""PG-1 to PG-5 for any paged listing: a mixin for the suites that have one.

A suite mixes in [`PageChecks`][] and says how to fill the listing, read one
page, add an item that sorts early and remove one; the checks then follow
cursors the way a caller does, while the listing changes between pages.
"""

from collections.abc import Sequence

from omnibase.protocols.errors import InvalidInputError
from omnibase.spi_conformance.suites._base import (
    ConformanceSuite,
    SuiteEnvironment,
    check,
    check_equal,
    check_raises,
    fail,
    rule,
)

__all__ = ["PageChecks"]

MAX_PAGES = 50
"""More pages than this for a handful of items: the cursors do not end."""


class PageChecks[SubjectT, EnvT: SuiteEnvironment, ItemT](
    ConformanceSuite[SubjectT, EnvT]
):
    """The paging rules, checked on one listing of the subject."""

    async def fill(self, subject: SubjectT, env: EnvT, count: int) -> None:
        """Put ``count`` items in the listing, the same each time for a count.

        Args:
            subject: The subject under test.
            env: The test's environment.
            count: How many items.
        """
        raise NotImplementedError(f"{type(self).__qualname__}.fill")

    async def list_page(
        self, subject: SubjectT, env: EnvT, cursor: str | None, limit: int
    ) -> tuple[Sequence[ItemT], str | None]:
        """Read one page of the listing.

        Args:
            subject: The subject under test.
            env: The test's environment.
            cursor: The cursor to pass.
            limit: The limit to pass.

        Returns:
            The page's items and its ``next_cursor``.
        """
        raise NotImplementedError(f"{type(self).__qualname__}.list_page")

    def item_key(self, item: ItemT) -> tuple[str, ...]:
        """Return an item's position in the listing's documented order.

        Args:
            item: An item of a page.

        Returns:
            Its sort key (unique per item).
        """
        raise NotImplementedError(f"{type(self).__qualname__}.item_key")

    async def add_before(self, subject: SubjectT, env: EnvT) -> None:
        """Add an item that sorts between the first and the second filled one.

        Args:
            subject: The subject under test.
            env: The test's environment.
        """
        raise NotImplementedError(f"{type(self).__qualname__}.add_before")

    async def remove_first(self, subject: SubjectT, env: EnvT, item: ItemT) -> None:
        """Remove ``item``, already listed, from the listing.

        Args:
            subject: The subject under test.
            env: The test's environment.
            item: The item to remove.
        """
        raise NotImplementedError(f"{type(self).__qualname__}.remove_first")

    async def read_all(
        self,
        rule_id: str,
        subject: SubjectT,
        env: EnvT,
        limit: int,
        *,
        cursor: str | None = None,
    ) -> list[ItemT]:
        """Follow cursors from ``cursor`` to the end, checking each page's size."""
        items: list[ItemT] = []
        for _ in range(MAX_PAGES):
            page, cursor = await self.list_page(subject, env, cursor, limit)
            check(len(page) <= limit, "PG-4", f"at most {limit} items", len(page))
            items.extend(page)
            if cursor is None:
                return items
        raise fail(
            rule_id, "the cursors to end", f"still a cursor after {MAX_PAGES} pages"
        )

    def keys(self, items: Sequence[ItemT]) -> list[tuple[str, ...]]:
        """The sort keys of ``items``."""
        return [self.item_key(item) for item in items]

    @rule("PG-1", "PG-4")
    async def test_PG_1_following_cursors_lists_everything_once(
        self, subject: SubjectT, env: EnvT
    ) -> None:
        """Pages of 2 until ``next_cursor is None`` hold all 5 items, in order."""
        await self.fill(subject, env, 5)
        everything = self.keys(await self.read_all("PG-1", subject, env, 100))
        check_equal("PG-1", "items in one page", 5, len(everything))
        paged = self.keys(await self.read_all("PG-1", subject, env, 2))
        check_equal("PG-1", "the items read by pages of 2", everything, paged)

    @rule("PG-2")
    async def test_PG_2_a_cursor_may_lead_to_an_empty_page(
        self, subject: SubjectT, env: EnvT
    ) -> None:
        """Any cursor given out can be followed, even when nothing is left."""
        await self.fill(subject, env, 4)
        for limit in (2, 4):
            items: list[ItemT] = []
            cursor: str | None = None
            for _ in range(4 // limit + 1):
                page, cursor = await self.list_page(subject, env, cursor, limit)
                items.extend(page)
                if cursor is None:
                    break
            check_equal("PG-2", f"items read by pages of {limit}", 4, len(items))

    @rule("PG-3")
    async def test_PG_3_an_unreadable_cursor_is_invalid_input(
        self, subject: SubjectT, env: EnvT
    ) -> None:
        """A cursor the implementation never gave out raises ``InvalidInputError``."""
        await self.fill(subject, env, 2)
        for cursor in ("not a cursor", "\u00b2", "9" * 5000, "[]"):
            await check_raises(
                "PG-3",
                InvalidInputError,
                self.list_page(subject, env, cursor, 10),
                doing=f"a listing with the cursor {cursor[:12]!r}",
            )

    @rule("PG-4")
    async def test_PG_4_the_limit_bounds_the_page(
        self, subject: SubjectT, env: EnvT
    ) -> None:
        """At most ``limit`` items; a limit below 1 raises ``InvalidInputError``."""
        await self.fill(subject, env, 3)
        page, _ = await self.list_page(subject, env, None, 2)
        check(len(page) <= 2, "PG-4", "at most 2 items", len(page))
        for limit in (0, -1):
            await check_raises(
                "PG-4",
                InvalidInputError,
                self.list_page(subject, env, None, limit),
                doing=f"a listing with limit={limit}",
            )

    @rule("PG-5")
    async def test_PG_5_a_removal_between_pages_skips_nothing(
        self, subject: SubjectT, env: EnvT
    ) -> None:
        """Removing a listed item does not make the next page skip another."""
        await self.fill(subject, env, 6)
        before = self.keys(await self.read_all("PG-5", subject, env, 100))
        first, cursor = await self.list_page(subject, env, None, 3)
        if cursor is None:
            raise fail("PG-5", "a cursor after 3 of 6 items", "None")
        await self.remove_first(subject, env, first[0])
        rest = await self.read_all("PG-5", subject, env, 100, cursor=cursor)
        listed = self.keys(first) + self.keys(rest)
        check_equal("PG-5", "the items listed", before, listed)

    @rule("PG-5")
    async def test_PG_5_an_addition_between_pages_repeats_nothing(
        self, subject: SubjectT, env: EnvT
    ) -> None:
        """An item added before the cursor does not make the next page repeat one."""
        await self.fill(subject, env, 6)
        before = self.keys(await self.read_all("PG-5", subject, env, 100))
        first, cursor = await self.list_page(subject, env, None, 3)
        if cursor is None:
            raise fail("PG-5", "a cursor after 3 of 6 items", "None")
        await self.add_before(subject, env)
        rest = await self.read_all("PG-5", subject, env, 100, cursor=cursor)
        listed = self.keys(first) + self.keys(rest)
        check(len(set(listed)) == len(listed), "PG-5", "no item twice", listed)
        check_equal("PG-5", "the listing order", sorted(listed), listed)
        check_equal(
            "PG-5",
            "the items present throughout",
            before,
            [k for k in listed if k in before],
        )
