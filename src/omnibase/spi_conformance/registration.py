"""Typing help for dependency-injection call sites that take a protocol class."""

from collections.abc import Callable
from typing import get_origin

from omnibase.protocols.errors import InvalidInputError

__all__ = ["protocol_type"]


def protocol_type[T](interface: Callable[..., T]) -> type[T]:
    """Return a protocol class typed as ``type[T]``, for ``register`` and ``resolve``.

    mypy reports ``type-abstract`` when a Protocol class is passed where
    ``type[T]`` is expected (python/mypy#4717); pyright does not, so a
    ``# type: ignore[type-abstract]`` is "unnecessary" to pyright and no
    comment satisfies both checkers. Passing the class through this function
    does: ``container.register(protocol_type(ProtocolEventBus), bus)``
    type-checks under both, and ``T`` keeps the protocol's type.

    A generic protocol may be passed with its type argument
    (``protocol_type(ProtocolWorkflowReducer[MySnapshot])``): the checkers keep
    the argument, and the bare class is returned, which is what ``isinstance``
    and a container's keys need (SR-2).

    Args:
        interface: A protocol class, possibly subscripted.

    Returns:
        The class itself (its origin class when subscripted).

    Raises:
        InvalidInputError: ``interface`` is not a class.
    """
    origin: object = get_origin(interface) or interface
    if not isinstance(origin, type):
        msg = f"{interface!r} is not a class"
        raise InvalidInputError(msg)
    return origin
