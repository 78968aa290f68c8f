"""CloudEvents binary mode on Kafka records: attributes <-> ``ce_*`` headers.

The one mapping the SPI's messages use (the table in
``ProtocolCloudEventAttributes``): every attribute is a header named
``ce_<CloudEvents name>`` holding its UTF-8 text, ``content_type`` travels as
the ``content-type`` header, the time as RFC 3339, and extension attributes
the SPI does not name as ``ce_<name>`` too (EVM-3). Headers that are not
CloudEvents attributes are left to the caller.

Envelopes (``ProtocolOnexEnvelope``, ENV-3) add three extensions, ``ce_
partitionkey`` (also the record key), ``ce_replyto`` and ``ce_deadline``, and
carry their payload as UTF-8 JSON in the record value:
[`envelope_to_record`][], [`record_to_envelope`][], [`envelope_metadata`][]
(the envelope as bus metadata) and [`EnvelopeCodec`][]
(``ProtocolOnexEnvelopeCodec``).

On a record the attribute headers come first, then the application headers
([`encode_record_headers`][], [`decode_record_headers`][]). A record without
valid attribute headers (a foreign producer's) gets the attributes EB-10
derives from its position ([`raw_record_attributes`][]).
"""

import json
import math
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final, cast
from uuid import UUID

from omnibase.protocols.core import ProtocolEncodedEnvelope, ProtocolOnexEnvelope
from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.types import (
    RAW_RECORD_EVENT_TYPE,
    RESERVED_HEADER_PREFIXES,
    Headers,
    JsonValue,
    ProtocolCloudEventAttributes,
)
from omnibase.spi_conformance.reference.values import (
    BusMetadata,
    EncodedEnvelope,
    Envelope,
)

