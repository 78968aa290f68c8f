"""The wire format of workflow events on the event bus (WEB-7), both directions.

A ``ProtocolWorkflowEvent`` travels as one ``EventMessage`` on the topic
``onex.workflow.{workflow_type}``: its key is ``"{workflow_type}:{instance_id}"``
(so one instance's events share a partition and keep their order, WEB-1), its
value the event as a JSON object, and its CloudEvents attributes (which the
bus carries as ``ce_*`` headers, see
[`omnibase.spi_conformance.reference.cloudevents`][]) identify it without
parsing the value: ``id`` is the event id, ``type`` is
``onex.workflow.{event_type}``, ``correlationid`` the first id of the
correlation chain (T-7), and the extension ``sequence`` its sequence number.
The table is in ``ProtocolWorkflowEventBus``'s docstring.

Decoding checks every field, because a consumer cannot trust the wire, and
keeps event types this version does not know (WR-5).
"""

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Final, cast
from uuid import UUID

from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.types import (
    JsonObject,
    JsonValue,
    ProtocolWorkflowEvent,
    WorkflowData,
)
from omnibase.spi_conformance.reference.values import (
    BusMessage,
    BusMetadata,
    WorkflowEvent,
)
from omnibase.spi_conformance.reference.workflow_checks import (
    check_workflow_data,
    check_workflow_type,
)

__all__ = [
    "CONTENT_TYPE",
    "SEQUENCE_EXTENSION",
    "TOPIC_PREFIX",
    "dead_letter_topic",
    "decode_workflow_event",
    "default_topic",
    "encode_workflow_event",
    "event_source",
    "partition_key",
]

TOPIC_PREFIX: Final = "onex.workflow"
"""Default topics are ``"{TOPIC_PREFIX}.{workflow_type}"`` (WEB-3)."""

SEQUENCE_EXTENSION: Final = "sequence"
"""CloudEvents extension holding the sequence number in decimal (WEB-7)."""

CONTENT_TYPE: Final = "application/json"
"""``datacontenttype`` of a workflow event message (WEB-7)."""


def default_topic(workflow_type: str) -> str:
    """Return the topic a workflow type's events go to (WEB-3).

    Args:
        workflow_type: The workflow type (WEV-6).

    Returns:
        ``"onex.workflow.{workflow_type}"``.
    """
    return f"{TOPIC_PREFIX}.{workflow_type}"


def dead_letter_topic(workflow_type: str) -> str:
    """Return the default dead-letter topic of a workflow type (WEB-8).

    Args:
        workflow_type: The workflow type (WEV-6).

    Returns:
        ``"onex.workflow.{workflow_type}.dead_letter"``.
    """
    return f"{default_topic(workflow_type)}.dead_letter"


def partition_key(workflow_type: str, instance_id: UUID) -> bytes:
    """Return the record key of an instance's events (WEB-1, WEB-7).

    Args:
        workflow_type: Workflow type of the instance.
        instance_id: The instance.

    Returns:
        ``"{workflow_type}:{instance_id}"`` as UTF-8.
    """
    return f"{workflow_type}:{instance_id}".encode()


def event_source(workflow_type: str, instance_id: UUID) -> str:
    """Return the CloudEvents ``source`` of an instance's events (WEB-7).

    Args:
        workflow_type: Workflow type of the instance.
        instance_id: The instance.

    Returns:
        ``"/workflows/{workflow_type}/{instance_id}"``.
    """
    return f"/workflows/{workflow_type}/{instance_id}"


def _json_value(value: WorkflowData) -> JsonValue:
    if isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return dict(value)
    return list(value)


