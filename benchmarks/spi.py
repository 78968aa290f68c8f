"""Discovery of the SPI's modules and protocols by walking the package.

Nothing here is a hand-kept list: a module or protocol added to
``omnibase.protocols`` is benchmarked without touching this package.
"""

import importlib
import inspect
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass
from types import ModuleType
from typing import Generic, Literal, Protocol, cast

from benchmarks.common import SPI_PACKAGE, BenchmarkError

type Kind = Literal["service", "data"]

# Names a class body defines that are never protocol members (the same
# exclusions as ``typing._get_protocol_attrs``; cross-checked below against
# ``__protocol_attrs__`` where the interpreter provides it).
_NOT_MEMBERS = frozenset(
    {
        "__abstractmethods__",
        "__annotations__",
        "__annotate__",
        "__callable_proto_members_only__",
        "__class_getitem__",
        "__dict__",
        "__doc__",
        "__firstlineno__",
        "__init__",
        "__init_subclass__",
        "__match_args__",
        "__module__",
        "__new__",
        "__non_callable_proto_members__",
        "__orig_bases__",
        "__parameters__",
        "__protocol_attrs__",
        "__qualname__",
        "__slots__",
        "__static_attributes__",
        "__subclasshook__",
        "__type_params__",
        "__weakref__",
        "_is_protocol",
        "_is_runtime_protocol",
    }
)


@dataclass(frozen=True, slots=True)
class ProtocolInfo:
    """A runtime-checkable protocol of the SPI and its members.

    Attributes:
        cls: The protocol class.
        module: Name of the module that defines it.
        members: Member names in definition order (base protocols first).
        properties: Members declared as ``@property``.
        coroutines: Members that are ``async def``.
    """

    cls: type
    module: str
    members: tuple[str, ...]
    properties: frozenset[str]
    coroutines: frozenset[str]

    @property
    def name(self) -> str:
        """The protocol's class name."""
        return self.cls.__name__

    @property
    def kind(self) -> Kind:
        """``service`` when no member is a property (``issubclass`` works)."""
        return "data" if self.properties else "service"


def module_names() -> list[str]:
    """Return the SPI package and every module below it, sorted.

    Raises:
        BenchmarkError: The SPI cannot be imported.
    """
    try:
        package = importlib.import_module(SPI_PACKAGE)
    except ImportError as exc:
        raise BenchmarkError(f"cannot import {SPI_PACKAGE}: {exc}") from exc
    names = {SPI_PACKAGE}
    for info in pkgutil.walk_packages(package.__path__, f"{SPI_PACKAGE}."):
        names.add(info.name)
    return sorted(names)


def _is_protocol_class(value: object) -> bool:
    return isinstance(value, type) and getattr(value, "_is_protocol", False) is True


def declared_members(base: type) -> list[str]:
    """Return the members a protocol class declares in its own body, in order.

    Args:
        base: A protocol class (one class of an MRO).

    Returns:
        Names defined or annotated in its body that are protocol members.
    """
    names = list(vars(base))
    annotations = inspect.get_annotations(base)
    names.extend(name for name in annotations if name not in names)
    return [n for n in names if n not in _NOT_MEMBERS and not n.startswith("_abc_")]


def protocol_members(proto: type) -> tuple[str, ...]:
    """Return a protocol's members in definition order.

    Base protocols' members come first, in MRO order from the most basic.

    Args:
        proto: A ``typing.Protocol`` class.

    Returns:
        The member names.

    Raises:
        BenchmarkError: The walk disagrees with the interpreter's own
            ``__protocol_attrs__``.
    """
    ordered: list[str] = []
    for base in reversed(proto.__mro__[:-1]):  # without ``object``
        if base is Protocol or base is Generic:
            continue
        ordered.extend(n for n in declared_members(base) if n not in ordered)
    declared: object = getattr(proto, "__protocol_attrs__", None)
    if isinstance(declared, set | frozenset):
        expected = {str(name) for name in cast("Iterable[object]", declared)}
        if expected != set(ordered):
            raise BenchmarkError(
                f"{proto.__qualname__}: members {sorted(ordered)} differ from "
                f"__protocol_attrs__ {sorted(expected)}"
            )
    return tuple(ordered)


def _info(proto: type, module: str) -> ProtocolInfo:
    members = protocol_members(proto)
    properties = frozenset(
        m for m in members if isinstance(inspect.getattr_static(proto, m), property)
    )
    coroutines = frozenset(
        m
        for m in members
        if m not in properties
        and inspect.iscoroutinefunction(inspect.getattr_static(proto, m))
    )
    return ProtocolInfo(proto, module, members, properties, coroutines)


def protocols(modules: Iterable[str] | None = None) -> list[ProtocolInfo]:
    """Return every runtime-checkable protocol the SPI defines, by module.

    Args:
        modules: Module names to search (default: :func:`module_names`).

    Returns:
        One entry per protocol class, in module then definition order.
        Re-exports are skipped (each class is listed where it is defined).

    Raises:
        BenchmarkError: A public protocol is not ``@runtime_checkable``.
    """
    found: list[ProtocolInfo] = []
    for name in modules if modules is not None else module_names():
        module: ModuleType = importlib.import_module(name)
        for value in vars(module).values():
            if not _is_protocol_class(value) or not isinstance(value, type):
                continue
            if value.__module__ != name:
                continue
            if getattr(value, "_is_runtime_protocol", False) is not True:
                raise BenchmarkError(
                    f"{name}.{value.__name__} is not runtime-checkable"
                )
            found.append(_info(value, name))
    return found
