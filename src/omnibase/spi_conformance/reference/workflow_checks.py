"""Argument checks every workflow store and bus performs, in one place.

The rules say what a workflow store must refuse before it touches its
backend (WP-3, WP-5, WEV-4, WEV-6, T-2, ERR-1). These functions perform the
checks on values cast to ``object`` (T-5), raise ``InvalidInputError`` naming
the value, and return frozen copies (T-4). The reference store uses them, and
so may any implementation (the SQLite example in ``examples/`` does).
"""

import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Final, cast
from uuid import UUID

from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.types import ProtocolWorkflowEvent
from omnibase.spi_conformance.reference.values import WorkflowEvent, workflow_event_of

__all__ = [
    "TOPIC",
    "WORKFLOW_TYPE",
    "check_at_or_before",
    "check_batch",
    "check_bounds",
    "check_event",
    "check_instance_id",
    "check_position",
    "check_topic",
    "check_workflow_data",
    "check_workflow_type",
    "stream_subject",
]

WORKFLOW_TYPE: Final = re.compile(r"[A-Za-z0-9_]{1,100}")
"""What a workflow type may be (WEV-6)."""

TOPIC: Final = re.compile(r"[A-Za-z0-9._-]{1,249}")
"""What a topic name may be (EVT-1)."""


def check_topic(topic: object) -> str:
    """Refuse a topic name EVT-1 does not allow, before anything is published.

    Args:
        topic: What the caller passed.

    Returns:
        The topic.

    Raises:
        InvalidInputError: Not 1 to 249 characters of ``[A-Za-z0-9._-]``.
    """
    if not isinstance(topic, str) or not TOPIC.fullmatch(topic):
        raise InvalidInputError(f"bad topic name {topic!r} (EVT-1)")
    return topic


def stream_subject(workflow_type: str, instance_id: UUID) -> str:
    """Return the ``subject`` of a stream's ``ConcurrencyConflictError`` (WP-2).

    Args:
        workflow_type: Workflow type of the stream.
        instance_id: Instance of the stream.

    Returns:
        ``"stream {workflow_type}/{instance_id}"``.
    """
    return f"stream {workflow_type}/{instance_id}"


def check_workflow_type(workflow_type: object) -> str:
    """Refuse a workflow type WEV-6 does not allow.

    Args:
        workflow_type: What the caller passed.

    Returns:
        The workflow type.

    Raises:
        InvalidInputError: Not 1 to 100 characters of ``[A-Za-z0-9_]``.
    """
    if not isinstance(workflow_type, str) or not WORKFLOW_TYPE.fullmatch(workflow_type):
        raise InvalidInputError(
            f"workflow type {workflow_type!r} is not 1-100 characters of "
            "[A-Za-z0-9_] (WEV-6)"
        )
    return workflow_type


def check_instance_id(instance_id: object) -> UUID:
    """Refuse an instance id that is not a ``UUID`` (T-1, ERR-1).

    Args:
        instance_id: What the caller passed.

    Returns:
        The instance id.

    Raises:
        InvalidInputError: Not a ``UUID``.
    """
    if not isinstance(instance_id, UUID):
        raise InvalidInputError(f"instance_id must be a UUID, got {instance_id!r}")
    return instance_id


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_bounds(from_sequence: object, to_sequence: object) -> None:
    """Refuse bounds WP-5 does not allow.

    Args:
        from_sequence: First sequence number wanted (inclusive).
        to_sequence: Last sequence number wanted (inclusive), or ``None``.

    Raises:
        InvalidInputError: A bound that is not an ``int``, ``from_sequence <
            1`` or ``to_sequence < from_sequence - 1``.
    """
    if not _is_int(from_sequence):
        raise InvalidInputError(f"from_sequence must be an int, got {from_sequence!r}")
    first = cast("int", from_sequence)
    if first < 1:
        raise InvalidInputError(f"from_sequence must be >= 1, got {first} (WP-5)")
    if to_sequence is None:
        return
    if not _is_int(to_sequence):
        raise InvalidInputError(f"to_sequence must be an int, got {to_sequence!r}")
    if cast("int", to_sequence) < first - 1:
        raise InvalidInputError(
            f"to_sequence {to_sequence} is below from_sequence {first} - 1 (WP-5)"
        )


def check_position(after_position: object) -> int:
    """Refuse a store-wide position WP-11 does not allow.

    Args:
        after_position: What the caller passed.

    Returns:
        The position.

    Raises:
        InvalidInputError: Not an ``int``, or negative.
    """
    if not _is_int(after_position) or cast("int", after_position) < 0:
        raise InvalidInputError(
            f"after_position must be an int >= 0, got {after_position!r} (WP-11)"
        )
    return cast("int", after_position)


def check_at_or_before(at_or_before: object) -> int | None:
    """Refuse a snapshot bound WP-6 does not allow.

    Args:
        at_or_before: What the caller passed.

    Returns:
        The bound, or ``None``.

    Raises:
        InvalidInputError: Not ``None`` or an ``int >= 1``.
    """
    if at_or_before is None:
        return None
    if not _is_int(at_or_before) or cast("int", at_or_before) < 1:
        raise InvalidInputError(
            f"at_or_before must be an int >= 1, got {at_or_before!r} (WP-6)"
        )
    return cast("int", at_or_before)


def _check_scalar(value: object, where: str) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInputError(f"{where} is {value!r}: floats must be finite (WP-3)")
    if not isinstance(value, str | int | float | bool):
        raise InvalidInputError(f"{where} is {value!r}, not workflow data (WP-3)")


