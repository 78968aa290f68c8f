"""Conformance suite of ``ProtocolOnexRequester`` (REQ-1 to REQ-4, ERR-2, ERR-4, ERR-5).

The suite plays the serving side: the implementer wires the requester's
transport so that every request it sends reaches ``env.receive_request``, and
writes [`RequesterSuite.send_reply`][] to deliver a reply to the requester
the way its reply subscription would. The suite then answers in order, out of
order, late, twice, with errors, or not at all.
"""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import ClassVar, cast, override
from uuid import UUID, uuid4, uuid5

from omnibase.protocols.core import (
    ProtocolOnexEnvelope,
    ProtocolOnexReply,
    ProtocolOnexRequester,
)
from omnibase.protocols.errors import (
    DeadlineExceededError,
    InvalidInputError,
    OnexError,
    OutcomeUnknownError,
    UnavailableError,
)
from omnibase.protocols.types import JsonValue
from omnibase.spi_conformance.reference.request_reply import (
    ERROR_CODES,
    INTERNAL_ERROR,
    INVALID_REQUEST,
    PARSE_ERROR,
)
from omnibase.spi_conformance.suites._base import (
    SuiteEnvironment,
    check,
    check_equal,
    check_raises,
    fail,
    rule,
)
from omnibase.spi_conformance.suites._messages import (
    SuiteEnvelope,
    SuiteErrorDetail,
    SuiteReply,
)
from omnibase.spi_conformance.suites.lifecycle import Call, LifecycleChecks

__all__ = ["RequesterEnvironment", "RequesterSuite"]

KIT_NAMESPACE = UUID("2b7e1516-28ae-4d2a-8f15-88094f3c4f3c")
"""Namespace of the UUID texts the suite uses as request ids."""

_LONG = timedelta(days=-1)
"""Marks "the suite's long timeout" in ``ask`` (``None`` means the default)."""


@dataclass(slots=True)
class RequesterEnvironment(SuiteEnvironment):
    """The environment of the requester suite.

    Attributes:
        requests: What the requester sent, in order of arrival.
    """

    requests: asyncio.Queue[ProtocolOnexEnvelope] = field(
        default_factory=asyncio.Queue[ProtocolOnexEnvelope]
    )

    async def receive_request(self, request: ProtocolOnexEnvelope) -> None:
        """Take one request the requester sent; wire its transport to this.

        Args:
            request: The envelope as sent.
        """
        self.requests.put_nowait(request)


def answer(
    request: ProtocolOnexEnvelope,
    result: JsonValue = None,
    *,
    error: SuiteErrorDetail | None = None,
    in_reply_to: str | None = None,
) -> SuiteReply:
    """The reply the suite's serving side sends to ``request``.

    Args:
        request: The request as the requester sent it.
        result: The result of a success.
        error: The error of a failure.
        in_reply_to: Another request id to answer, for stray replies.

    Returns:
        A reply matched to the request (RPL-2).
    """
    return SuiteReply(
        reply_id=uuid4(),
        in_reply_to=request.event_id if in_reply_to is None else in_reply_to,
        correlation_id=request.correlation_id,
        created_at=datetime.now(UTC),
        result=None if error is not None else result,
        error=error,
    )


