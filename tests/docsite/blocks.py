"""The fenced code blocks of the documentation pages and of the README."""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tests.docsite.conftest import ROOT

FRAGMENT = "<!-- fragment -->"
"""The line right above a block that is deliberately not run (a shell command,
an excerpt)."""

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+)(?P<info>[^`]*)$")
_INCLUDE = re.compile(r'^--8<-- "(?P<path>[^"]+)"$')

type Kind = Literal["include", "readme-python", "fragment", "unmarked"]


@dataclass(frozen=True, slots=True)
class Block:
    """One fenced block.

    Attributes:
        page: The Markdown file, relative to the repository.
        line: Line of the opening fence (1-based).
        language: The fence's language (``""`` when none).
        body: The lines between the fences.
        kind: ``include`` (only snippet lines: the files are run and type
            checked), ``readme-python`` (run and type checked from the
            README), ``fragment`` (marked) or ``unmarked``.
        includes: The files an ``include`` block pulls in.
    """

    page: str
    line: int
    language: str
    body: str
    kind: Kind
    includes: tuple[str, ...]


def pages() -> list[Path]:
    """The README and every Markdown page of the site (its hooks excluded)."""
    docs = ROOT / "docs"
    site = sorted(
        path
        for path in docs.rglob("*.md")
        if "hooks" not in path.relative_to(docs).parts
    )
    return [ROOT / "README.md", *site]


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of one Markdown file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    page = str(path.relative_to(ROOT))
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        start, fence = index, opening["fence"]
        index += 1
        while index < len(lines) and lines[index].strip() != fence:
            index += 1
        body = lines[start + 1 : index]
        index += 1
        language = (opening["info"].split() or [""])[0]
        includes = tuple(
            match["path"] for line in body if (match := _INCLUDE.match(line.strip()))
        )
        kind: Kind
        if start > 0 and lines[start - 1].strip() == FRAGMENT:
            kind = "fragment"
        elif body and len(includes) == len([line for line in body if line.strip()]):
            kind = "include"
        elif page == "README.md" and language == "python":
            kind = "readme-python"
        else:
            kind = "unmarked"
        found.append(Block(page, start + 1, language, "\n".join(body), kind, includes))
    return found


def all_blocks() -> list[Block]:
    """Every fenced block of the README and the site."""
    return [block for path in pages() for block in blocks(path)]


def included_files() -> list[Path]:
    """Every file a page includes into a code block, once, sorted."""
    return sorted({ROOT / path for block in all_blocks() for path in block.includes})
