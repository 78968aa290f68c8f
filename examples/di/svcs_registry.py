"""Protocols as service keys in svcs, checked for conformance when registered.

Run it: ``python -m examples.di.svcs_registry``.
"""

import asyncio

import svcs

from examples.di import plugins
from omnibase.protocols.core import ProtocolSecretResolver
from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.types import ProtocolPage
from omnibase.spi_conformance import assert_conforms, protocol_type
from omnibase.spi_conformance.reference import (
    InMemorySecretResolver,
    SecretReference,
)
from omnibase.spi_conformance.reference.values import Page


def register_checked(registry: svcs.Registry, interface: type, value: object) -> None:
    """Register ``value`` under ``interface`` after the strict conformance check."""
    assert_conforms(value, interface)  # InvalidInputError lists every mismatch
    # pyright cannot fully type register_value (svcs annotates `ping` as a
    # bare Callable), hence the comment.
    registry.register_value(interface, value)  # pyright: ignore


async def main() -> list[str]:
    """Register, refuse a wrong implementation, resolve; return what was refused."""
    registry = svcs.Registry()
    resolver = InMemorySecretResolver({"api_key": "s3cr3t"})
    # protocol_type(P) is P itself, typed type[P] (mypy's type-abstract otherwise).
    register_checked(registry, protocol_type(ProtocolSecretResolver), resolver)
    # A generic key: the checkers keep [int]; at run time type arguments are
    # erased and the key is ProtocolPage itself, so one binding per protocol.
    first_page = Page(items=(1, 2, 3), next_cursor=None)
    register_checked(registry, protocol_type(ProtocolPage[int]), first_page)

    refused: list[str] = []
    plugin = plugins.load("examples.di.plugins:SyncResolver")  # from configuration
    assert isinstance(plugin, ProtocolSecretResolver)  # isinstance is satisfied...
    try:  # ...the conformance check is not
        register_checked(registry, protocol_type(ProtocolSecretResolver), plugin)
    except InvalidInputError as error:
        refused.append(str(error))

    async with svcs.Container(registry) as container:
        secrets = container.get(protocol_type(ProtocolSecretResolver))
        page = container.get(protocol_type(ProtocolPage[int]))  # ProtocolPage[int]
        value = await secrets.resolve(SecretReference("memory:api_key"))
        assert value.get_secret_value() == "s3cr3t"
        assert sum(page.items) == 6
    await resolver.aclose()
    return refused


if __name__ == "__main__":
    for message in asyncio.run(main()):
        print(f"refused: {message}")
