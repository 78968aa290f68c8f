"""The strict conformance check: good and bad implementations for every mismatch."""

import functools
import gc
import inspect
import typing
import weakref
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import NamedTuple, Protocol, runtime_checkable
from uuid import UUID

import pytest
from pydantic import BaseModel

from omnibase.protocols.core import ProtocolWorkflowReducer
from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.event_bus import ProtocolEventBus, ProtocolRebalanceListener
from omnibase.protocols.types import (
    EventMessage,
    OffsetReset,
    ProtocolEventHandler,
    ProtocolEventRecord,
    ProtocolHealthReport,
    ProtocolPage,
    ProtocolPublishReceipt,
    ProtocolRetryPolicy,
    ProtocolUnsubscribe,
    ProtocolWorkflowEvent,
)
from omnibase.protocols.workflow_orchestration import ProtocolWorkflowNodeRegistry
from omnibase.spi_conformance import (
    Mismatch,
    MismatchCode,
    assert_conforms,
    check_conformance,
    clear_conformance_cache,
)
from tests.runtime.protocol_fakes import conforming_class


def codes(implementation: object, protocol: type) -> list[tuple[str, MismatchCode]]:
    return [(m.member, m.code) for m in check_conformance(implementation, protocol)]


# --- a faithful event bus, and variations with one thing wrong ---------------


class GoodBus:
    async def publish(
        self, message: EventMessage, *, timeout: timedelta | None = None
    ) -> ProtocolPublishReceipt:
        raise NotImplementedError

    async def subscribe_to_topic(
        self,
        topic: str,
        group_id: str,
        handler: ProtocolEventHandler,
        *,
        offset_reset: OffsetReset = "latest",
        retry_policy: ProtocolRetryPolicy | None = None,
        dead_letter_topic: str | None = None,
        event_types: Sequence[str] | None = None,
        rebalance_listener: ProtocolRebalanceListener | None = None,
    ) -> ProtocolUnsubscribe:
        raise NotImplementedError

    async def health_check(self) -> ProtocolHealthReport:
        raise NotImplementedError

    async def aclose(self) -> None:
        return None


def test_faithful_implementation_conforms() -> None:
    assert check_conformance(GoodBus(), ProtocolEventBus) == []
    assert check_conformance(GoodBus, ProtocolEventBus) == []
    assert_conforms(GoodBus(), ProtocolEventBus)


def _bus_with(name: str, value: object) -> type:
    return type(f"Bus_{name}", (GoodBus,), {name: value})


def _publish_sync(self: object, message: object, *, timeout: object = None) -> None:
    return None


async def _publish_generator(
    self: object, message: object, *, timeout: object = None
) -> AsyncIterator[None]:
    yield None


BAD_BUSES: list[tuple[str, object, MismatchCode]] = [
    ("aclose", None, "missing"),
    ("aclose", property(lambda self: None), "not-a-method"),
    ("aclose", 42, "not-a-method"),
    ("publish", _publish_sync, "not-async"),
    ("publish", _publish_generator, "not-async"),
]


@pytest.mark.parametrize(
    ("member", "value", "code"), BAD_BUSES, ids=[f"{m}-{c}" for m, _, c in BAD_BUSES]
)
def test_member_mismatch(member: str, value: object, code: MismatchCode) -> None:
    bus = _bus_with(member, value)
    assert codes(bus(), ProtocolEventBus) == [(member, code)]
    assert codes(bus, ProtocolEventBus) == [(member, code)]


def test_missing_member() -> None:
    class NoAclose:
        publish = GoodBus.publish
        subscribe_to_topic = GoodBus.subscribe_to_topic
        health_check = GoodBus.health_check

    assert codes(NoAclose(), ProtocolEventBus) == [("aclose", "missing")]


# Signatures of `publish(self, message, *, timeout=None)`: good and bad.
async def publish_extra_optional(
    self: object,
    message: object,
    *,
    timeout: object = None,
    priority: int = 0,
    **options: object,
) -> None:
    return None


async def publish_varargs(self: object, *args: object, **kwargs: object) -> None:
    return None


async def publish_optional_positional(
    self: object, message: object, extra: int = 0, *, timeout: object = None
) -> None:
    return None


