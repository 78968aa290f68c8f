"""Read the built site's HTML with the standard library's parser."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import override

_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)


@dataclass(frozen=True, slots=True)
class Text:
    """A run of text and the tags (with their classes) enclosing it, outermost first."""

    text: str
    ancestors: tuple[tuple[str, str], ...]

    def inside(self, *tags: str) -> bool:
        """Whether any enclosing element is one of ``tags``."""
        return any(tag in tags for tag, _ in self.ancestors)


@dataclass(slots=True)
class Page:
    """What the tests read from one page."""

    ids: dict[str, tuple[tuple[str, str], ...]] = field(
        default_factory=dict[str, tuple[tuple[str, str], ...]]
    )
    texts: list[Text] = field(default_factory=list[Text])
    hrefs: list[str] = field(default_factory=list[str])


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[tuple[str, str]] = []

    @override
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.page.ids[attributes["id"]] = (
                *self.stack,
                (tag, attributes.get("class", "")),
            )
        if tag == "a" and "href" in attributes:
            self.page.hrefs.append(attributes["href"])
        if tag not in _VOID:
            self.stack.append((tag, attributes.get("class", "")))

    @override
    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.stack.pop()

    @override
    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    @override
    def handle_data(self, data: str) -> None:
        if data.strip():
            self.page.texts.append(Text(data, tuple(self.stack)))


def read_page(html: str) -> Page:
    """Parse one page."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page


def classes(ancestors: Sequence[tuple[str, str]]) -> set[str]:
    """Every class of the given elements."""
    return {name for _, value in ancestors for name in value.split()}
