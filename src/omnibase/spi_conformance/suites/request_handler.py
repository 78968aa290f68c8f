"""Conformance suite of ``ProtocolOnexRequestHandler`` (RQH, RPL, RPE, ERR-4).

A request handler is the part of a node that turns a request envelope into a
reply: it decodes nothing (the envelope is given), runs the operation the
request asks for and answers. The suite supplies that operation: the
implementer builds a handler around ``env.serve``, and each test decides
what the operation does (return a result, raise an SPI error, block).
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import ClassVar, cast, override
from uuid import UUID, uuid4

from omnibase.protocols.core import (
    ProtocolOnexEnvelope,
    ProtocolOnexReply,
    ProtocolOnexRequestHandler,
)
from omnibase.protocols.errors import (
    AlreadyRegisteredError,
    ConcurrencyConflictError,
    DeadlineExceededError,
    OnexError,
    ResourceExhaustedError,
)
from omnibase.protocols.types import JsonValue
from omnibase.spi_conformance.reference.request_reply import (
    ERROR_CODES,
    INTERNAL_ERROR,
    INVALID_REQUEST,
)
from omnibase.spi_conformance.suites._base import (
    ConformanceSuite,
    SuiteEnvironment,
    check,
    check_equal,
    fail,
    rule,
)
from omnibase.spi_conformance.suites._messages import CORRELATION, SuiteEnvelope

__all__ = ["HandlerEnvironment", "RequestHandlerSuite", "error_instance"]

type Operation = Callable[[ProtocolOnexEnvelope], Awaitable[JsonValue]]


async def echo(request: ProtocolOnexEnvelope) -> JsonValue:
    """The default operation: answer with the request's payload."""
    return request.payload


def error_instance(error_class: type[OnexError]) -> OnexError:
    """Build an instance of any SPI error class, for the table tests.

    Args:
        error_class: A class of ERR-4's table (or a subclass).

    Returns:
        An instance with a message.
    """
    if issubclass(error_class, ConcurrencyConflictError):
        return error_class("stream conformance/1", 3, 4)
    if issubclass(error_class, ResourceExhaustedError):
        return error_class("quota", retry_after=timedelta(seconds=2))
    return error_class(f"conformance {error_class.__name__}")


@dataclass(slots=True)
class HandlerEnvironment(SuiteEnvironment):
    """The environment of the handler suite.

    Attributes:
        operation: What ``serve`` runs; each test sets it.
        served: The requests ``serve`` received, in order.
    """

    operation: Operation = echo
    served: list[ProtocolOnexEnvelope] = field(
        default_factory=list[ProtocolOnexEnvelope]
    )

    async def serve(self, request: ProtocolOnexEnvelope) -> JsonValue:
        """Run the test's operation; wire the handler under test to call this.

        Args:
            request: The request being served.

        Returns:
            The operation's result.
        """
        self.served.append(request)
        return await self.operation(request)


