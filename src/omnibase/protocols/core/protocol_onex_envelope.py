"""The ONEX message envelope: CloudEvents 1.0 attributes around a JSON payload."""

from datetime import datetime
from typing import Protocol, override, runtime_checkable
from uuid import UUID

from omnibase.protocols.types.core_types import (
    JsonValue,
    ProtocolCloudEventAttributes,
)

__all__ = ["ProtocolOnexEnvelope"]


@runtime_checkable
class ProtocolOnexEnvelope(ProtocolCloudEventAttributes, Protocol):
    """A message between ONEX nodes: request, command or event.

    Its attributes are the CloudEvents 1.0 attributes every SPI message has
    (``ProtocolCloudEventAttributes``, with their wire names) plus the
    ``partitionkey`` extension and two ONEX extensions, ``replyto`` and
    ``deadline``.

    Rules:
        ENV-1: ``correlation_id`` is required on an envelope (T-7); a reply
            or follow-up message keeps the request's.
        ENV-2: ``causation_id`` is the ``event_id`` of the message that
            directly caused this one (EVM-2).
        ENV-3: On Kafka the envelope travels in CloudEvents binary mode: the
            attributes as the ``ce_*`` headers of the table in
            ``ProtocolCloudEventAttributes``, ``partition_key`` as the
            ``ce_partitionkey`` header and, UTF-8 encoded, as the record key,
            ``reply_to`` as ``ce_replyto``, ``deadline`` as ``ce_deadline``
            (RFC 3339), the payload as the record value.
        ENV-4: A receiver does not process an envelope whose ``deadline`` has
            passed; a request answered that late gets an error reply.
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
