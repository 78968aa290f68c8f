"""Broken envelope codecs: each breaks one rule of the envelope's wire mapping."""

import json
from dataclasses import replace
from datetime import timedelta, timezone
from typing import override
from uuid import UUID, uuid4

from omnibase.protocols.core import ProtocolEncodedEnvelope, ProtocolOnexEnvelope
from omnibase.protocols.errors import InvalidInputError
from omnibase.spi_conformance.reference.cloudevents import EnvelopeCodec
from omnibase.spi_conformance.reference.values import EncodedEnvelope, Envelope
from omnibase.spi_conformance.suites import SuiteEnvironment
from tests.conformance.harness import Variant
from tests.conformance.test_reference_envelope_codec import TestEnvelopeCodec


def _envelope(decoded: ProtocolOnexEnvelope) -> Envelope:
    assert isinstance(decoded, Envelope)
    return decoded


class SnakeCaseHeaders(EnvelopeCodec):
    """Writes ``ce_reply_to`` for ``replyto`` (ENV-3)."""

    @override
    def encode(self, envelope: ProtocolOnexEnvelope) -> ProtocolEncodedEnvelope:
        record = super().encode(envelope)
        headers = tuple(
            ("ce_reply_to" if name == "ce_replyto" else name, value)
            for name, value in record.headers
        )
        return EncodedEnvelope(record.key, record.value, headers)


class InventsACorrelationId(EnvelopeCodec):
    """Gives a record without ``ce_correlationid`` a fresh one (ENV-1)."""

    @override
    def decode(self, record: ProtocolEncodedEnvelope) -> ProtocolOnexEnvelope:
        names = {name for name, _ in record.headers}
        if "ce_correlationid" not in names:
            headers = (*record.headers, ("ce_correlationid", str(uuid4()).encode()))
            record = EncodedEnvelope(record.key, record.value, headers)
        return super().decode(record)


def _uuid_text(value: str) -> None:
    try:
        UUID(value)
    except ValueError:
        raise InvalidInputError(f"{value!r} is not a UUID") from None


class UuidIdsOnly(EnvelopeCodec):
    """Refuses CloudEvents ids that are not UUIDs (EVM-1)."""

    @override
    def encode(self, envelope: ProtocolOnexEnvelope) -> ProtocolEncodedEnvelope:
        _uuid_text(envelope.event_id)
        return super().encode(envelope)

    @override
    def decode(self, record: ProtocolEncodedEnvelope) -> ProtocolOnexEnvelope:
        envelope = super().decode(record)
        _uuid_text(envelope.event_id)
        return envelope


class DropsTextCausation(EnvelopeCodec):
    """Keeps ``causation_id`` only when it is a UUID (EVM-2)."""

    @override
    def encode(self, envelope: ProtocolOnexEnvelope) -> ProtocolEncodedEnvelope:
        causation = envelope.causation_id
        if causation is not None:
            try:
                UUID(causation)
            except ValueError:
                envelope = replace(_envelope_copy(envelope), causation_id=None)
        return super().encode(envelope)


def _envelope_copy(envelope: ProtocolOnexEnvelope) -> Envelope:
    if isinstance(envelope, Envelope):
        return envelope
    return Envelope(
        event_id=envelope.event_id,
        source=envelope.source,
        event_type=envelope.event_type,
        occurred_at=envelope.occurred_at,
        correlation_id=envelope.correlation_id,
        payload=envelope.payload,
        causation_id=envelope.causation_id,
        partition_key=envelope.partition_key,
        reply_to=envelope.reply_to,
        deadline=envelope.deadline,
        content_type=envelope.content_type,
        trace_parent=envelope.trace_parent,
        trace_state=envelope.trace_state,
        subject=envelope.subject,
        data_schema=envelope.data_schema,
        spec_version=envelope.spec_version,
        extensions=dict(envelope.extensions),
    )


class DropsUnknownExtensions(EnvelopeCodec):
    """Forgets the extensions it does not know on decode (EVM-3)."""

    @override
    def decode(self, record: ProtocolEncodedEnvelope) -> ProtocolOnexEnvelope:
        return replace(_envelope(super().decode(record)), extensions={})


class KeepsTheOffset(EnvelopeCodec):
    """Returns decoded times at UTC+2 instead of UTC (T-2)."""

    @override
    def decode(self, record: ProtocolEncodedEnvelope) -> ProtocolOnexEnvelope:
        envelope = _envelope(super().decode(record))
        plus_two = timezone(timedelta(hours=2))
        deadline = envelope.deadline
        return replace(
            envelope,
            occurred_at=envelope.occurred_at.astimezone(plus_two),
            deadline=None if deadline is None else deadline.astimezone(plus_two),
        )


class BareJsonErrors(EnvelopeCodec):
    """Lets ``json.JSONDecodeError`` out of a value that is not JSON (ERR-1)."""

    @override
    def decode(self, record: ProtocolEncodedEnvelope) -> ProtocolOnexEnvelope:
        if record.value is not None and record.value.startswith(b"{"):
            json.loads(record.value)
        return super().decode(record)


def _variant(name: str, breaks: tuple[str, ...], broken: type) -> Variant:
    def build(self: TestEnvelopeCodec, env: SuiteEnvironment) -> object:
        return broken()

    return Variant(name, breaks, TestEnvelopeCodec, {"build": build})


VARIANTS = [
    _variant("snake_case_headers", ("ENV-3",), SnakeCaseHeaders),
    _variant("invents_a_correlation_id", ("ENV-1",), InventsACorrelationId),
    _variant("uuid_ids_only", ("EVM-1",), UuidIdsOnly),
    _variant("drops_text_causation", ("EVM-2",), DropsTextCausation),
    _variant("drops_unknown_extensions", ("EVM-3",), DropsUnknownExtensions),
    _variant("keeps_the_offset", ("T-2",), KeepsTheOffset),
    _variant("bare_json_errors", ("ERR-1",), BareJsonErrors),
]
