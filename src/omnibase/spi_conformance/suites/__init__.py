"""The conformance suites: one importable base class per SPI service contract.

Needs pytest (``pip install omnibase-spi[conformance]``). Subclass a suite in
your own tests, name the subclass ``Test...``, write ``create_subject`` and the
suite's other required methods, declare your ``capabilities`` and override the
fault hooks you can supply::

    from omnibase.spi_conformance.suites import SecretResolverSuite

    class TestVaultResolver(SecretResolverSuite):
        async def create_subject(self, env):
            resolver = VaultResolver(url=..., clock=env.clock)
            yield resolver
            await resolver.aclose()

        async def store_secret(self, subject, env, name, value):
            ...

Run ``pytest -p omnibase.spi_conformance.pytest_plugin`` for a per-rule report.
"""

from omnibase.spi_conformance.suites._base import (
    ConformanceError,
    ConformanceSuite,
    SuiteEnvironment,
    capability_of,
    check,
    check_equal,
    check_raises,
    fail,
    fault_hook,
    rule,
    rules_of,
)
from omnibase.spi_conformance.suites.event_bus import EventBusSuite
from omnibase.spi_conformance.suites.kafka_adapter import KafkaAdapterSuite
from omnibase.spi_conformance.suites.lifecycle import LifecycleChecks
from omnibase.spi_conformance.suites.secret_resolver import SecretResolverSuite

__all__ = [
    "ALL_SUITES",
    "ConformanceError",
    "ConformanceSuite",
    "EventBusSuite",
    "KafkaAdapterSuite",
    "LifecycleChecks",
    "SecretResolverSuite",
    "SuiteEnvironment",
    "capability_of",
    "check",
    "check_equal",
    "check_raises",
    "fail",
    "fault_hook",
    "rule",
    "rules_of",
]

ALL_SUITES: tuple[type, ...] = (
    SecretResolverSuite,
    EventBusSuite,
    KafkaAdapterSuite,
)
"""Every suite of the kit, one per service contract."""
