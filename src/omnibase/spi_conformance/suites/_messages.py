"""Envelopes, replies and records the request/reply and codec suites build.

Plain frozen dataclasses that satisfy the SPI's data contracts, so the suites
never depend on the implementation's own value types.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final
from uuid import UUID

from omnibase.protocols.types import Headers, JsonObject, JsonValue

__all__ = [
    "CORRELATION",
    "SuiteEnvelope",
    "SuiteErrorDetail",
    "SuiteRecord",
    "SuiteReply",
]

CORRELATION: Final = UUID("7d0e3a52-1b7c-4f3e-9a51-6c2d8b9e4f10")
"""The correlation id of the suites' conversations."""


@dataclass(frozen=True, slots=True)
class SuiteEnvelope:
    """A ``ProtocolOnexEnvelope`` built by the kit."""

    event_id: str
    occurred_at: datetime
    payload: JsonValue = None
    source: str = "/conformance/kit"
    event_type: str = "onex.conformance.request"
    correlation_id: UUID = CORRELATION
    causation_id: str | None = None
    partition_key: str | None = None
    reply_to: str | None = "conformance.replies"
    deadline: datetime | None = None
    content_type: str | None = None
    trace_parent: str | None = None
    trace_state: str | None = None
    subject: str | None = None
    data_schema: str | None = None
    spec_version: str = "1.0"
    extensions: Mapping[str, str] = field(default_factory=dict[str, str])


@dataclass(frozen=True, slots=True)
class SuiteErrorDetail:
    """A ``ProtocolOnexErrorDetail`` built by the kit."""

    code: int
    message: str
    data: JsonObject = field(default_factory=dict[str, JsonValue])


@dataclass(frozen=True, slots=True)
class SuiteReply:
    """A ``ProtocolOnexReply`` built by the kit."""

    reply_id: UUID
    in_reply_to: str
    correlation_id: UUID
    created_at: datetime
    result: JsonValue = None
    error: SuiteErrorDetail | None = None


@dataclass(frozen=True, slots=True)
class SuiteRecord:
    """A ``ProtocolEncodedEnvelope`` built by the kit (a record on the wire)."""

    key: bytes | None
    value: bytes | None
    headers: Headers
