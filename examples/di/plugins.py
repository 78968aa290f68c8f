"""Implementations named in configuration, imported at run time.

The type checkers cannot see what such a plugin is (``load`` returns
``object``), and ``isinstance`` only checks that members exist: the
conformance check at registration is what refuses a wrong one.
"""

import importlib

from omnibase.protocols.types import (
    ProtocolHealthReport,
    ProtocolSecretReference,
    ProtocolSecretValue,
)
from omnibase.spi_conformance.reference import SecretValue, utc_now
from omnibase.spi_conformance.reference.values import HealthReport


def load(spec: str) -> object:
    """Instantiate ``"package.module:Class"`` with no arguments."""
    module, _, name = spec.partition(":")
    factory: object = getattr(importlib.import_module(module), name)
    assert callable(factory), spec
    return factory()


class SyncResolver:
    """Wrong on purpose: ``resolve`` is a plain ``def``, the contract's is ``async``."""

    def resolve(self, reference: ProtocolSecretReference) -> ProtocolSecretValue:
        return SecretValue("hunter2")

    async def health_check(self) -> ProtocolHealthReport:
        return HealthReport("passing", utc_now(), None)

    async def aclose(self) -> None:
        """Nothing to release."""
