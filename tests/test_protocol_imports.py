"""Every import and call the specification's examples show works as written.

The specification (the seed README) imports these names and calls these
methods with these keyword arguments; an implementer copying an example must
never meet an ImportError or a renamed parameter.
"""

import importlib
import inspect
from collections.abc import Mapping, Sequence
from typing import get_args

import pytest

from omnibase.spi_conformance import contract_members

SPEC_IMPORTS = {
    "omnibase.protocols.workflow_orchestration": [
        "ProtocolWorkflowEventBus",
        "ProtocolWorkflowNodeRegistry",
        "ProtocolWorkflowPersistence",
    ],
    "omnibase.protocols.types.workflow_orchestration_types": [
        "ProtocolWorkflowEvent",
        "ProtocolWorkflowSnapshot",
        "WorkflowState",
        "TaskState",
        "WorkflowEventType",
    ],
    "omnibase.protocols.mcp": [
        "ProtocolMCPRegistry",
        "ProtocolMCPToolProxy",
        "ProtocolMCPMonitor",
    ],
    "omnibase.protocols.types.mcp_types": [
        "ProtocolMCPToolDefinition",
        "ProtocolMCPSubsystemRegistration",
        "MCPToolType",
        "MCPSubsystemType",
    ],
    "omnibase.protocols.event_bus": ["ProtocolEventBus", "ProtocolKafkaAdapter"],
    "omnibase.protocols.types.event_bus_types": ["EventMessage", "EventMetadata"],
    "omnibase.protocols.container": [
        "ProtocolServiceRegistry",
        "ProtocolArtifactContainer",
    ],
    "omnibase.protocols.core": ["ProtocolNodeRegistry"],
    "omnibase.protocols.types.core_types": ["NodeMetadata"],
    "omnibase.protocols.core.protocol_workflow_reducer": ["ProtocolWorkflowReducer"],
}

SPEC_CALLS = [
    (
        "omnibase.protocols.mcp",
        "ProtocolMCPRegistry",
        "register_subsystem",
        ["subsystem_metadata", "tools", "api_key", "configuration"],
    ),
    (
        "omnibase.protocols.mcp",
        "ProtocolMCPRegistry",
        "execute_tool",
        ["tool_name", "parameters", "correlation_id", "preferred_subsystem"],
    ),
    (
        "omnibase.protocols.event_bus",
        "ProtocolEventBus",
        "subscribe_to_topic",
        ["topic", "group_id", "handler"],
    ),
    (
        "omnibase.protocols.core",
        "ProtocolNodeRegistry",
        "register_node",
        ["node_metadata", "capabilities", "health_check_config"],
    ),
    (
        "omnibase.protocols.workflow_orchestration",
        "ProtocolWorkflowEventBus",
        "publish_workflow_event",
        ["event", "target_topic"],
    ),
    (
        "omnibase.protocols.workflow_orchestration",
        "ProtocolWorkflowEventBus",
        "replay_events",
        ["workflow_type", "instance_id", "from_sequence", "to_sequence"],
    ),
]

SPEC_MEMBERS = [
    (
        "ProtocolWorkflowEvent",
        [
            "event_id",
            "event_type",
            "workflow_type",
            "instance_id",
            "sequence_number",
            "causation_id",
            "correlation_chain",
        ],
    ),
    (
        "ProtocolWorkflowSnapshot",
        [
            "workflow_type",
            "instance_id",
            "sequence_number",
            "state",
            "context",
            "tasks",
        ],
    ),
    (
        "ProtocolWorkflowContext",
        [
            "workflow_type",
            "instance_id",
            "correlation_id",
            "isolation_level",
            "data",
            "secrets",
            "capabilities",
            "resource_limits",
        ],
    ),
]


@pytest.mark.parametrize(("module", "names"), SPEC_IMPORTS.items())
def test_spec_import_works(module: str, names: list[str]) -> None:
    imported = importlib.import_module(module)
    assert [name for name in names if not hasattr(imported, name)] == []


@pytest.mark.parametrize(("module", "protocol", "method", "keywords"), SPEC_CALLS)
def test_spec_call_accepts_its_keywords(
    module: str, protocol: str, method: str, keywords: list[str]
) -> None:
    member = contract_members(getattr(importlib.import_module(module), protocol))[
        method
    ]
    assert member.signature is not None
    bound = member.signature.bind(**{name: name for name in keywords})
    assert set(bound.arguments) == set(keywords)


@pytest.mark.parametrize(("protocol", "names"), SPEC_MEMBERS)
def test_spec_members_exist_as_properties(protocol: str, names: list[str]) -> None:
    types = importlib.import_module(
        "omnibase.protocols.types.workflow_orchestration_types"
    )
    members = contract_members(getattr(types, protocol))
    assert {name: members[name].kind for name in names} == dict.fromkeys(
        names, "property"
    )


def test_tool_definition_has_the_spec_members() -> None:
    from omnibase.protocols.types.mcp_types import ProtocolMCPToolDefinition

    members = contract_members(ProtocolMCPToolDefinition)
    assert {"name", "tool_type", "parameters_schema"} <= set(members)


def test_subscribe_returns_an_unsubscribe_callable() -> None:
    from omnibase.protocols.event_bus import ProtocolEventBus
    from omnibase.protocols.types.core_types import ProtocolUnsubscribe

    hints = inspect.get_annotations(ProtocolEventBus.subscribe_to_topic, eval_str=True)
    assert hints["return"] is ProtocolUnsubscribe
    assert inspect.iscoroutinefunction(ProtocolUnsubscribe.__call__)


def test_workflow_data_is_the_spec_union_with_read_only_containers() -> None:
    from omnibase.protocols.types.workflow_orchestration_types import WorkflowData

    alternatives = get_args(WorkflowData.__value__)
    assert alternatives[:4] == (str, int, float, bool)
    assert alternatives[4] == Sequence[str]
    assert alternatives[5] == Mapping[str, str | int | float | bool]
