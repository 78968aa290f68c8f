"""Protocols as keys in lagom, which builds classes from their annotations.

lagom reads a constructor's annotations (``typing.get_type_hints`` works on
every SPI protocol) and resolves each parameter by its annotation, exactly:
a parameter annotated ``ProtocolPage[int]`` is looked up under the key
``ProtocolPage[int]``, so a generic protocol is registered subscripted.

Run it: ``python -m examples.di.lagom_container``.
"""

import asyncio
from collections.abc import Callable
from typing import cast

from lagom import Container

from examples.di import plugins
from omnibase.protocols.core import ProtocolSecretResolver
from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.types import ProtocolPage, ProtocolSecretReference
from omnibase.spi_conformance import assert_conforms, protocol_type
from omnibase.spi_conformance.reference import (
    InMemorySecretResolver,
    SecretReference,
)
from omnibase.spi_conformance.reference.values import Page


def subscripted[T](alias: Callable[..., T]) -> type[T]:
    """Return ``ProtocolPage[int]`` itself (not its bare class), typed ``type[T]``."""
    return cast("type[T]", alias)


def register_checked[T](
    container: Container, interface: type[T], value: object
) -> None:
    """Bind ``value`` to ``interface`` after the strict conformance check."""
    assert_conforms(value, interface)  # InvalidInputError lists every mismatch
    container[interface] = cast("T", value)


class ReportJob:
    """Application code: depends on contracts only, wired by annotations."""

    def __init__(
        self, secrets: ProtocolSecretResolver, page: ProtocolPage[int]
    ) -> None:
        self.secrets = secrets
        self.page = page

    async def run(self, api_key: ProtocolSecretReference) -> int:
        token = await self.secrets.resolve(api_key)
        assert token.get_secret_value()
        return sum(self.page.items)


async def main() -> list[str]:
    """Register, refuse a wrong implementation, build a job; return the refusals."""
    container = Container()
    resolver = InMemorySecretResolver({"api_key": "s3cr3t"})
    register_checked(container, protocol_type(ProtocolSecretResolver), resolver)
    first_page = Page(items=(1, 2, 3), next_cursor=None)
    register_checked(container, subscripted(ProtocolPage[int]), first_page)

    refused: list[str] = []
    try:
        plugin = plugins.load("examples.di.plugins:SyncResolver")  # from configuration
        register_checked(container, protocol_type(ProtocolSecretResolver), plugin)
    except InvalidInputError as error:
        refused.append(str(error))

    job = container[ReportJob]  # built with the resolver and the page
    assert await job.run(SecretReference("memory:api_key")) == 6
    await resolver.aclose()
    return refused


if __name__ == "__main__":
    for message in asyncio.run(main()):
        print(f"refused: {message}")
