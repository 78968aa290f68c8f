"""Every name a domain package re-exports lazily is the real thing to both checkers.

The domain packages re-export their submodules' names lazily (PEP 562): at
run time ``__getattr__`` imports the defining module; the checkers read the
imports under ``if TYPE_CHECKING:``. Here every name of every package's
``__all__`` is imported from its package and used where a name that only
``__getattr__`` (``-> object``) provides would be rejected: protocols and
aliases as annotations, constants assigned to their declared types. No
expectations: both checkers must report nothing.

``tests/runtime/test_lazy_packages.py`` checks that this file covers every
export.
"""

from collections.abc import Mapping

from omnibase.protocols.container import (
    ArtifactType,
    ProtocolArtifactContainer,
    ProtocolArtifactMetadata,
    ProtocolServiceRegistry,
)
from omnibase.protocols.core import (
    NodeChangeKind,
    ProtocolEncodedEnvelope,
    ProtocolLifecycle,
    ProtocolNodeChange,
    ProtocolNodeRegistry,
    ProtocolOnexEnvelope,
    ProtocolOnexEnvelopeCodec,
    ProtocolOnexErrorDetail,
    ProtocolOnexReply,
    ProtocolOnexRequester,
    ProtocolOnexRequestHandler,
    ProtocolSecretResolver,
    ProtocolWorkflowReducer,
)
from omnibase.protocols.event_bus import (
    ProtocolEventBus,
    ProtocolKafkaAdapter,
    ProtocolRebalanceListener,
)
from omnibase.protocols.mcp import (
    ProtocolMCPMonitor,
    ProtocolMCPRegistry,
    ProtocolMCPToolProxy,
    ProtocolMCPValidator,
)
from omnibase.protocols.types import (
    DEAD_LETTER_HEADERS,
    HEALTHY_STATUSES,
    MCP_CORRELATION_META_KEY,
    RAW_RECORD_EVENT_TYPE,
    RESERVED_HEADER_PREFIXES,
    TASK_EVENT_STATES,
    TASK_TRANSITIONS,
    WORKFLOW_EVENT_STATES,
    WORKFLOW_TRANSITIONS,
    EventMessage,
    EventMetadata,
    Headers,
    HealthStatus,
    IsolationLevel,
    JsonObject,
    JsonValue,
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
    NodeMetadata,
    OffsetReset,
    ProtocolClosableIterator,
    ProtocolCloudEventAttributes,
    ProtocolEventHandler,
    ProtocolEventRecord,
    ProtocolHealthCheckConfig,
    ProtocolHealthReport,
    ProtocolKafkaRecord,
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
    ProtocolNodeRecord,
    ProtocolPage,
    ProtocolPublishReceipt,
    ProtocolRecordedWorkflowEvent,
    ProtocolRetryPolicy,
    ProtocolSecretReference,
    ProtocolSecretValue,
    ProtocolTaskAssignment,
    ProtocolTaskConfiguration,
    ProtocolUnsubscribe,
    ProtocolValidationIssue,
    ProtocolWorkflowContext,
    ProtocolWorkflowEvent,
    ProtocolWorkflowEventHandler,
    ProtocolWorkflowSnapshot,
    TaskState,
    TimestampType,
    TopicPartition,
    WorkflowData,
    WorkflowEventType,
    WorkflowState,
)
from omnibase.protocols.workflow_orchestration import (
    ProtocolWorkflowEventBus,
    ProtocolWorkflowNodeRegistry,
    ProtocolWorkflowPersistence,
)


def uses_container(
    *,
    artifact_type: ArtifactType,
    protocol_artifact_container: ProtocolArtifactContainer,
    protocol_artifact_metadata: ProtocolArtifactMetadata,
    protocol_service_registry: ProtocolServiceRegistry,
) -> None:
    pass


def uses_core(
    *,
    node_change_kind: NodeChangeKind,
    protocol_encoded_envelope: ProtocolEncodedEnvelope,
    protocol_lifecycle: ProtocolLifecycle,
    protocol_node_change: ProtocolNodeChange,
    protocol_node_registry: ProtocolNodeRegistry,
    protocol_onex_envelope: ProtocolOnexEnvelope,
    protocol_onex_envelope_codec: ProtocolOnexEnvelopeCodec,
    protocol_onex_error_detail: ProtocolOnexErrorDetail,
    protocol_onex_reply: ProtocolOnexReply,
    protocol_onex_request_handler: ProtocolOnexRequestHandler,
    protocol_onex_requester: ProtocolOnexRequester,
    protocol_secret_resolver: ProtocolSecretResolver,
    protocol_workflow_reducer: ProtocolWorkflowReducer[int],
) -> None:
    pass


def uses_event_bus(
    *,
    protocol_event_bus: ProtocolEventBus,
    protocol_kafka_adapter: ProtocolKafkaAdapter,
    protocol_rebalance_listener: ProtocolRebalanceListener,
) -> None:
    pass


def uses_mcp(
    *,
    protocol_mcp_monitor: ProtocolMCPMonitor,
    protocol_mcp_registry: ProtocolMCPRegistry,
    protocol_mcp_tool_proxy: ProtocolMCPToolProxy,
    protocol_mcp_validator: ProtocolMCPValidator,
) -> None:
    pass


