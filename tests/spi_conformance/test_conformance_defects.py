"""Regression tests for the defects implementers found in the conformance check.

One section per defect: methods written in C, ``functools.partialmethod``,
class-based decorators, ``AsyncMock``, protocol subclasses made of stubs, the
cache (identity, functions), hostile objects, unreadable signatures.
"""

import functools
import gc
import inspect
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import MethodType
from typing import Protocol, override, runtime_checkable
from unittest.mock import AsyncMock, MagicMock, Mock, NonCallableMock, create_autospec
from uuid import UUID

import pytest

from omnibase.protocols.core import ProtocolWorkflowReducer
from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.types import (
    ProtocolEventHandler,
    ProtocolEventRecord,
    ProtocolPage,
    ProtocolWorkflowEvent,
)
from omnibase.spi_conformance import (
    Mismatch,
    MismatchCode,
    assert_conforms,
    check_conformance,
    clear_conformance_cache,
)
from omnibase.spi_conformance import conformance as conformance_module
from tests.spi_conformance.test_check_conformance import GoodBus


def codes(implementation: object, protocol: object) -> list[tuple[str, MismatchCode]]:
    found = check_conformance(implementation, typing.cast("type", protocol))
    return [(m.member, m.code) for m in found]


def instance_of(cls: object) -> object:
    """Instantiate ``cls``, which type checkers may consider abstract."""
    return typing.cast("Callable[[], object]", cls)()


def every_bus_member(code: MismatchCode) -> list[tuple[str, MismatchCode]]:
    members = ("aclose", "health_check", "publish", "subscribe_to_topic")
    return [(name, code) for name in members]


# --- methods written in C -------------------------------------------------------------


class _ListLike(Protocol):
    def clear(self) -> None: ...

    def count(self, value: object, /) -> int: ...

    def __len__(self) -> int: ...


class _KeysFactory(Protocol):
    def fromkeys(self, iterable: Iterable[str], value: object = None, /) -> object: ...


class Stack(list[int]):
    """Inherits ``clear`` and ``count`` (``method_descriptor``), ``__len__``
    (a slot wrapper) from ``list``, written in C."""


class Table(dict[str, int]):
    """Inherits ``fromkeys`` (a ``classmethod_descriptor``) from ``dict``."""


def test_methods_of_a_c_base_class_receive_the_instance() -> None:
    assert check_conformance(Stack(), _ListLike) == []
    assert check_conformance(Stack, _ListLike) == []
    assert check_conformance(Table(), _KeysFactory) == []


class _CompiledMethod:
    """A method as Cython or mypyc compile it: no ``__code__``, a ``__get__``
    that binds, and a text signature that names the instance ``$self``."""

    def __init__(self, text_signature: str | None, *, coroutine: bool) -> None:
        self.__text_signature__ = text_signature
        if coroutine:
            inspect.markcoroutinefunction(self)

    def __call__(self, *args: object) -> object:
        return None

    def __get__(self, instance: object, owner: type | None = None) -> object:
        return self if instance is None else MethodType(self, instance)


CompiledBus = type(
    "CompiledBus",
    (GoodBus,),
    {
        "publish": _CompiledMethod("($self, message, *, timeout=None)", coroutine=True),
        "aclose": _CompiledMethod("($self)", coroutine=True),
    },
)


def test_compiled_methods_without_code_receive_the_instance() -> None:
    assert not hasattr(CompiledBus.__dict__["publish"], "__code__")
    assert check_conformance(CompiledBus(), ProtocolEventBus) == []
    assert check_conformance(CompiledBus, ProtocolEventBus) == []


def test_builtin_methods_already_bound_keep_their_signature() -> None:
    class Holder:
        clear = [1].clear  # builtin_function_or_method: bound, no __get__

        __len__ = [1].__len__  # method-wrapper: bound, no __get__

    holder = Holder()
    holder.__dict__["count"] = [1].count
    assert check_conformance(holder, _ListLike) == []
    assert check_conformance(Holder, _ListLike) == [  # count is on the instance
        Mismatch("count", "missing", "is missing; the contract declares a method")
    ]


