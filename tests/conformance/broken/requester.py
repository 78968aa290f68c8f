"""Broken requesters: each breaks one rule of ProtocolOnexRequester."""

import asyncio
from dataclasses import replace
from datetime import timedelta
from typing import override
from uuid import UUID

from omnibase.protocols.core import ProtocolOnexEnvelope, ProtocolOnexReply
from omnibase.protocols.errors import (
    DeadlineExceededError,
    InvalidInputError,
    NotFoundError,
    OnexError,
    UnavailableError,
)
from omnibase.spi_conformance.reference.request_reply import (
    InMemoryRequester,
    with_reply_to,
)
from omnibase.spi_conformance.suites import RequesterEnvironment
from tests.conformance.harness import Variant
from tests.conformance.test_reference_requester import TestInMemoryRequester

# pyright: reportPrivateUsage=false
# The variants reach into the reference's private state.


class AnswersTheOldest(InMemoryRequester):
    """Gives each reply to the request waiting longest, whatever it answers (REQ-1)."""

    @override
    async def receive_reply(self, reply: ProtocolOnexReply) -> None:
        for future in self._waiting.values():
            if not future.done():
                if reply.in_reply_to in self._waiting:
                    future.set_result(reply)
                return


class KeepsTheCallersReplyTo(InMemoryRequester):
    """Sends the envelope as given, without its own reply address (REQ-1)."""

    @override
    async def request(
        self, envelope: ProtocolOnexEnvelope, *, timeout: timedelta | None = None
    ) -> ProtocolOnexReply:
        send = self._send

        async def as_given(sent: ProtocolOnexEnvelope) -> None:
            await send(with_reply_to(sent, envelope.reply_to or ""))

        self._send = as_given
        try:
            return await super().request(envelope, timeout=timeout)
        finally:
            self._send = send


class IgnoresTheDeadline(InMemoryRequester):
    """Waits for ``timeout`` whatever the envelope's deadline says (REQ-2)."""

    @override
    async def request(
        self, envelope: ProtocolOnexEnvelope, *, timeout: timedelta | None = None
    ) -> ProtocolOnexReply:
        undated = replace(
            with_reply_to(envelope, envelope.reply_to or ""), deadline=None
        )
        return await super().request(undated, timeout=timeout)


class LateRepliesRaise(InMemoryRequester):
    """Refuses a reply nobody waits for (REQ-3)."""

    @override
    async def receive_reply(self, reply: ProtocolOnexReply) -> None:
        future = self._waiting.get(reply.in_reply_to)
        if future is None or future.done():
            raise InvalidInputError(f"no request {reply.in_reply_to!r} is waiting")
        await super().receive_reply(reply)


class UnknownCodesAreBare(InMemoryRequester):
    """Raises the base ``OnexError`` for codes outside the table (REQ-4)."""

    @override
    async def request(
        self, envelope: ProtocolOnexEnvelope, *, timeout: timedelta | None = None
    ) -> ProtocolOnexReply:
        try:
            return await super().request(envelope, timeout=timeout)
        except OnexError as error:
            if type(error).__name__ == "OutcomeUnknownError" and str(error).startswith(
                "error "
            ):
                raise OnexError(str(error)) from None
            raise


class SwapsNotFoundAndUnavailable(InMemoryRequester):
    """Reads -32001 as ``UnavailableError`` and -32005 as ``NotFoundError`` (ERR-4)."""

    @override
    async def request(
        self, envelope: ProtocolOnexEnvelope, *, timeout: timedelta | None = None
    ) -> ProtocolOnexReply:
        try:
            return await super().request(envelope, timeout=timeout)
        except NotFoundError as error:
            raise UnavailableError(str(error)) from None
        except UnavailableError as error:
            if self.closed or self._outage:
                raise
            raise NotFoundError(str(error)) from None


class CancellationBecomesATimeout(InMemoryRequester):
    """Reports its cancellation as ``DeadlineExceededError`` (ERR-2)."""

    @override
    async def request(
        self, envelope: ProtocolOnexEnvelope, *, timeout: timedelta | None = None
    ) -> ProtocolOnexReply:
        try:
            return await super().request(envelope, timeout=timeout)
        except asyncio.CancelledError:
            raise DeadlineExceededError("gave up") from None


class SendsDuringAnOutage(InMemoryRequester):
    """Sends the request, then says the transport is down (ERR-5)."""

    @override
    async def request(
        self, envelope: ProtocolOnexEnvelope, *, timeout: timedelta | None = None
    ) -> ProtocolOnexReply:
        if self._outage and not self.closed:
            await self._send(with_reply_to(envelope, self._reply_to))
        return await super().request(envelope, timeout=timeout)


class NoneMeansNoWait(InMemoryRequester):
    """Reads ``timeout=None`` as "do not wait" (T-3)."""

    @override
    async def request(
        self, envelope: ProtocolOnexEnvelope, *, timeout: timedelta | None = None
    ) -> ProtocolOnexReply:
        wait = timedelta(microseconds=1) if timeout is None else timeout
        return await super().request(envelope, timeout=wait)


class ZeroMeansNoWait(InMemoryRequester):
    """Sends with a zero timeout and gives up at once (T-6)."""

    @override
    async def request(
        self, envelope: ProtocolOnexEnvelope, *, timeout: timedelta | None = None
    ) -> ProtocolOnexReply:
        if timeout is not None and timeout <= timedelta(0):
            timeout = timedelta(microseconds=1)
        return await super().request(envelope, timeout=timeout)


class UuidIdsOnly(InMemoryRequester):
    """Refuses request ids that are not UUIDs (EVM-1)."""

    @override
    async def request(
        self, envelope: ProtocolOnexEnvelope, *, timeout: timedelta | None = None
    ) -> ProtocolOnexReply:
        try:
            UUID(envelope.event_id)
        except ValueError:
            raise InvalidInputError(f"{envelope.event_id!r} is not a UUID") from None
        return await super().request(envelope, timeout=timeout)


def _variant(name: str, breaks: tuple[str, ...], broken: type) -> Variant:
    def build(self: TestInMemoryRequester, env: RequesterEnvironment) -> object:
        return broken(
            env.receive_request, reply_to="conformance.replies", clock=env.clock
        )

    return Variant(name, breaks, TestInMemoryRequester, {"build": build})


VARIANTS = [
    _variant("answers_the_oldest", ("REQ-1",), AnswersTheOldest),
    _variant("keeps_the_callers_reply_to", ("REQ-1",), KeepsTheCallersReplyTo),
    _variant("ignores_the_deadline", ("REQ-2",), IgnoresTheDeadline),
    _variant("late_replies_raise", ("REQ-3",), LateRepliesRaise),
    _variant("unknown_codes_are_bare", ("REQ-4",), UnknownCodesAreBare),
    _variant(
        "swaps_not_found_and_unavailable", ("ERR-4",), SwapsNotFoundAndUnavailable
    ),
    _variant("cancellation_becomes_a_timeout", ("ERR-2",), CancellationBecomesATimeout),
    _variant("sends_during_an_outage", ("ERR-5",), SendsDuringAnOutage),
    _variant("none_means_no_wait", ("T-3",), NoneMeansNoWait),
    _variant("zero_means_no_wait", ("T-6",), ZeroMeansNoWait),
    _variant("uuid_ids_only", ("EVM-1",), UuidIdsOnly),
]
