"""In-memory ``ProtocolServiceRegistry``: a DI container keyed by protocol.

Demonstrates:
    SR-1: ``register`` refuses what the conformance kit's
        ``check_conformance`` finds wrong (stricter than ``isinstance``,
        which checks only that the members exist: it also compares
        async-ness and the names, kinds and order of parameters), members
        left as the protocol's own stubs, and class objects.
    SR-2: the interface is a ``@runtime_checkable`` Protocol class, or one
        subscripted, keyed by its origin class (``ProtocolPage[int]`` and
        ``ProtocolPage`` are one key, like ``protocol_type`` returns it).
    SR-3: one implementation per ``(interface, name)``; the same object again
        is a no-op, another one needs ``replace=True``.
    SR-4: ``resolve`` returns the very object registered, without checking it
        again: whatever was accepted and listed can be resolved.
    SR-5, SR-6: ``registered_interfaces`` in order of first registration;
        ``unregister`` frees the key.

Callers pass protocols through ``omnibase.spi_conformance.protocol_type``,
which both mypy and pyright accept where ``type[T]`` is expected.

Deliberate simplifications:
    No scopes, factories or lifetimes: the container holds ready-made objects.
"""

from collections.abc import Sequence
from typing import Final, cast

from omnibase.protocols.errors import (
    AlreadyRegisteredError,
    InvalidInputError,
    NotFoundError,
)
from omnibase.spi_conformance import (
    assert_conforms,
    contract_members,
    is_protocol_class,
    protocol_origin,
)

__all__ = ["InMemoryServiceRegistry", "protocol_key"]

_MISSING: Final = object()


def protocol_key(interface: object) -> type[object]:
    """Return the key of ``interface``: the runtime-checkable protocol class (SR-2).

    Args:
        interface: A protocol class, possibly subscripted.

    Returns:
        The protocol class (the origin of a subscripted one).

    Raises:
        InvalidInputError: ``interface`` is not a runtime-checkable protocol.
    """
    origin = protocol_origin(interface)
    if origin is None or not getattr(origin, "_is_runtime_protocol", False):
        raise InvalidInputError(
            f"{interface!r} is not a @runtime_checkable Protocol class (SR-2)"
        )
    return origin


def inherited_stubs(implementation: object, protocol: type) -> list[str]:
    """Name the members ``implementation`` takes from a protocol class (SR-1).

    A class that subclasses a protocol inherits the protocol's declarations,
    whose bodies are stubs: such a member is not implemented, even though
    ``isinstance`` finds it.

    Args:
        implementation: The object to register.
        protocol: The protocol it is registered for.

    Returns:
        The names, sorted.
    """
    stubs: list[str] = []
    for name in contract_members(protocol):
        for klass in type(implementation).__mro__:
            if name in vars(klass):
                if is_protocol_class(klass):
                    stubs.append(name)
                break
    return sorted(stubs)


def _name(name: object) -> str:
    if not isinstance(name, str) or not name:
        raise InvalidInputError(f"a registration name is a non-empty str: {name!r}")
    return name


class InMemoryServiceRegistry:
    """Maps ``(protocol, name)`` to one conforming implementation."""

    def __init__(self) -> None:
        """Create an empty container."""
        self._services: dict[tuple[type[object], str], object] = {}

    def register[ServiceT](
        self,
        interface: type[ServiceT],
        implementation: ServiceT,
        *,
        name: str = "default",
        replace: bool = False,
    ) -> None:
        """Register a conforming implementation (SR-1 to SR-3)."""
        key = (protocol_key(interface), _name(name))
        candidate: object = implementation
        if isinstance(candidate, type):
            raise InvalidInputError(
                f"{candidate.__qualname__} is a class: register an instance (SR-1)"
            )
        assert_conforms(implementation, key[0])  # SR-1
        stubs = inherited_stubs(implementation, key[0])
        if stubs:
            raise InvalidInputError(
                f"{type(candidate).__qualname__} does not implement "
                f"{', '.join(stubs)}: it inherits the stubs of the protocol (SR-1)"
            )
        current = self._services.get(key, implementation)
        if current is not implementation and not replace:
            raise AlreadyRegisteredError(
                f"{key[0].__name__} {name!r} is already registered (SR-3)"
            )
        self._services[key] = implementation

    def resolve[ServiceT](
        self, interface: type[ServiceT], *, name: str = "default"
    ) -> ServiceT:
        """Return the registered object itself (SR-4)."""
        key = (protocol_key(interface), _name(name))
        implementation = self._services.get(key, _MISSING)
        if implementation is _MISSING:
            raise NotFoundError(f"nothing registered for {key[0].__name__} {name!r}")
        return cast("ServiceT", implementation)

    def unregister(self, interface: type[object], *, name: str = "default") -> bool:
        """Remove a registration; ``False`` if there was none (SR-6)."""
        key = (protocol_key(interface), _name(name))
        return self._services.pop(key, _MISSING) is not _MISSING

    def registered_interfaces(self) -> Sequence[tuple[type[object], str]]:
        """List ``(interface, name)`` pairs in registration order (SR-5)."""
        return tuple(self._services)
