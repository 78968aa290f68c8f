"""Shared type definitions: the values every SPI domain exchanges.

Every name below is imported from the module that defines it on first
use (PEP 562): ``from omnibase.protocols.types import X`` loads ``X``'s
module and what it imports, not the whole package.
"""

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from .core_types import (
        HEALTHY_STATUSES,
        HealthStatus,
        JsonObject,
        JsonValue,
        NodeMetadata,
        ProtocolCloudEventAttributes,
        ProtocolHealthCheckConfig,
        ProtocolHealthReport,
        ProtocolNodeRecord,
        ProtocolPage,
        ProtocolRetryPolicy,
        ProtocolSecretReference,
        ProtocolSecretValue,
        ProtocolUnsubscribe,
        ProtocolValidationIssue,
    )
    from .event_bus_types import (
        DEAD_LETTER_HEADERS,
        RAW_RECORD_EVENT_TYPE,
        RESERVED_HEADER_PREFIXES,
        EventMessage,
        EventMetadata,
        Headers,
        OffsetReset,
        ProtocolEventHandler,
        ProtocolEventRecord,
        ProtocolKafkaRecord,
        ProtocolPublishReceipt,
        TimestampType,
        TopicPartition,
    )
    from .mcp_types import (
        MCP_CORRELATION_META_KEY,
        MCPAttemptOutcome,
        MCPBalancingStrategy,
        MCPContentAudience,
        MCPContentKind,
        MCPIconTheme,
        MCPSubsystemType,
        MCPTaskSupport,
        MCPToolChangeKind,
        MCPToolType,
        MCPTransport,
        ProtocolMCPAttemptRecord,
        ProtocolMCPContentAnnotations,
        ProtocolMCPContentBlock,
        ProtocolMCPIcon,
        ProtocolMCPProgress,
        ProtocolMCPProgressHandler,
        ProtocolMCPSubsystemMetadata,
        ProtocolMCPSubsystemRegistration,
        ProtocolMCPToolAnnotations,
        ProtocolMCPToolChange,
        ProtocolMCPToolChangeHandler,
        ProtocolMCPToolDefinition,
        ProtocolMCPToolListing,
        ProtocolMCPToolMetrics,
        ProtocolMCPToolResult,
    )
    from .workflow_orchestration_types import (
        TASK_EVENT_STATES,
        TASK_TRANSITIONS,
        WORKFLOW_EVENT_STATES,
        WORKFLOW_TRANSITIONS,
        IsolationLevel,
        ProtocolClosableIterator,
        ProtocolRecordedWorkflowEvent,
        ProtocolTaskAssignment,
        ProtocolTaskConfiguration,
        ProtocolWorkflowContext,
        ProtocolWorkflowEvent,
        ProtocolWorkflowEventHandler,
        ProtocolWorkflowSnapshot,
        TaskState,
        WorkflowData,
        WorkflowEventType,
        WorkflowState,
    )

__all__ = [
    "DEAD_LETTER_HEADERS",
    "HEALTHY_STATUSES",
    "MCP_CORRELATION_META_KEY",
    "RAW_RECORD_EVENT_TYPE",
    "RESERVED_HEADER_PREFIXES",
    "TASK_EVENT_STATES",
    "TASK_TRANSITIONS",
    "WORKFLOW_EVENT_STATES",
    "WORKFLOW_TRANSITIONS",
    "EventMessage",
    "EventMetadata",
    "Headers",
    "HealthStatus",
    "IsolationLevel",
    "JsonObject",
    "JsonValue",
    "MCPAttemptOutcome",
    "MCPBalancingStrategy",
    "MCPContentAudience",
    "MCPContentKind",
    "MCPIconTheme",
    "MCPSubsystemType",
    "MCPTaskSupport",
    "MCPToolChangeKind",
    "MCPToolType",
    "MCPTransport",
    "NodeMetadata",
    "OffsetReset",
    "ProtocolClosableIterator",
    "ProtocolCloudEventAttributes",
    "ProtocolEventHandler",
    "ProtocolEventRecord",
    "ProtocolHealthCheckConfig",
    "ProtocolHealthReport",
    "ProtocolKafkaRecord",
    "ProtocolMCPAttemptRecord",
    "ProtocolMCPContentAnnotations",
    "ProtocolMCPContentBlock",
    "ProtocolMCPIcon",
    "ProtocolMCPProgress",
    "ProtocolMCPProgressHandler",
    "ProtocolMCPSubsystemMetadata",
    "ProtocolMCPSubsystemRegistration",
    "ProtocolMCPToolAnnotations",
    "ProtocolMCPToolChange",
    "ProtocolMCPToolChangeHandler",
    "ProtocolMCPToolDefinition",
    "ProtocolMCPToolListing",
    "ProtocolMCPToolMetrics",
    "ProtocolMCPToolResult",
    "ProtocolNodeRecord",
    "ProtocolPage",
    "ProtocolPublishReceipt",
    "ProtocolRecordedWorkflowEvent",
    "ProtocolRetryPolicy",
    "ProtocolSecretReference",
    "ProtocolSecretValue",
    "ProtocolTaskAssignment",
    "ProtocolTaskConfiguration",
    "ProtocolUnsubscribe",
    "ProtocolValidationIssue",
    "ProtocolWorkflowContext",
    "ProtocolWorkflowEvent",
    "ProtocolWorkflowEventHandler",
    "ProtocolWorkflowSnapshot",
    "TaskState",
    "TimestampType",
    "TopicPartition",
    "WorkflowData",
    "WorkflowEventType",
    "WorkflowState",
]