async def publish_timeout_positional(
    self: object, message: object, timeout: object = None
) -> None:
    return None


async def publish_renamed(self: object, msg: object, *, timeout: object = None) -> None:
    return None


async def publish_no_timeout(self: object, message: object) -> None:
    return None


async def publish_timeout_required(
    self: object, message: object, *, timeout: object
) -> None:
    return None


async def publish_extra_required(
    self: object, message: object, priority: int, *, timeout: object = None
) -> None:
    return None


async def publish_extra_required_keyword(
    self: object, message: object, *, timeout: object = None, priority: int
) -> None:
    return None


async def publish_message_keyword_only(
    self: object, *, message: object, timeout: object = None
) -> None:
    return None


async def publish_message_positional_only(
    self: object, message: object, /, *, timeout: object = None
) -> None:
    return None


async def publish_only_args(
    self: object, *args: object, timeout: object = None
) -> None:
    return None


async def publish_only_kwargs(self: object, **kwargs: object) -> None:
    return None


async def publish_no_parameters(self: object) -> None:
    return None


GOOD_PUBLISH = [
    publish_extra_optional,
    publish_varargs,
    publish_optional_positional,
    publish_timeout_positional,
]
BAD_PUBLISH: list[tuple[Callable[..., object], list[MismatchCode]]] = [
    (publish_renamed, ["renamed-parameter"]),
    (publish_no_timeout, ["missing-parameter"]),
    (publish_timeout_required, ["missing-default"]),
    (publish_extra_required, ["extra-required-parameter"]),
    (publish_extra_required_keyword, ["extra-required-parameter"]),
    (publish_message_keyword_only, ["parameter-kind"]),
    (publish_message_positional_only, ["parameter-kind"]),
    (publish_only_args, ["missing-parameter"]),
    (publish_only_kwargs, ["missing-parameter"]),
    (publish_no_parameters, ["missing-parameter", "missing-parameter"]),
]


@pytest.mark.parametrize("publish", GOOD_PUBLISH, ids=lambda f: f.__name__)
def test_accepted_signature(publish: Callable[..., object]) -> None:
    assert check_conformance(_bus_with("publish", publish)(), ProtocolEventBus) == []


@pytest.mark.parametrize(
    ("publish", "expected"), BAD_PUBLISH, ids=[f.__name__ for f, _ in BAD_PUBLISH]
)
def test_rejected_signature(
    publish: Callable[..., object], expected: list[MismatchCode]
) -> None:
    found = check_conformance(_bus_with("publish", publish)(), ProtocolEventBus)
    assert [m.code for m in found] == expected
    assert all(m.member == "publish" for m in found)


async def subscribe_swapped(
    self: object, group_id: str, topic: str, handler: object, **options: object
) -> None:
    return None


def test_parameter_order() -> None:
    bus = _bus_with("subscribe_to_topic", subscribe_swapped)()
    found = check_conformance(bus, ProtocolEventBus)
    assert [m.code for m in found] == ["parameter-order", "parameter-order"]
    assert "`topic` is parameter #2; the contract has it at #1" in found[0].detail


# --- sync, async and async iterators -----------------------------------------


class Reducer:
    def initial_state(self, workflow_type: str, instance_id: UUID) -> int:
        return 0

    def reduce(self, state: int, event: ProtocolWorkflowEvent) -> int:
        return state


class AsyncReducer:
    def initial_state(self, workflow_type: str, instance_id: UUID) -> int:
        return 0

    async def reduce(self, state: int, event: ProtocolWorkflowEvent) -> int:
        return state


class GeneratorReducer:
    def initial_state(self, workflow_type: str, instance_id: UUID) -> int:
        return 0

    async def reduce(
        self, state: int, event: ProtocolWorkflowEvent
    ) -> AsyncIterator[int]:
        yield state


def test_sync_contract() -> None:
    assert check_conformance(Reducer(), ProtocolWorkflowReducer) == []
    assert check_conformance(Reducer(), ProtocolWorkflowReducer[int]) == []
    assert codes(AsyncReducer(), ProtocolWorkflowReducer[int]) == [
        ("reduce", "unexpected-async")
    ]
    assert codes(GeneratorReducer, ProtocolWorkflowReducer) == [
        ("reduce", "unexpected-async")
    ]


