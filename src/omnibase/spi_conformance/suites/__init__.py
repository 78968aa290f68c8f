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
from omnibase.spi_conformance.suites.artifact_container import ArtifactContainerSuite
from omnibase.spi_conformance.suites.envelope_codec import EnvelopeCodecSuite
from omnibase.spi_conformance.suites.event_bus import EventBusSuite
from omnibase.spi_conformance.suites.kafka_adapter import KafkaAdapterSuite
from omnibase.spi_conformance.suites.lifecycle import LifecycleChecks
from omnibase.spi_conformance.suites.mcp_kit import MCPKitEnvironment, MCPServedChecks
from omnibase.spi_conformance.suites.mcp_monitor import MCPMonitorSuite
from omnibase.spi_conformance.suites.mcp_registry import MCPRegistrySuite
from omnibase.spi_conformance.suites.mcp_tool_proxy import MCPToolProxySuite
from omnibase.spi_conformance.suites.mcp_validator import MCPValidatorSuite
from omnibase.spi_conformance.suites.node_registry import NodeRegistrySuite
from omnibase.spi_conformance.suites.paging import PageChecks
from omnibase.spi_conformance.suites.request_handler import (
    HandlerEnvironment,
    RequestHandlerSuite,
)
from omnibase.spi_conformance.suites.requester import (
    RequesterEnvironment,
    RequesterSuite,
)
from omnibase.spi_conformance.suites.secret_resolver import SecretResolverSuite
from omnibase.spi_conformance.suites.service_registry import ServiceRegistrySuite
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
    "ArtifactContainerSuite",
    "ConformanceError",
    "ConformanceSuite",
    "EnvelopeCodecSuite",
    "EventBusSuite",
    "HandlerEnvironment",
    "KafkaAdapterSuite",
    "LifecycleChecks",
    "MCPKitEnvironment",
    "MCPMonitorSuite",
    "MCPRegistrySuite",
    "MCPServedChecks",
    "MCPToolProxySuite",
    "MCPValidatorSuite",
    "NodeRegistrySuite",
    "PageChecks",
    "RequestHandlerSuite",
    "RequesterEnvironment",
    "RequesterSuite",
    "SecretResolverSuite",
    "ServiceRegistrySuite",
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
    # --- core and container
    ArtifactContainerSuite,
    EnvelopeCodecSuite,
    NodeRegistrySuite,
    RequestHandlerSuite,
    RequesterSuite,
    ServiceRegistrySuite,
    MCPRegistrySuite,
    MCPToolProxySuite,
    MCPMonitorSuite,
    MCPValidatorSuite,
    EventBusSuite,
    KafkaAdapterSuite,
    # --- workflow orchestration
    WorkflowPersistenceSuite,
    WorkflowEventBusSuite,
    WorkflowNodeRegistrySuite,
    WorkflowReducerSuite,
)
"""Every suite of the kit, one per service contract."""