# --- functools.partialmethod ----------------------------------------------------------


async def send_with_priority(
    self: object, message: object, *, timeout: object = None, priority: int = 0
) -> None:
    return None


async def aclose_with(self: object, force: bool) -> None:
    return None


def sync_aclose_with(self: object, force: bool) -> None:
    return None


PartialBus = type(
    "PartialBus",
    (GoodBus,),
    {
        "publish": functools.partialmethod(send_with_priority, priority=1),
        "aclose": functools.partialmethod(aclose_with, True),
    },
)


def test_partialmethod_is_a_method() -> None:
    assert check_conformance(PartialBus(), ProtocolEventBus) == []
    assert check_conformance(PartialBus, ProtocolEventBus) == []


def test_partialmethod_is_checked_like_any_method() -> None:
    sync_aclose = functools.partialmethod(sync_aclose_with, True)
    wrong_aclose = functools.partialmethod(aclose_with)
    assert codes(_with(PartialBus, aclose=sync_aclose)(), ProtocolEventBus) == [
        ("aclose", "not-async")
    ]
    assert codes(_with(PartialBus, aclose=wrong_aclose)(), ProtocolEventBus) == [
        ("aclose", "extra-required-parameter")
    ]


def _with(base: type, **members: object) -> type:
    return type(f"{base.__name__}Variant", (base,), members)


# --- class-based decorators -----------------------------------------------------------


class traced:  # noqa: N801 - used as a decorator
    """A decorator written as a class: ``__call__`` runs the function,
    ``__get__`` binds it like a method, ``update_wrapper`` copies its metadata."""

    def __init__(self, function: Callable[..., object]) -> None:
        self.function = function
        functools.update_wrapper(self, function)

    def __call__(self, *args: object, **kwargs: object) -> object:
        return self.function(*args, **kwargs)

    def __get__(self, instance: object, owner: type | None = None) -> object:
        return self if instance is None else MethodType(self, instance)


class traced_async(traced):  # noqa: N801 - used as a decorator
    @override
    async def __call__(self, *args: object, **kwargs: object) -> object:
        result = self.function(*args, **kwargs)
        return await typing.cast("typing.Awaitable[object]", result)


class traced_unbound:  # noqa: N801 - used as a decorator
    """Without ``__get__``: the instance is never passed."""

    def __init__(self, function: Callable[..., object]) -> None:
        self.function = function
        functools.update_wrapper(self, function)

    def __call__(self, *args: object, **kwargs: object) -> object:
        return self.function(*args, **kwargs)


class TracedReducer:
    @traced
    def initial_state(self, workflow_type: str, instance_id: UUID) -> int:
        return 0

    @traced
    def reduce(self, state: int, event: ProtocolWorkflowEvent) -> int:
        return state


async def traced_publish(
    self: object, message: object, *, timeout: object = None
) -> None:
    return None


TracedBus = type("TracedBus", (GoodBus,), {"publish": traced_async(traced_publish)})


def test_class_based_decorators_bind_like_functions() -> None:
    assert check_conformance(TracedReducer(), ProtocolWorkflowReducer) == []
    assert check_conformance(TracedReducer, ProtocolWorkflowReducer) == []
    assert check_conformance(TracedBus(), ProtocolEventBus) == []


def test_a_decorator_without_get_does_not_bind() -> None:
    def reduce(self: object, state: int, event: ProtocolWorkflowEvent) -> int:
        return state

    unbound = _with(TracedReducer, reduce=traced_unbound(reduce))

    # Python calls it without the instance: `state` lands in `self`.
    assert codes(unbound(), ProtocolWorkflowReducer) == [
        ("reduce", "parameter-order"),
        ("reduce", "parameter-order"),
        ("reduce", "extra-required-parameter"),
    ]


# --- unittest.mock --------------------------------------------------------------------


async def handle(record: ProtocolEventRecord, /) -> None:
    return None