@runtime_checkable
class ProtocolReplaying(Protocol):
    """A contract with one ``def ... -> AsyncIterator`` member (streamed reads)."""

    def replay_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> AsyncIterator[ProtocolWorkflowEvent]:
        """Yield the events of one stream."""
        ...


class ReplayBase:
    pass


class GeneratorReplay(ReplayBase):
    async def replay_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> AsyncIterator[ProtocolWorkflowEvent]:
        events: list[ProtocolWorkflowEvent] = []
        for event in events:
            yield event


class PlainReplay(ReplayBase):
    def replay_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> AsyncIterator[ProtocolWorkflowEvent]:
        return GeneratorReplay().replay_events(workflow_type, instance_id)


class CoroutineReplay(ReplayBase):
    async def replay_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> AsyncIterator[ProtocolWorkflowEvent]:
        return GeneratorReplay().replay_events(workflow_type, instance_id)


def test_async_iterator_contract() -> None:
    assert check_conformance(GeneratorReplay(), ProtocolReplaying) == []
    assert check_conformance(PlainReplay(), ProtocolReplaying) == []
    found = check_conformance(CoroutineReplay(), ProtocolReplaying)
    assert [(m.member, m.code) for m in found] == [
        ("replay_events", "not-async-iterator")
    ]
    assert "async generator" in found[0].detail


def test_decorated_methods() -> None:
    def traced(function: Callable[..., object]) -> Callable[..., object]:
        @functools.wraps(function)
        def wrapper(*args: object, **kwargs: object) -> object:
            return function(*args, **kwargs)

        return wrapper

    def traced_async(function: Callable[..., object]) -> Callable[..., object]:
        return inspect.markcoroutinefunction(traced(function))

    sync_wrapped = _bus_with("aclose", traced(GoodBus.aclose))
    marked = _bus_with("aclose", traced_async(GoodBus.aclose))
    # A sync wrapper hides the coroutine function: mark it (or write it async).
    assert codes(sync_wrapped(), ProtocolEventBus) == [("aclose", "not-async")]
    assert check_conformance(marked(), ProtocolEventBus) == []


def test_static_and_class_methods() -> None:
    class Static:
        @staticmethod
        def initial_state(workflow_type: str, instance_id: UUID) -> int:
            return 0

        @classmethod
        def reduce(cls, state: int, event: ProtocolWorkflowEvent) -> int:
            return state

    assert check_conformance(Static(), ProtocolWorkflowReducer) == []


# --- callbacks ------------------------------------------------------------------


async def handle(record: ProtocolEventRecord, /) -> None:
    return None


async def handle_renamed(delivered: ProtocolEventRecord, *, attempt: int = 1) -> None:
    return None


def handle_sync(record: ProtocolEventRecord) -> None:
    return None


async def handle_nothing() -> None:
    return None


async def handle_two(record: ProtocolEventRecord, context: str) -> None:
    return None


class HandlerObject:
    async def __call__(self, record: ProtocolEventRecord) -> None:
        return None


class SyncHandlerObject:
    def __call__(self, record: ProtocolEventRecord) -> None:
        return None


class Consumer:
    async def on_record(self, record: ProtocolEventRecord) -> None:
        return None


async def _two_arguments(context: str, record: ProtocolEventRecord) -> None:
    return None


_sync_lambda: Callable[[ProtocolEventRecord], None] = lambda record: None  # noqa: E731

GOOD_HANDLERS: list[object] = [
    handle,
    handle_renamed,
    HandlerObject(),
    HandlerObject,
    Consumer().on_record,
    functools.partial(_two_arguments, "context"),
]
BAD_HANDLERS: list[tuple[object, list[MismatchCode]]] = [
    (handle_sync, ["not-async"]),
    (handle_nothing, ["missing-parameter"]),
    (handle_two, ["extra-required-parameter"]),
    (SyncHandlerObject(), ["not-async"]),
    (_sync_lambda, ["not-async"]),
]


