"""Run the type checkers once per test session for all typing tests."""

import pytest

from tests.typing.session import TypingSession, build_session

_SUMMARY: list[str] = []


@pytest.fixture(scope="session")
def typing_session(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> TypingSession:
    """Both checkers' verdicts on the generated accepted shapes and the case files."""
    # None when the cacheprovider plugin is disabled (-p no:cacheprovider).
    cache: pytest.Cache | None = getattr(pytestconfig, "cache", None)
    mypy_cache = (
        cache.mkdir("typing-mypy-cache")
        if cache is not None
        else tmp_path_factory.mktemp("mypy-cache")
    )
    session = build_session(tmp_path_factory.mktemp("typing"), mypy_cache)
    accepted = sum(len(module.cases) for module in session.generated.values())
    seconds = ", ".join(f"{k} {v:.1f}s" for k, v in session.run.seconds.items())
    _SUMMARY.append(
        f"typing: {accepted} generated accepted cases in {len(session.generated)} "
        f"modules and {len(session.case_files)} case files, checked once by each "
        f"checker ({seconds})"
    )
    return session


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Report how many typing cases the checkers saw."""
    for line in _SUMMARY:
        terminalreporter.write_line(line)
