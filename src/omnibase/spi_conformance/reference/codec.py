"""JSON wire format of workflow events on the event bus.

A ``ProtocolWorkflowEvent`` travels as an ``EventMessage`` whose value is the
event as JSON, whose key is ``"{workflow_type}:{instance_id}"`` (so one
instance's events share a partition and keep their order, WEB-1) and whose
metadata maps the event's lineage onto CloudEvents attributes (EVM-2): the
first correlation id of the chain is the workflow run's conversation.

Decoding checks every field, because a consumer cannot trust the wire.
"""

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Final, TypeGuard, get_args
from uuid import UUID

from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.types import (
    JsonObject,
    ProtocolWorkflowEvent,
    WorkflowData,
    WorkflowEventType,
)
from omnibase.spi_conformance.reference.values import (
    BusMessage,
    BusMetadata,
    WorkflowEvent,
)

__all__ = ["decode_workflow_event", "encode_workflow_event", "partition_key"]

_EVENT_TYPES: Final[frozenset[str]] = frozenset(get_args(WorkflowEventType))


def partition_key(workflow_type: str, instance_id: UUID) -> bytes:
    """Return the record key of an instance's events (WEB-1).

    Args:
        workflow_type: Workflow type of the instance.
        instance_id: The instance.

    Returns:
        ``"{workflow_type}:{instance_id}"`` as UTF-8.
    """
    return f"{workflow_type}:{instance_id}".encode()


def encode_workflow_event(event: ProtocolWorkflowEvent, topic: str) -> BusMessage:
    """Wrap a workflow event in a bus message for ``topic``.

    Args:
        event: The event.
        topic: Destination topic.

    Returns:
        The message to publish.
    """
    body: JsonObject = {
        "event_id": str(event.event_id),
        "event_type": event.event_type,
        "workflow_type": event.workflow_type,
        "instance_id": str(event.instance_id),
        "sequence_number": event.sequence_number,
        "occurred_at": event.occurred_at.isoformat(),
        "causation_id": _optional_str(event.causation_id),
        "correlation_chain": [str(item) for item in event.correlation_chain],
        "task_id": _optional_str(event.task_id),
        "data": dict(event.data),
    }
    return BusMessage(
        topic=topic,
        key=partition_key(event.workflow_type, event.instance_id),
        value=json.dumps(body, sort_keys=True).encode(),
        metadata=BusMetadata(
            event_id=str(event.event_id),
            event_type=f"onex.workflow.{event.event_type}",
            source=f"/workflows/{event.workflow_type}/{event.instance_id}",
            occurred_at=event.occurred_at,
            correlation_id=event.correlation_chain[0],
            causation_id=_optional_str(event.causation_id),
            extensions={"sequence": str(event.sequence_number)},
        ),
    )


def decode_workflow_event(value: bytes) -> WorkflowEvent:
    """Read a workflow event back from a record value.

    Args:
        value: What [`encode_workflow_event`][] put on the wire.

    Returns:
        The event.

    Raises:
        InvalidInputError: The value is not a well-formed workflow event.
    """
    try:
        raw: object = json.loads(value)
    except ValueError as error:
        raise InvalidInputError(f"not JSON: {error}") from error
    if not _is_object(raw):
        raise InvalidInputError("a workflow event is a JSON object")
    event_type = _str(raw, "event_type")
    if not _is_event_type(event_type):
        raise InvalidInputError(f"unknown event type {event_type!r}")
    chain = raw.get("correlation_chain")
    if not _is_array(chain) or not chain:
        raise InvalidInputError("correlation_chain must be a non-empty array")
    return WorkflowEvent(
        event_id=UUID(_str(raw, "event_id")),
        event_type=event_type,
        workflow_type=_str(raw, "workflow_type"),
        instance_id=UUID(_str(raw, "instance_id")),
        sequence_number=_int(raw, "sequence_number"),
        occurred_at=datetime.fromisoformat(_str(raw, "occurred_at")),
        causation_id=_optional_uuid(raw, "causation_id"),
        correlation_chain=tuple(
            UUID(_as_str(item, "correlation_chain")) for item in chain
        ),
        task_id=_optional_uuid(raw, "task_id"),
        data=_data(raw.get("data")),
    )


def _optional_str(value: UUID | None) -> str | None:
    return None if value is None else str(value)


def _is_object(value: object) -> TypeGuard[dict[str, object]]:
    return isinstance(value, dict)


def _is_array(value: object) -> TypeGuard[list[object]]:
    return isinstance(value, list)


def _is_event_type(value: str) -> TypeGuard[WorkflowEventType]:
    return value in _EVENT_TYPES


def _as_str(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(f"{name} must hold strings")
    return value


def _str(raw: Mapping[str, object], name: str) -> str:
    return _as_str(raw.get(name), name)


def _int(raw: Mapping[str, object], name: str) -> int:
    value = raw.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInputError(f"{name} must be an integer")
    return value


def _optional_uuid(raw: Mapping[str, object], name: str) -> UUID | None:
    value = raw.get(name)
    return None if value is None else UUID(_as_str(value, name))


def _data(value: object) -> dict[str, WorkflowData]:
    """Check a payload against ``WorkflowData``: scalars, string lists, flat maps."""
    if not _is_object(value):
        raise InvalidInputError("data must be a JSON object")
    data: dict[str, WorkflowData] = {}
    for key, item in value.items():
        if isinstance(item, str | int | float | bool):
            data[key] = item
        elif _is_array(item):
            data[key] = tuple(_as_str(element, f"data.{key}") for element in item)
        elif _is_object(item):
            data[key] = {name: _scalar(inner, key) for name, inner in item.items()}
        else:
            raise InvalidInputError(f"data.{key} is not workflow data")
    return data


def _scalar(value: object, key: str) -> str | int | float | bool:
    if not isinstance(value, str | int | float | bool):
        raise InvalidInputError(f"data.{key} must be a flat mapping")
    return value
