"""Request/reply: ERR-4's code table, a request handler and a requester.

Demonstrates:
    ERR-4, RPE-1: [`error_detail`][] answers an error with its class's code
        and ``data["error_type"]``; [`error_from_detail`][] maps a code back
        to its class (REQ-4).
    RQH-1, RQH-2, RPL-1, RPL-2, ENV-4, ENV-5: [`OperationRequestHandler`][]
        serves requests with an async operation and answers every failure
        with an error reply.
    REQ-1 to REQ-4, ERR-2, ERR-5: [`InMemoryRequester`][] sends through a
        transport function, matches replies by ``in_reply_to`` and drops
        those nobody waits for.

Deliberate simplifications:
    The requester's transport is a function and its reply subscription a
    method, [`InMemoryRequester.receive_reply`][]; on Kafka they would be a
    producer and a consumer of the reply topic.
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, timedelta
from typing import Final, cast, override
from uuid import UUID, uuid4

from omnibase.protocols.core import (
    ProtocolOnexEnvelope,
    ProtocolOnexErrorDetail,
    ProtocolOnexReply,
)
from omnibase.protocols.errors import (
    AlreadyRegisteredError,
    AuthenticationError,
    ConcurrencyConflictError,
    ConflictVersion,
    DeadlineExceededError,
    InvalidInputError,
    NotFoundError,
    NotSupportedError,
    OnexError,
    OutcomeUnknownError,
    ResourceExhaustedError,
    UnavailableError,
)
from omnibase.protocols.types import JsonValue
from omnibase.spi_conformance.reference.factories import Clock, IdFactory, utc_now
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle
from omnibase.spi_conformance.reference.values import Envelope, ErrorDetail, Reply

__all__ = [
    "ERROR_CODES",
    "INTERNAL_ERROR",
    "INVALID_REQUEST",
    "PARSE_ERROR",
    "InMemoryRequester",
    "Operation",
    "OperationRequestHandler",
    "Transport",
    "error_code",
    "error_detail",
    "error_from_detail",
    "with_reply_to",
]

ERROR_CODES: Final[tuple[tuple[type[OnexError], int], ...]] = (
    (InvalidInputError, -32602),
    (NotSupportedError, -32601),
    (NotFoundError, -32001),
    (AuthenticationError, -32003),
    (DeadlineExceededError, -32004),
    (UnavailableError, -32005),
    (OutcomeUnknownError, -32006),
    (ConcurrencyConflictError, -32007),
    (ResourceExhaustedError, -32008),
)
"""ERR-4's table: each error class and its JSON-RPC code."""

INVALID_REQUEST: Final = -32600
"""The request is not a valid envelope (RPE-1)."""
INTERNAL_ERROR: Final = -32603
"""A failure of no SPI class (RPE-1)."""
PARSE_ERROR: Final = -32700
"""JSON-RPC's "not JSON"; a requester raises ``InvalidInputError`` (REQ-4)."""

type Operation = Callable[[ProtocolOnexEnvelope], Awaitable[JsonValue]]
"""What a request handler runs for one request: its result, or it raises."""

type Transport = Callable[[ProtocolOnexEnvelope], Awaitable[None]]
"""Sends one request envelope (to the topic its handler consumes)."""

_CLASS_BY_CODE: Final[dict[int, type[OnexError]]] = {
    code: error_class for error_class, code in ERROR_CODES
}
_SUBCLASSES: Final[dict[str, type[OnexError]]] = {
    "AlreadyRegisteredError": AlreadyRegisteredError
}


def error_code(error: BaseException) -> int:
    """Return ERR-4's code for ``error``: its most specific class in the table.

    Args:
        error: Any exception.

    Returns:
        The code; -32603 for an exception of no SPI class.
    """
    codes: dict[type, int] = dict(ERROR_CODES)
    for klass in type(error).__mro__:
        code = codes.get(klass)
        if code is not None:
            return code
    return INTERNAL_ERROR


def error_detail(error: BaseException) -> ErrorDetail:
    """Describe ``error`` as the error of a reply (ERR-4, RPE-1).

    Args:
        error: Why the request failed.

    Returns:
        Its code, message and data (``error_type`` and the class's fields).
    """
    data: dict[str, JsonValue] = {"error_type": type(error).__name__}
    if isinstance(error, ConcurrencyConflictError):
        data.update(subject=error.subject, expected=error.expected, actual=error.actual)
    if isinstance(error, ResourceExhaustedError) and error.retry_after is not None:
        data["retry_after"] = error.retry_after.total_seconds()
    message = str(error) or type(error).__name__
    return ErrorDetail(code=error_code(error), message=message, data=data)


