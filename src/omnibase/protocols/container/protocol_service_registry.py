"""Dependency injection and service location keyed by protocol."""

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

__all__ = ["ProtocolServiceRegistry"]


@runtime_checkable
class ProtocolServiceRegistry(Protocol):
    """A DI container: maps a runtime-checkable protocol to an implementation.

    Registration and resolution are in-memory bookkeeping, so the methods are
    plain ``def``.

    Type checking the call sites: mypy (not pyright) reports ``type-abstract``
    when a Protocol class is passed where ``type[T]`` is expected
    (python/mypy#4717). Pass the class through
    ``omnibase.spi_conformance.protocol_type`` (accepted by both checkers), or
    disable that one code for the call sites. Because a type checker solves
    ``ServiceT`` to the join of both arguments, ``register`` cannot reject a
    wrong implementation statically; bind it to a variable of the protocol
    type first to have it checked, and rely on SR-1 at run time.

    Rules:
        SR-1: ``register`` refuses, with ``InvalidInputError`` naming what is
            wrong, an implementation that does not conform to the protocol as
            ``omnibase.spi_conformance.check_conformance`` judges it: a member
            missing, a method that is not ``async`` where the contract says
            ``async def`` (or the reverse), parameters with other names,
            kinds or order, a property where a method is declared (or the
            reverse), or a member left as the protocol's own stub (a class
            that merely subclasses the protocol). A class object is refused
            as well: the container holds services, not factories.
        SR-2: ``interface`` is a ``@runtime_checkable`` Protocol class, or one
            subscripted (``ProtocolPage[int]``), which is the same key as its
            origin class: ``register(P[int], ...)``, ``resolve(P)``,
            ``resolve(protocol_type(P[int]))`` and ``unregister(P)`` address
            one registration, listed under ``P``. Anything else raises
            ``InvalidInputError`` from every method.
        SR-3: One implementation per ``(interface, name)``. Registering the
            same object again is a no-op; a different object raises
            ``AlreadyRegisteredError`` unless ``replace`` is true.
        SR-4: ``resolve`` returns the very object registered, not a copy, for
            every registration ``registered_interfaces`` lists; for any other
            key it raises ``NotFoundError``.
        SR-5: ``registered_interfaces`` lists each ``(interface, name)`` once,
            in the order of first registration (replacing keeps the place).
        SR-6: ``unregister`` removes one registration and returns whether
            there was one; the key may then be registered again, and is
            listed last.
    """

    def register[ServiceT](
        self,
        interface: type[ServiceT],
        implementation: ServiceT,
        *,
        name: str = "default",
        replace: bool = False,
    ) -> None:
        """Register ``implementation`` as the provider of ``interface`` (SR-1 to SR-3).

        Args:
            interface: A runtime-checkable Protocol class (SR-2).
            implementation: An object satisfying it (SR-1).
            name: Distinguishes several implementations of one interface.
            replace: Replace an existing, different registration (SR-3).

        Raises:
            InvalidInputError: ``interface`` is not a runtime-checkable
                protocol (SR-2), or ``implementation`` does not conform to
                it or is a class (SR-1).
            AlreadyRegisteredError: Another implementation is registered
                under ``(interface, name)`` and ``replace`` is false.
        """
        ...

    def resolve[ServiceT](
        self, interface: type[ServiceT], *, name: str = "default"
    ) -> ServiceT:
        """Return the implementation registered for ``interface`` (SR-4).

        Args:
            interface: The protocol asked for.
            name: Which of its registrations.

        Returns:
            The registered implementation.

        Raises:
            NotFoundError: Nothing is registered under ``(interface, name)``.
            InvalidInputError: ``interface`` is not a protocol (SR-2).
        """
        ...

    def unregister(self, interface: type[object], *, name: str = "default") -> bool:
        """Remove a registration (SR-6).

        Args:
            interface: The protocol.
            name: Which of its registrations.

        Returns:
            ``True`` if something was registered, else ``False``.

        Raises:
            InvalidInputError: ``interface`` is not a protocol (SR-2).
        """
        ...

    def registered_interfaces(self) -> Sequence[tuple[type[object], str]]:
        """List the registrations (SR-5).

        Returns:
            ``(interface, name)`` pairs in registration order; generic
            protocols appear as their origin class (SR-2).
        """
        ...
