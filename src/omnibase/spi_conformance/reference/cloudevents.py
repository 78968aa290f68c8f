"""CloudEvents binary mode on Kafka records: attributes <-> ``ce_*`` headers.

The one mapping the SPI's messages use (the table in
``ProtocolCloudEventAttributes``): every attribute is a header named
``ce_<CloudEvents name>`` holding its UTF-8 text, ``content_type`` travels as
the ``content-type`` header, the time as RFC 3339, and extension attributes
the SPI does not name as ``ce_<name>`` too (EVM-3). Headers that are not
CloudEvents attributes are left to the caller.
"""

import re
from datetime import UTC, datetime
from typing import Final
from uuid import UUID

from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.types import Headers, ProtocolCloudEventAttributes
from omnibase.spi_conformance.reference.values import BusMetadata

__all__ = [
    "CONTENT_TYPE_HEADER",
    "HEADER_PREFIX",
    "attributes_to_headers",
    "headers_to_attributes",
    "is_cloudevents_header",
]

HEADER_PREFIX: Final = "ce_"
CONTENT_TYPE_HEADER: Final = "content-type"
_EXTENSION_NAME: Final = re.compile(r"[a-z0-9]{1,20}")
_NAMED: Final = {
    "id": "event_id",
    "source": "source",
    "type": "event_type",
    "specversion": "spec_version",
    "time": "occurred_at",
    "subject": "subject",
    "dataschema": "data_schema",
    "correlationid": "correlation_id",
    "causationid": "causation_id",
    "traceparent": "trace_parent",
    "tracestate": "trace_state",
}
_REQUIRED: Final = ("id", "source", "type", "specversion")


def is_cloudevents_header(name: str) -> bool:
    """Tell whether a header carries a CloudEvents attribute.

    Args:
        name: A header name.

    Returns:
        ``True`` for ``ce_*`` and ``content-type`` (any case).
    """
    lowered = name.lower()
    return lowered.startswith(HEADER_PREFIX) or lowered == CONTENT_TYPE_HEADER


def attributes_to_headers(attributes: ProtocolCloudEventAttributes) -> Headers:
    """Encode the attributes as binary-mode headers, in the table's order.

    Args:
        attributes: Any message's CloudEvents attributes.

    Returns:
        ``(name, UTF-8 value)`` pairs; absent (``None``) attributes are left out.

    Raises:
        InvalidInputError: An empty id, a naive time, or an extension whose
            name is not ``[a-z0-9]{1,20}`` or clashes with a named attribute.
    """
    if not attributes.event_id:
        raise InvalidInputError("a CloudEvents id must not be empty (EVM-1)")
    if attributes.occurred_at.tzinfo is None:
        raise InvalidInputError("occurred_at must be timezone-aware (T-2)")
    values: dict[str, str | None] = {
        "id": attributes.event_id,
        "source": attributes.source,
        "type": attributes.event_type,
        "specversion": attributes.spec_version,
        "time": attributes.occurred_at.astimezone(UTC).isoformat(),
        "subject": attributes.subject,
        "dataschema": attributes.data_schema,
        "correlationid": (
            None
            if attributes.correlation_id is None
            else str(attributes.correlation_id)
        ),
        "causationid": attributes.causation_id,
        "traceparent": attributes.trace_parent,
        "tracestate": attributes.trace_state,
    }
    headers = [
        (HEADER_PREFIX + name, value.encode())
        for name, value in values.items()
        if value is not None
    ]
    if attributes.content_type is not None:
        headers.append((CONTENT_TYPE_HEADER, attributes.content_type.encode()))
    for name, value in sorted(attributes.extensions.items()):
        if not _EXTENSION_NAME.fullmatch(name) or name in _NAMED:
            raise InvalidInputError(f"bad CloudEvents extension name {name!r} (EVM-3)")
        headers.append((HEADER_PREFIX + name, value.encode()))
    return tuple(headers)


def headers_to_attributes(headers: Headers) -> BusMetadata:
    """Decode binary-mode headers back into attributes.

    A ``correlationid`` that is not a UUID stays in ``extensions`` (EVM-3)
    and ``correlation_id`` is ``None``.

    Args:
        headers: A record's headers; non-CloudEvents headers are ignored.

    Returns:
        The attributes.

    Raises:
        InvalidInputError: A required attribute (``ce_id``, ``ce_source``,
            ``ce_type``, ``ce_specversion``) or ``ce_time`` is missing, a value
            is not UTF-8, or the time is not RFC 3339 with an offset.
    """
    found: dict[str, str] = {}
    for name, raw in headers:
        lowered = name.lower()
        if not is_cloudevents_header(lowered):
            continue
        try:
            text = raw.decode()
        except UnicodeDecodeError:
            raise InvalidInputError(f"header {name!r} is not UTF-8") from None
        key = "datacontenttype" if lowered == CONTENT_TYPE_HEADER else lowered[3:]
        found[key] = text
    missing = [name for name in (*_REQUIRED, "time") if name not in found]
    if missing:
        shown = ", ".join(HEADER_PREFIX + name for name in missing)
        raise InvalidInputError(f"not a CloudEvent in binary mode: no {shown}")
    try:
        occurred_at = datetime.fromisoformat(found["time"])
    except ValueError:
        raise InvalidInputError(f"ce_time {found['time']!r} is not RFC 3339") from None
    if occurred_at.tzinfo is None:
        raise InvalidInputError(f"ce_time {found['time']!r} has no offset (T-2)")
    extensions = {
        name: value
        for name, value in found.items()
        if name not in _NAMED and name != "datacontenttype"
    }
    correlation_id: UUID | None = None
    if "correlationid" in found:
        try:
            correlation_id = UUID(found["correlationid"])
        except ValueError:
            extensions["correlationid"] = found["correlationid"]
    return BusMetadata(
        event_id=found["id"],
        event_type=found["type"],
        source=found["source"],
        occurred_at=occurred_at.astimezone(UTC),
        correlation_id=correlation_id,
        causation_id=found.get("causationid"),
        content_type=found.get("datacontenttype"),
        trace_parent=found.get("traceparent"),
        trace_state=found.get("tracestate"),
        subject=found.get("subject"),
        data_schema=found.get("dataschema"),
        spec_version=found["specversion"],
        extensions=extensions,
    )
