"""Property test: the parameter check agrees with what Python actually binds.

For random pairs of contract and implementation signatures, the conformance
check must report a parameter mismatch exactly when some call the contract
allows either fails on the implementation (a real function with its
signature: ``Signature.bind`` is not a faithful oracle, since on 3.13 it binds
a keyword to a positional-only parameter that has a default) or
binds a value to a parameter of another meaning: a positional-or-keyword or
keyword-only argument must reach the implementation parameter of the same
name (or ``*args``/``**kwargs`` when no parameter has that name); a
positional-only argument must reach the parameter at its position.

``ORACLE_EXAMPLES=20000`` explores more pairs than the suite's 800.
"""

import inspect
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import cast

from hypothesis import example, given, settings
from hypothesis import strategies as st

from omnibase.spi_conformance import check_conformance
from omnibase.spi_conformance.conformance import (
    _signature_mismatches,  # pyright: ignore[reportPrivateUsage]
)

P = inspect.Parameter
NAMES = ("a", "b", "c", "d")


@dataclass(frozen=True)
class Spec:
    """A signature drawn by hypothesis, without ``self``."""

    positional_only: int
    positional: tuple[tuple[str, bool], ...]
    keyword_only: tuple[tuple[str, bool], ...]
    var_positional: bool
    var_keyword: bool

    def signature(self) -> inspect.Signature:
        parameters: list[inspect.Parameter] = []
        for index, (name, optional) in enumerate(self.positional):
            kind = (
                P.POSITIONAL_ONLY
                if index < self.positional_only
                else P.POSITIONAL_OR_KEYWORD
            )
            parameters.append(P(name, kind, default=0 if optional else P.empty))
        if self.var_positional:
            parameters.append(P("args", P.VAR_POSITIONAL))
        for name, optional in self.keyword_only:
            parameters.append(
                P(name, P.KEYWORD_ONLY, default=0 if optional else P.empty)
            )
        if self.var_keyword:
            parameters.append(P("kwargs", P.VAR_KEYWORD))
        return inspect.Signature(parameters)


@st.composite
def specs(draw: st.DrawFn, *, allow_var: bool) -> Spec:
    names = draw(st.permutations(NAMES))
    count = draw(st.integers(0, 3))
    keyword_count = draw(st.integers(0, min(2, len(NAMES) - count)))
    positional_names = names[:count]
    keyword_names = names[count : count + keyword_count]
    # Defaults: optional positional parameters form a suffix.
    first_optional = draw(st.integers(0, count))
    positional = tuple(
        (name, index >= first_optional) for index, name in enumerate(positional_names)
    )
    keyword_only = tuple((name, draw(st.booleans())) for name in keyword_names)
    return Spec(
        positional_only=draw(st.integers(0, count)),
        positional=positional,
        keyword_only=keyword_only,
        var_positional=allow_var and draw(st.booleans()),
        var_keyword=allow_var and draw(st.booleans()),
    )