@pytest.mark.parametrize("handler", GOOD_HANDLERS, ids=repr)
def test_accepted_callback(handler: object) -> None:
    assert check_conformance(handler, ProtocolEventHandler) == []


@pytest.mark.parametrize(
    ("handler", "expected"), BAD_HANDLERS, ids=[repr(h) for h, _ in BAD_HANDLERS]
)
def test_rejected_callback(handler: object, expected: list[MismatchCode]) -> None:
    found = check_conformance(handler, ProtocolEventHandler)
    assert [m.code for m in found] == expected
    assert {m.member for m in found} == {"__call__"}


# --- data protocols: instances and classes -------------------------------------


@dataclass(frozen=True)
class FrozenPage:
    items: Sequence[int]
    next_cursor: str | None


@dataclass(slots=True)
class SlotsPage:
    items: list[int]
    next_cursor: str | None


class ModelPage(BaseModel, frozen=True):
    items: tuple[int, ...]
    next_cursor: str | None


class TuplePage(NamedTuple):
    items: Sequence[int]
    next_cursor: str | None


class PropertyPage:
    @property
    def items(self) -> Sequence[int]:
        return ()

    @property
    def next_cursor(self) -> str | None:
        return None


DATA_SHAPES: list[object] = [
    FrozenPage((1,), None),
    SlotsPage([1], None),
    ModelPage(items=(1,), next_cursor=None),
    TuplePage((1,), None),
    PropertyPage(),
]


@pytest.mark.parametrize("page", DATA_SHAPES, ids=lambda p: type(p).__name__)
def test_data_shapes_conform_as_instances_and_classes(page: object) -> None:
    assert check_conformance(page, ProtocolPage[int]) == []
    assert check_conformance(type(page), ProtocolPage) == []


def test_property_implemented_by_method() -> None:
    class MethodPage:
        def items(self) -> Sequence[int]:
            return ()

        next_cursor = None

    assert codes(MethodPage(), ProtocolPage) == [("items", "not-a-property")]


def test_declared_but_unset_attribute() -> None:
    class Declared:
        items: Sequence[int]
        next_cursor: str | None

    # The class declares both, so instances are expected to have them...
    assert check_conformance(Declared, ProtocolPage) == []
    # ... but this one does not: isinstance agrees.
    assert codes(Declared(), ProtocolPage) == [
        ("items", "missing"),
        ("next_cursor", "missing"),
    ]
    assert not isinstance(Declared(), ProtocolPage)


def test_method_held_by_the_instance() -> None:
    async def aclose() -> None:
        return None

    def aclose_sync() -> None:
        return None

    @dataclass
    class Holder:
        aclose: Callable[[], object]
        publish: Callable[..., object] = field(default=GoodBus().publish)
        subscribe_to_topic: Callable[..., object] = field(
            default=GoodBus().subscribe_to_topic
        )
        health_check: Callable[..., object] = field(default=GoodBus().health_check)

    assert check_conformance(Holder, ProtocolEventBus) == []
    assert check_conformance(Holder(aclose), ProtocolEventBus) == []
    assert codes(Holder(aclose_sync), ProtocolEventBus) == [("aclose", "not-async")]
    not_callable = typing.cast("Callable[[], object]", 42)
    assert codes(Holder(not_callable), ProtocolEventBus) == [("aclose", "not-a-method")]


# --- inheritance, generics, protocols that are not runtime-checkable ------------


def test_inherited_members_are_checked() -> None:
    registry = conforming_class(ProtocolWorkflowNodeRegistry)
    assert check_conformance(registry(), ProtocolWorkflowNodeRegistry) == []
    without = conforming_class(ProtocolWorkflowNodeRegistry, omit="heartbeat")
    # heartbeat is declared by the base protocol, ProtocolNodeRegistry.
    assert codes(without(), ProtocolWorkflowNodeRegistry) == [("heartbeat", "missing")]


def test_protocol_that_is_not_runtime_checkable() -> None:
    class Closeable(Protocol):
        def aclose(self, *, force: bool = False) -> None: ...

    class Good:
        def aclose(self, *, force: bool = False) -> None:
            return None

    class Bad:
        async def aclose(self) -> None:
            return None

    assert check_conformance(Good(), Closeable) == []
    assert codes(Bad(), Closeable) == [
        ("aclose", "unexpected-async"),
        ("aclose", "missing-parameter"),
    ]


