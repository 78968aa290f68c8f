"""The ONEX message envelope: CloudEvents 1.0 attributes around a JSON payload."""

from datetime import datetime
from typing import Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.types.core_types import JsonValue

__all__ = ["ProtocolOnexEnvelope"]


@runtime_checkable
class ProtocolOnexEnvelope(Protocol):
    """A message between ONEX nodes: request, command or event.

    The attributes map one to one onto CloudEvents 1.0 (``id``, ``source``,
    ``specversion``, ``type``, ``time``, ``subject``, ``datacontenttype``,
    ``dataschema``) and its extensions (``correlationid``, ``causationid``,
    ``partitionkey``, ``traceparent``, ``expirytime``).

    Rules:
        ENV-1: ``(source, envelope_id)`` identifies a message; a re-send keeps
            its ``envelope_id`` so receivers deduplicate on it.
        ENV-2: ``correlation_id`` is shared by every message of one
            conversation; ``causation_id`` is the ``envelope_id`` of the
            message that directly caused this one.
        ENV-3: On Kafka the envelope travels in binary mode: attributes as
            ``ce_*`` headers (UTF-8), the payload as the record value, and
            ``partition_key`` as the record key.
        ENV-4: A receiver does not process an envelope whose ``deadline`` has
            passed; a request answered that late gets an error reply.
    """

    @property
    def envelope_id(self) -> UUID:
        """Id of the message (CloudEvents ``id``; ENV-1)."""
        ...

    @property
    def source(self) -> str:
        """URI-reference of the sender (CloudEvents ``source``)."""
        ...

    @property
    def message_type(self) -> str:
        """Reverse-DNS message type (CloudEvents ``type``)."""
        ...

    @property
    def spec_version(self) -> str:
        """CloudEvents version of the attributes; ``"1.0"``."""
        ...

    @property
    def created_at(self) -> datetime:
        """When the message was created (CloudEvents ``time``)."""
        ...

    @property
    def subject(self) -> str | None:
        """What the message is about within the source, if narrower."""
        ...

    @property
    def content_type(self) -> str | None:
        """Media type of the payload; ``None`` means ``application/json``."""
        ...

    @property
    def data_schema(self) -> str | None:
        """URI of the schema the payload conforms to."""
        ...

    @property
    def correlation_id(self) -> UUID:
        """Id shared by every message of the conversation (ENV-2)."""
        ...

    @property
    def causation_id(self) -> UUID | None:
        """Id of the message that caused this one (ENV-2)."""
        ...

    @property
    def partition_key(self) -> str | None:
        """Key that keeps related messages in order (ENV-3)."""
        ...

    @property
    def trace_parent(self) -> str | None:
        """W3C ``traceparent`` of the sending span."""
        ...

    @property
    def reply_to(self) -> str | None:
        """Topic a request's reply is published to; ``None`` for events."""
        ...

    @property
    def deadline(self) -> datetime | None:
        """After this instant the message must not be processed (ENV-4)."""
        ...

    @property
    def payload(self) -> JsonValue:
        """The message body."""
        ...