def test_async_mocks_are_async() -> None:
    assert check_conformance(AsyncMock(), ProtocolEventHandler) == []
    assert check_conformance(AsyncMock(spec=handle), ProtocolEventHandler) == []
    # 3.12 wraps the AsyncMock in a plain def; 3.13 in an async def.
    assert check_conformance(create_autospec(handle), ProtocolEventHandler) == []
    bus = GoodBus()
    bus.__dict__["aclose"] = AsyncMock()
    assert check_conformance(bus, ProtocolEventBus) == []
    assert (
        check_conformance(_with(GoodBus, aclose=AsyncMock())(), ProtocolEventBus) == []
    )


def test_sync_mocks_are_not_async() -> None:
    assert codes(Mock(), ProtocolEventHandler) == [("__call__", "not-async")]
    assert codes(MagicMock(), ProtocolEventHandler) == [("__call__", "not-async")]


# --- protocol subclasses made of stubs ------------------------------------------------


class InheritsEverything(ProtocolEventBus):
    pass


class InheritsThree(ProtocolEventBus):
    @override
    async def aclose(self) -> None:
        return None


class PageStub(ProtocolPage[int]):
    pass


def test_a_protocol_subclass_does_not_implement_the_protocol() -> None:
    expected = every_bus_member("not-implemented")
    assert codes(instance_of(InheritsEverything), ProtocolEventBus) == expected
    assert codes(InheritsEverything, ProtocolEventBus) == expected
    assert codes(instance_of(InheritsThree), ProtocolEventBus) == [
        m for m in expected if m[0] != "aclose"
    ]
    assert codes(instance_of(PageStub), ProtocolPage) == [
        ("items", "not-implemented"),
        ("next_cursor", "not-implemented"),
    ]
    found = check_conformance(instance_of(InheritsEverything), ProtocolEventBus)
    details = {mismatch.member: mismatch.detail for mismatch in found}
    assert "inherits the stub that ProtocolEventBus declares" in details["publish"]
    assert "inherits the stub that ProtocolLifecycle declares" in details["aclose"]


class _WithDefault(Protocol):
    def greeting(self) -> str:
        return "hello"

    def name(self) -> str: ...


def test_a_protocol_default_implementation_is_inherited() -> None:
    class Named(_WithDefault):
        @override
        def name(self) -> str:
            return "n"

    class Unnamed(_WithDefault):
        pass

    assert check_conformance(Named(), _WithDefault) == []
    assert codes(instance_of(Unnamed), _WithDefault) == [("name", "not-implemented")]


@runtime_checkable
class _WithAttribute(Protocol):
    label: str


def test_a_protocol_annotation_is_not_an_implementation() -> None:
    class Subclass(_WithAttribute):
        pass

    class Declared(_WithAttribute):
        label: str

    assert codes(Subclass, _WithAttribute) == [("label", "missing")]
    assert check_conformance(Declared, _WithAttribute) == []


class EllipsisBus(GoodBus):
    @override
    async def aclose(self) -> None: ...


class DocumentedEllipsisBus(GoodBus):
    @override
    async def aclose(self) -> None:
        """Close the bus."""
        ...


class NoOpBus(GoodBus):
    @override
    async def aclose(self) -> None:
        """Nothing to release."""


class PassBus(GoodBus):
    @override
    async def aclose(self) -> None:
        pass


def test_an_ellipsis_body_is_a_stub() -> None:
    assert codes(EllipsisBus(), ProtocolEventBus) == [("aclose", "not-implemented")]
    assert codes(DocumentedEllipsisBus, ProtocolEventBus) == [
        ("aclose", "not-implemented")
    ]
    found = check_conformance(EllipsisBus(), ProtocolEventBus)
    assert "its body is only `...`" in found[0].detail


def test_a_deliberately_empty_body_is_not_a_stub() -> None:
    # GoodBus itself raises NotImplementedError in publish.
    assert check_conformance(NoOpBus(), ProtocolEventBus) == []
    assert check_conformance(PassBus(), ProtocolEventBus) == []


