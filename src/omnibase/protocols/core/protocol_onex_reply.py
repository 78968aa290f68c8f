"""Request/reply: the reply, the handler that serves requests, the requester.

A request is an envelope with ``reply_to`` (ENV-5). The handler answers it
with exactly one reply, a result or an error (RPL-1); the requester matches
the reply to its request by ``in_reply_to`` (RPL-2, REQ-1). An error reply
carries the code of the SPI error class that failed the request (ERR-4), so a
``NotFoundError`` raised while serving is a ``NotFoundError`` again in the
requester (REQ-4).
"""

from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.core.protocol_onex_envelope import ProtocolOnexEnvelope
from omnibase.protocols.types.core_types import JsonObject, JsonValue

__all__ = [
    "ProtocolOnexErrorDetail",
    "ProtocolOnexReply",
    "ProtocolOnexRequestHandler",
    "ProtocolOnexRequester",
]


@runtime_checkable
class ProtocolOnexErrorDetail(Protocol):
    """Why a request failed (the JSON-RPC 2.0 error object).

    Rules:
        RPE-1: ``code`` is the code of ERR-4's table for the class of the
            failure (-32603 for a failure of no SPI class), or -32600 when the
            request breaks the envelope's contract (an empty ``event_id``, no
            UUID ``correlation_id``, a naive ``occurred_at`` or ``deadline``).
            ``message`` is a non-empty
            sentence. ``data`` holds ``"error_type"``, the failure's class
            name (ERR-4); a ``ConcurrencyConflictError`` adds ``"subject"``,
            ``"expected"`` and ``"actual"``, and a ``ResourceExhaustedError``
            with a ``retry_after`` adds ``"retry_after"`` in seconds.
    """

    @property
    def code(self) -> int:
        """Error code (RPE-1, ERR-4)."""
        ...

    @property
    def message(self) -> str:
        """One-sentence description."""
        ...

    @property
    def data(self) -> JsonObject:
        """Machine-readable details; at least ``"error_type"`` (RPE-1)."""
        ...


@runtime_checkable
class ProtocolOnexReply(Protocol):
    """The answer to one request envelope.

    Rules:
        RPL-1: A reply carries exactly one of a result or an error: ``error
            is None`` on success (``result`` is the result, which may itself
            be ``None``); when ``error`` is not ``None``, ``result`` is
            ``None``.
        RPL-2: ``in_reply_to`` is the request's ``event_id`` (any string,
            EVM-1) and ``correlation_id`` the request's ``correlation_id``
            (ENV-1, T-7).
    """

    @property
    def reply_id(self) -> UUID:
        """Id of the reply, fresh for every reply (T-1)."""
        ...

    @property
    def in_reply_to(self) -> str:
        """``event_id`` of the request answered (RPL-2)."""
        ...

    @property
    def correlation_id(self) -> UUID:
        """The request's correlation id (RPL-2)."""
        ...

    @property
    def created_at(self) -> datetime:
        """When the reply was created (UTC, T-2)."""
        ...

    @property
    def result(self) -> JsonValue:
        """The result when [`error`][] is ``None``; else ``None`` (RPL-1)."""
        ...

    @property
    def error(self) -> ProtocolOnexErrorDetail | None:
        """Why the request failed, or ``None`` on success (RPL-1)."""
        ...


@runtime_checkable
class ProtocolOnexRequestHandler(Protocol):
    """Serves one request envelope and answers it.

    Rules:
        RQH-1: Failures of the request are answered with an error reply
            (RPL-1, RPE-1), never raised. Only cancellation (ERR-2) and
            ``UnavailableError`` (the handler cannot serve at all) propagate.
        RQH-2: A request whose ``deadline`` has passed when it arrives (by the
            handler's clock) is answered with an error reply carrying
            ``DeadlineExceededError``'s code, without being processed (ENV-4).
    """

    async def __call__(self, request: ProtocolOnexEnvelope, /) -> ProtocolOnexReply:
        """Serve ``request`` (RQH-1, RQH-2).

        Args:
            request: The request envelope; one without ``reply_to`` is a
                command, served the same way (ENV-5).

        Returns:
            The reply to send to ``request.reply_to`` (nowhere when it is
            ``None``).

        Raises:
            UnavailableError: The handler cannot serve requests at all (for
                example while shutting down); the request may be redelivered.
        """
        ...


@runtime_checkable
class ProtocolOnexRequester(ProtocolLifecycle, Protocol):
    """Sends request envelopes and awaits their replies (the requesting side).

    Rules:
        REQ-1: ``request`` sends the envelope unchanged but for ``reply_to``,
            which it sets to the address where it receives replies, and
            returns the reply whose ``in_reply_to`` is the envelope's
            ``event_id``; replies to concurrent requests reach their own
            callers in whatever order they arrive.
        REQ-2: ``request`` waits until the earlier of the envelope's
            ``deadline`` and ``timeout`` and then raises
            ``DeadlineExceededError``; an envelope whose deadline has already
            passed raises it without being sent (ENV-4).
        REQ-3: A reply that no waiting request matches (a second reply, or
            one arriving after its request timed out or was cancelled) is
            dropped: no caller receives it, nothing raises, and later
            requests are served as usual.
        REQ-4: An error reply raises the class that ERR-4's table gives its
            code (a subclass of it when ``data["error_type"]`` names one the
            requester can build), with the reply's message; -32600 and
            -32700 raise ``InvalidInputError``, and any other code
            ``OutcomeUnknownError`` (the request may have taken effect).
    """

    async def request(
        self, envelope: ProtocolOnexEnvelope, *, timeout: timedelta | None = None
    ) -> ProtocolOnexReply:
        """Send ``envelope`` and return its successful reply (REQ-1 to REQ-4).

        Args:
            envelope: The request.
            timeout: The longest wait for the reply; ``None`` for the
                requester's documented default (T-3); positive (T-6).

        Returns:
            The reply; its ``error`` is ``None`` (errors raise, REQ-4).

        Raises:
            InvalidInputError: An invalid envelope or ``timeout``, or an
                error reply saying so (REQ-4).
            DeadlineExceededError: No reply before the deadline or timeout
                (REQ-2); the request may still be served.
            UnavailableError: The request could not be sent: it certainly
                was not delivered (ERR-5).
            OutcomeUnknownError: The send may or may not have reached the
                handler, or an error reply of no SPI class (REQ-4).
            OnexError: The class of an error reply's code (REQ-4).
        """
        ...
