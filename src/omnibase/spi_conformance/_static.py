"""Reading classes and objects without running their code (private to the kit).

A conformance check meets hostile objects: a ``__class__`` that lies or
raises, a metaclass ``__getattribute__`` that raises, descriptors that raise.
These helpers read what Python itself stores (the type, the MRO, the class
namespaces) and call nothing an object defines.
"""

import typing
from collections.abc import Callable
from types import MappingProxyType
from typing import Final

__all__ = [
    "MISSING",
    "is_class",
    "static_annotations",
    "static_lookup",
    "static_mro",
]


class _Missing:
    """Sentinel type: no attribute found."""


MISSING: Final = _Missing()
"""What ``static_lookup`` returns when no class defines a name."""

_type_mro = typing.cast(
    "Callable[[type], tuple[type, ...]]", type.__dict__["__mro__"].__get__
)
_type_namespace = typing.cast(
    "Callable[[type], MappingProxyType[str, object]]", type.__dict__["__dict__"].__get__
)


def is_class(obj: object) -> bool:
    """Tell whether ``obj`` really is a class, whatever its ``__class__`` claims.

    Args:
        obj: Anything.

    Returns:
        ``True`` when the type of ``obj`` is a metaclass.
    """
    return issubclass(type(obj), type)


def static_mro(cls: type) -> tuple[type, ...]:
    """Return ``cls.__mro__`` without calling a metaclass's ``__getattribute__``.

    Args:
        cls: A class.

    Returns:
        The method resolution order.
    """
    return _type_mro(cls)


def static_lookup(cls: type, name: str) -> tuple[type | None, object]:
    """Find ``name`` in the namespaces of ``cls``'s MRO, running no user code.

    Neither a metaclass's ``__getattribute__`` nor a descriptor is called: the
    raw value stored in the first class that defines ``name`` is returned.

    Args:
        cls: A class.
        name: An attribute name.

    Returns:
        The defining class and the raw value, or ``(None, MISSING)``.
    """
    for klass in _type_mro(cls):
        namespace = _type_namespace(klass)
        if name in namespace:
            return klass, namespace[name]
    return None, MISSING


def static_annotations(cls: type) -> frozenset[str]:
    """Return the names ``cls`` itself annotates in its body, running no user code.

    Args:
        cls: A class.

    Returns:
        The annotated names; empty when the class stores no annotation dict.
    """
    annotations = _type_namespace(cls).get("__annotations__")
    if type(annotations) is not dict:
        return frozenset()
    names = typing.cast("dict[object, object]", annotations)
    return frozenset(name for name in names if type(name) is str)