def test_a_stub_is_reported_with_the_other_mismatches() -> None:
    def aclose(self: object) -> None: ...

    assert codes(_with(GoodBus, aclose=aclose)(), ProtocolEventBus) == [
        ("aclose", "not-implemented"),
        ("aclose", "not-async"),
    ]


def test_a_stub_without_source_is_accepted() -> None:
    namespace: dict[str, object] = {}
    exec("async def aclose(self):\n    ...\n", namespace)  # no source to read
    assert (
        check_conformance(
            _with(GoodBus, aclose=namespace["aclose"])(), ProtocolEventBus
        )
        == []
    )


# --- the cache ------------------------------------------------------------------------


class _EqualToEverything(type):
    @override
    def __eq__(cls, other: object) -> bool:
        return True

    @override
    def __hash__(cls) -> int:
        return 0


def test_the_cache_is_keyed_by_identity() -> None:
    class Conforming(GoodBus, metaclass=_EqualToEverything):
        pass

    class Empty(metaclass=_EqualToEverything):
        pass

    assert Conforming == Empty
    assert hash(Conforming) == hash(Empty)
    assert check_conformance(Conforming(), ProtocolEventBus) == []
    assert check_conformance(Conforming, ProtocolEventBus) == []
    assert codes(Empty(), ProtocolEventBus) == every_bus_member("missing")
    assert codes(Empty, ProtocolEventBus) == every_bus_member("missing")


def test_function_results_are_not_cached() -> None:
    async def handler(record: ProtocolEventRecord, /) -> None:
        return None

    assert check_conformance(handler, ProtocolEventHandler) == []
    vars(handler)["__signature__"] = inspect.Signature()
    assert codes(handler, ProtocolEventHandler) == [("__call__", "missing-parameter")]
    del vars(handler)["__signature__"]
    assert check_conformance(handler, ProtocolEventHandler) == []

    def sync_handler(record: ProtocolEventRecord, /) -> None:
        return None

    assert codes(sync_handler, ProtocolEventHandler) == [("__call__", "not-async")]
    inspect.markcoroutinefunction(sync_handler)
    assert check_conformance(sync_handler, ProtocolEventHandler) == []


def test_a_dead_class_leaves_the_cache() -> None:
    def check_a_temporary_class() -> int:
        temporary = type("Temporary", (GoodBus,), {})
        assert check_conformance(temporary(), ProtocolEventBus) == []
        return id(temporary)

    key = check_a_temporary_class()
    gc.collect()
    assert key not in conformance_module._CLASSES  # pyright: ignore[reportPrivateUsage]
    assert key not in conformance_module._RESULTS  # pyright: ignore[reportPrivateUsage]


def test_classes_and_functions_never_take_the_instance_path() -> None:
    # A metaclass or a function type checked as a class must not give its
    # verdict to its instances, which are classes and functions.
    assert codes(type, ProtocolEventBus) == every_bus_member("missing")
    assert check_conformance(GoodBus, ProtocolEventBus) == []
    assert codes(type(handle), ProtocolEventHandler) == [("__call__", "not-async")]
    assert check_conformance(handle, ProtocolEventHandler) == []


@dataclass(frozen=True)
class _Page:
    items: Sequence[int]
    next_cursor: str | None


def test_cached_and_uncached_paths_agree() -> None:
    page = _Page((1,), None)
    for _ in range(3):  # the first call builds the plan, the next ones reuse it
        assert check_conformance(page, ProtocolPage[int]) == []
        assert check_conformance(page, ProtocolPage) == []
        assert codes(GoodBus(), ProtocolPage) == [
            ("items", "missing"),
            ("next_cursor", "missing"),
        ]
        assert codes(_with(GoodBus, aclose=None)(), ProtocolEventBus) == [
            ("aclose", "missing")
        ]
    clear_conformance_cache()
    assert codes(_Page((1,), None), ProtocolPage) == []


# --- hostile objects ------------------------------------------------------------------


