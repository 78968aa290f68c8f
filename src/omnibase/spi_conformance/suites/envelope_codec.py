"""Conformance suite of ``ProtocolOnexEnvelopeCodec`` (ENV-1, ENV-3, EVM-1 to EVM-3).

The codec is the wire mapping of envelopes on Kafka (the table of
``ProtocolOnexEnvelope``); the suite encodes envelopes it builds and decodes
records it builds by that table, so two codecs that pass it read each other's
records.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from typing import ClassVar, Final, cast

from omnibase.protocols.core import (
    ProtocolEncodedEnvelope,
    ProtocolOnexEnvelope,
    ProtocolOnexEnvelopeCodec,
)
from omnibase.protocols.errors import InvalidInputError
from omnibase.protocols.types import JsonValue
from omnibase.spi_conformance.suites._base import (
    ConformanceSuite,
    SuiteEnvironment,
    check,
    check_equal,
    check_raises,
    fail,
    rule,
)
from omnibase.spi_conformance.suites._messages import (
    CORRELATION,
    SuiteEnvelope,
    SuiteRecord,
)

__all__ = ["EnvelopeCodecSuite"]

T0: Final = datetime(2026, 3, 1, 12, 30, 15, 250000, tzinfo=UTC)
PLUS_TWO: Final = timezone(timedelta(hours=2))
FULL: Final = SuiteEnvelope(
    event_id="3f2b6c1e-8d4a-4e7b-9c0f-2a1d5e6b7c8d",
    occurred_at=T0,
    payload={"order": 42, "items": ["a", "b"], "paid": True, "note": None},
    causation_id="9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    partition_key="order_flow:42",
    reply_to="conformance.replies",
    deadline=T0 + timedelta(hours=1),
    content_type="application/json",
    trace_parent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    trace_state="vendor=opaque",
    subject="order/42",
    data_schema="https://schemas.example/order.json",
)
"""An envelope with every attribute set."""

FULL_HEADERS: Final[Mapping[str, str]] = {
    "ce_id": FULL.event_id,
    "ce_source": FULL.source,
    "ce_type": FULL.event_type,
    "ce_specversion": "1.0",
    "ce_subject": "order/42",
    "content-type": "application/json",
    "ce_dataschema": "https://schemas.example/order.json",
    "ce_correlationid": str(CORRELATION),
    "ce_causationid": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    "ce_traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    "ce_tracestate": "vendor=opaque",
    "ce_partitionkey": "order_flow:42",
    "ce_replyto": "conformance.replies",
}
"""The table of ENV-3 applied to ``FULL`` (times apart: any RFC 3339 spelling)."""

TIMES: Final = {"ce_time": T0, "ce_deadline": T0 + timedelta(hours=1)}
REQUIRED_HEADERS: Final = frozenset(
    {"ce_id", "ce_source", "ce_type", "ce_specversion", "ce_time", "ce_correlationid"}
)
ATTRIBUTES: Final = (
    "event_id",
    "source",
    "event_type",
    "spec_version",
    "occurred_at",
    "subject",
    "content_type",
    "data_schema",
    "correlation_id",
    "causation_id",
    "trace_parent",
    "trace_state",
    "partition_key",
    "reply_to",
    "deadline",
)


def _json(value: object) -> str:
    """Canonical JSON text, so tuples and lists compare equal."""
    return json.dumps(value, sort_keys=True)


def header_map(rule_id: str, record: ProtocolEncodedEnvelope) -> dict[str, str]:
    """Return a record's headers as text, each name once (ENV-3).

    Args:
        rule_id: The rule checked.
        record: What ``encode`` returned.

    Returns:
        Header name -> UTF-8 text.

    Raises:
        ConformanceError: A name repeats or a value is not UTF-8.
    """
    found: dict[str, str] = {}
    for name, value in record.headers:
        check(name not in found, rule_id, f"the header {name} once", record.headers)
        try:
            found[name] = bytes(value).decode()
        except UnicodeDecodeError:
            raise fail(rule_id, f"UTF-8 text in {name}", value) from None
    return found


def parse_time(rule_id: str, name: str, text: str) -> datetime:
    """Read an RFC 3339 header value with its offset.

    Args:
        rule_id: The rule checked.
        name: The header.
        text: Its value.

    Returns:
        The instant.

    Raises:
        ConformanceError: It is not RFC 3339 with an offset.
    """
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise fail(rule_id, f"RFC 3339 in {name}", text) from None
    check(moment.tzinfo is not None, rule_id, f"an offset in {name}", text)
    return moment


def table_record(
    *, without: tuple[str, ...] = (), key: bytes | None = b"order_flow:42", **extra: str
) -> SuiteRecord:
    """Build ``FULL``'s record by the table, times written at +02:00.

    Args:
        without: Header names to leave out.
        key: The record key.
        **extra: Headers to add or replace (underscores kept as is).

    Returns:
        The record.
    """
    texts = dict(FULL_HEADERS)
    texts.update(
        {
            name: moment.astimezone(PLUS_TWO).isoformat()
            for name, moment in TIMES.items()
        }
    )
    texts.update(extra)
    headers = tuple(
        (name, value.encode()) for name, value in texts.items() if name not in without
    )
    return SuiteRecord(
        key=key, value=json.dumps(FULL.payload).encode(), headers=headers
    )


async def raises_sync(
    rule_id: str,
    error_type: type[BaseException],
    call: Callable[[], object],
    *,
    doing: str,
) -> None:
    """``check_raises`` for a plain ``def`` call.

    Args:
        rule_id: The rule checked.
        error_type: The exception class the rule requires.
        call: The call, not yet made.
        doing: What the call does, for the message.
    """

    async def run() -> object:
        return call()

    await check_raises(rule_id, error_type, run(), doing=doing)


class EnvelopeCodecSuite(ConformanceSuite[ProtocolOnexEnvelopeCodec, SuiteEnvironment]):
    """Checks a ``ProtocolOnexEnvelopeCodec``; write only ``create_subject``."""

    contract: ClassVar[type] = ProtocolOnexEnvelopeCodec

    def decoded(
        self, rule_id: str, codec: ProtocolOnexEnvelopeCodec, record: SuiteRecord
    ) -> ProtocolOnexEnvelope:
        """Decode ``record`` and require an envelope."""
        envelope = cast("object", codec.decode(record))
        if not isinstance(envelope, ProtocolOnexEnvelope):
            raise fail(rule_id, "decode to return a ProtocolOnexEnvelope", envelope)
        return envelope

    def check_attributes(
        self,
        rule_id: str,
        expected: ProtocolOnexEnvelope,
        actual: ProtocolOnexEnvelope,
    ) -> None:
        """Require every attribute, the extensions and the payload equal."""
        for name in ATTRIBUTES:
            check_equal(rule_id, name, getattr(expected, name), getattr(actual, name))
        check_equal(
            rule_id, "extensions", dict(expected.extensions), dict(actual.extensions)
        )
        payload: JsonValue = actual.payload
        check_equal(rule_id, "the payload", _json(expected.payload), _json(payload))

    @rule("ENV-3")
    async def test_ENV_3_headers_key_and_value_follow_the_table(
        self, subject: ProtocolOnexEnvelopeCodec, env: SuiteEnvironment
    ) -> None:
        """Every attribute travels in the header the table names."""
        record = subject.encode(FULL)
        headers = header_map("ENV-3", record)
        times = {name: headers.pop(name, "") for name in TIMES}
        check_equal("ENV-3", "the headers", dict(FULL_HEADERS), headers)
        for name, moment in TIMES.items():
            check_equal("ENV-3", name, moment, parse_time("ENV-3", name, times[name]))
        check_equal("ENV-3", "the record key", b"order_flow:42", record.key)
        value = record.value
        if value is None:
            raise fail("ENV-3", "the payload as the record value", "value None")
        try:
            payload: object = json.loads(value.decode())
        except (UnicodeDecodeError, ValueError):
            raise fail("ENV-3", "a UTF-8 JSON value", value) from None
        check_equal("ENV-3", "the decoded value", _json(FULL.payload), _json(payload))

    @rule("ENV-3")
    async def test_ENV_3_a_record_written_by_the_table_decodes(
        self, subject: ProtocolOnexEnvelopeCodec, env: SuiteEnvironment
    ) -> None:
        """A record another producer wrote by the table reads back as ``FULL``."""
        envelope = self.decoded("ENV-3", subject, table_record())
        self.check_attributes("ENV-3", FULL, envelope)

    @rule("ENV-3")
    async def test_ENV_3_decode_of_encode_keeps_every_attribute(
        self, subject: ProtocolOnexEnvelopeCodec, env: SuiteEnvironment
    ) -> None:
        """An envelope survives the wire unchanged."""
        record = subject.encode(FULL)
        copy = SuiteRecord(record.key, record.value, tuple(record.headers))
        self.check_attributes("ENV-3", FULL, self.decoded("ENV-3", subject, copy))

    @rule("ENV-3")
    async def test_ENV_3_absent_attributes_have_no_header(
        self, subject: ProtocolOnexEnvelopeCodec, env: SuiteEnvironment
    ) -> None:
        """Only the required attributes of a minimal envelope are written."""
        minimal = SuiteEnvelope(
            event_id="0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
            occurred_at=T0,
            reply_to=None,
        )
        record = subject.encode(minimal)
        headers = header_map("ENV-3", record)
        check_equal("ENV-3", "the header names", set(REQUIRED_HEADERS), set(headers))
        check_equal("ENV-3", "the record key", None, record.key)
        check_equal("ENV-3", "the record value", b"null", record.value)
        copy = SuiteRecord(record.key, record.value, tuple(record.headers))
        self.check_attributes("ENV-3", minimal, self.decoded("ENV-3", subject, copy))

    @rule("ENV-3")
    async def test_ENV_3_a_text_record_key_is_the_partition_key(
        self, subject: ProtocolOnexEnvelopeCodec, env: SuiteEnvironment
    ) -> None:
        """Without ``ce_partitionkey``, a UTF-8 record key is the partition key."""
        record = table_record(without=("ce_partitionkey",), key=b"stream-7")
        envelope = self.decoded("ENV-3", subject, record)
        check_equal("ENV-3", "partition_key", "stream-7", envelope.partition_key)

    @rule("ENV-1")
    async def test_ENV_1_a_record_without_correlation_id_is_not_an_envelope(
        self, subject: ProtocolOnexEnvelopeCodec, env: SuiteEnvironment
    ) -> None:
        """``ce_correlationid`` is required and is a UUID."""
        await raises_sync(
            "ENV-1",
            InvalidInputError,
            lambda: subject.decode(table_record(without=("ce_correlationid",))),
            doing="decode of a record without ce_correlationid",
        )
        await raises_sync(
            "ENV-1",
            InvalidInputError,
            lambda: subject.decode(table_record(ce_correlationid="conversation-9")),
            doing="decode of a record whose ce_correlationid is not a UUID",
        )

    @rule("EVM-1")
    async def test_EVM_1_foreign_event_ids_are_kept(
        self, subject: ProtocolOnexEnvelopeCodec, env: SuiteEnvironment
    ) -> None:
        """A CloudEvents id that is not a UUID travels unchanged; empty ones do not."""
        foreign = replace(FULL, event_id="order-42@legacy-erp")
        record = subject.encode(foreign)
        check_equal(
            "EVM-1",
            "ce_id",
            "order-42@legacy-erp",
            header_map("EVM-1", record)["ce_id"],
        )
        envelope = self.decoded(
            "EVM-1", subject, table_record(ce_id="order-42@legacy-erp")
        )
        check_equal("EVM-1", "event_id", "order-42@legacy-erp", envelope.event_id)
        await raises_sync(
            "EVM-1",
            InvalidInputError,
            lambda: subject.encode(replace(FULL, event_id="")),
            doing="encode of an envelope with an empty event_id",
        )

    @rule("EVM-2")
    async def test_EVM_2_causation_id_is_kept(
        self, subject: ProtocolOnexEnvelopeCodec, env: SuiteEnvironment
    ) -> None:
        """``causation_id`` (any string) travels as ``ce_causationid``."""
        caused = replace(FULL, causation_id="cause:legacy/17")
        record = subject.encode(caused)
        check_equal(
            "EVM-2",
            "ce_causationid",
            "cause:legacy/17",
            header_map("EVM-2", record).get("ce_causationid"),
        )
        copy = SuiteRecord(record.key, record.value, tuple(record.headers))
        envelope = self.decoded("EVM-2", subject, copy)
        check_equal("EVM-2", "causation_id", "cause:legacy/17", envelope.causation_id)

    @rule("EVM-3")
    async def test_EVM_3_unknown_extensions_are_kept(
        self, subject: ProtocolOnexEnvelopeCodec, env: SuiteEnvironment
    ) -> None:
        """Extensions the SPI does not name survive a decode and an encode."""
        record = table_record(ce_region="eu1", ce_priority="7")
        envelope = self.decoded("EVM-3", subject, record)
        expected = {"region": "eu1", "priority": "7"}
        check_equal("EVM-3", "extensions", expected, dict(envelope.extensions))
        forwarded = header_map("EVM-3", subject.encode(envelope))
        for name, value in expected.items():
            check_equal("EVM-3", f"ce_{name}", value, forwarded.get(f"ce_{name}"))

    @rule("EVM-3")
    async def test_EVM_3_bad_extension_names_are_refused(
        self, subject: ProtocolOnexEnvelopeCodec, env: SuiteEnvironment
    ) -> None:
        """Extension names are ``[a-z0-9]{1,20}``."""
        for name in ("Tenant", "tenant-id", "a" * 21):
            await raises_sync(
                "EVM-3",
                InvalidInputError,
                partial(subject.encode, replace(FULL, extensions={name: "x"})),
                doing=f"encode of the extension name {name!r}",
            )

    @rule("T-2")
    async def test_T_2_decoded_times_are_utc(
        self, subject: ProtocolOnexEnvelopeCodec, env: SuiteEnvironment
    ) -> None:
        """Times written at another offset decode as the same instants, in UTC."""
        envelope = self.decoded("T-2", subject, table_record())
        for name, moment in (
            ("occurred_at", envelope.occurred_at),
            ("deadline", envelope.deadline),
        ):
            if moment is None:
                raise fail("T-2", f"{name} decoded", "None")
            check_equal("T-2", f"{name}'s offset", timedelta(0), moment.utcoffset())

    @rule("T-2")
    async def test_T_2_naive_times_are_refused(
        self, subject: ProtocolOnexEnvelopeCodec, env: SuiteEnvironment
    ) -> None:
        """A naive time is refused on both sides."""
        naive = T0.replace(tzinfo=None)
        await raises_sync(
            "T-2",
            InvalidInputError,
            lambda: subject.encode(replace(FULL, deadline=naive)),
            doing="encode of a naive deadline",
        )
        await raises_sync(
            "T-2",
            InvalidInputError,
            lambda: subject.decode(table_record(ce_time=naive.isoformat())),
            doing="decode of a ce_time without offset",
        )

    @rule("ERR-1")
    async def test_ERR_1_malformed_records_are_invalid_input(
        self, subject: ProtocolOnexEnvelopeCodec, env: SuiteEnvironment
    ) -> None:
        """Broken values and headers raise ``InvalidInputError``, not builtins."""
        good = table_record()
        broken = {
            "a value that is not UTF-8": replace(good, value=b"\xff\xfe"),
            "a value that is not JSON": replace(good, value=b"{not json"),
            "no value": replace(good, value=None),
            "a header that is not UTF-8": replace(
                good, headers=(*good.headers, ("ce_region", b"\xff"))
            ),
            "no ce_id": table_record(without=("ce_id",)),
        }
        for what, record in broken.items():
            await raises_sync(
                "ERR-1",
                InvalidInputError,
                partial(subject.decode, record),
                doing=f"decode of a record with {what}",
            )