__all__ = [
    "CONTENT_TYPE_HEADER",
    "ENVELOPE_EXTENSIONS",
    "HEADER_PREFIX",
    "RAW_CONTENT_TYPE",
    "EnvelopeCodec",
    "attributes_to_headers",
    "check_application_headers",
    "decode_record_headers",
    "encode_record_headers",
    "envelope_metadata",
    "envelope_to_record",
    "headers_to_attributes",
    "is_cloudevents_header",
    "is_reserved_header",
    "raw_record_attributes",
    "record_to_envelope",
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
ENVELOPE_EXTENSIONS: Final = ("partitionkey", "replyto", "deadline")
"""The extensions an envelope names as attributes (ENV-3)."""
RAW_CONTENT_TYPE: Final = "application/octet-stream"
"""The ``content_type`` of a raw record's derived attributes (EB-10)."""


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


# --- envelopes (ENV-3) -------------------------------------------------------------


def _utc_text(moment: datetime, what: str) -> str:
    """RFC 3339 text of an aware instant, in UTC (T-2)."""
    if moment.tzinfo is None:
        raise InvalidInputError(f"{what} must be timezone-aware (T-2)")
    return moment.astimezone(UTC).isoformat()


def _envelope_extensions(envelope: ProtocolOnexEnvelope) -> dict[str, str]:
    """The envelope's extensions with ``partitionkey``, ``replyto``, ``deadline``."""
    extensions = dict(envelope.extensions)
    clash = sorted(set(extensions) & set(ENVELOPE_EXTENSIONS))
    if clash:
        raise InvalidInputError(
            f"extension {clash[0]!r} is an envelope attribute, not an extension"
            " (EVM-3)"
        )
    extras = {
        "partitionkey": envelope.partition_key,
        "replyto": envelope.reply_to,
        "deadline": (
            None
            if envelope.deadline is None
            else _utc_text(envelope.deadline, "deadline")
        ),
    }
    extensions.update(
        {name: value for name, value in extras.items() if value is not None}
    )
    return extensions


def envelope_metadata(envelope: ProtocolOnexEnvelope) -> BusMetadata:
    """Return the envelope's attributes as event bus metadata.

    ``partitionkey``, ``replyto`` and ``deadline`` join the extensions, so a
    bus writing the metadata as headers writes the envelope's record (ENV-3).

    Args:
        envelope: Any envelope.

    Returns:
        The metadata.

    Raises:
        InvalidInputError: An extension named like an envelope attribute, or
            a naive deadline.
    """
    return BusMetadata(
        event_id=envelope.event_id,
        event_type=envelope.event_type,
        source=envelope.source,
        occurred_at=envelope.occurred_at,
        correlation_id=envelope.correlation_id,
        causation_id=envelope.causation_id,
        content_type=envelope.content_type,
        trace_parent=envelope.trace_parent,
        trace_state=envelope.trace_state,
        subject=envelope.subject,
        data_schema=envelope.data_schema,
        spec_version=envelope.spec_version,
        extensions=_envelope_extensions(envelope),
    )


def _refuse_constant(name: str) -> float:
    raise InvalidInputError(f"{name} is not JSON")


def _check_json(value: object, path: str = "payload") -> None:
    """Refuse what JSON cannot represent (NaN, sets, non-string keys)."""
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InvalidInputError(f"{path} is {value!r}, which JSON cannot hold")
        return
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(cast("list[object]", value)):
            _check_json(item, f"{path}[{index}]")
        return
    if isinstance(value, dict):
        for name, item in cast("dict[object, object]", value).items():
            if not isinstance(name, str):
                raise InvalidInputError(f"{path} has the non-string key {name!r}")
            _check_json(item, f"{path}.{name}")
        return
    raise InvalidInputError(f"{path} is a {type(value).__name__}, not JSON")


def envelope_to_record(envelope: ProtocolOnexEnvelope) -> EncodedEnvelope:
    """Encode an envelope as a Kafka record in binary mode (ENV-3).

    Args:
        envelope: Any envelope.

    Returns:
        Key (the partition key's UTF-8 bytes), value (the payload as UTF-8
        JSON) and the ``ce_*`` / ``content-type`` headers.

    Raises:
        InvalidInputError: An empty id, a naive time, a bad extension name
            or a payload that is not JSON.
    """
    if not isinstance(cast("object", envelope.correlation_id), UUID):
        raise InvalidInputError("an envelope's correlation_id is a UUID (ENV-1)")
    headers = attributes_to_headers(envelope_metadata(envelope))
    payload: object = envelope.payload
    _check_json(payload)
    value = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    key = None if envelope.partition_key is None else envelope.partition_key.encode()
    return EncodedEnvelope(key=key, value=value, headers=headers)


def record_to_envelope(record: ProtocolEncodedEnvelope) -> Envelope:
    """Decode a binary-mode Kafka record into an envelope (ENV-1, ENV-3, EVM-3).

    Args:
        record: Key, value and headers; other headers are ignored.

    Returns:
        The envelope, with UTC times.

    Raises:
        InvalidInputError: A required header is missing, ``ce_correlationid``
            is not a UUID, a time has no offset, or the value is not UTF-8
            JSON.
    """
    attributes = headers_to_attributes(record.headers)
    extensions = dict(attributes.extensions)
    if attributes.correlation_id is None:
        raise InvalidInputError(
            "not an envelope: ce_correlationid is missing or not a UUID (ENV-1)"
        )
    partition_key = extensions.pop("partitionkey", None)
    if partition_key is None and record.key is not None:
        try:
            partition_key = record.key.decode()
        except UnicodeDecodeError:
            partition_key = None
    reply_to = extensions.pop("replyto", None)
    deadline_text = extensions.pop("deadline", None)
    deadline = None
    if deadline_text is not None:
        try:
            deadline = datetime.fromisoformat(deadline_text)
        except ValueError:
            raise InvalidInputError(
                f"ce_deadline {deadline_text!r} is not RFC 3339"
            ) from None
        if deadline.tzinfo is None:
            raise InvalidInputError(f"ce_deadline {deadline_text!r} has no offset")
        deadline = deadline.astimezone(UTC)
    if record.value is None:
        raise InvalidInputError("not an envelope: the record has no value")
    try:
        payload = cast(
            "JsonValue",
            json.loads(record.value.decode(), parse_constant=_refuse_constant),
        )
    except (UnicodeDecodeError, ValueError):
        raise InvalidInputError("the record value is not UTF-8 JSON") from None
    return Envelope(
        event_id=attributes.event_id,
        source=attributes.source,
        event_type=attributes.event_type,
        occurred_at=attributes.occurred_at,
        correlation_id=attributes.correlation_id,
        payload=payload,
        causation_id=attributes.causation_id,
        partition_key=partition_key,
        reply_to=reply_to,
        deadline=deadline,
        content_type=attributes.content_type,
        trace_parent=attributes.trace_parent,
        trace_state=attributes.trace_state,
        subject=attributes.subject,
        data_schema=attributes.data_schema,
        spec_version=attributes.spec_version,
        extensions=extensions,
    )


class EnvelopeCodec:
    """``ProtocolOnexEnvelopeCodec``: the functions above as an object."""

    def encode(self, envelope: ProtocolOnexEnvelope) -> ProtocolEncodedEnvelope:
        """Encode one envelope (ENV-3); see [`envelope_to_record`][]."""
        return envelope_to_record(envelope)

    def decode(self, record: ProtocolEncodedEnvelope) -> ProtocolOnexEnvelope:
        """Decode one record (ENV-1, ENV-3); see [`record_to_envelope`][]."""
        return record_to_envelope(record)


def is_reserved_header(name: str) -> bool:
    """Tell whether only the bus may write a header of this name (EVT-4).

    Args:
        name: A header name.

    Returns:
        ``True`` for ``ce_*``, ``onex-*`` and ``content-type`` (any case).
    """
    lowered = name.lower()
    return lowered.startswith(RESERVED_HEADER_PREFIXES) or (
        lowered == CONTENT_TYPE_HEADER
    )


def check_application_headers(headers: object) -> Headers:
    """Validate a message's application headers (EVT-4, ERR-1).

    Args:
        headers: What the caller passed as headers.

    Returns:
        The headers as a tuple of ``(str, bytes)`` pairs.

    Raises:
        InvalidInputError: Not a sequence of ``(str, bytes)`` pairs, or a
            reserved name.
    """
    if isinstance(headers, str | bytes) or not isinstance(headers, Sequence):
        raise InvalidInputError(f"headers must be a sequence of pairs: {headers!r}")
    pairs: list[tuple[str, bytes]] = []
    for item in cast("Sequence[object]", headers):
        if not isinstance(item, tuple) or len(cast("tuple[object, ...]", item)) != 2:
            raise InvalidInputError(f"a header must be a (name, value) pair: {item!r}")
        name, value = cast("tuple[object, object]", item)
        if not isinstance(name, str) or not isinstance(value, bytes):
            raise InvalidInputError(f"a header is (str, bytes): {item!r}")
        if is_reserved_header(name):
            raise InvalidInputError(f"header name {name!r} is reserved (EVT-4)")
        pairs.append((name, value))
    return tuple(pairs)


def encode_record_headers(
    attributes: ProtocolCloudEventAttributes, headers: Headers
) -> Headers:
    """Return a record's wire headers: the attribute headers, then ``headers``.

    Args:
        attributes: The message's CloudEvents attributes.
        headers: Its application headers (already checked).

    Returns:
        The headers to store.

    Raises:
        InvalidInputError: The attributes cannot be encoded.
    """
    return (*attributes_to_headers(attributes), *headers)


def decode_record_headers(headers: Headers) -> tuple[BusMetadata | None, Headers]:
    """Split a stored record's headers into its attributes and the rest.

    Args:
        headers: Every header of the record, in order.

    Returns:
        ``(attributes, other headers)`` when the record has valid attribute
        headers; ``(None, headers)`` unchanged when it has not (a raw record).
    """
    try:
        attributes = headers_to_attributes(headers)
    except InvalidInputError:
        return None, tuple(headers)
    rest = tuple((n, v) for n, v in headers if not is_cloudevents_header(n))
    return attributes, rest


def raw_record_attributes(
    topic: str, partition: int, offset: int, timestamp: datetime
) -> BusMetadata:
    """Derive the attributes of a record that has none, as every bus does (EB-10).

    Args:
        topic: The record's topic.
        partition: Its partition.
        offset: Its offset.
        timestamp: Its timestamp (timezone-aware).

    Returns:
        ``event_id`` ``"{topic}/{partition}/{offset}"``, ``source``
        ``"/topics/{topic}"``, ``event_type`` ``RAW_RECORD_EVENT_TYPE``, the
        timestamp as ``occurred_at``, ``content_type``
        ``"application/octet-stream"`` and nothing else.
    """
    return BusMetadata(
        event_id=f"{topic}/{partition}/{offset}",
        event_type=RAW_RECORD_EVENT_TYPE,
        source=f"/topics/{topic}",
        occurred_at=timestamp.astimezone(UTC),
        content_type=RAW_CONTENT_TYPE,
    )
