"""Hand-written typeshed-style cases: both checkers give exactly the expected verdicts.

Each file in ``tests/typing/cases/`` states its expectations on the lines
themselves: ``# type: ignore[code]`` for mypy (checked with
``warn_unused_ignores``) and ``# pyright: ignore[rule]`` for basedpyright
(checked with ``reportUnnecessaryTypeIgnoreComment``; pyright is told to
ignore mypy's comments). A checker that reports another code, reports
nothing, or reports something on an unmarked line fails the file's test. A
line where only one checker rejects must say so in the comment just above it
("Only mypy rejects" / "Only pyright rejects"), so every asymmetry between
the checkers is written down.
"""

import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.typing.checkers import CHECKERS, CheckerName
from tests.typing.session import CASES_DIR, TypingSession

CASE_FILES = sorted(CASES_DIR.glob("*.py"))
_MYPY = re.compile(r"#\s*type:\s*ignore\[([^\]]+)\]")
_PYRIGHT = re.compile(r"#\s*pyright:\s*ignore\[([^\]]+)\]")
_BARE = re.compile(r"#\s*(type|pyright):\s*ignore(?!\[)")


@dataclass(frozen=True, slots=True)
class Expectation:
    """What the checkers must report on one line."""

    line: int
    mypy: tuple[str, ...]
    pyright: tuple[str, ...]
    explanation: str


def _codes(pattern: re.Pattern[str], comment: str) -> tuple[str, ...]:
    return tuple(
        code.strip()
        for match in pattern.finditer(comment)
        for code in match.group(1).split(",")
    )


def expectations(path: Path) -> Iterator[Expectation]:
    """Yield the expectations written in a case file, with the comment above each."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        comment = token.string
        line = token.start[0]
        if _BARE.search(comment):
            pytest.fail(f"{path.name}:{line}: an ignore without a code: {comment}")
        mypy, pyright = _codes(_MYPY, comment), _codes(_PYRIGHT, comment)
        if not mypy and not pyright:
            continue
        above: list[str] = []
        number = line - 2
        while number >= 0 and lines[number].lstrip().startswith("#"):
            above.insert(0, lines[number].strip())
            number -= 1
        yield Expectation(line, mypy, pyright, " ".join(above))


def _id(path: Path) -> str:
    return path.stem


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize("case_file", CASE_FILES, ids=_id)
def test_case_file_verdicts(
    typing_session: TypingSession, case_file: Path, checker: CheckerName
) -> None:
    diagnostics = typing_session.run.for_file(checker, case_file)
    lines = case_file.read_text(encoding="utf-8").splitlines()
    report = [f"{d}\n    {lines[d.line - 1].strip()}" for d in diagnostics]
    assert report == [], f"{checker} disagrees with {case_file.name}:\n" + "\n".join(
        report
    )


@pytest.mark.parametrize("case_file", CASE_FILES, ids=_id)
def test_case_file_states_its_expectations(case_file: Path) -> None:
    found = list(expectations(case_file))
    if case_file.stem.startswith("reject_"):
        assert found, "a reject_* file must expect at least one rejection"
    elif case_file.stem.startswith(("accepted_", "case_")):
        assert found == [], "accepted_* and case_* files expect no errors"
    for expectation in found:
        where = f"{case_file.name}:{expectation.line}"
        if expectation.mypy and not expectation.pyright:
            assert "Only mypy rejects" in expectation.explanation, (
                f"{where}: only mypy expects an error; say why in a comment "
                "above starting 'Only mypy rejects'"
            )
        if expectation.pyright and not expectation.mypy:
            assert "Only pyright rejects" in expectation.explanation, (
                f"{where}: only pyright expects an error; say why in a comment "
                "above starting 'Only pyright rejects'"
            )


def test_case_summary(typing_session: TypingSession) -> None:
    both = only_mypy = only_pyright = 0
    for case_file in CASE_FILES:
        for expectation in expectations(case_file):
            if expectation.mypy and expectation.pyright:
                both += 1
            elif expectation.mypy:
                only_mypy += 1
            else:
                only_pyright += 1
    assert both > 0
    seconds = ", ".join(
        f"{name} {value:.1f}s" for name, value in typing_session.run.seconds.items()
    )
    print(
        f"\n{len(CASE_FILES)} case files: {both} lines rejected by both checkers, "
        f"{only_mypy} by mypy only, {only_pyright} by pyright only ({seconds})"
    )