def encode_workflow_event(event: ProtocolWorkflowEvent, topic: str) -> BusMessage:
    """Wrap a workflow event in a bus message for ``topic`` (WEB-7).

    Args:
        event: The event.
        topic: Destination topic.

    Returns:
        The message to publish.

    Raises:
        InvalidInputError: An empty correlation chain (WEV-4), a bad workflow
            type (WEV-6) or a payload that is not workflow data.
    """
    check_workflow_type(event.workflow_type)
    if not event.correlation_chain:
        raise InvalidInputError(f"event {event.event_id}: empty correlation chain")
    check_workflow_data(event.data, f"event {event.event_id} data")
    body: JsonObject = {
        "event_id": str(event.event_id),
        "event_type": str(event.event_type),
        "workflow_type": event.workflow_type,
        "instance_id": str(event.instance_id),
        "sequence_number": event.sequence_number,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(),
        "causation_id": _optional_str(event.causation_id),
        "correlation_chain": [str(item) for item in event.correlation_chain],
        "task_id": _optional_str(event.task_id),
        "data": {key: _json_value(value) for key, value in event.data.items()},
    }
    return BusMessage(
        topic=topic,
        key=partition_key(event.workflow_type, event.instance_id),
        value=json.dumps(body, sort_keys=True, allow_nan=False).encode(),
        metadata=BusMetadata(
            event_id=str(event.event_id),
            event_type=f"{TOPIC_PREFIX}.{event.event_type}",
            source=event_source(event.workflow_type, event.instance_id),
            occurred_at=event.occurred_at.astimezone(UTC),
            correlation_id=event.correlation_chain[0],
            causation_id=_optional_str(event.causation_id),
            content_type=CONTENT_TYPE,
            extensions={SEQUENCE_EXTENSION: str(event.sequence_number)},
        ),
    )


def decode_workflow_event(value: bytes) -> WorkflowEvent:
    """Read a workflow event back from a record value (WEB-7).

    Args:
        value: What [`encode_workflow_event`][] put on the wire, from any
            implementation.

    Returns:
        The event; an event type this version does not know is kept (WR-5).

    Raises:
        InvalidInputError: The value is not a well-formed workflow event.
    """
    try:
        raw: object = json.loads(value)
    except ValueError as error:
        raise InvalidInputError(f"not JSON: {error}") from error
    if not isinstance(raw, dict):
        raise InvalidInputError("a workflow event is a JSON object")
    fields = cast("dict[str, object]", raw)
    chain = fields.get("correlation_chain")
    if not isinstance(chain, list) or not chain:
        raise InvalidInputError("correlation_chain must be a non-empty array")
    links = cast("list[object]", chain)
    occurred_at = _time(_str(fields, "occurred_at"))
    data = fields.get("data")
    check_workflow_data(data)
    event_type = _str(fields, "event_type")
    if not event_type:
        raise InvalidInputError("event_type must not be empty")
    return WorkflowEvent(
        event_id=_uuid(fields.get("event_id"), "event_id"),
        event_type=event_type,
        workflow_type=check_workflow_type(fields.get("workflow_type")),
        instance_id=_uuid(fields.get("instance_id"), "instance_id"),
        sequence_number=_int(fields, "sequence_number"),
        occurred_at=occurred_at,
        causation_id=_optional_uuid(fields.get("causation_id"), "causation_id"),
        correlation_chain=tuple(_uuid(item, "correlation_chain") for item in links),
        task_id=_optional_uuid(fields.get("task_id"), "task_id"),
        data=_data(data),
    )


def _optional_str(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _str(fields: Mapping[str, object], name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str):
        raise InvalidInputError(f"{name} must be a string")
    return value


def _int(fields: Mapping[str, object], name: str) -> int:
    value = fields.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInputError(f"{name} must be an integer")
    return value


def _uuid(value: object, name: str) -> UUID:
    if not isinstance(value, str):
        raise InvalidInputError(f"{name} must hold UUID strings")
    try:
        return UUID(value)
    except ValueError:
        raise InvalidInputError(f"{name}: {value!r} is not a UUID") from None


def _optional_uuid(value: object, name: str) -> UUID | None:
    return None if value is None else _uuid(value, name)


def _time(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(f"occurred_at {text!r} is not RFC 3339") from None
    if parsed.tzinfo is None:
        raise InvalidInputError(f"occurred_at {text!r} has no offset (T-2)")
    return parsed.astimezone(UTC)


def _data(value: object) -> dict[str, WorkflowData]:
    """Convert a payload ``check_workflow_data`` accepted: arrays become tuples."""
    data: dict[str, WorkflowData] = {}
    for key, item in cast("dict[str, object]", value).items():
        if isinstance(item, list):
            data[key] = tuple(cast("list[str]", item))
        elif isinstance(item, dict):
            data[key] = dict(cast("dict[str, str | int | float | bool]", item))
        else:
            data[key] = cast("str | int | float | bool", item)
    return data