class RaisingOnAccess:
    """A data descriptor that raises on every read."""

    def __get__(self, instance: object, owner: type | None = None) -> object:
        raise RuntimeError("descriptor exploded")

    def __set__(self, instance: object, value: object) -> None:
        raise RuntimeError("read-only")


class RaisingMessage(Exception):  # noqa: N818 - named for what it does
    @override
    def __str__(self) -> str:
        raise RuntimeError("no message either")


def _raise(message: str) -> Callable[..., object]:
    def raising(*args: object) -> object:
        raise RuntimeError(message)

    return raising


def _raise_unprintable(self: object) -> object:
    raise RaisingMessage


# Built with type(): type checkers rightly refuse these overrides in a class body.
DescriptorBus = _with(GoodBus, aclose=RaisingOnAccess())
GetattributeBus = _with(GoodBus, __getattribute__=_raise("no attribute"))
ClassRaisingBus = _with(GoodBus, __class__=property(_raise("no class")))
ClaimsToBeAClass = type("ClaimsToBeAClass", (), {"__class__": type})
HostileMeta = type("HostileMeta", (type,), {"__getattribute__": _raise("no attribute")})
HostileClassBus = typing.cast("type", HostileMeta("HostileClassBus", (GoodBus,), {}))
DictRaising = type("DictRaising", (), {"__dict__": property(_raise_unprintable)})


class Slotted:
    __slots__ = ("aclose", "health_check", "publish", "subscribe_to_topic")


HOSTILE: list[
    tuple[str, Callable[[], object], object, list[tuple[str, MismatchCode]]]
] = [
    (
        "Mock(spec=GoodBus)",
        lambda: Mock(spec=GoodBus),
        ProtocolEventBus,
        every_bus_member("missing"),
    ),
    (
        "Mock(spec=type) claims to be a class",
        lambda: Mock(spec=type),
        ProtocolEventBus,
        every_bus_member("missing"),
    ),
    (
        "NonCallableMock(spec=a function) claims to be a function",
        lambda: NonCallableMock(spec=handle),
        ProtocolEventHandler,
        [("__call__", "missing")],
    ),
    (
        "__class__ = type",
        ClaimsToBeAClass,
        ProtocolEventBus,
        every_bus_member("missing"),
    ),
    ("a raising __class__", ClassRaisingBus, ProtocolEventBus, []),
    (
        "a raising descriptor",
        DescriptorBus,
        ProtocolEventBus,
        [("aclose", "inaccessible")],
    ),
    (
        "a raising __getattribute__",
        GetattributeBus,
        ProtocolEventBus,
        every_bus_member("inaccessible"),
    ),
    ("a metaclass raising on every attribute", HostileClassBus, ProtocolEventBus, []),
    (
        "a class with that metaclass, checked as a class",
        lambda: HostileClassBus,
        ProtocolEventBus,
        [],
    ),
    (
        "a raising __dict__",
        DictRaising,
        ProtocolPage,
        [("items", "inaccessible"), ("next_cursor", "inaccessible")],
    ),
    ("unset slots", Slotted, ProtocolEventBus, every_bus_member("missing")),
]


@pytest.mark.parametrize(
    ("make", "protocol", "expected"),
    [case[1:] for case in HOSTILE],
    ids=[case[0] for case in HOSTILE],
)
def test_a_hostile_object_is_reported_not_raised(
    make: Callable[[], object],
    protocol: object,
    expected: list[tuple[str, MismatchCode]],
) -> None:
    implementation = make()
    assert codes(implementation, protocol) == expected
    assert codes(implementation, protocol) == expected  # cached or not, the same
    if expected:
        with pytest.raises(InvalidInputError, match="does not conform"):
            assert_conforms(implementation, typing.cast("type", protocol))
    else:
        assert_conforms(implementation, typing.cast("type", protocol))


def test_inaccessible_members_name_the_error() -> None:
    (found,) = check_conformance(DescriptorBus(), ProtocolEventBus)
    assert found.detail == (
        "cannot be read: reading it on the instance raised RuntimeError: "
        "descriptor exploded"
    )
    first = check_conformance(DictRaising(), ProtocolPage)[0]
    assert "RaisingMessage (its message cannot be shown)" in first.detail


