"""Every faithful implementation shape of every protocol type-checks (both checkers).

The shapes are generated from the SPI by ``tests/typing/accepted_shapes.py``:
frozen dataclass, slots dataclass, frozen and mutable pydantic models,
NamedTuple and a ``@property`` class for each data protocol; an implementer's
class (async generators for ``AsyncIterator`` members), a variant with plain
``def`` iterators and, for callbacks, a plain ``async def`` function for each
service protocol.
"""

from collections import Counter

import pytest

from omnibase.spi_conformance import contract_members
from omnibase.spi_conformance.discovery import iter_protocols
from tests.typing.checkers import CHECKERS, CheckerName
from tests.typing.session import TypingSession


@pytest.mark.parametrize("checker", CHECKERS)
def test_every_accepted_shape_type_checks(
    typing_session: TypingSession, checker: CheckerName
) -> None:
    failures: list[str] = []
    cases = 0
    for path, module in typing_session.generated.items():
        cases += len(module.cases)
        diagnostics = typing_session.run.for_file(checker, path)
        if not diagnostics:
            continue
        lines = module.source.splitlines()
        failures.append(f"==== {path.name} ====")
        for diagnostic in diagnostics:
            case = module.case_at(diagnostic.line)
            where = f"{case.protocol} as {case.shape}" if case else "shared code"
            failures.append(f"{diagnostic}  <- {where}")
            failures.append(f"    {lines[diagnostic.line - 1].strip()}")
        failures.append(f"---- generated source of {path.name} ----")
        failures.extend(
            f"{number:4} {text}" for number, text in enumerate(lines, start=1)
        )
    seconds = typing_session.run.seconds[checker]
    print(f"\n{checker}: {cases} accepted cases checked in {seconds:.1f}s")
    assert not failures, "\n".join(failures)


def test_every_protocol_has_its_accepted_shapes(typing_session: TypingSession) -> None:
    shapes = Counter(
        case.protocol
        for module in typing_session.generated.values()
        for case in module.cases
    )
    missing: list[str] = []
    for protocol in iter_protocols():
        kinds = {member.kind for member in contract_members(protocol).values()}
        minimum = 1 if "method" in kinds else 4
        if shapes[protocol.__qualname__] < minimum:
            missing.append(f"{protocol.__qualname__}: {shapes[protocol.__qualname__]}")
    assert missing == []
    by_shape = Counter(
        case.shape
        for module in typing_session.generated.values()
        for case in module.cases
    )
    print(
        f"\n{sum(by_shape.values())} accepted cases: {dict(sorted(by_shape.items()))}"
    )
