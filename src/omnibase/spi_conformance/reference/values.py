"""Frozen, slotted dataclasses that implement the SPI's data contracts.

Data contracts declare every member as a read-only ``@property`` (design rule
3), so a frozen dataclass satisfies them for mypy, pyright and ``isinstance``
alike, and may use narrower field types than the contract (``tuple`` for
``Sequence``, a concrete class for a protocol). Nothing here has behaviour
beyond construction, except [`SecretValue`][], which hides its secret
(SEC-1), [`tool_result_with_attempts`][], and [`workflow_event_of`][] and
[`workflow_snapshot_of`][], which copy any implementation into frozen values
(T-4).

The dataclasses may carry more than the contract asks for (a convenience
method, like [`WorkflowSnapshot.task`][]), never state the contract lacks:
what a store keeps of a snapshot is its contract's members (WSN-1).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import MappingProxyType
from typing import Final, override
from uuid import UUID

from omnibase.protocols.container import ArtifactType
from omnibase.protocols.core import NodeChangeKind
from omnibase.protocols.types import (
    EventMetadata,
    Headers,
    HealthStatus,
    IsolationLevel,
    JsonObject,
    JsonValue,
    MCPAttemptOutcome,
    MCPContentAudience,
    MCPContentKind,
    MCPIconTheme,
    MCPSubsystemType,
    MCPTaskSupport,
    MCPToolChangeKind,
    MCPToolType,
    MCPTransport,
    ProtocolMCPContentBlock,
    ProtocolMCPToolResult,
    ProtocolRetryPolicy,
    ProtocolSecretReference,
    ProtocolTaskConfiguration,
    ProtocolWorkflowEvent,
    ProtocolWorkflowSnapshot,
    TaskState,
    TimestampType,
    WorkflowData,
    WorkflowEventType,
    WorkflowState,
)

__all__ = [
    "EPOCH",
    "ArtifactMetadata",
    "AttemptRecord",
    "BusMessage",
    "BusMetadata",
    "BusReceipt",
    "BusRecord",
    "ContentAnnotations",
    "ContentBlock",
    "EncodedEnvelope",
    "Envelope",
    "ErrorDetail",
    "HealthCheckConfig",
    "HealthReport",
    "Icon",
    "KafkaRecord",
    "NodeChange",
    "NodeInfo",
    "NodeRecord",
    "Page",
    "Progress",
    "RecordedWorkflowEvent",
    "Reply",
    "RetryPolicy",
    "SecretReference",
    "SecretValue",
    "SubsystemHealthCheck",
    "SubsystemMetadata",
    "SubsystemRegistration",
    "TaskAssignment",
    "TaskConfiguration",
    "ToolAnnotations",
    "ToolChange",
    "ToolDefinition",
    "ToolMetrics",
    "ToolResult",
    "ValidationIssue",
    "WorkflowContext",
    "WorkflowEvent",
    "WorkflowSnapshot",
    "tool_result_with_attempts",
    "workflow_event_of",
    "workflow_snapshot_of",
]

EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
"""Placeholder instant of a state before its first event."""


class SecretValue:
    """A secret whose ``str`` and ``repr`` never show it (SEC-1, ERR-3)."""

    __slots__ = ("_secret",)

    def __init__(self, secret: str) -> None:
        """Wrap ``secret``.

        Args:
            secret: The clear-text secret.
        """
        self._secret = secret

    def get_secret_value(self) -> str:
        """Return the secret in clear text, for the one call that needs it."""
        return self._secret

    @override
    def __repr__(self) -> str:
        return "SecretValue('**********')"

    @override
    def __str__(self) -> str:
        return "**********"


@dataclass(frozen=True, slots=True)
class SecretReference:
    """``ProtocolSecretReference``: where a secret lives (SEC-2)."""

    uri: str


# --- core types -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HealthReport:
    """``ProtocolHealthReport``: a status observed at a point in time."""

    status: HealthStatus
    observed_at: datetime
    message: str | None = None
    details: JsonObject = field(default_factory=dict[str, JsonValue])


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """``ProtocolRetryPolicy``: when and how often a failed delivery is retried."""

    initial_interval: timedelta
    backoff_coefficient: float
    maximum_interval: timedelta
    maximum_attempts: int
    non_retryable_errors: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Page[ItemT]:
    """``ProtocolPage``: one page of a listing and the cursor of the next one."""

    items: tuple[ItemT, ...]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """``ProtocolValidationIssue``: one problem a validator found."""

    path: str
    code: str
    message: str


# --- core and container: envelopes, replies, nodes, artifacts ---------------------


@dataclass(frozen=True, slots=True)
class Envelope:
    """``ProtocolOnexEnvelope``: a request, command or event between nodes."""

    event_id: str
    source: str
    event_type: str
    occurred_at: datetime
    correlation_id: UUID
    payload: JsonValue = None
    causation_id: str | None = None
    partition_key: str | None = None
    reply_to: str | None = None
    deadline: datetime | None = None
    content_type: str | None = None
    trace_parent: str | None = None
    trace_state: str | None = None
    subject: str | None = None
    data_schema: str | None = None
    spec_version: str = "1.0"
    extensions: Mapping[str, str] = field(default_factory=dict[str, str])


@dataclass(frozen=True, slots=True)
class EncodedEnvelope:
    """``ProtocolEncodedEnvelope``: an envelope as a Kafka record (ENV-3)."""

    key: bytes | None
    value: bytes | None
    headers: Headers


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """``ProtocolOnexErrorDetail``: why a request failed (RPE-1)."""

    code: int
    message: str
    data: JsonObject = field(default_factory=dict[str, JsonValue])


@dataclass(frozen=True, slots=True)
class Reply:
    """``ProtocolOnexReply``: the answer to one request (RPL-1, RPL-2)."""

    reply_id: UUID
    in_reply_to: str
    correlation_id: UUID
    created_at: datetime
    result: JsonValue = None
    error: ErrorDetail | None = None


@dataclass(frozen=True, slots=True)
class HealthCheckConfig:
    """``ProtocolHealthCheckConfig``: TTL and grace period of heartbeats."""

    ttl: timedelta
    deregister_critical_after: timedelta


@dataclass(frozen=True, slots=True)
class NodeInfo:
    """``NodeMetadata``: the identity of a node."""

    node_id: UUID
    node_name: str
    node_type: str
    version: str = "1.0.0"
    endpoint: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict[str, str])


@dataclass(frozen=True, slots=True)
class NodeRecord:
    """``ProtocolNodeRecord``: what a node registry knows about one node."""

    node: NodeInfo
    capabilities: tuple[str, ...]
    health_check: HealthCheckConfig
    health: HealthReport
    registered_at: datetime


@dataclass(frozen=True, slots=True)
class NodeChange:
    """``ProtocolNodeChange``: one change a node watch reports (NR-7)."""

    kind: NodeChangeKind
    record: NodeRecord


@dataclass(frozen=True, slots=True)
class ArtifactMetadata:
    """``ProtocolArtifactMetadata``: one stored artifact version."""

    name: str
    version: str
    artifact_type: ArtifactType
    digest: str
    size_bytes: int
    created_at: datetime
    labels: Mapping[str, str] = field(default_factory=dict[str, str])


# --- event bus ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BusMetadata:
    """``EventMetadata`` / ``ProtocolCloudEventAttributes``: CloudEvents attributes."""

    event_id: str
    event_type: str
    source: str
    occurred_at: datetime
    correlation_id: UUID | None = None
    causation_id: str | None = None
    content_type: str | None = "application/json"
    trace_parent: str | None = None
    trace_state: str | None = None
    subject: str | None = None
    data_schema: str | None = None
    spec_version: str = "1.0"
    extensions: Mapping[str, str] = field(default_factory=dict[str, str])


@dataclass(frozen=True, slots=True)
class BusMessage:
    """``EventMessage``: a message as published."""

    topic: str
    key: bytes | None
    value: bytes | None
    metadata: EventMetadata
    headers: Headers = ()


@dataclass(frozen=True, slots=True)
class BusRecord:
    """``ProtocolEventRecord``: a message as delivered, with its log position."""

    topic: str
    key: bytes | None
    value: bytes | None
    headers: Headers
    metadata: EventMetadata
    partition: int
    offset: int
    timestamp: datetime
    delivery_attempt: int
    timestamp_type: TimestampType = "create_time"


@dataclass(frozen=True, slots=True)
class BusReceipt:
    """``ProtocolPublishReceipt``: where a published message was stored."""

    topic: str
    partition: int
    offset: int
    timestamp: datetime | None


@dataclass(frozen=True, slots=True)
class KafkaRecord:
    """``ProtocolKafkaRecord``: a record as a Kafka consumer reads it."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers
    metadata: EventMetadata | None
    timestamp: datetime
    timestamp_type: TimestampType = "create_time"