def _version(value: object) -> ConflictVersion:
    return value if isinstance(value, (int, str)) else None


def error_from_detail(detail: ProtocolOnexErrorDetail) -> OnexError:
    """Map an error reply back to its class (REQ-4).

    Args:
        detail: A reply's error.

    Returns:
        An instance of the class of the code (or of the subclass named by
        ``data["error_type"]`` when it can be built), with the message.
    """
    code, message = detail.code, detail.message
    data: dict[str, object] = dict(detail.data)
    error_type = data.get("error_type")
    if code in (INVALID_REQUEST, PARSE_ERROR):
        return InvalidInputError(message)
    error_class = _CLASS_BY_CODE.get(code)
    if error_class is None:
        return OutcomeUnknownError(f"error {code}: {message}")
    subclass = _SUBCLASSES.get(error_type) if isinstance(error_type, str) else None
    if subclass is not None and error_class in subclass.__mro__:
        return subclass(message)
    if error_class is ConcurrencyConflictError:
        subject = data.get("subject")
        return ConcurrencyConflictError(
            subject if isinstance(subject, str) else message,
            _version(data.get("expected")),
            _version(data.get("actual")),
        )
    if error_class is ResourceExhaustedError:
        seconds = data.get("retry_after")
        retry_after = (
            timedelta(seconds=seconds)
            if isinstance(seconds, (int, float)) and not isinstance(seconds, bool)
            else None
        )
        return ResourceExhaustedError(message, retry_after=retry_after)
    return error_class(message)


def _invalid_request(request: object) -> str | None:
    """Say why ``request`` is not a valid envelope, or ``None`` (RPE-1)."""
    if not isinstance(request, ProtocolOnexEnvelope):
        return f"a request is an envelope, not a {type(request).__name__}"
    event_id = cast("object", request.event_id)
    if not isinstance(event_id, str) or not event_id:
        return "the request has no event_id (EVM-1)"
    if not isinstance(cast("object", request.correlation_id), UUID):
        return "the request has no correlation_id UUID (ENV-1)"
    if request.occurred_at.tzinfo is None:
        return "the request's occurred_at is naive (T-2)"
    if request.deadline is not None and request.deadline.tzinfo is None:
        return "the request's deadline is naive (T-2)"
    return None


class OperationRequestHandler:
    """``ProtocolOnexRequestHandler`` serving every request with one operation."""

    def __init__(
        self,
        operation: Operation,
        *,
        clock: Clock = utc_now,
        ids: IdFactory = uuid4,
    ) -> None:
        """Serve requests by awaiting ``operation(request)``.

        Args:
            operation: Returns the result or raises the failure.
            clock: Judges deadlines (ENV-4) and stamps replies.
            ids: Makes reply ids (T-1).
        """
        self._operation = operation
        self._clock = clock
        self._ids = ids

    def _reply(
        self,
        request: ProtocolOnexEnvelope,
        *,
        result: JsonValue = None,
        error: ErrorDetail | None = None,
    ) -> Reply:
        event_id = cast("object", request.event_id)
        correlation: object = getattr(request, "correlation_id", None)
        return Reply(
            reply_id=self._ids(),
            in_reply_to=event_id if isinstance(event_id, str) else "",
            correlation_id=(
                correlation if isinstance(correlation, UUID) else UUID(int=0)
            ),
            created_at=self._clock().astimezone(UTC),
            result=None if error is not None else result,
            error=error,
        )

    async def __call__(self, request: ProtocolOnexEnvelope, /) -> ProtocolOnexReply:
        """Serve ``request``: every failure becomes an error reply (RQH-1)."""
        problem = _invalid_request(request)
        if problem is not None:
            detail = ErrorDetail(
                INVALID_REQUEST, problem, {"error_type": "InvalidInputError"}
            )
            return self._reply(request, error=detail)
        if request.deadline is not None and self._clock() >= request.deadline:
            late = DeadlineExceededError(
                f"the deadline {request.deadline.isoformat()} passed before the "
                "request was served (ENV-4)"
            )
            return self._reply(request, error=error_detail(late))
        try:
            result = await self._operation(request)
        except Exception as error:  # RQH-1; CancelledError is not an Exception
            return self._reply(request, error=error_detail(error))
        return self._reply(request, result=result)