_SUBMODULE_OF: Final = {
    "DEAD_LETTER_HEADERS": "event_bus_types",
    "HEALTHY_STATUSES": "core_types",
    "MCP_CORRELATION_META_KEY": "mcp_types",
    "RAW_RECORD_EVENT_TYPE": "event_bus_types",
    "RESERVED_HEADER_PREFIXES": "event_bus_types",
    "TASK_EVENT_STATES": "workflow_orchestration_types",
    "TASK_TRANSITIONS": "workflow_orchestration_types",
    "WORKFLOW_EVENT_STATES": "workflow_orchestration_types",
    "WORKFLOW_TRANSITIONS": "workflow_orchestration_types",
    "EventMessage": "event_bus_types",
    "EventMetadata": "event_bus_types",
    "Headers": "event_bus_types",
    "HealthStatus": "core_types",
    "IsolationLevel": "workflow_orchestration_types",
    "JsonObject": "core_types",
    "JsonValue": "core_types",
    "MCPAttemptOutcome": "mcp_types",
    "MCPBalancingStrategy": "mcp_types",
    "MCPContentAudience": "mcp_types",
    "MCPContentKind": "mcp_types",
    "MCPIconTheme": "mcp_types",
    "MCPSubsystemType": "mcp_types",
    "MCPTaskSupport": "mcp_types",
    "MCPToolChangeKind": "mcp_types",
    "MCPToolType": "mcp_types",
    "MCPTransport": "mcp_types",
    "NodeMetadata": "core_types",
    "OffsetReset": "event_bus_types",
    "ProtocolClosableIterator": "workflow_orchestration_types",
    "ProtocolCloudEventAttributes": "core_types",
    "ProtocolEventHandler": "event_bus_types",
    "ProtocolEventRecord": "event_bus_types",
    "ProtocolHealthCheckConfig": "core_types",
    "ProtocolHealthReport": "core_types",
    "ProtocolKafkaRecord": "event_bus_types",
    "ProtocolMCPAttemptRecord": "mcp_types",
    "ProtocolMCPContentAnnotations": "mcp_types",
    "ProtocolMCPContentBlock": "mcp_types",
    "ProtocolMCPIcon": "mcp_types",
    "ProtocolMCPProgress": "mcp_types",
    "ProtocolMCPProgressHandler": "mcp_types",
    "ProtocolMCPSubsystemMetadata": "mcp_types",
    "ProtocolMCPSubsystemRegistration": "mcp_types",
    "ProtocolMCPToolAnnotations": "mcp_types",
    "ProtocolMCPToolChange": "mcp_types",
    "ProtocolMCPToolChangeHandler": "mcp_types",
    "ProtocolMCPToolDefinition": "mcp_types",
    "ProtocolMCPToolListing": "mcp_types",
    "ProtocolMCPToolMetrics": "mcp_types",
    "ProtocolMCPToolResult": "mcp_types",
    "ProtocolNodeRecord": "core_types",
    "ProtocolPage": "core_types",
    "ProtocolPublishReceipt": "event_bus_types",
    "ProtocolRecordedWorkflowEvent": "workflow_orchestration_types",
    "ProtocolRetryPolicy": "core_types",
    "ProtocolSecretReference": "core_types",
    "ProtocolSecretValue": "core_types",
    "ProtocolTaskAssignment": "workflow_orchestration_types",
    "ProtocolTaskConfiguration": "workflow_orchestration_types",
    "ProtocolUnsubscribe": "core_types",
    "ProtocolValidationIssue": "core_types",
    "ProtocolWorkflowContext": "workflow_orchestration_types",
    "ProtocolWorkflowEvent": "workflow_orchestration_types",
    "ProtocolWorkflowEventHandler": "workflow_orchestration_types",
    "ProtocolWorkflowSnapshot": "workflow_orchestration_types",
    "TaskState": "workflow_orchestration_types",
    "TimestampType": "event_bus_types",
    "TopicPartition": "event_bus_types",
    "WorkflowData": "workflow_orchestration_types",
    "WorkflowEventType": "workflow_orchestration_types",
    "WorkflowState": "workflow_orchestration_types",
}
"""The submodule of this package that defines each name of ``__all__``."""


def __getattr__(name: str) -> object:
    """Import the submodule that defines ``name`` on first use (PEP 562).

    Args:
        name: An attribute the package does not hold yet.

    Returns:
        The object named ``name`` in the submodule that defines it.

    Raises:
        AttributeError: ``name`` is not one of the package's exports.
    """
    if name not in _SUBMODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib  # noqa: PLC0415 (the lazy re-export the validators allow)

    value: object = getattr(
        importlib.import_module(f"{__name__}.{_SUBMODULE_OF[name]}"), name
    )
    namespace: dict[str, object] = globals()
    namespace[name] = value  # later lookups find it: this hook runs once per name
    return value


def __dir__() -> list[str]:
    """List the package's exports, imported yet or not (PEP 562)."""
    return list(__all__)