class RequesterSuite(LifecycleChecks[ProtocolOnexRequester, RequesterEnvironment]):
    """Checks a ``ProtocolOnexRequester``.

    Besides ``create_subject`` (wire the requester's sending side to
    ``env.receive_request`` and its clock to ``env.clock``), implement
    [`send_reply`][]. Override ``fault_backend_unreachable`` to let the
    suite check ERR-5.

    Attributes:
        short_timeout: The timeout of the tests in which no reply comes in
            time; raise it for a transport slower than that.
        long_timeout: The timeout of the tests in which the reply comes.
    """

    contract: ClassVar[type] = ProtocolOnexRequester
    short_timeout: ClassVar[timedelta] = timedelta(milliseconds=50)
    long_timeout: ClassVar[timedelta] = timedelta(seconds=10)

    @override
    def make_environment(self) -> RequesterEnvironment:
        """A fresh environment with an empty request queue."""
        return RequesterEnvironment()

    async def send_reply(
        self,
        subject: ProtocolOnexRequester,
        env: RequesterEnvironment,
        request: ProtocolOnexEnvelope,
        reply: ProtocolOnexReply,
    ) -> None:
        """Deliver ``reply`` to ``request.reply_to`` as a handler's host would.

        Args:
            subject: The requester under test.
            env: The test's environment.
            request: The request as the requester sent it.
            reply: The reply to deliver.
        """
        raise NotImplementedError(f"{type(self).__qualname__}.send_reply")

    @override
    def calls_after_close(
        self, subject: ProtocolOnexRequester, env: RequesterEnvironment
    ) -> Mapping[str, Call]:
        """``request`` after ``aclose`` (LC-3)."""
        return {"request": lambda: subject.request(self.envelope(env, "after-close"))}

    def now(self, env: RequesterEnvironment) -> datetime:
        """The requester's time: the manual clock when wired, else real time."""
        return env.clock() if self.clock_wired else datetime.now(UTC)

    def envelope(
        self,
        env: RequesterEnvironment,
        label: str,
        *,
        event_id: str | None = None,
        deadline: datetime | None = None,
    ) -> SuiteEnvelope:
        """A request the suite sends, without ``reply_to`` (REQ-1 sets it).

        Its id is ``event_id``, or else the UUID text derived from ``label``.
        """
        return SuiteEnvelope(
            event_id=str(uuid5(KIT_NAMESPACE, label)) if event_id is None else event_id,
            occurred_at=self.now(env),
            payload={"ask": label},
            reply_to=None,
            deadline=deadline,
        )

    async def next_request(
        self,
        rule_id: str,
        env: RequesterEnvironment,
        pending: "asyncio.Future[ProtocolOnexReply]",
    ) -> ProtocolOnexEnvelope:
        """Wait for the next request sent, while ``pending`` has not failed."""
        getter = asyncio.ensure_future(env.requests.get())
        either: list[asyncio.Future[object]] = [
            cast("asyncio.Future[object]", getter),
            cast("asyncio.Future[object]", pending),
        ]
        try:
            done, _ = await asyncio.wait(
                either,
                timeout=self.eventually_within.total_seconds(),
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            if not getter.done():
                getter.cancel()
        if getter in done:
            return getter.result()
        if pending in done:
            error = pending.exception()
            raise fail(
                rule_id,
                "the request to be sent",
                f"request ended first with {error!r}" if error else "it returned",
            )
        raise fail(rule_id, "the request to be sent", "nothing arrived")

    async def ask(
        self,
        rule_id: str,
        subject: ProtocolOnexRequester,
        env: RequesterEnvironment,
        envelope: ProtocolOnexEnvelope,
        *,
        timeout: timedelta | None = _LONG,
    ) -> tuple["asyncio.Future[ProtocolOnexReply]", ProtocolOnexEnvelope]:
        """Start ``request`` and return it with the envelope as sent."""
        wait = self.long_timeout if timeout == _LONG else timeout
        pending = asyncio.ensure_future(subject.request(envelope, timeout=wait))
        return pending, await self.next_request(rule_id, env, pending)

    @rule("REQ-1")
    async def test_REQ_1_returns_the_reply_to_its_request(
        self, subject: ProtocolOnexRequester, env: RequesterEnvironment
    ) -> None:
        """The envelope goes out as given but for ``reply_to``; its reply returns."""
        envelope = self.envelope(env, "one")
        pending, sent = await self.ask("REQ-1", subject, env, envelope)
        for name in ("event_id", "correlation_id", "event_type", "source"):
            check_equal(
                "REQ-1", f"{name} as sent", getattr(envelope, name), getattr(sent, name)
            )
        check_equal("REQ-1", "payload as sent", envelope.payload, sent.payload)
        reply_to: object = sent.reply_to
        check(
            isinstance(reply_to, str) and bool(reply_to),
            "REQ-1",
            "reply_to set",
            reply_to,
        )
        await self.send_reply(subject, env, sent, answer(sent, {"ok": 1}))
        reply = await pending
        check_equal("REQ-1", "in_reply_to", envelope.event_id, reply.in_reply_to)
        check_equal("REQ-1", "result", {"ok": 1}, reply.result)

    @rule("REQ-1")
    async def test_REQ_1_concurrent_requests_get_their_own_replies(
        self, subject: ProtocolOnexRequester, env: RequesterEnvironment
    ) -> None:
        """Replies arriving in reverse order still reach their own callers."""
        first, sent_first = await self.ask(
            "REQ-1", subject, env, self.envelope(env, "first")
        )
        second, sent_second = await self.ask(
            "REQ-1", subject, env, self.envelope(env, "second")
        )
        await self.send_reply(subject, env, sent_second, answer(sent_second, "two"))
        await self.send_reply(subject, env, sent_first, answer(sent_first, "one"))
        check_equal("REQ-1", "the first caller's result", "one", (await first).result)
        check_equal("REQ-1", "the second caller's result", "two", (await second).result)

    @rule("REQ-2", "ERR-5")
    async def test_REQ_2_no_reply_in_time_raises_deadline_exceeded(
        self, subject: ProtocolOnexRequester, env: RequesterEnvironment
    ) -> None:
        """A sent request that gets no reply: ``DeadlineExceededError``, no promise."""
        pending, _ = await self.ask(
            "REQ-2",
            subject,
            env,
            self.envelope(env, "silent"),
            timeout=self.short_timeout,
        )
        await check_raises(
            "REQ-2", DeadlineExceededError, pending, doing="request without reply"
        )

    @rule("REQ-2", "REQ-3")
    async def test_REQ_2_the_envelope_deadline_bounds_the_wait(
        self, subject: ProtocolOnexRequester, env: RequesterEnvironment
    ) -> None:
        """The deadline ends the wait before a longer ``timeout`` does."""
        deadline = self.now(env) + self.short_timeout
        envelope = self.envelope(env, "bounded", deadline=deadline)
        pending, sent = await self.ask(
            "REQ-2", subject, env, envelope, timeout=timedelta(seconds=30)
        )
        await asyncio.sleep(3 * self.short_timeout.total_seconds())
        await self.send_reply(subject, env, sent, answer(sent, "too late"))
        await check_raises(
            "REQ-2", DeadlineExceededError, pending, doing="request past its deadline"
        )

    @rule("REQ-2", "ENV-4")
    async def test_REQ_2_an_expired_envelope_is_not_sent(
        self, subject: ProtocolOnexRequester, env: RequesterEnvironment
    ) -> None:
        """A deadline already passed raises at once; nothing reaches the handler."""
        envelope = self.envelope(
            env, "expired", deadline=self.now(env) - timedelta(seconds=1)
        )
        await check_raises(
            "REQ-2",
            DeadlineExceededError,
            subject.request(envelope, timeout=self.short_timeout),
            doing="request of an expired envelope",
        )
        await asyncio.sleep(0)
        check_equal("REQ-2", "requests sent", 0, env.requests.qsize())

    @rule("REQ-3")
    async def test_REQ_3_a_late_reply_is_dropped(
        self, subject: ProtocolOnexRequester, env: RequesterEnvironment
    ) -> None:
        """A reply after the timeout reaches nobody; the next request is served."""
        pending, sent = await self.ask(
            "REQ-3",
            subject,
            env,
            self.envelope(env, "late"),
            timeout=self.short_timeout,
        )
        await check_raises(
            "REQ-3", DeadlineExceededError, pending, doing="request without reply"
        )
        await self.send_reply(subject, env, sent, answer(sent, "late result"))
        await self.send_reply(
            subject, env, sent, answer(sent, "x", in_reply_to="nobody")
        )
        following, sent_next = await self.ask(
            "REQ-3", subject, env, self.envelope(env, "next")
        )
        await self.send_reply(subject, env, sent_next, answer(sent_next, "next result"))
        check_equal("REQ-3", "the next result", "next result", (await following).result)

    @rule("REQ-3")
    async def test_REQ_3_a_second_reply_is_dropped(
        self, subject: ProtocolOnexRequester, env: RequesterEnvironment
    ) -> None:
        """Only the first reply counts; a duplicate raises nothing."""
        pending, sent = await self.ask(
            "REQ-3", subject, env, self.envelope(env, "twice")
        )
        await self.send_reply(subject, env, sent, answer(sent, "first"))
        check_equal("REQ-3", "the result", "first", (await pending).result)
        await self.send_reply(subject, env, sent, answer(sent, "second"))
        again, sent_again = await self.ask(
            "REQ-3", subject, env, self.envelope(env, "twice")
        )
        await self.send_reply(subject, env, sent_again, answer(sent_again, "third"))
        check_equal(
            "REQ-3", "the repeated request's result", "third", (await again).result
        )

    @rule("ERR-4", "REQ-4")
    async def test_ERR_4_error_replies_raise_their_class(
        self, subject: ProtocolOnexRequester, env: RequesterEnvironment
    ) -> None:
        """Each code of the table raises its class in the requester."""
        for index, (error_class, code) in enumerate(ERROR_CODES):
            pending, sent = await self.ask(
                "ERR-4", subject, env, self.envelope(env, f"e{index}")
            )
            detail = SuiteErrorDetail(
                code, "it failed", {"error_type": error_class.__name__}
            )
            await self.send_reply(subject, env, sent, answer(sent, error=detail))
            await check_raises(
                "ERR-4", error_class, pending, doing=f"a reply with error {code}"
            )

    @rule("REQ-4")
    async def test_REQ_4_other_codes_raise_invalid_input_or_outcome_unknown(
        self, subject: ProtocolOnexRequester, env: RequesterEnvironment
    ) -> None:
        """-32600, -32700: ``InvalidInputError``; others: ``OutcomeUnknownError``."""
        cases: list[tuple[int, type[OnexError]]] = [
            (INVALID_REQUEST, InvalidInputError),
            (PARSE_ERROR, InvalidInputError),
            (INTERNAL_ERROR, OutcomeUnknownError),
            (4711, OutcomeUnknownError),
        ]
        for index, (code, error_class) in enumerate(cases):
            pending, sent = await self.ask(
                "REQ-4", subject, env, self.envelope(env, f"o{index}")
            )
            detail = SuiteErrorDetail(code, "it failed", {"error_type": "RuntimeError"})
            await self.send_reply(subject, env, sent, answer(sent, error=detail))
            await check_raises(
                "REQ-4", error_class, pending, doing=f"a reply with error {code}"
            )

    @rule("ERR-2", "REQ-3")
    async def test_ERR_2_cancelling_a_request_propagates(
        self, subject: ProtocolOnexRequester, env: RequesterEnvironment
    ) -> None:
        """A cancelled caller gets ``CancelledError``; its reply is then dropped."""
        pending, sent = await self.ask(
            "ERR-2", subject, env, self.envelope(env, "cancelled")
        )
        pending.cancel()
        try:
            outcome: object = await pending
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise
        except Exception as error:
            raise fail(
                "ERR-2", "CancelledError", f"{type(error).__name__}: {error}"
            ) from error
        else:
            raise fail("ERR-2", "CancelledError", f"it returned {outcome!r}")
        await self.send_reply(subject, env, sent, answer(sent, "nobody waits"))
        following, sent_next = await self.ask(
            "ERR-2", subject, env, self.envelope(env, "after")
        )
        await self.send_reply(subject, env, sent_next, answer(sent_next, "served"))
        check_equal("ERR-2", "the next result", "served", (await following).result)

    @rule("ERR-5")
    async def test_ERR_5_an_unreachable_transport_sends_nothing(
        self, subject: ProtocolOnexRequester, env: RequesterEnvironment
    ) -> None:
        """``UnavailableError`` promises that the request did not go out."""
        self.require_hook("fault_backend_unreachable")
        await self.fault_backend_unreachable(subject, env)
        await check_raises(
            "ERR-5",
            UnavailableError,
            subject.request(self.envelope(env, "unsent"), timeout=self.short_timeout),
            doing="request while the transport is down",
        )
        await asyncio.sleep(0)
        check_equal("ERR-5", "requests delivered", 0, env.requests.qsize())

    @rule("T-3")
    async def test_T_3_no_timeout_means_the_default_wait(
        self, subject: ProtocolOnexRequester, env: RequesterEnvironment
    ) -> None:
        """``timeout=None`` waits (the default), it does not give up at once."""
        pending, sent = await self.ask(
            "T-3", subject, env, self.envelope(env, "default"), timeout=None
        )
        await asyncio.sleep(3 * self.short_timeout.total_seconds())
        await self.send_reply(subject, env, sent, answer(sent, "in time"))
        check_equal("T-3", "the result", "in time", (await pending).result)

    @rule("T-6")
    async def test_T_6_a_non_positive_timeout_is_refused(
        self, subject: ProtocolOnexRequester, env: RequesterEnvironment
    ) -> None:
        """Zero and negative timeouts raise ``InvalidInputError``; nothing is sent."""
        for timeout in (timedelta(0), timedelta(seconds=-1)):
            await check_raises(
                "T-6",
                InvalidInputError,
                subject.request(self.envelope(env, f"t{timeout}"), timeout=timeout),
                doing=f"request with timeout={timeout}",
            )
        await asyncio.sleep(0)
        check_equal("T-6", "requests sent", 0, env.requests.qsize())

    @rule("EVM-1", "REQ-1")
    async def test_EVM_1_a_foreign_event_id_is_matched(
        self, subject: ProtocolOnexRequester, env: RequesterEnvironment
    ) -> None:
        """A request id that is not a UUID is matched like any other."""
        pending, sent = await self.ask(
            "EVM-1",
            subject,
            env,
            self.envelope(env, "legacy", event_id="order-42@legacy-erp"),
        )
        await self.send_reply(subject, env, sent, answer(sent, "legacy"))
        check_equal("EVM-1", "the result", "legacy", (await pending).result)