# --- workflow orchestration -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkflowEvent:
    """``ProtocolWorkflowEvent``: one event of a workflow instance's stream."""

    event_id: UUID
    event_type: WorkflowEventType | str
    workflow_type: str
    instance_id: UUID
    sequence_number: int
    occurred_at: datetime
    causation_id: UUID | None
    correlation_chain: tuple[UUID, ...]
    task_id: UUID | None = None
    data: Mapping[str, WorkflowData] = field(default_factory=dict[str, WorkflowData])


@dataclass(frozen=True, slots=True)
class RecordedWorkflowEvent:
    """``ProtocolRecordedWorkflowEvent``: an event with its store-wide position."""

    position: int
    event: ProtocolWorkflowEvent


@dataclass(frozen=True, slots=True)
class WorkflowContext:
    """``ProtocolWorkflowContext``: the execution context of one instance.

    Contexts hold secret references, never secret values (WCX-1).
    """

    workflow_type: str
    instance_id: UUID
    correlation_id: UUID
    isolation_level: IsolationLevel = "read_committed"
    data: Mapping[str, WorkflowData] = field(default_factory=dict[str, WorkflowData])
    secrets: Mapping[str, ProtocolSecretReference] = field(
        default_factory=dict[str, ProtocolSecretReference]
    )
    capabilities: tuple[str, ...] = ()
    resource_limits: Mapping[str, int] = field(default_factory=dict[str, int])