def uses_types(
    *,
    event_message: EventMessage,
    event_metadata: EventMetadata,
    headers: Headers,
    health_status: HealthStatus,
    isolation_level: IsolationLevel,
    json_object: JsonObject,
    json_value: JsonValue,
    mcp_attempt_outcome: MCPAttemptOutcome,
    mcp_balancing_strategy: MCPBalancingStrategy,
    mcp_content_audience: MCPContentAudience,
    mcp_content_kind: MCPContentKind,
    mcp_icon_theme: MCPIconTheme,
    mcp_subsystem_type: MCPSubsystemType,
    mcp_task_support: MCPTaskSupport,
    mcp_tool_change_kind: MCPToolChangeKind,
    mcp_tool_type: MCPToolType,
    mcp_transport: MCPTransport,
    node_metadata: NodeMetadata,
    offset_reset: OffsetReset,
    protocol_closable_iterator: ProtocolClosableIterator[int],
    protocol_cloud_event_attributes: ProtocolCloudEventAttributes,
    protocol_event_handler: ProtocolEventHandler,
    protocol_event_record: ProtocolEventRecord,
    protocol_health_check_config: ProtocolHealthCheckConfig,
    protocol_health_report: ProtocolHealthReport,
    protocol_kafka_record: ProtocolKafkaRecord,
    protocol_mcp_attempt_record: ProtocolMCPAttemptRecord,
    protocol_mcp_content_annotations: ProtocolMCPContentAnnotations,
    protocol_mcp_content_block: ProtocolMCPContentBlock,
    protocol_mcp_icon: ProtocolMCPIcon,
    protocol_mcp_progress: ProtocolMCPProgress,
    protocol_mcp_progress_handler: ProtocolMCPProgressHandler,
    protocol_mcp_subsystem_metadata: ProtocolMCPSubsystemMetadata,
    protocol_mcp_subsystem_registration: ProtocolMCPSubsystemRegistration,
    protocol_mcp_tool_annotations: ProtocolMCPToolAnnotations,
    protocol_mcp_tool_change: ProtocolMCPToolChange,
    protocol_mcp_tool_change_handler: ProtocolMCPToolChangeHandler,
    protocol_mcp_tool_definition: ProtocolMCPToolDefinition,
    protocol_mcp_tool_listing: ProtocolMCPToolListing,
    protocol_mcp_tool_metrics: ProtocolMCPToolMetrics,
    protocol_mcp_tool_result: ProtocolMCPToolResult,
    protocol_node_record: ProtocolNodeRecord,
    protocol_page: ProtocolPage[int],
    protocol_publish_receipt: ProtocolPublishReceipt,
    protocol_recorded_workflow_event: ProtocolRecordedWorkflowEvent,
    protocol_retry_policy: ProtocolRetryPolicy,
    protocol_secret_reference: ProtocolSecretReference,
    protocol_secret_value: ProtocolSecretValue,
    protocol_task_assignment: ProtocolTaskAssignment,
    protocol_task_configuration: ProtocolTaskConfiguration,
    protocol_unsubscribe: ProtocolUnsubscribe,
    protocol_validation_issue: ProtocolValidationIssue,
    protocol_workflow_context: ProtocolWorkflowContext,
    protocol_workflow_event: ProtocolWorkflowEvent,
    protocol_workflow_event_handler: ProtocolWorkflowEventHandler,
    protocol_workflow_snapshot: ProtocolWorkflowSnapshot,
    task_state: TaskState,
    timestamp_type: TimestampType,
    topic_partition: TopicPartition,
    workflow_data: WorkflowData,
    workflow_event_type: WorkflowEventType,
    workflow_state: WorkflowState,
) -> None:
    dead_letter_headers: tuple[str, ...] = DEAD_LETTER_HEADERS
    assert dead_letter_headers
    healthy_statuses: tuple[HealthStatus, ...] = HEALTHY_STATUSES
    assert healthy_statuses
    mcp_correlation_meta_key: str = MCP_CORRELATION_META_KEY
    assert mcp_correlation_meta_key
    raw_record_event_type: str = RAW_RECORD_EVENT_TYPE
    assert raw_record_event_type
    reserved_header_prefixes: tuple[str, ...] = RESERVED_HEADER_PREFIXES
    assert reserved_header_prefixes
    task_event_states: Mapping[WorkflowEventType, TaskState] = TASK_EVENT_STATES
    assert task_event_states
    task_transitions: Mapping[TaskState, tuple[TaskState, ...]] = TASK_TRANSITIONS
    assert task_transitions
    workflow_event_states: Mapping[WorkflowEventType, WorkflowState] = (
        WORKFLOW_EVENT_STATES
    )
    assert workflow_event_states
    workflow_transitions: Mapping[WorkflowState, tuple[WorkflowState, ...]] = (
        WORKFLOW_TRANSITIONS
    )
    assert workflow_transitions


def uses_workflow_orchestration(
    *,
    protocol_workflow_event_bus: ProtocolWorkflowEventBus,
    protocol_workflow_node_registry: ProtocolWorkflowNodeRegistry,
    protocol_workflow_persistence: ProtocolWorkflowPersistence,
) -> None:
    pass
