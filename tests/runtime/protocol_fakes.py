"""Build, by introspection, a class that has every member of a protocol.

Properties return ``None``; methods keep the contract's call style (``async
def``, ``def``, or an async generator for ``def -> AsyncIterator``) and
signature (through ``__signature__``). Their bodies do nothing: these classes
exist to probe ``isinstance``, ``issubclass`` and the conformance check.
"""

import inspect
from collections.abc import AsyncIterator, Callable

from omnibase.spi_conformance import ContractMember, contract_members

__all__ = ["conforming_class"]

_NOTHING: tuple[object, ...] = ()


def _with_self(signature: inspect.Signature) -> inspect.Signature:
    this = inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)
    return signature.replace(parameters=[this, *signature.parameters.values()])


def _fake_method(member: ContractMember) -> Callable[..., object]:
    method: Callable[..., object]
    if member.style == "async":

        async def coroutine_method(*args: object, **kwargs: object) -> None:
            return None

        method = coroutine_method
    elif member.style == "async-iterator":

        async def generator_method(
            *args: object, **kwargs: object
        ) -> AsyncIterator[object]:
            for item in _NOTHING:
                yield item

        method = generator_method
    else:

        def plain_method(*args: object, **kwargs: object) -> None:
            return None

        method = plain_method
    assert member.signature is not None
    vars(method)["__signature__"] = _with_self(member.signature)
    return method


def _getter(self: object) -> None:
    return None


def conforming_class(protocol: type, *, omit: str | None = None) -> type:
    """Return a class with every member of ``protocol`` (but ``omit``).

    Args:
        protocol: A protocol class.
        omit: The name of one member to leave out, for negative checks.

    Returns:
        A new class named ``Fake<Protocol>``.
    """
    namespace: dict[str, object] = {}
    for name, member in contract_members(protocol).items():
        if name == omit:
            continue
        if member.kind == "method":
            namespace[name] = _fake_method(member)
        else:
            namespace[name] = property(_getter)
    suffix = "" if omit is None else f"Without_{omit}"
    return type(f"Fake{protocol.__name__}{suffix}", (), namespace)