@dataclass(frozen=True, slots=True)
class TaskConfiguration:
    """``ProtocolTaskConfiguration``: how one task is run (and undone)."""

    task_id: UUID
    task_name: str
    task_type: str
    required_capabilities: tuple[str, ...] = ()
    depends_on: tuple[UUID, ...] = ()
    inputs: Mapping[str, WorkflowData] = field(default_factory=dict[str, WorkflowData])
    retry_policy: ProtocolRetryPolicy | None = None
    timeout: timedelta | None = None
    compensation_task_type: str | None = None


@dataclass(frozen=True, slots=True)
class WorkflowSnapshot:
    """``ProtocolWorkflowSnapshot``, and the state type of the reference reducer.

    Every member is a pure function of the events folded (WSN-1): ``taken_at``
    is the time of the last one (WSN-3), so equal folds compare equal.
    """

    workflow_type: str
    instance_id: UUID
    sequence_number: int
    state: WorkflowState
    context: WorkflowContext
    schema_version: str = "omnibase.reference/1"
    tasks: tuple[TaskConfiguration, ...] = ()
    task_states: Mapping[UUID, TaskState] = field(default_factory=dict[UUID, TaskState])
    completed_tasks: tuple[UUID, ...] = ()
    taken_at: datetime = EPOCH

    def task(self, task_id: UUID) -> TaskConfiguration:
        """Return the configuration of a scheduled task.

        Args:
            task_id: The task.

        Returns:
            Its configuration.

        Raises:
            KeyError: The task was never scheduled.
        """
        for task in self.tasks:
            if task.task_id == task_id:
                return task
        raise KeyError(task_id)


@dataclass(frozen=True, slots=True)
class TaskAssignment:
    """``ProtocolTaskAssignment``: one lease of one task to one node."""

    assignment_id: UUID
    workflow_type: str
    instance_id: UUID
    task_id: UUID
    node_id: UUID
    attempt: int
    fencing_token: int
    assigned_at: datetime
    lease_expires_at: datetime


def workflow_event_of(event: ProtocolWorkflowEvent) -> WorkflowEvent:
    """Copy any ``ProtocolWorkflowEvent`` into a frozen [`WorkflowEvent`][] (T-4).

    Args:
        event: An event of any implementation.

    Returns:
        An equal event whose containers the caller can no longer change.
    """
    return WorkflowEvent(
        event_id=event.event_id,
        event_type=str(event.event_type),
        workflow_type=event.workflow_type,
        instance_id=event.instance_id,
        sequence_number=event.sequence_number,
        occurred_at=event.occurred_at.astimezone(UTC),
        causation_id=event.causation_id,
        correlation_chain=tuple(event.correlation_chain),
        task_id=event.task_id,
        data=_frozen_data(event.data),
    )


