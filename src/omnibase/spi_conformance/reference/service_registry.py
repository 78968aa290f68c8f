"""In-memory ``ProtocolServiceRegistry``: a DI container keyed by protocol.

Demonstrates:
    SR-1: ``register`` refuses an implementation that fails the conformance
        kit's ``assert_conforms``: stricter than ``isinstance`` (which checks
        only that the members exist), it also compares async-ness and the
        names, kinds and order of parameters.
    SR-2: the interface must be a ``@runtime_checkable`` Protocol class.
    SR-3: one implementation per ``(interface, name)``; the same object again
        is a no-op, another one needs ``replace=True``.
    SR-4: ``resolve`` returns the very object registered.
    SR-5: ``registered_interfaces`` in registration order.

Callers pass protocols through ``omnibase.spi_conformance.protocol_type``,
which both mypy and pyright accept where ``type[T]`` is expected.

Deliberate simplifications:
    No scopes, factories or lifetimes: the container holds ready-made objects.
"""

from collections.abc import Sequence

from omnibase.protocols.errors import (
    AlreadyRegisteredError,
    InvalidInputError,
    NotFoundError,
)
from omnibase.spi_conformance import assert_conforms, is_protocol_class

__all__ = ["InMemoryServiceRegistry"]


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
        if not is_protocol_class(interface) or not getattr(
            interface, "_is_runtime_protocol", False
        ):
            raise InvalidInputError(
                f"{interface!r} is not a @runtime_checkable Protocol class (SR-2)"
            )
        assert_conforms(implementation, interface)  # SR-1
        key = (interface, name)
        current = self._services.get(key, implementation)
        if current is not implementation and not replace:
            raise AlreadyRegisteredError(
                f"{interface.__name__} {name!r} is already registered (SR-3)"
            )
        self._services[key] = implementation

    def resolve[ServiceT](
        self, interface: type[ServiceT], *, name: str = "default"
    ) -> ServiceT:
        """Return the registered object itself (SR-4)."""
        implementation = self._services.get((interface, name))
        if implementation is None or not isinstance(implementation, interface):
            raise NotFoundError(f"nothing registered for {interface!r} {name!r}")
        return implementation

    def unregister(self, interface: type[object], *, name: str = "default") -> bool:
        """Remove a registration; ``False`` if there was none."""
        return self._services.pop((interface, name), None) is not None

    def registered_interfaces(self) -> Sequence[tuple[type[object], str]]:
        """List ``(interface, name)`` pairs in registration order (SR-5)."""
        return tuple(self._services)
