"""Broken request handlers: each breaks one rule of ProtocolOnexRequestHandler."""

import asyncio
from dataclasses import replace
from datetime import timedelta, timezone
from typing import cast, override
from uuid import UUID, uuid4

from omnibase.protocols.core import ProtocolOnexEnvelope, ProtocolOnexReply
from omnibase.protocols.types import JsonValue
from omnibase.spi_conformance.reference.request_reply import (
    INTERNAL_ERROR,
    INVALID_REQUEST,
    OperationRequestHandler,
    error_detail,
)
from omnibase.spi_conformance.reference.values import ErrorDetail, Reply
from omnibase.spi_conformance.suites import HandlerEnvironment
from omnibase.spi_conformance.suites._messages import SuiteEnvelope
from tests.conformance.harness import Variant
from tests.conformance.test_reference_request_handler import (
    TestOperationRequestHandler,
)

# pyright: reportPrivateUsage=false
# The variants call the reference's private ``_reply`` and ``_operation``.


def _reply(reply: ProtocolOnexReply) -> Reply:
    assert isinstance(reply, Reply)
    return reply


class RaisesUnknownFailures(OperationRequestHandler):
    """Answers SPI errors but raises any other failure (RQH-1)."""

    @override
    async def __call__(self, request: ProtocolOnexEnvelope, /) -> ProtocolOnexReply:
        reply = await super().__call__(request)
        if reply.error is not None and reply.error.code == INTERNAL_ERROR:
            raise RuntimeError(reply.error.message)
        return reply


class ErrorKeepsAResult(OperationRequestHandler):
    """An error reply also carries the request's payload as result (RPL-1)."""

    @override
    async def __call__(self, request: ProtocolOnexEnvelope, /) -> ProtocolOnexReply:
        reply = _reply(await super().__call__(request))
        if reply.error is not None:
            return replace(reply, result=request.payload)
        return reply


class OneCodeForEverything(OperationRequestHandler):
    """Answers every failure of the operation with -32603 (ERR-4)."""

    @override
    async def __call__(self, request: ProtocolOnexEnvelope, /) -> ProtocolOnexReply:
        operation = self._operation
        failed = False

        async def tracked(envelope: ProtocolOnexEnvelope) -> JsonValue:
            nonlocal failed
            try:
                return await operation(envelope)
            except Exception:
                failed = True
                raise

        self._operation = tracked
        try:
            reply = _reply(await super().__call__(request))
        finally:
            self._operation = operation
        if failed and reply.error is not None:
            detail = reply.error
            return replace(
                reply, error=ErrorDetail(INTERNAL_ERROR, detail.message, detail.data)
            )
        return reply


class ServesEmptyIds(OperationRequestHandler):
    """Serves a request whose ``event_id`` is empty (RPE-1)."""

    @override
    async def __call__(self, request: ProtocolOnexEnvelope, /) -> ProtocolOnexReply:
        if request.event_id == "":
            try:
                result = await self._operation(request)
            except Exception as error:
                return self._reply(request, error=error_detail(error))
            return self._reply(request, result=result)
        return await super().__call__(request)


class AnswersWithItsOwnId(OperationRequestHandler):
    """``in_reply_to`` is the reply's own id (RPL-2)."""

    @override
    async def __call__(self, request: ProtocolOnexEnvelope, /) -> ProtocolOnexReply:
        reply = _reply(await super().__call__(request))
        return replace(reply, in_reply_to=str(reply.reply_id))


class FreshCorrelation(OperationRequestHandler):
    """Starts a new conversation for each reply (T-7)."""

    @override
    async def __call__(self, request: ProtocolOnexEnvelope, /) -> ProtocolOnexReply:
        return replace(_reply(await super().__call__(request)), correlation_id=uuid4())


class UuidIdsOnly(OperationRequestHandler):
    """Refuses requests whose id is not a UUID (EVM-1)."""

    @override
    async def __call__(self, request: ProtocolOnexEnvelope, /) -> ProtocolOnexReply:
        try:
            UUID(request.event_id)
        except ValueError:
            detail = ErrorDetail(
                INVALID_REQUEST, "not a UUID", {"error_type": "InvalidInputError"}
            )
            return self._reply(request, error=detail)
        return await super().__call__(request)


class TextReplyIds(OperationRequestHandler):
    """Reply ids are text (T-1)."""

    @override
    async def __call__(self, request: ProtocolOnexEnvelope, /) -> ProtocolOnexReply:
        reply = _reply(await super().__call__(request))
        return replace(reply, reply_id=cast("UUID", str(reply.reply_id)))


class LocalTimeReplies(OperationRequestHandler):
    """Stamps replies at UTC+2 (T-2)."""

    @override
    async def __call__(self, request: ProtocolOnexEnvelope, /) -> ProtocolOnexReply:
        reply = _reply(await super().__call__(request))
        local = reply.created_at.astimezone(timezone(timedelta(hours=2)))
        return replace(reply, created_at=local)


class ServesExpiredRequests(OperationRequestHandler):
    """Ignores deadlines (RQH-2, ENV-4)."""

    @override
    async def __call__(self, request: ProtocolOnexEnvelope, /) -> ProtocolOnexReply:
        deadline = request.deadline
        if deadline is not None and deadline.tzinfo is not None:
            assert isinstance(request, SuiteEnvelope)
            request = replace(request, deadline=None)
        return await super().__call__(request)


class RefusesCommands(OperationRequestHandler):
    """Answers a request without ``reply_to`` with -32600 (ENV-5)."""

    @override
    async def __call__(self, request: ProtocolOnexEnvelope, /) -> ProtocolOnexReply:
        if request.reply_to is None:
            detail = ErrorDetail(
                INVALID_REQUEST, "no reply_to", {"error_type": "InvalidInputError"}
            )
            return self._reply(request, error=detail)
        return await super().__call__(request)


class AnswersCancellation(OperationRequestHandler):
    """Turns its own cancellation into an error reply (ERR-2)."""

    @override
    async def __call__(self, request: ProtocolOnexEnvelope, /) -> ProtocolOnexReply:
        try:
            return await super().__call__(request)
        except asyncio.CancelledError as error:
            return self._reply(request, error=error_detail(error))


def _variant(name: str, breaks: tuple[str, ...], broken: type) -> Variant:
    def build(self: TestOperationRequestHandler, env: HandlerEnvironment) -> object:
        return broken(env.serve, clock=env.clock)

    return Variant(name, breaks, TestOperationRequestHandler, {"build": build})


VARIANTS = [
    _variant("raises_unknown_failures", ("RQH-1",), RaisesUnknownFailures),
    _variant("error_keeps_a_result", ("RPL-1",), ErrorKeepsAResult),
    _variant("one_code_for_everything", ("ERR-4",), OneCodeForEverything),
    _variant("serves_empty_ids", ("RPE-1",), ServesEmptyIds),
    _variant("answers_with_its_own_id", ("RPL-2",), AnswersWithItsOwnId),
    _variant("fresh_correlation", ("T-7",), FreshCorrelation),
    _variant("uuid_ids_only", ("EVM-1",), UuidIdsOnly),
    _variant("text_reply_ids", ("T-1",), TextReplyIds),
    _variant("local_time_replies", ("T-2",), LocalTimeReplies),
    _variant("serves_expired_requests", ("RQH-2", "ENV-4"), ServesExpiredRequests),
    _variant("refuses_commands", ("ENV-5",), RefusesCommands),
    _variant("answers_cancellation", ("ERR-2",), AnswersCancellation),
]