def workflow_snapshot_of(snapshot: ProtocolWorkflowSnapshot) -> WorkflowSnapshot:
    """Copy any ``ProtocolWorkflowSnapshot`` into a frozen [`WorkflowSnapshot`][].

    Every member the contract has is kept (WSN-1, WCX-1), so a reducer can
    fold on a snapshot another store returned.

    Args:
        snapshot: A snapshot of any implementation.

    Returns:
        An equal snapshot made of this module's values.
    """
    context = snapshot.context
    return WorkflowSnapshot(
        workflow_type=snapshot.workflow_type,
        instance_id=snapshot.instance_id,
        sequence_number=snapshot.sequence_number,
        state=snapshot.state,
        context=WorkflowContext(
            workflow_type=context.workflow_type,
            instance_id=context.instance_id,
            correlation_id=context.correlation_id,
            isolation_level=context.isolation_level,
            data=_frozen_data(context.data),
            secrets=MappingProxyType(
                {
                    name: SecretReference(reference.uri)
                    for name, reference in context.secrets.items()
                }
            ),
            capabilities=tuple(context.capabilities),
            resource_limits=MappingProxyType(dict(context.resource_limits)),
        ),
        schema_version=snapshot.schema_version,
        tasks=tuple(_task_of(task) for task in snapshot.tasks),
        task_states=MappingProxyType(dict(snapshot.task_states)),
        completed_tasks=tuple(snapshot.completed_tasks),
        taken_at=snapshot.taken_at.astimezone(UTC),
    )


def _task_of(task: ProtocolTaskConfiguration) -> TaskConfiguration:
    policy = task.retry_policy
    return TaskConfiguration(
        task_id=task.task_id,
        task_name=task.task_name,
        task_type=task.task_type,
        required_capabilities=tuple(task.required_capabilities),
        depends_on=tuple(task.depends_on),
        inputs=_frozen_data(task.inputs),
        retry_policy=(
            None
            if policy is None
            else RetryPolicy(
                initial_interval=policy.initial_interval,
                backoff_coefficient=policy.backoff_coefficient,
                maximum_interval=policy.maximum_interval,
                maximum_attempts=policy.maximum_attempts,
                non_retryable_errors=tuple(policy.non_retryable_errors),
            )
        ),
        timeout=task.timeout,
        compensation_task_type=task.compensation_task_type,
    )


def _frozen_data(data: Mapping[str, WorkflowData]) -> Mapping[str, WorkflowData]:
    """Copy a payload: lists become tuples, mappings read-only copies."""
    copied: dict[str, WorkflowData] = {}
    for key, value in data.items():
        if isinstance(value, str | int | float | bool):
            copied[key] = value
        elif isinstance(value, Mapping):
            copied[key] = MappingProxyType(dict(value))
        else:
            copied[key] = tuple(value)
    return MappingProxyType(copied)


# --- MCP ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ToolAnnotations:
    """``ProtocolMCPToolAnnotations``: a server's hints about a tool (MCT-5)."""

    title: str | None = None
    read_only_hint: bool | None = None
    destructive_hint: bool | None = None
    idempotent_hint: bool | None = None
    open_world_hint: bool | None = None


@dataclass(frozen=True, slots=True)
class Icon:
    """``ProtocolMCPIcon``: an icon of a tool."""

    src: str
    mime_type: str | None = None
    sizes: tuple[str, ...] = ()
    theme: MCPIconTheme | None = None


@dataclass(frozen=True, slots=True)
class ToolDefinition:
    """``ProtocolMCPToolDefinition``: a tool as a subsystem declares it."""

    name: str
    description: str
    tool_type: MCPToolType
    parameters_schema: JsonObject
    idempotent: bool
    read_only: bool
    title: str | None = None
    output_schema: JsonObject | None = None
    timeout: timedelta | None = None
    upstream_name: str | None = None
    version: str | None = None
    annotations: ToolAnnotations | None = None
    icons: tuple[Icon, ...] = ()
    meta: JsonObject = field(default_factory=dict[str, JsonValue])
    task_support: MCPTaskSupport = "forbidden"


@dataclass(frozen=True, slots=True)
class SubsystemMetadata:
    """``ProtocolMCPSubsystemMetadata``: identity of an MCP server (MCT-6)."""

    name: str
    subsystem_type: MCPSubsystemType
    version: str
    endpoint: str
    description: str
    labels: Mapping[str, str] = field(default_factory=dict[str, str])
    transport: MCPTransport = "streamable_http"
    arguments: tuple[str, ...] = ()
    credentials: Mapping[str, SecretReference] = field(
        default_factory=dict[str, SecretReference]
    )


