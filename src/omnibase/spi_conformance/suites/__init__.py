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
from omnibase.spi_conformance.suites.lifecycle import LifecycleChecks
from omnibase.spi_conformance.suites.secret_resolver import SecretResolverSuite
from omnibase.spi_conformance.suites.workflow_event_bus import WorkflowEventBusSuite
from omnibase.spi_conformance.suites.workflow_node_registry import (
    WorkflowNodeRegistrySuite,
)
from omnibase.spi_conformance.suites.workflow_persistence import (
    WorkflowPersistenceSuite,
)
from omnibase.spi_conformance.suites.workflow_reducer import WorkflowReducerSuite

__all__ = [
    "ALL_SUITES",
    "ConformanceError",
    "ConformanceSuite",
    "LifecycleChecks",
    "SecretResolverSuite",
    "SuiteEnvironment",
    "WorkflowEventBusSuite",
    "WorkflowNodeRegistrySuite",
    "WorkflowPersistenceSuite",
    "WorkflowReducerSuite",
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
    WorkflowPersistenceSuite,
    WorkflowEventBusSuite,
    WorkflowNodeRegistrySuite,
    WorkflowReducerSuite,
)
"""Every suite of the kit, one per service contract."""