@runtime_checkable
class _WithAttribute(Protocol):
    name: str


def test_bare_attribute_member() -> None:
    class Named:
        name = "x"

    class Nameless:
        pass

    assert check_conformance(Named(), _WithAttribute) == []
    assert codes(Nameless(), _WithAttribute) == [("name", "missing")]


@pytest.mark.parametrize(
    "not_a_protocol", [GoodBus, int, "ProtocolEventBus", ProtocolEventBus.publish]
)
def test_not_a_protocol(not_a_protocol: object) -> None:
    with pytest.raises(InvalidInputError, match=r"not a typing\.Protocol class"):
        check_conformance(GoodBus(), typing.cast("type", not_a_protocol))


# --- assert_conforms -----------------------------------------------------------


def test_assert_conforms_lists_every_mismatch() -> None:
    class Broken:
        def publish(self, msg: EventMessage) -> None:
            return None

        async def health_check(self, verbose: bool) -> ProtocolHealthReport:
            raise NotImplementedError

        aclose = None

    with pytest.raises(InvalidInputError) as raised:
        assert_conforms(Broken(), ProtocolEventBus)
    message = str(raised.value)
    assert isinstance(raised.value, ValueError)
    assert message.splitlines() == [
        f"{__name__}.test_assert_conforms_lists_every_mismatch.<locals>.Broken "
        "instance does not conform to "
        "omnibase.protocols.event_bus.protocol_event_bus.ProtocolEventBus "
        "(6 mismatches):",
        "  - aclose: is None; the contract declares a method [missing]",
        "  - health_check: requires parameter `verbose`, which the contract never "
        "passes [extra-required-parameter]",
        "  - publish: is a plain `def`; the contract says `async def` (awaited) "
        "[not-async]",
        "  - publish: parameter #1 is named `msg`; the contract names it `message` "
        "(callers may pass it by keyword) [renamed-parameter]",
        "  - publish: has no keyword-only parameter `timeout` [missing-parameter]",
        "  - subscribe_to_topic: is missing; the contract declares a method [missing]",
    ]


def test_assert_conforms_names_classes_and_functions() -> None:
    class Broken:
        pass

    with pytest.raises(InvalidInputError, match=r"^class .*Broken does not conform"):
        assert_conforms(Broken, ProtocolUnsubscribe)
    with pytest.raises(InvalidInputError, match=r"^function handle_sync does not"):
        assert_conforms(handle_sync, ProtocolEventHandler)


def test_mismatch_text() -> None:
    mismatch = Mismatch("aclose", "missing", "is missing")
    assert str(mismatch) == "aclose: is missing [missing]"


# --- caching and cost ------------------------------------------------------------


def test_results_are_fresh_lists() -> None:
    first = check_conformance(_bus_with("aclose", None)(), ProtocolEventBus)
    first.clear()
    assert check_conformance(_bus_with("aclose", None)(), ProtocolEventBus) != []


def test_cache_follows_class_changes_after_clearing() -> None:
    class Patched(GoodBus):
        pass

    assert check_conformance(Patched(), ProtocolEventBus) == []
    Patched.aclose = None  # type: ignore[assignment]
    clear_conformance_cache()
    assert codes(Patched(), ProtocolEventBus) == [("aclose", "missing")]


def test_cache_does_not_keep_classes_alive() -> None:
    def make() -> weakref.ref[type]:
        cls = type("Temporary", (GoodBus,), {})
        check_conformance(cls(), ProtocolEventBus)
        return weakref.ref(cls)

    reference = make()
    gc.collect()
    assert reference() is None


def test_data_shape_is_a_mapping_of_members() -> None:
    """Sanity: a Mapping-typed data member accepts a dict on instances."""

    @dataclass
    class Report:
        status: str = "passing"
        observed_at: datetime = datetime(2026, 1, 1)
        message: str | None = None
        details: Mapping[str, object] = field(default_factory=dict[str, object])

    assert check_conformance(Report(), ProtocolHealthReport) == []