class RequestHandlerSuite(
    ConformanceSuite[ProtocolOnexRequestHandler, HandlerEnvironment]
):
    """Checks a ``ProtocolOnexRequestHandler``.

    Write ``create_subject`` so that the handler serves each request by
    awaiting ``env.serve(request)`` and reads time from ``env.clock``
    (``clock_wired = True``).
    """

    contract: ClassVar[type] = ProtocolOnexRequestHandler

    @override
    def make_environment(self) -> HandlerEnvironment:
        """A fresh environment whose operation echoes the payload."""
        return HandlerEnvironment()

    def now(self, env: HandlerEnvironment) -> datetime:
        """The handler's time: the manual clock when wired, else real time."""
        return env.clock() if self.clock_wired else datetime.now(UTC)

    def request(
        self,
        env: HandlerEnvironment,
        event_id: str | None = None,
        *,
        correlation_id: UUID = CORRELATION,
        reply_to: str | None = "conformance.replies",
        deadline: datetime | None = None,
    ) -> SuiteEnvelope:
        """A request envelope (with a fresh UUID text id unless one is given)."""
        return SuiteEnvelope(
            event_id=str(uuid4()) if event_id is None else event_id,
            occurred_at=self.now(env),
            payload={"n": 1},
            correlation_id=correlation_id,
            reply_to=reply_to,
            deadline=deadline,
        )

    async def reply(
        self,
        rule_id: str,
        subject: ProtocolOnexRequestHandler,
        request: ProtocolOnexEnvelope,
    ) -> ProtocolOnexReply:
        """Serve ``request`` and require a well-formed reply (RPL-1)."""
        try:
            reply = cast("object", await subject(request))
        except asyncio.CancelledError:
            raise
        except Exception as error:
            raise fail(
                rule_id,
                "a reply (failures are answered, RQH-1)",
                f"{type(error).__name__}: {error}",
            ) from error
        if not isinstance(reply, ProtocolOnexReply):
            raise fail(rule_id, "a ProtocolOnexReply", reply)
        return reply

    async def error_reply(
        self,
        rule_id: str,
        subject: ProtocolOnexRequestHandler,
        request: ProtocolOnexEnvelope,
    ) -> ProtocolOnexReply:
        """Serve ``request`` and require an error reply without a result."""
        reply = await self.reply(rule_id, subject, request)
        check(reply.error is not None, rule_id, "an error reply", reply)
        return reply

    @rule("RPL-1")
    async def test_RPL_1_a_success_carries_the_result_and_no_error(
        self, subject: ProtocolOnexRequestHandler, env: HandlerEnvironment
    ) -> None:
        """A successful request's reply has the result and ``error is None``."""
        reply = await self.reply("RPL-1", subject, self.request(env))
        check_equal("RPL-1", "error", None, reply.error)
        check_equal("RPL-1", "result", {"n": 1}, reply.result)

    @rule("RPL-1", "RQH-1")
    async def test_RPL_1_an_error_carries_no_result(
        self, subject: ProtocolOnexRequestHandler, env: HandlerEnvironment
    ) -> None:
        """A failed request's reply has the error and ``result is None``."""

        async def fails(request: ProtocolOnexEnvelope) -> JsonValue:
            raise ConcurrencyConflictError("stream conformance/1", 3, 4)

        env.operation = fails
        reply = await self.error_reply("RPL-1", subject, self.request(env))
        check_equal("RPL-1", "result of an error reply", None, reply.result)

    @rule("RQH-1")
    async def test_RQH_1_failures_are_answered_not_raised(
        self, subject: ProtocolOnexRequestHandler, env: HandlerEnvironment
    ) -> None:
        """An operation failing with any exception gets an error reply."""

        async def crashes(request: ProtocolOnexEnvelope) -> JsonValue:
            raise RuntimeError("the operation crashed")

        env.operation = crashes
        reply = await self.error_reply("RQH-1", subject, self.request(env))
        assert reply.error is not None
        check_equal(
            "RQH-1", "the code of an unnamed failure", INTERNAL_ERROR, reply.error.code
        )

    @rule("ERR-4", "RPE-1")
    async def test_ERR_4_each_error_class_is_answered_with_its_code(
        self, subject: ProtocolOnexRequestHandler, env: HandlerEnvironment
    ) -> None:
        """The table: the class's code, and its name in ``data["error_type"]``."""
        cases: list[tuple[type[OnexError], int]] = [
            *ERROR_CODES,
            (AlreadyRegisteredError, -32602),
        ]
        for error_class, code in cases:
            error = error_instance(error_class)

            async def fails(
                request: ProtocolOnexEnvelope, error: OnexError = error
            ) -> JsonValue:
                raise error

            env.operation = fails
            reply = await self.error_reply("ERR-4", subject, self.request(env))
            assert reply.error is not None
            check_equal(
                "ERR-4", f"the code of {error_class.__name__}", code, reply.error.code
            )
            check_equal(
                "ERR-4",
                f"data['error_type'] of {error_class.__name__}",
                error_class.__name__,
                reply.error.data.get("error_type"),
            )

    @rule("RPE-1")
    async def test_RPE_1_error_details_carry_message_and_fields(
        self, subject: ProtocolOnexRequestHandler, env: HandlerEnvironment
    ) -> None:
        """A non-empty message; a conflict's and a throttle's fields in ``data``."""
        errors: list[OnexError] = [
            ConcurrencyConflictError("stream conformance/1", 3, 4),
            ResourceExhaustedError("quota", retry_after=timedelta(seconds=2)),
        ]
        expected: list[dict[str, JsonValue]] = [
            {"subject": "stream conformance/1", "expected": 3, "actual": 4},
            {"retry_after": 2},
        ]
        for error, fields in zip(errors, expected, strict=True):

            async def fails(
                request: ProtocolOnexEnvelope, error: OnexError = error
            ) -> JsonValue:
                raise error

            env.operation = fails
            reply = await self.error_reply("RPE-1", subject, self.request(env))
            assert reply.error is not None
            check(bool(reply.error.message.strip()), "RPE-1", "a message", reply.error)
            data = dict(reply.error.data)
            for name, value in fields.items():
                check_equal("RPE-1", f"data[{name!r}]", value, data.get(name))

    @rule("RPE-1")
    async def test_RPE_1_an_invalid_envelope_is_an_invalid_request(
        self, subject: ProtocolOnexRequestHandler, env: HandlerEnvironment
    ) -> None:
        """An empty ``event_id`` is answered -32600 and not served."""
        reply = await self.error_reply("RPE-1", subject, self.request(env, ""))
        assert reply.error is not None
        check_equal("RPE-1", "the code", INVALID_REQUEST, reply.error.code)
        check_equal("RPE-1", "requests served", 0, len(env.served))

    @rule("RPL-2")
    async def test_RPL_2_the_reply_answers_its_request(
        self, subject: ProtocolOnexRequestHandler, env: HandlerEnvironment
    ) -> None:
        """``in_reply_to`` is the request's ``event_id``."""
        request = self.request(env, "8c4d2f1a-6b3e-4d5c-9a7f-1e2d3c4b5a69")
        reply = await self.reply("RPL-2", subject, request)
        check_equal("RPL-2", "in_reply_to", request.event_id, reply.in_reply_to)

    @rule("T-7", "RPL-2", "ENV-1")
    async def test_T_7_the_reply_keeps_the_correlation_id(
        self, subject: ProtocolOnexRequestHandler, env: HandlerEnvironment
    ) -> None:
        """The reply carries the request's correlation id, error or not."""
        other = UUID("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0")
        reply = await self.reply(
            "T-7", subject, self.request(env, correlation_id=other)
        )
        check_equal("T-7", "correlation_id", other, reply.correlation_id)
        check_equal(
            "T-7",
            "correlation_id of the default",
            CORRELATION,
            (await self.reply("T-7", subject, self.request(env))).correlation_id,
        )

    @rule("EVM-1", "RPL-2")
    async def test_EVM_1_a_foreign_event_id_is_answered(
        self, subject: ProtocolOnexRequestHandler, env: HandlerEnvironment
    ) -> None:
        """A request whose id is not a UUID is served and answered by that id."""
        reply = await self.reply(
            "EVM-1", subject, self.request(env, "order-42@legacy-erp")
        )
        check_equal("EVM-1", "error", None, reply.error)
        check_equal("EVM-1", "in_reply_to", "order-42@legacy-erp", reply.in_reply_to)

    @rule("T-1")
    async def test_T_1_reply_ids_are_fresh_uuids(
        self, subject: ProtocolOnexRequestHandler, env: HandlerEnvironment
    ) -> None:
        """Every reply has its own ``uuid.UUID``."""
        first = await self.reply("T-1", subject, self.request(env))
        second = await self.reply("T-1", subject, self.request(env))
        for reply in (first, second):
            reply_id = cast("object", reply.reply_id)
            check(isinstance(reply_id, UUID), "T-1", "a uuid.UUID reply_id", reply_id)
        check(first.reply_id != second.reply_id, "T-1", "two reply ids", first.reply_id)

    @rule("T-2")
    async def test_T_2_replies_are_stamped_in_utc(
        self, subject: ProtocolOnexRequestHandler, env: HandlerEnvironment
    ) -> None:
        """``created_at`` is timezone-aware UTC."""
        reply = await self.reply("T-2", subject, self.request(env))
        check_equal(
            "T-2", "created_at's offset", timedelta(0), reply.created_at.utcoffset()
        )

    @rule("T-2", "RPE-1")
    async def test_T_2_a_naive_deadline_is_an_invalid_request(
        self, subject: ProtocolOnexRequestHandler, env: HandlerEnvironment
    ) -> None:
        """A naive ``deadline`` is answered -32600 and not served."""
        naive = (self.now(env) + timedelta(hours=1)).replace(tzinfo=None)
        reply = await self.error_reply(
            "T-2", subject, self.request(env, deadline=naive)
        )
        assert reply.error is not None
        check_equal("T-2", "the code", INVALID_REQUEST, reply.error.code)
        check_equal("T-2", "requests served", 0, len(env.served))

    @rule("RQH-2", "ENV-4")
    async def test_RQH_2_an_expired_request_is_answered_unserved(
        self, subject: ProtocolOnexRequestHandler, env: HandlerEnvironment
    ) -> None:
        """Past its deadline (by the handler's clock): -32004, not served."""
        past = self.now(env) - timedelta(seconds=1)
        reply = await self.error_reply(
            "RQH-2", subject, self.request(env, deadline=past)
        )
        assert reply.error is not None
        check_equal(
            "RQH-2",
            "the code",
            dict(ERROR_CODES)[DeadlineExceededError],
            reply.error.code,
        )
        check_equal("RQH-2", "requests served", 0, len(env.served))

    @rule("RQH-2", "ENV-4")
    async def test_RQH_2_a_request_in_time_is_served(
        self, subject: ProtocolOnexRequestHandler, env: HandlerEnvironment
    ) -> None:
        """Before its deadline a request is served as usual."""
        future = self.now(env) + timedelta(minutes=5)
        reply = await self.reply("RQH-2", subject, self.request(env, deadline=future))
        check_equal("RQH-2", "error", None, reply.error)
        check_equal("RQH-2", "requests served", 1, len(env.served))

    @rule("ENV-5")
    async def test_ENV_5_a_request_without_reply_to_is_served(
        self, subject: ProtocolOnexRequestHandler, env: HandlerEnvironment
    ) -> None:
        """A one-way command is valid and served like a request."""
        reply = await self.reply("ENV-5", subject, self.request(env, reply_to=None))
        check_equal("ENV-5", "error", None, reply.error)
        check_equal("ENV-5", "requests served", 1, len(env.served))

    @rule("ERR-2")
    async def test_ERR_2_cancelling_the_handler_propagates(
        self, subject: ProtocolOnexRequestHandler, env: HandlerEnvironment
    ) -> None:
        """A cancelled handler raises ``CancelledError``, not an error reply."""
        started = asyncio.Event()

        async def blocks(request: ProtocolOnexEnvelope) -> JsonValue:
            started.set()
            await asyncio.Event().wait()
            return None

        env.operation = blocks
        task = asyncio.ensure_future(subject(self.request(env)))
        await started.wait()
        task.cancel()
        try:
            outcome: object = await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise
            return
        except Exception as error:
            raise fail(
                "ERR-2", "CancelledError", f"{type(error).__name__}: {error}"
            ) from error
        raise fail("ERR-2", "CancelledError", f"it returned {outcome!r}")