def check_workflow_data(data: object, where: str = "data") -> None:
    """Refuse a payload that is not ``Mapping[str, WorkflowData]`` (WP-3).

    Args:
        data: What the caller passed.
        where: How the payload is named in errors.

    Raises:
        InvalidInputError: Not a mapping with ``str`` keys, a value that is not
            a finite scalar, a list of strings or a flat mapping of them.
    """
    if not isinstance(data, Mapping):
        raise InvalidInputError(f"{where} must be a mapping, got {data!r}")
    for key, value in cast("Mapping[object, object]", data).items():
        if not isinstance(key, str):
            raise InvalidInputError(f"{where} has a non-string key {key!r}")
        path = f"{where}.{key}"
        if isinstance(value, Mapping):
            for inner_key, inner in cast("Mapping[object, object]", value).items():
                if not isinstance(inner_key, str):
                    raise InvalidInputError(f"{path} has a non-string key")
                _check_scalar(inner, f"{path}.{inner_key}")
        elif isinstance(value, str | bytes) or not isinstance(value, Sequence):
            _check_scalar(value, path)
        else:
            for item in cast("Sequence[object]", value):
                if not isinstance(item, str):
                    raise InvalidInputError(f"{path} must be a list of strings")


def check_event(event: object, workflow_type: str, instance_id: UUID) -> WorkflowEvent:
    """Check one event of a stream and return a frozen copy (WP-3).

    Args:
        event: What the caller passed as an event.
        workflow_type: The stream's workflow type.
        instance_id: The stream's instance.

    Returns:
        The event as a [`WorkflowEvent`][], times in UTC.

    Raises:
        InvalidInputError: Not an event, of another stream, or with a member
            of the wrong type: a naive time (T-2), an empty correlation chain
            (WEV-4), a payload that is not workflow data.
    """
    if not isinstance(event, ProtocolWorkflowEvent):
        raise InvalidInputError(f"not a ProtocolWorkflowEvent: {event!r}")
    members: Mapping[str, object] = {
        name: cast("object", getattr(event, name))
        for name in (
            "event_id",
            "event_type",
            "workflow_type",
            "instance_id",
            "sequence_number",
            "occurred_at",
            "causation_id",
            "correlation_chain",
            "task_id",
            "data",
        )
    }
    where = f"event {members['event_id']!r}"
    if (members["workflow_type"], members["instance_id"]) != (
        workflow_type,
        instance_id,
    ):
        raise InvalidInputError(f"{where} belongs to another stream (WP-3)")
    if not isinstance(members["event_id"], UUID):
        raise InvalidInputError(f"{where}: event_id must be a UUID")
    event_type = members["event_type"]
    if not isinstance(event_type, str) or not event_type:
        raise InvalidInputError(f"{where}: event_type must be a non-empty string")
    if not _is_int(members["sequence_number"]):
        raise InvalidInputError(f"{where}: sequence_number must be an int")
    occurred_at = members["occurred_at"]
    if not isinstance(occurred_at, datetime) or occurred_at.tzinfo is None:
        raise InvalidInputError(f"{where}: occurred_at must be timezone-aware (T-2)")
    for name in ("causation_id", "task_id"):
        if not (members[name] is None or isinstance(members[name], UUID)):
            raise InvalidInputError(f"{where}: {name} must be a UUID or None")
    chain = members["correlation_chain"]
    if (
        isinstance(chain, str)
        or not isinstance(chain, Sequence)
        or not chain
        or not all(isinstance(item, UUID) for item in cast("Sequence[object]", chain))
    ):
        raise InvalidInputError(
            f"{where}: correlation_chain must be a non-empty sequence of UUIDs (WEV-4)"
        )
    check_workflow_data(members["data"], f"{where} data")
    return workflow_event_of(event)


def check_batch(
    workflow_type: object,
    instance_id: object,
    events: object,
    expected_sequence: object,
) -> tuple[WorkflowEvent, ...]:
    """Check the arguments of ``append_events`` before anything else (WP-3).

    Args:
        workflow_type: The stream's workflow type (WEV-6).
        instance_id: The stream's instance.
        events: The batch.
        expected_sequence: The last sequence number the writer saw.

    Returns:
        Frozen copies of the events.

    Raises:
        InvalidInputError: Anything WP-3 refuses.
    """
    kind = check_workflow_type(workflow_type)
    instance = check_instance_id(instance_id)
    if not _is_int(expected_sequence) or cast("int", expected_sequence) < 0:
        raise InvalidInputError(
            f"expected_sequence must be an int >= 0, got {expected_sequence!r}"
        )
    if isinstance(events, str | bytes) or not isinstance(events, Sequence):
        raise InvalidInputError(f"events must be a sequence of events, got {events!r}")
    batch = tuple(
        check_event(event, kind, instance) for event in cast("Sequence[object]", events)
    )
    if not batch:
        raise InvalidInputError("append_events needs at least one event (WP-3)")
    for offset, event in enumerate(batch):
        expected = cast("int", expected_sequence) + 1 + offset
        if event.sequence_number != expected:
            raise InvalidInputError(
                f"event {event.event_id} has sequence number "
                f"{event.sequence_number}, expected {expected} (WP-3)"
            )
    if len({event.event_id for event in batch}) != len(batch):
        raise InvalidInputError("a batch repeats an event id (WP-3)")
    return batch
