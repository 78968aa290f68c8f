"""The members of a ``typing.Protocol`` class, read the way a runtime check needs them.

``isinstance`` against a runtime-checkable protocol only asks whether each
member exists. To say more, a check needs, for every member: is it a property
or a method, is the method ``async def``, a plain ``def``, or a plain ``def``
returning an ``AsyncIterator`` (which an ``async def ...: yield`` async
generator implements), and what are its parameters. [`contract_members`][]
answers that once per protocol and caches it.
"""

import inspect
import re
import sys
import typing
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal, Protocol

from omnibase.spi_conformance._static import is_class, static_lookup

__all__ = [
    "CallStyle",
    "ContractMember",
    "MemberKind",
    "call_style",
    "contract_members",
    "is_protocol_class",
    "protocol_origin",
]

type MemberKind = Literal["property", "method", "attribute"]
"""``property``: a ``@property``; ``method``: a function; ``attribute``: a bare
``name: T`` annotation (the SPI has none; user protocols may)."""

type CallStyle = Literal["sync", "async", "async-iterator"]
"""How a method is called: ``sync`` (``def``), ``async`` (``async def``, awaited)
or ``async-iterator`` (``def ... -> AsyncIterator[T]``, iterated with
``async for``)."""

_ASYNC_ITERATOR_ORIGINS: frozenset[object] = frozenset(
    {AsyncIterator, AsyncIterable, AsyncGenerator}
)
_ASYNC_ITERATOR_NAME = re.compile(
    r"^\s*(?:(?:typing|collections\.abc|abc)\.)?"
    r"(?:Async(?:Iterator|Iterable|Generator)|ProtocolClosableIterator)\b"
)


@dataclass(frozen=True, slots=True)
class ContractMember:
    """One member of a protocol.

    Attributes:
        name: The member's name.
        kind: Property, method or bare attribute.
        style: For methods, how they are called; ``None`` for other kinds.
        declared_in: The protocol class whose body declares the member (a base
            protocol for inherited members).
        function: The method, or the property's getter; ``None`` for a bare
            attribute.
        signature: For methods, the signature without ``self``; ``None`` for
            other kinds.
    """

    name: str
    kind: MemberKind
    style: CallStyle | None
    declared_in: type
    function: Callable[..., object] | None
    signature: inspect.Signature | None


def is_protocol_class(obj: object) -> bool:
    """Tell whether ``obj`` is a ``typing.Protocol`` class (not an implementation).

    Reads the class statically: an object faking ``__class__`` or a metaclass
    overriding ``__getattribute__`` neither fools it nor makes it raise.

    Args:
        obj: Anything.

    Returns:
        ``True`` for a class defined with ``Protocol`` among its direct bases.
    """
    if not is_class(obj) or obj is Protocol:
        return False
    _, marker = static_lookup(typing.cast("type", obj), "_is_protocol")
    return marker is True


def protocol_origin(protocol: object) -> type | None:
    """Return the protocol class behind ``protocol``, unwrapping ``ProtocolPage[int]``.

    Never raises: anything that is not a protocol gives ``None``.

    Args:
        protocol: A protocol class or a parameterised generic protocol.

    Returns:
        The protocol class, or ``None`` when ``protocol`` is not a protocol.
    """
    try:
        origin = typing.get_origin(protocol)
    except Exception:  # a hostile object is simply not a protocol
        return None
    candidate: object = protocol if origin is None else origin
    if is_protocol_class(candidate):
        return typing.cast("type", candidate)
    return None


def _protocol_member_names(protocol: type) -> frozenset[str]:
    if sys.version_info >= (3, 13):
        return typing.get_protocol_members(protocol)
    names: object = getattr(protocol, "__protocol_attrs__", None)
    if not isinstance(names, (set, frozenset)):  # pragma: no cover - CPython < 3.12
        msg = f"cannot read the members of {protocol!r} on this Python"
        raise TypeError(msg)
    return frozenset(str(name) for name in typing.cast("set[object]", names))