def _calls(
    contract: inspect.Signature,
) -> Iterator[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Every way to call ``contract``: (names by position, names by keyword)."""
    positional = [
        p
        for p in contract.parameters.values()
        if p.kind in (P.POSITIONAL_ONLY, P.POSITIONAL_OR_KEYWORD)
    ]
    keyword_only = [p for p in contract.parameters.values() if p.kind is P.KEYWORD_ONLY]
    for cut in range(len(positional) + 1):
        rest = positional[cut:]
        if any(p.kind is P.POSITIONAL_ONLY and p.default is P.empty for p in rest):
            continue
        choices: list[list[str | None]] = []
        for parameter in [*rest, *keyword_only]:
            options: list[str | None] = []
            if parameter.kind is not P.POSITIONAL_ONLY:
                options.append(parameter.name)
            if parameter.default is not P.empty:
                options.append(None)
            choices.append(options)
        for picked in _product(choices):
            yield (
                tuple(p.name for p in positional[:cut]),
                tuple(name for name in picked if name is not None),
            )


def _product(choices: list[list[str | None]]) -> Iterator[list[str | None]]:
    if not choices:
        yield []
        return
    for head in choices[0]:
        for tail in _product(choices[1:]):
            yield [head, *tail]


def _same_meaning(
    contract: inspect.Signature,
    impl: inspect.Signature,
    bound: dict[str, object],
    by_position: tuple[str, ...],
    by_keyword: tuple[str, ...],
) -> bool:
    """Each argument reached the implementation parameter that means the same."""
    named = {
        p.name
        for p in impl.parameters.values()
        if p.kind not in (P.VAR_POSITIONAL, P.VAR_KEYWORD)
    }
    for index, name in enumerate(by_position):
        landed = _where(bound, impl, name)
        positional_only = contract.parameters[name].kind is P.POSITIONAL_ONLY
        if landed == "*args":
            ok = positional_only or name not in named
        elif positional_only:
            ok = list(impl.parameters).index(landed) == index
        else:
            ok = landed == name
        if not ok:
            return False
    return all(
        (name not in named) if landed == "**kwargs" else landed == name
        for name, landed in ((n, _where(bound, impl, n)) for n in by_keyword)
    )


def _call(
    impl: inspect.Signature, args: tuple[str, ...], kwargs: dict[str, str]
) -> dict[str, object]:
    """Call a real function with signature ``impl``; return what it received.

    Raises:
        TypeError: Python refuses the call.
    """
    namespace: dict[str, object] = {}
    exec(f"def impl{impl}:\n    return dict(locals())\n", namespace)
    function = namespace["impl"]
    assert callable(function)
    received: object = function(*args, **kwargs)
    assert isinstance(received, dict)
    return {
        str(name): value
        for name, value in cast("dict[object, object]", received).items()
    }


def compatible(contract: inspect.Signature, impl: inspect.Signature) -> bool:
    """The oracle: every contract call binds on ``impl`` with the same meaning."""
    for by_position, by_keyword in _calls(contract):
        try:
            bound = _call(impl, by_position, {name: name for name in by_keyword})
        except TypeError:
            return False
        if not _same_meaning(contract, impl, bound, by_position, by_keyword):
            return False
    return True


def _where(bound: dict[str, object], impl: inspect.Signature, value: str) -> str:
    for name, received in bound.items():
        kind = impl.parameters[name].kind
        if (
            kind is P.VAR_POSITIONAL
            and isinstance(received, tuple)
            and value in received
        ):
            return "*args"
        if (
            kind is P.VAR_KEYWORD
            and isinstance(received, dict)
            and value in received.values()
        ):
            return "**kwargs"
        if received == value and kind not in (P.VAR_POSITIONAL, P.VAR_KEYWORD):
            return name
    raise AssertionError(f"{value} not bound")


@settings(max_examples=int(os.environ.get("ORACLE_EXAMPLES", "800")), deadline=None)
@given(contract=specs(allow_var=False), impl=specs(allow_var=True))
@example(
    contract=Spec(0, (("a", False),), (), False, False),
    impl=Spec(0, (), (("a", True),), True, False),
)
@example(  # Signature.bind accepts this call on 3.13; Python does not
    contract=Spec(0, (), (("b", False),), False, False),
    impl=Spec(2, (("a", True), ("b", True)), (), False, False),
)
def test_check_agrees_with_binding(contract: Spec, impl: Spec) -> None:
    contract_signature = contract.signature()
    impl_signature = impl.signature()
    mismatches = _signature_mismatches("m", contract_signature, impl_signature)
    expected = compatible(contract_signature, impl_signature)
    assert (mismatches == []) == expected, (
        f"contract {contract_signature}, implementation {impl_signature}: "
        f"oracle says {'compatible' if expected else 'incompatible'}, "
        f"check says {[str(m) for m in mismatches]}"
    )


def test_check_conformance_uses_the_same_comparison() -> None:
    """End to end, through a protocol and a class, one case of the property above."""
    from omnibase.protocols.types import ProtocolWorkflowEventHandler

    async def handler(event: object, /) -> None:
        return None

    assert check_conformance(handler, ProtocolWorkflowEventHandler) == []
