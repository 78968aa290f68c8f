"""Protocols as typed dependencies of a dependency-injector container.

A ``providers.Dependency(instance_of=...)`` is a slot the application fills
at start-up; the container checks ``isinstance`` when it hands the value out.
``provide_checked`` adds the strict conformance check when the slot is filled.

Run it: ``python -m examples.di.dependency_injector_container``.
"""

import asyncio

from dependency_injector import containers, providers

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


class ReportJob:
    """Application code: depends on contracts only."""

    def __init__(
        self, secrets: ProtocolSecretResolver, page: ProtocolPage[int]
    ) -> None:
        self.secrets = secrets
        self.page = page

    async def run(self, api_key: ProtocolSecretReference) -> int:
        token = await self.secrets.resolve(api_key)
        assert token.get_secret_value()
        return sum(self.page.items)


class Services(containers.DeclarativeContainer):
    """The slots the application fills, and what is built from them."""

    secrets = providers.Dependency(instance_of=protocol_type(ProtocolSecretResolver))
    # A generic slot: typed Dependency[ProtocolPage[int]]; isinstance at run
    # time checks the bare ProtocolPage (type arguments are erased).
    first_page = providers.Dependency(instance_of=protocol_type(ProtocolPage[int]))
    report_job = providers.Factory(ReportJob, secrets=secrets, page=first_page)


def provide_checked[T](slot: providers.Dependency[T], value: object) -> None:
    """Fill ``slot`` with ``value`` after the strict conformance check."""
    assert_conforms(value, slot.instance_of)  # InvalidInputError lists every mismatch
    # dependency-injector leaves override's parameter partly unannotated.
    slot.override(providers.Object(value))  # pyright: ignore[reportUnknownMemberType]


async def main() -> list[str]:
    """Fill the slots, refuse a wrong implementation, build a job; return refusals."""
    services = Services()
    resolver = InMemorySecretResolver({"api_key": "s3cr3t"})
    provide_checked(services.secrets, resolver)
    provide_checked(services.first_page, Page(items=(1, 2, 3), next_cursor=None))

    refused: list[str] = []
    try:
        plugin = plugins.load("examples.di.plugins:SyncResolver")  # from configuration
        provide_checked(services.secrets, plugin)
    except InvalidInputError as error:
        refused.append(str(error))

    job = services.report_job()
    assert await job.run(SecretReference("memory:api_key")) == 6
    await resolver.aclose()
    return refused


if __name__ == "__main__":
    for message in asyncio.run(main()):
        print(f"refused: {message}")