def test_mock_members_are_missing_with_a_reason() -> None:
    found = check_conformance(Mock(spec=GoodBus), ProtocolEventBus)
    assert "provides attributes through `__getattr__`" in found[0].detail
    autospec = create_autospec(GoodBus, instance=True)
    assert check_conformance(autospec, ProtocolEventBus) == []


HostileArgument = type(
    "HostileArgument",
    (),
    {"__class__": property(_raise("no class")), "__repr__": _raise("no repr")},
)


def test_a_hostile_protocol_argument_is_invalid_input() -> None:
    hostile = typing.cast("type", HostileArgument())
    with pytest.raises(InvalidInputError, match=r"is not a typing\.Protocol class"):
        check_conformance(GoodBus(), hostile)
    with pytest.raises(InvalidInputError, match=r"is not a typing\.Protocol class"):
        assert_conforms(GoodBus(), hostile)


# --- unreadable signatures ------------------------------------------------------------


def _broken(signature: object) -> Callable[..., object]:
    async def publish(self: object, message: object, extra: object) -> None:
        return None

    vars(publish)["__signature__"] = signature
    return publish


class _RaisingSignature:
    """A callable whose ``__signature__`` raises."""

    @property
    def __signature__(self) -> inspect.Signature:
        raise RuntimeError("signature exploded")

    async def __call__(self, message: object) -> None:
        return None


class _RaisingWrapped:
    @property
    def __wrapped__(self) -> object:
        raise RuntimeError("wrapped exploded")

    async def __call__(self, message: object) -> None:
        return None


def _wrapper_loop() -> Callable[..., object]:
    async def publish(self: object, message: object) -> None:
        return None

    vars(publish)["__wrapped__"] = publish
    return publish


UNREADABLE: list[tuple[str, object]] = [
    ("__signature__ is not a Signature", _broken(42)),
    ("__signature__ is a fake Signature", _broken(Mock(spec=inspect.Signature))),
    ("a raising __signature__", staticmethod(_RaisingSignature())),
    ("a raising __wrapped__", staticmethod(_RaisingWrapped())),
    ("a __wrapped__ loop", _wrapper_loop()),
    ("a compiled method without a signature", _CompiledMethod(None, coroutine=True)),
]


@pytest.mark.parametrize(
    "publish", [case[1] for case in UNREADABLE], ids=[case[0] for case in UNREADABLE]
)
def test_an_unreadable_signature_is_a_mismatch(publish: object) -> None:
    bus = _with(GoodBus, publish=publish)
    assert codes(bus(), ProtocolEventBus) == [("publish", "unreadable-signature")]
    assert codes(bus, ProtocolEventBus) == [("publish", "unreadable-signature")]


def test_a_wrong_arity_behind_a_broken_signature_does_not_pass() -> None:
    # publish(self, message, extra) requires a parameter the contract never passes.
    (found,) = check_conformance(
        _with(GoodBus, publish=_broken(42))(), ProtocolEventBus
    )
    assert found.detail == (
        "has parameters that cannot be read (TypeError: unexpected object 42 in "
        "__signature__ attribute), so nothing proves the contract's calls work: "
        "implement it as a Python function, or give it a correct `__signature__`"
    )


def test_a_callback_with_an_unreadable_signature_is_a_mismatch() -> None:
    function = _wrapper_loop()
    assert codes(function, ProtocolEventHandler) == [
        ("__call__", "unreadable-signature")
    ]


@dataclass
class _Sequenced:
    items: Sequence[int]
    next_cursor: str | None


def test_data_members_in_the_instance_dict_stay_cheap_and_correct() -> None:
    page = _Sequenced((1,), None)
    assert check_conformance(page, ProtocolPage) == []
    del page.next_cursor
    assert codes(page, ProtocolPage) == [("next_cursor", "missing")]