def with_reply_to(envelope: ProtocolOnexEnvelope, reply_to: str) -> Envelope:
    """Copy ``envelope`` with another ``reply_to`` (REQ-1).

    Args:
        envelope: Any envelope.
        reply_to: The new reply address.

    Returns:
        An equal envelope but for ``reply_to``.
    """
    return Envelope(
        event_id=envelope.event_id,
        source=envelope.source,
        event_type=envelope.event_type,
        occurred_at=envelope.occurred_at,
        correlation_id=envelope.correlation_id,
        payload=envelope.payload,
        causation_id=envelope.causation_id,
        partition_key=envelope.partition_key,
        reply_to=reply_to,
        deadline=envelope.deadline,
        content_type=envelope.content_type,
        trace_parent=envelope.trace_parent,
        trace_state=envelope.trace_state,
        subject=envelope.subject,
        data_schema=envelope.data_schema,
        spec_version=envelope.spec_version,
        extensions=dict(envelope.extensions),
    )


class InMemoryRequester(ReferenceLifecycle):
    """``ProtocolOnexRequester`` over a transport function.

    Its default timeout is 30 seconds (T-3). Closing it ends the requests
    still waiting with ``OutcomeUnknownError``: they were sent (ERR-5).
    """

    def __init__(
        self,
        send: Transport,
        *,
        reply_to: str,
        clock: Clock = utc_now,
        default_timeout: timedelta = timedelta(seconds=30),
    ) -> None:
        """Create a requester.

        Args:
            send: Delivers a request to its handler; raises
                ``UnavailableError`` when it certainly could not.
            reply_to: Where this requester receives replies (REQ-1).
            clock: Judges envelope deadlines (REQ-2).
            default_timeout: The wait when ``timeout`` is ``None`` (T-3).
        """
        super().__init__(clock=clock)
        self._send = send
        self._reply_to = reply_to
        self._default_timeout = default_timeout
        self._waiting: dict[str, asyncio.Future[ProtocolOnexReply]] = {}

    def _wait_for(self, envelope: object, timeout: object) -> timedelta:
        """Validate the arguments; return how long to wait (REQ-2, T-3, T-6)."""
        if not isinstance(envelope, ProtocolOnexEnvelope):
            raise InvalidInputError(f"not an envelope: {type(envelope).__name__}")
        event_id = cast("object", envelope.event_id)
        if not isinstance(event_id, str) or not event_id:
            raise InvalidInputError("the envelope has no event_id (EVM-1)")
        if timeout is None:
            wait = self._default_timeout
        elif not isinstance(timeout, timedelta):
            raise InvalidInputError(f"timeout must be a timedelta, got {timeout!r}")
        elif timeout <= timedelta(0):
            raise InvalidInputError(f"timeout must be positive, got {timeout} (T-6)")
        else:
            wait = timeout
        if envelope.deadline is not None:
            if envelope.deadline.tzinfo is None:
                raise InvalidInputError("the envelope's deadline is naive (T-2)")
            left = envelope.deadline - self._clock()
            if left <= timedelta(0):
                raise DeadlineExceededError(
                    f"the deadline of {event_id!r} passed before it was sent (REQ-2)"
                )
            wait = min(wait, left)
        if event_id in self._waiting:
            raise InvalidInputError(f"a request {event_id!r} is already waiting")
        return wait

    async def request(
        self, envelope: ProtocolOnexEnvelope, *, timeout: timedelta | None = None
    ) -> ProtocolOnexReply:
        """Send ``envelope`` and await its reply (REQ-1 to REQ-4)."""
        self._check_open()
        wait = self._wait_for(envelope, timeout)
        event_id = envelope.event_id
        future: asyncio.Future[ProtocolOnexReply] = (
            asyncio.get_running_loop().create_future()
        )
        self._waiting[event_id] = future
        try:
            try:
                await self._send(with_reply_to(envelope, self._reply_to))
            except (UnavailableError, asyncio.CancelledError):
                raise
            except Exception as error:
                raise OutcomeUnknownError(
                    f"sending {event_id!r} failed midway: {type(error).__name__}"
                ) from error
            try:
                async with asyncio.timeout(wait.total_seconds()):
                    reply = await future
            except TimeoutError:
                raise DeadlineExceededError(
                    f"no reply to {event_id!r} within {wait} (REQ-2)"
                ) from None
        finally:
            if self._waiting.get(event_id) is future:
                del self._waiting[event_id]
        if reply.error is not None:
            raise error_from_detail(reply.error)
        return reply

    async def receive_reply(self, reply: ProtocolOnexReply) -> None:
        """Take one reply from the reply topic; drop it when nobody waits (REQ-3).

        Args:
            reply: A reply addressed to this requester.
        """
        future = self._waiting.get(reply.in_reply_to)
        if future is not None and not future.done():
            future.set_result(reply)

    @override
    async def _on_close(self) -> None:
        for event_id, future in list(self._waiting.items()):
            if not future.done():
                future.set_exception(
                    OutcomeUnknownError(f"closed while {event_id!r} was waiting")
                )
