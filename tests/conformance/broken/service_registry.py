"""Broken DI containers: each breaks one rule of ProtocolServiceRegistry.

``RegistryOfVersion01`` is the reference container of version 0.1.0, whose
defects implementers found (IMPLEMENTER_TRIALS: it refused
``register(ProtocolPage[int], ...)``, took classes and stub subclasses).
"""

import copy
from collections.abc import Sequence
from typing import get_origin, override

from omnibase.protocols.errors import (
    AlreadyRegisteredError,
    InvalidInputError,
    NotFoundError,
)
from omnibase.spi_conformance import assert_conforms, is_protocol_class
from omnibase.spi_conformance.reference.service_registry import (
    InMemoryServiceRegistry,
    protocol_key,
)
from omnibase.spi_conformance.suites import SuiteEnvironment
from tests.conformance.harness import Variant
from tests.conformance.test_reference_service_registry import (
    TestInMemoryServiceRegistry,
)

# pyright: reportPrivateUsage=false
# The variants reach into the reference's private dictionary.


class RegistryOfVersion01:
    """The 0.1.0 reference container, as it was (SR-1, SR-2)."""

    def __init__(self) -> None:
        self._services: dict[tuple[type[object], str], object] = {}

    def register[ServiceT](
        self,
        interface: type[ServiceT],
        implementation: ServiceT,
        *,
        name: str = "default",
        replace: bool = False,
    ) -> None:
        if not is_protocol_class(interface) or not getattr(
            interface, "_is_runtime_protocol", False
        ):
            raise InvalidInputError(f"{interface!r} is not a runtime protocol")
        assert_conforms(implementation, interface)
        origin: type[object] = interface
        key = (origin, name)
        current = self._services.get(key, implementation)
        if current is not implementation and not replace:
            raise AlreadyRegisteredError(f"{interface.__name__} {name!r}")
        self._services[key] = implementation

    def resolve[ServiceT](
        self, interface: type[ServiceT], *, name: str = "default"
    ) -> ServiceT:
        implementation = self._services.get((interface, name))
        if implementation is None or not isinstance(implementation, interface):
            raise NotFoundError(f"nothing registered for {interface!r} {name!r}")
        return implementation

    def unregister(self, interface: type[object], *, name: str = "default") -> bool:
        return self._services.pop((interface, name), None) is not None

    def registered_interfaces(self) -> Sequence[tuple[type[object], str]]:
        return tuple(self._services)


class ChecksIsinstanceOnly(InMemoryServiceRegistry):
    """Trusts ``isinstance``: any object with the member names passes (SR-1)."""

    @override
    def register[ServiceT](
        self,
        interface: type[ServiceT],
        implementation: ServiceT,
        *,
        name: str = "default",
        replace: bool = False,
    ) -> None:
        key = protocol_key(interface)
        candidate: object = implementation
        if isinstance(candidate, type) or not isinstance(candidate, key):
            raise InvalidInputError(f"{candidate!r} is not a {key.__name__}")
        self._services.setdefault((key, name), implementation)
        if replace:
            self._services[(key, name)] = implementation
        elif self._services[(key, name)] is not implementation:
            raise AlreadyRegisteredError(f"{key.__name__} {name!r}")


class TrustsSubclasses(InMemoryServiceRegistry):
    """Registers a nominal subclass of the protocol without checking it (SR-1)."""

    @override
    def register[ServiceT](
        self,
        interface: type[ServiceT],
        implementation: ServiceT,
        *,
        name: str = "default",
        replace: bool = False,
    ) -> None:
        key = protocol_key(interface)
        if key in type(implementation).__mro__:
            self._services[(key, name)] = implementation
            return
        super().register(interface, implementation, name=name, replace=replace)


class AcceptsClasses(InMemoryServiceRegistry):
    """Registers a class object when the class conforms (SR-1)."""

    @override
    def register[ServiceT](
        self,
        interface: type[ServiceT],
        implementation: ServiceT,
        *,
        name: str = "default",
        replace: bool = False,
    ) -> None:
        candidate: object = implementation
        if isinstance(candidate, type):
            key = protocol_key(interface)
            assert_conforms(candidate, key)
            self._services[(key, name)] = candidate
            return
        super().register(interface, implementation, name=name, replace=replace)


class RefusesSubscripted(InMemoryServiceRegistry):
    """Accepts only bare protocol classes as keys (SR-2)."""

    @override
    def register[ServiceT](
        self,
        interface: type[ServiceT],
        implementation: ServiceT,
        *,
        name: str = "default",
        replace: bool = False,
    ) -> None:
        if get_origin(interface) is not None:
            raise InvalidInputError(f"{interface!r} is not a class")
        super().register(interface, implementation, name=name, replace=replace)


class LastRegistrationWins(InMemoryServiceRegistry):
    """Replaces a registration silently (SR-3)."""

    @override
    def register[ServiceT](
        self,
        interface: type[ServiceT],
        implementation: ServiceT,
        *,
        name: str = "default",
        replace: bool = False,
    ) -> None:
        super().register(interface, implementation, name=name, replace=True)


class ResolvesACopy(InMemoryServiceRegistry):
    """Hands out a copy of the registered object (SR-4)."""

    @override
    def resolve[ServiceT](
        self, interface: type[ServiceT], *, name: str = "default"
    ) -> ServiceT:
        return copy.copy(super().resolve(interface, name=name))


class ReplaceMovesToTheEnd(InMemoryServiceRegistry):
    """A replaced registration is listed last (SR-5)."""

    @override
    def register[ServiceT](
        self,
        interface: type[ServiceT],
        implementation: ServiceT,
        *,
        name: str = "default",
        replace: bool = False,
    ) -> None:
        key = (protocol_key(interface), name)
        if replace and key in self._services:
            del self._services[key]
        super().register(interface, implementation, name=name, replace=replace)


class UnregisterAlwaysTrue(InMemoryServiceRegistry):
    """``unregister`` says it removed something, every time (SR-6)."""

    @override
    def unregister(self, interface: type[object], *, name: str = "default") -> bool:
        super().unregister(interface, name=name)
        return True


def _variant(name: str, breaks: tuple[str, ...], broken: type) -> Variant:
    def build(self: TestInMemoryServiceRegistry, env: SuiteEnvironment) -> object:
        return broken()

    return Variant(name, breaks, TestInMemoryServiceRegistry, {"build": build})


VARIANTS = [
    _variant("registry_of_version_0_1", ("SR-1", "SR-2"), RegistryOfVersion01),
    _variant("checks_isinstance_only", ("SR-1",), ChecksIsinstanceOnly),
    _variant("trusts_subclasses", ("SR-1",), TrustsSubclasses),
    _variant("accepts_classes", ("SR-1",), AcceptsClasses),
    _variant("refuses_subscripted", ("SR-2",), RefusesSubscripted),
    _variant("last_registration_wins", ("SR-3",), LastRegistrationWins),
    _variant("resolves_a_copy", ("SR-4",), ResolvesACopy),
    _variant("replace_moves_to_the_end", ("SR-5",), ReplaceMovesToTheEnd),
    _variant("unregister_always_true", ("SR-6",), UnregisterAlwaysTrue),
]
