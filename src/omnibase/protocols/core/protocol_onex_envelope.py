"""The ONEX message envelope: CloudEvents 1.0 attributes around a JSON payload.

An envelope travels on Kafka in CloudEvents binary content mode: its
attributes as ``ce_*`` record headers, its partition key as the record key,
its payload as the record value. The table of [`ProtocolOnexEnvelope`][] is
the one mapping (ENV-3); [`ProtocolOnexEnvelopeCodec`][] implements it, and
its conformance suite checks an implementation against the table.
"""

from datetime import datetime
from typing import Protocol, override, runtime_checkable
from uuid import UUID

from omnibase.protocols.types.core_types import (
    JsonValue,
    ProtocolCloudEventAttributes,
)
from omnibase.protocols.types.event_bus_types import Headers

__all__ = [
    "ProtocolEncodedEnvelope",
    "ProtocolOnexEnvelope",
    "ProtocolOnexEnvelopeCodec",
]


@runtime_checkable
class ProtocolOnexEnvelope(ProtocolCloudEventAttributes, Protocol):
    """A message between ONEX nodes: request, command or event.

    Its attributes are the CloudEvents 1.0 attributes every SPI message has
    (``ProtocolCloudEventAttributes``) plus the ``partitionkey`` extension and
    two ONEX extensions, ``replyto`` and ``deadline``. On a Kafka record
    (binary content mode):

    | attribute | CloudEvents | Kafka record |
    |---|---|---|
    | `event_id` | `id` | header `ce_id` |
    | `source` | `source` | header `ce_source` |
    | `event_type` | `type` | header `ce_type` |
    | `spec_version` | `specversion` | header `ce_specversion` (`"1.0"`) |
    | `occurred_at` | `time` | header `ce_time` (RFC 3339) |
    | `subject` | `subject` | header `ce_subject` |
    | `content_type` | `datacontenttype` | header `content-type` |
    | `data_schema` | `dataschema` | header `ce_dataschema` |
    | `correlation_id` | ext. `correlationid` | header `ce_correlationid` (a UUID) |
    | `causation_id` | ext. `causationid` | header `ce_causationid` |
    | `trace_parent` | ext. `traceparent` | header `ce_traceparent` |
    | `trace_state` | ext. `tracestate` | header `ce_tracestate` |
    | `partition_key` | ext. `partitionkey` | header `ce_partitionkey`, record key |
    | `reply_to` | ONEX ext. `replyto` | header `ce_replyto` |
    | `deadline` | ONEX ext. `deadline` | header `ce_deadline` (RFC 3339) |
    | `extensions` | any other ext. `name` | header `ce_<name>` |
    | `payload` | `data` | the record value: the payload as UTF-8 JSON |

    The record key is the partition key's UTF-8 bytes (``None`` without one).
    Header values are UTF-8 text; an attribute that is ``None`` has no
    header. Published through ``ProtocolEventBus`` instead, the envelope's
    CloudEvents attributes are the message's metadata with ``partitionkey``,
    ``replyto`` and ``deadline`` added to its extensions, so the bus writes
    exactly these headers.

    Clocks of different nodes are assumed synchronised (NTP); no skew
    tolerance is added to a deadline. A handler should pass the time left
    until the deadline as the ``timeout`` of the calls it makes while
    serving, so that work for a request nobody awaits stops soon.

    Rules:
        ENV-1: ``correlation_id`` is required on an envelope (T-7): a record
            whose ``ce_correlationid`` is missing or not a UUID is not an
            envelope. A reply or follow-up message keeps the request's.
        ENV-3: On Kafka the envelope is the record of the table above:
            decoding the record of an envelope gives back every attribute
            and the payload (times as the same instants, in UTC); a record
            key without a ``ce_partitionkey`` header is the partition key
            when it is UTF-8 text.
        ENV-4: A receiver judges ``deadline`` by its own clock. It does not
            process an envelope whose deadline has passed when it arrives (a
            request gets an error reply, RQH-2), and a sender does not send
            one (REQ-2). Work started in time runs to its end.
        ENV-5: An envelope with ``reply_to`` is a request: its reply goes to
            that address. Without ``reply_to`` it is a one-way command or an
            event: valid, served like a request, and its reply is sent
            nowhere.
    """

    @property
    @override
    def correlation_id(self) -> UUID:
        """Id shared by every message of the conversation (ENV-1, T-7)."""
        ...

    @property
    def partition_key(self) -> str | None:
        """Key that keeps related messages in order (ENV-3)."""
        ...

    @property
    def reply_to(self) -> str | None:
        """Where the reply goes (a topic); ``None`` for commands and events (ENV-5)."""
        ...

    @property
    def deadline(self) -> datetime | None:
        """After this instant the message must not be processed (ENV-4)."""
        ...

    @property
    def payload(self) -> JsonValue:
        """The message body."""
        ...


@runtime_checkable
class ProtocolEncodedEnvelope(Protocol):
    """An envelope as a Kafka record in binary content mode (ENV-3).

    ``EventMessage`` and ``ProtocolEventRecord`` have these members too, so a
    consumed record is decoded as it is.
    """

    @property
    def key(self) -> bytes | None:
        """The record key: the partition key's UTF-8 bytes, or ``None``."""
        ...

    @property
    def value(self) -> bytes | None:
        """The record value: the payload as UTF-8 JSON (never ``None`` when encoded)."""
        ...

    @property
    def headers(self) -> Headers:
        """The ``ce_*`` and ``content-type`` headers of the table, in any order."""
        ...


@runtime_checkable
class ProtocolOnexEnvelopeCodec(Protocol):
    """Turns envelopes into Kafka records and back, by the table of ENV-3.

    Pure computation: no I/O, so the methods are plain ``def``. Records that
    carry more headers than the table names are decoded; the others are
    ignored.
    """

    def encode(self, envelope: ProtocolOnexEnvelope) -> ProtocolEncodedEnvelope:
        """Encode one envelope (ENV-3).

        Args:
            envelope: Any envelope implementation.

        Returns:
            Its record: key, value and headers.

        Raises:
            InvalidInputError: The envelope breaks its contract: an empty
                ``event_id`` (EVM-1), a naive ``occurred_at`` or ``deadline``
                (T-2), an extension name that is not ``[a-z0-9]{1,20}`` or
                that names an attribute of the table (EVM-3), or a payload
                that is not JSON.
        """
        ...

    def decode(self, record: ProtocolEncodedEnvelope) -> ProtocolOnexEnvelope:
        """Decode one record into an envelope (ENV-1, ENV-3, EVM-3).

        Args:
            record: A record (or a consumed ``ProtocolEventRecord``).

        Returns:
            The envelope, with UTC times and every unknown ``ce_*`` header
            kept in ``extensions``.

        Raises:
            InvalidInputError: Not an envelope: a required header missing
                (``ce_id``, ``ce_source``, ``ce_type``, ``ce_specversion``,
                ``ce_time``, ``ce_correlationid``), a header that is not
                UTF-8, a time without an offset, or a value that is absent
                or not UTF-8 JSON.
        """
        ...
