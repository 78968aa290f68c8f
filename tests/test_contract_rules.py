"""Design rules (docs/design.md) that the AST validator and type checkers do not see.

- Rule 4: I/O is ``async def``; the few plain ``def`` members are pure
  computation or local bookkeeping, each listed here with its reason.
- Rule 5: required parameters are positional-or-keyword, optional ones
  keyword-only (callbacks take their argument positional-only).
- Rule 9: ids are ``UUID``, instants ``datetime``, durations ``timedelta``.
- Rule 12: callbacks are ``__call__`` protocols, never ``Callable``.

Each check is a function over a list of protocols, run on the real SPI and on
a deliberately wrong protocol to prove it can fail.
"""

import inspect
import re
import typing
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from types import UnionType
from typing import Protocol, runtime_checkable
from uuid import UUID

from omnibase.spi_conformance import contract_members
from omnibase.spi_conformance.discovery import iter_protocols

PROTOCOLS = iter_protocols()

# Plain ``def`` members and why they do no I/O (rule 4). A new one must be
# added here on purpose.
PURE_OR_LOCAL = {
    "ProtocolSecretValue.get_secret_value": "returns a value held in memory",
    "ProtocolWorkflowReducer.initial_state": "pure fold (WR-1)",
    "ProtocolWorkflowReducer.reduce": "pure fold (WR-1)",
    "ProtocolMCPValidator.validate_tool_definition": "in-memory validation (MVA-1)",
    "ProtocolMCPValidator.validate_subsystem_metadata": "in-memory validation",
    "ProtocolMCPValidator.validate_parameters": "in-memory validation (MVA-3)",
    "ProtocolOnexEnvelopeCodec.encode": "pure encoding (ENV-3)",
    "ProtocolOnexEnvelopeCodec.decode": "pure decoding (ENV-3)",
    "ProtocolMCPValidator.validate_result": "in-memory validation (MVA-4)",
    "ProtocolMCPRegistry.balancing_strategy": "a constant of the registry (MCR-5)",
    "ProtocolServiceRegistry.register": "in-memory DI bookkeeping",
    "ProtocolServiceRegistry.resolve": "in-memory DI bookkeeping",
    "ProtocolServiceRegistry.unregister": "in-memory DI bookkeeping",
    "ProtocolServiceRegistry.registered_interfaces": "in-memory DI bookkeeping",
    "ProtocolKafkaAdapter.acknowledge": "marks a record locally (KA-4)",
    "ProtocolKafkaAdapter.seek": "moves the local fetch position (KA-6)",
    "ProtocolKafkaAdapter.pause": "local fetch state (KA-7)",
    "ProtocolKafkaAdapter.resume": "local fetch state (KA-7)",
    "ProtocolKafkaAdapter.assignment": "local consumer state",
    "ProtocolClosableIterator.__anext__": "returns an awaitable (AsyncIterator)",
    "ProtocolClosableIterator.aclose": "returns an awaitable (AsyncGenerator)",
}

# Names ending in ``_id`` that are names chosen by people, not generated ids,
# and CloudEvents ids, which are any string (EVM-1): a member of these
# protocols named here is exempt from "ids are UUID" (T-1).
STRING_KEYS = {"group_id"}
CLOUDEVENTS_IDS = {"event_id", "causation_id"}
CLOUDEVENTS_PROTOCOLS = {"ProtocolCloudEventAttributes"}
VALUE_RULES = [
    (re.compile(r"^(.+_)?id$"), UUID),
    (re.compile(r"^.+_at$"), datetime),
    (re.compile(r"^(timeout|ttl|lease|duration|.+_interval|.+_after)$"), timedelta),
]

type Value = tuple[str, str, inspect.Parameter | None, object]


def values(protocols: Iterable[type]) -> Iterator[Value]:
    """Yield (owner.member, name, parameter or None, annotation) for every value."""
    for protocol in protocols:
        for name, member in contract_members(protocol).items():
            if member.declared_in is not protocol or member.function is None:
                continue
            hints = typing.get_type_hints(member.function)
            owner = f"{protocol.__name__}.{name}"
            if member.kind == "property":
                yield owner, name, None, hints["return"]
                continue
            assert member.signature is not None
            for parameter in member.signature.parameters.values():
                yield owner, parameter.name, parameter, hints[parameter.name]


