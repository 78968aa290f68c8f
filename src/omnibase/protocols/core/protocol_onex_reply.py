"""Request/response contracts: the reply to an envelope and the request handler."""

from datetime import datetime
from typing import Literal, Protocol, runtime_checkable
from uuid import UUID

from omnibase.protocols.core.protocol_onex_envelope import ProtocolOnexEnvelope
from omnibase.protocols.types.core_types import JsonValue

__all__ = [
    "ProtocolOnexErrorDetail",
    "ProtocolOnexReply",
    "ProtocolOnexRequestHandler",
    "ReplyOutcome",
]

ReplyOutcome = Literal["success", "error"]
"""Whether a reply carries a result or an error."""


@runtime_checkable
class ProtocolOnexErrorDetail(Protocol):
    """Why a request failed (JSON-RPC 2.0 error object).

    Rules:
        RPE-1: ``code`` uses the JSON-RPC values where they apply: -32600
            invalid request, -32601 unknown method, -32602 invalid params,
            -32603 internal error; application codes are outside
            -32768..-32000.
    """

    @property
    def code(self) -> int:
        """Error code (RPE-1)."""
        ...

    @property
    def message(self) -> str:
        """One-sentence description."""
        ...

    @property
    def data(self) -> JsonValue:
        """Additional details; ``None`` when there are none."""
        ...


@runtime_checkable
class ProtocolOnexReply(Protocol):
    """The answer to one request envelope.

    Rules:
        RPL-1: A reply carries exactly one of a result or an error:
            ``outcome == "success"`` implies ``error is None``;
            ``outcome == "error"`` implies ``error is not None`` and
            ``result is None``. (A successful result may itself be ``None``.)
        RPL-2: ``in_reply_to`` is the request's ``envelope_id`` and
            ``correlation_id`` is the request's ``correlation_id``.
    """

    @property
    def reply_id(self) -> UUID:
        """Id of the reply."""
        ...

    @property
    def in_reply_to(self) -> UUID:
        """``envelope_id`` of the request answered (RPL-2)."""
        ...

    @property
    def correlation_id(self) -> UUID:
        """The request's correlation id (RPL-2)."""
        ...

    @property
    def created_at(self) -> datetime:
        """When the reply was created."""
        ...

    @property
    def outcome(self) -> ReplyOutcome:
        """Which of [`result`][] and [`error`][] is meaningful (RPL-1)."""
        ...

    @property
    def result(self) -> JsonValue:
        """The result when ``outcome == "success"``; else ``None``."""
        ...

    @property
    def error(self) -> ProtocolOnexErrorDetail | None:
        """The error when ``outcome == "error"``; else ``None``."""
        ...


@runtime_checkable
class ProtocolOnexRequestHandler(Protocol):
    """Serves one request envelope and answers it.

    Rules:
        RQH-1: Failures of the request itself are answered with an error
            reply (RPL-1), not raised.
        RQH-2: A request past its ``deadline`` is answered with an error reply
            without being processed (ENV-4).
    """

    async def __call__(self, request: ProtocolOnexEnvelope, /) -> ProtocolOnexReply:
        """Serve ``request`` (RQH-1, RQH-2).

        Args:
            request: The request envelope.

        Returns:
            The reply to publish to ``request.reply_to``.

        Raises:
            UnavailableError: The handler cannot serve requests at all (for
                example while shutting down); the request may be redelivered.
        """
        ...
