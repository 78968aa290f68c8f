"""In-memory ``ProtocolServiceRegistry``: a DI container keyed by protocol.

Demonstrates:
    SR-1: ``register`` refuses an implementation that fails
        ``isinstance(implementation, interface)`` and, stricter, one whose
        methods differ from the protocol in async-ness or in the names and
        kinds of their parameters (``isinstance`` checks only that the
        members exist).
    SR-2: the interface must be a ``@runtime_checkable`` Protocol class.
    SR-3: one implementation per ``(interface, name)``; the same object again
        is a no-op, another one needs ``replace=True``.
    SR-4: ``resolve`` returns the very object registered.
    SR-5: ``registered_interfaces`` in registration order.

:func:`protocol_type` is how callers pass a protocol where ``type[T]`` is
expected without mypy's ``type-abstract`` error (python/mypy#4717). A
``# type: ignore[type-abstract]`` at each call site would silence mypy, but
pyright reports no error there and, with ``reportUnnecessaryTypeIgnoreComment``
on, flags that comment as unnecessary, so no comment satisfies both checkers.

Deliberate simplifications:
    No scopes, factories or lifetimes: the container holds ready-made objects.
"""

import inspect
from collections.abc import Callable, Sequence
from typing import get_origin

from omnibase.protocols.errors import (
    AlreadyRegisteredError,
    InvalidInputError,
    NotFoundError,
)

__all__ = ["InMemoryServiceRegistry", "conformance_problems", "protocol_type"]


def protocol_type[T](interface: Callable[..., T]) -> type[T]:
    """Return a protocol class typed as ``type[T]``, for ``register`` and ``resolve``.

    ``container.register(protocol_type(ProtocolEventBus), bus)`` type-checks
    under mypy and pyright alike, and ``T`` keeps the protocol's type. A
    generic protocol may be passed with its type argument
    (``protocol_type(ProtocolWorkflowReducer[MySnapshot])``): the checkers keep
    the argument, and at run time, where ``isinstance`` ignores type
    arguments anyway, the bare class is returned.

    Args:
        interface: A protocol class, possibly subscripted.

    Returns:
        The class itself.

    Raises:
        InvalidInputError: ``interface`` is not a class.
    """
    origin: object = get_origin(interface) or interface
    if not isinstance(origin, type):
        raise InvalidInputError(f"{interface!r} is not a class")
    return origin


def _is_runtime_protocol(interface: object) -> bool:
    return (
        isinstance(interface, type)
        and getattr(interface, "_is_protocol", False) is True
        and getattr(interface, "_is_runtime_protocol", False) is True
    )


def _protocol_methods(interface: type[object]) -> dict[str, Callable[..., object]]:
    """The methods a protocol declares, including inherited protocol members."""
    methods: dict[str, Callable[..., object]] = {}
    for base in reversed(interface.__mro__):
        if (
            getattr(base, "_is_protocol", False) is not True
            or base.__module__ == "typing"
        ):
            continue
        for name, member in vars(base).items():
            if inspect.isfunction(member) and (
                not name.startswith("_") or name == "__call__"
            ):
                methods[name] = member
    return methods


def _parameter_problems(
    name: str, declared: Callable[..., object], actual: Callable[..., object]
) -> list[str]:
    try:
        actual_parameters = inspect.signature(actual).parameters
    except (TypeError, ValueError):
        return [f"{name}() has no readable signature"]
    problems: list[str] = []
    for parameter in list(inspect.signature(declared).parameters.values())[1:]:
        if parameter.kind is inspect.Parameter.POSITIONAL_ONLY:
            continue  # callers cannot use its name
        found = actual_parameters.get(parameter.name)
        if found is None:
            problems.append(f"{name}() lacks parameter {parameter.name!r}")
        elif found.kind is not parameter.kind:
            problems.append(
                f"{name}(): {parameter.name!r} must be {parameter.kind.description}"
            )
    return problems


def conformance_problems(interface: type[object], implementation: object) -> list[str]:
    """Say why ``implementation`` does not implement ``interface`` (SR-1).

    Args:
        interface: A runtime-checkable protocol class.
        implementation: The candidate object.

    Returns:
        Human-readable problems; empty when the object conforms.
    """
    methods = _protocol_methods(interface)
    if not isinstance(implementation, interface):
        missing = sorted(n for n in methods if not hasattr(implementation, n))
        return [f"missing {', '.join(missing)}" if missing else "isinstance() is false"]
    problems: list[str] = []
    for name, declared in sorted(methods.items()):
        actual: object = getattr(implementation, name)
        if not callable(actual):
            problems.append(f"{name} is not callable")
            continue
        if inspect.iscoroutinefunction(declared) != inspect.iscoroutinefunction(actual):
            wanted = "async def" if inspect.iscoroutinefunction(declared) else "def"
            problems.append(f"{name}() must be declared with {wanted}")
        problems.extend(_parameter_problems(name, declared, actual))
    return problems


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
        if not _is_runtime_protocol(interface):
            raise InvalidInputError(
                f"{interface!r} is not a @runtime_checkable Protocol class (SR-2)"
            )
        problems = conformance_problems(interface, implementation)
        if problems:
            raise InvalidInputError(
                f"{type(implementation).__name__} does not implement "
                f"{interface.__name__}: {'; '.join(problems)} (SR-1)"
            )
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