@dataclass(frozen=True, slots=True)
class SubsystemHealthCheck:
    """``ProtocolHealthCheckConfig``: TTL and grace period of heartbeats."""

    ttl: timedelta
    deregister_critical_after: timedelta


@dataclass(frozen=True, slots=True)
class ToolListing:
    """``ProtocolMCPToolListing``: one tool as served by one subsystem."""

    tool: ToolDefinition
    subsystem_name: str
    registration_id: UUID
    health: HealthReport


@dataclass(frozen=True, slots=True)
class SubsystemRegistration:
    """``ProtocolMCPSubsystemRegistration``: what the registry holds per subsystem."""

    registration_id: UUID
    subsystem: SubsystemMetadata
    tools: tuple[ToolDefinition, ...]
    configuration: JsonObject
    health: HealthReport
    registered_at: datetime
    health_check: SubsystemHealthCheck = SubsystemHealthCheck(
        timedelta(seconds=30), timedelta(minutes=5)
    )


@dataclass(frozen=True, slots=True)
class ToolChange:
    """``ProtocolMCPToolChange``: a change of the tools a registry serves."""

    change: MCPToolChangeKind
    subsystem_name: str
    registration_id: UUID
    observed_at: datetime


@dataclass(frozen=True, slots=True)
class ContentAnnotations:
    """``ProtocolMCPContentAnnotations``: hints of a content block."""

    audience: tuple[MCPContentAudience, ...] = ()
    priority: float | None = None
    last_modified: datetime | None = None


@dataclass(frozen=True, slots=True)
class ContentBlock:
    """``ProtocolMCPContentBlock``: one block of a tool result (MTP-7)."""

    kind: MCPContentKind
    text: str | None = None
    data: bytes | None = None
    mime_type: str | None = None
    uri: str | None = None
    name: str | None = None
    title: str | None = None
    description: str | None = None
    size: int | None = None
    annotations: ContentAnnotations | None = None
    meta: JsonObject = field(default_factory=dict[str, JsonValue])


@dataclass(frozen=True, slots=True)
class ToolResult:
    """``ProtocolMCPToolResult``: the outcome of one tool execution (MCT-3)."""

    execution_id: UUID
    tool_name: str
    subsystem_name: str
    correlation_id: UUID
    is_error: bool
    content: tuple[ProtocolMCPContentBlock, ...]
    structured_content: JsonValue
    started_at: datetime
    duration: timedelta
    attempts: int = 1
    has_structured_content: bool = False


@dataclass(frozen=True, slots=True)
class Progress:
    """``ProtocolMCPProgress``: one progress notification."""

    progress: float
    total: float | None = None
    message: str | None = None


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """``ProtocolMCPAttemptRecord``: one attempt of a tool execution."""

    execution_id: UUID
    attempt: int
    correlation_id: UUID
    tool_name: str
    subsystem_name: str
    outcome: MCPAttemptOutcome
    started_at: datetime
    duration: timedelta
    error_type: str | None = None


@dataclass(frozen=True, slots=True)
class ToolMetrics:
    """``ProtocolMCPToolMetrics``: attempt statistics of one tool."""

    tool_name: str
    subsystem_name: str | None
    window_start: datetime
    window_end: datetime
    calls: int
    tool_errors: int
    transport_failures: int
    latency_p50: timedelta | None
    latency_p95: timedelta | None


def tool_result_with_attempts(
    result: ProtocolMCPToolResult,
    attempts: int,
    *,
    execution_id: UUID | None = None,
) -> ToolResult:
    """Copy ``result`` with ``attempts`` (and the execution's id) set.

    The registry counts failovers and gives every attempt of one execution
    the same id.

    Args:
        result: A result as a tool proxy returned it.
        attempts: Subsystems tried, including the one that served.
        execution_id: The execution's id; ``None`` keeps the result's.

    Returns:
        An equal result whose ``attempts`` is ``attempts``.
    """
    return ToolResult(
        execution_id=result.execution_id if execution_id is None else execution_id,
        tool_name=result.tool_name,
        subsystem_name=result.subsystem_name,
        correlation_id=result.correlation_id,
        is_error=result.is_error,
        content=tuple(result.content),
        structured_content=result.structured_content,
        started_at=result.started_at,
        duration=result.duration,
        attempts=attempts,
        has_structured_content=result.has_structured_content,
    )