def _returns_async_iterator(function: Callable[..., object]) -> bool:
    try:
        annotation: object = typing.get_type_hints(function).get("return")
    except (NameError, TypeError, AttributeError, SyntaxError):
        annotation = inspect.get_annotations(function).get("return")
    if isinstance(annotation, str):
        return _ASYNC_ITERATOR_NAME.match(annotation) is not None
    origin = typing.get_origin(annotation)
    returned: object = annotation if origin is None else origin
    if returned in _ASYNC_ITERATOR_ORIGINS:
        return True
    # A protocol of async iterators (``ProtocolClosableIterator``): it declares
    # ``__anext__``, which an async generator implements.
    return isinstance(returned, type) and "__anext__" in _own_members(returned)


def _own_members(cls: type) -> set[str]:
    return {name for klass in cls.__mro__[:-1] for name in vars(klass)}


def call_style(function: Callable[..., object]) -> CallStyle:
    """Classify a contract method by how callers use it.

    Args:
        function: A method of a protocol class.

    Returns:
        ``async`` for ``async def``; ``async-iterator`` for an async generator
        function or a ``def`` whose return annotation is an
        ``AsyncIterator``/``AsyncIterable``/``AsyncGenerator``; else ``sync``.
    """
    if inspect.iscoroutinefunction(function):
        return "async"
    if inspect.isasyncgenfunction(function) or _returns_async_iterator(function):
        return "async-iterator"
    return "sync"


def _without_first(signature: inspect.Signature) -> inspect.Signature:
    parameters = list(signature.parameters.values())
    if parameters and parameters[0].kind in (
        inspect.Parameter.POSITIONAL_ONLY,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
    ):
        parameters = parameters[1:]
    return signature.replace(parameters=parameters)


def _member(protocol: type, name: str) -> ContractMember:
    for klass in protocol.__mro__:
        if name in klass.__dict__:
            raw: object = klass.__dict__[name]
            declared_in = klass
            break
    else:
        # A bare annotation (``name: T``) declares the member without a value.
        declared_in = next(
            klass
            for klass in protocol.__mro__
            if name in inspect.get_annotations(klass)
        )
        return ContractMember(name, "attribute", None, declared_in, None, None)
    if isinstance(raw, property):
        getter = raw.fget
        return ContractMember(name, "property", None, declared_in, getter, None)
    drop_self = True
    if isinstance(raw, staticmethod):
        drop_self = False
        raw = typing.cast("staticmethod[..., object]", raw).__func__
    elif isinstance(raw, classmethod):
        raw = typing.cast("classmethod[object, ..., object]", raw).__func__
    if not callable(raw):
        return ContractMember(name, "attribute", None, declared_in, None, None)
    function = typing.cast("Callable[..., object]", raw)
    signature = inspect.signature(function)
    if drop_self:
        signature = _without_first(signature)
    return ContractMember(
        name, "method", call_style(function), declared_in, function, signature
    )


_MEMBERS: dict[int, tuple[type, MappingProxyType[str, ContractMember]]] = {}
"""Members by ``id(protocol)``: keyed by identity, since a metaclass may define
``__eq__``/``__hash__``; the entry holds the protocol, so its id stays unique."""


def _members_of(protocol: type) -> MappingProxyType[str, ContractMember]:
    entry = _MEMBERS.get(id(protocol))
    if entry is not None and entry[0] is protocol:
        return entry[1]
    names = sorted(_protocol_member_names(protocol))
    members = MappingProxyType({name: _member(protocol, name) for name in names})
    _MEMBERS[id(protocol)] = (protocol, members)
    return members


def contract_members(protocol: object) -> MappingProxyType[str, ContractMember]:
    """Return the members of a protocol, inherited ones included, by name.

    The result is cached per protocol class. A parameterised generic protocol
    (``ProtocolPage[int]``) gives the members of its class: type arguments are
    a type checker's business.

    Args:
        protocol: A protocol class, or a parameterised generic protocol.

    Returns:
        A read-only mapping from member name to its description, sorted by
        name.

    Raises:
        TypeError: ``protocol`` is not a ``typing.Protocol`` class.
    """
    origin = protocol_origin(protocol)
    if origin is None:
        msg = f"{protocol!r} is not a typing.Protocol class"
        raise TypeError(msg)
    return _members_of(origin)