def sync_members(protocols: Iterable[type]) -> set[str]:
    """Rule 4: the plain ``def`` members."""
    return {
        f"{protocol.__name__}.{name}"
        for protocol in protocols
        for name, member in contract_members(protocol).items()
        if member.declared_in is protocol and member.style == "sync"
    }


def parameter_kind_problems(protocols: Iterable[type]) -> list[str]:
    """Rule 5: optional parameters keyword-only, required ones not."""
    problems: list[str] = []
    for owner, name, parameter, _ in values(protocols):
        if parameter is None:
            continue
        expected = (
            inspect.Parameter.KEYWORD_ONLY
            if parameter.default is not inspect.Parameter.empty
            else (
                inspect.Parameter.POSITIONAL_ONLY  # callbacks (rule 12)
                if owner.endswith(".__call__")
                else inspect.Parameter.POSITIONAL_OR_KEYWORD
            )
        )
        if parameter.kind is not expected:
            problems.append(f"{owner}({name}): {parameter.kind.description}")
    return problems


def _alternatives(annotation: object) -> set[object]:
    if (
        isinstance(annotation, UnionType)
        or typing.get_origin(annotation) is typing.Union
    ):
        return {arg for arg in typing.get_args(annotation) if arg is not type(None)}
    return {annotation}


def value_type_problems(protocols: Iterable[type]) -> list[str]:
    """Rule 9: ids, instants and durations typed by what they mean."""
    return [
        f"{owner}: {name} is {annotation}, not {expected.__name__}"
        for owner, name, _, annotation in values(protocols)
        for pattern, expected in VALUE_RULES
        if pattern.match(name)
        and name not in STRING_KEYS
        and not (
            name in CLOUDEVENTS_IDS and owner.split(".")[0] in CLOUDEVENTS_PROTOCOLS
        )
        and _alternatives(annotation) != {expected}
    ]


def _mentions_callable(annotation: object) -> bool:
    if annotation is Callable or typing.get_origin(annotation) is Callable:
        return True
    return any(_mentions_callable(arg) for arg in typing.get_args(annotation))


def callable_problems(protocols: Iterable[type]) -> list[str]:
    """Rule 12: no ``Callable`` annotation anywhere."""
    return [
        f"{owner}: {name}"
        for owner, name, _, hint in values(protocols)
        if _mentions_callable(hint)
    ]


def test_sync_members_are_exactly_the_listed_pure_ones() -> None:
    assert sync_members(PROTOCOLS) == set(PURE_OR_LOCAL)


def test_parameter_kinds_follow_rule_5() -> None:
    assert parameter_kind_problems(PROTOCOLS) == []


def test_values_are_typed_by_what_they_mean() -> None:
    assert value_type_problems(PROTOCOLS) == []


def test_callbacks_are_call_protocols_not_callables() -> None:
    assert callable_problems(PROTOCOLS) == []


@runtime_checkable
class ProtocolBroken(Protocol):
    """Breaks rules 4, 5, 9 and 12 once each."""

    def fetch(self, key: str) -> bytes:
        """I/O written as a plain def (rule 4)."""
        ...

    async def send(self, *, topic: str, timeout: int = 5) -> None:
        """Required keyword-only; a duration typed int (rules 5, 9).

        Raises:
            OSError: Never.
        """
        ...

    async def watch(
        self, handler: Callable[[bytes], None], *, node_id: str = ""
    ) -> None:
        """A Callable callback and a str id (rules 12, 9).

        Raises:
            OSError: Never.
        """
        ...


def test_each_check_catches_a_broken_protocol() -> None:
    assert sync_members([ProtocolBroken]) == {"ProtocolBroken.fetch"}
    assert parameter_kind_problems([ProtocolBroken]) == [
        "ProtocolBroken.send(topic): keyword-only"
    ]
    assert value_type_problems([ProtocolBroken]) == [
        "ProtocolBroken.send: timeout is <class 'int'>, not timedelta",
        "ProtocolBroken.watch: node_id is <class 'str'>, not UUID",
    ]
    assert callable_problems([ProtocolBroken]) == ["ProtocolBroken.watch: handler"]
