"""The one error hierarchy of the SPI.

Every error an implementation raises *by contract* is one of these classes, so
callers can handle the same failure the same way whatever the backend. Each
class also subclasses the nearest builtin (``except LookupError`` keeps
working), and every SPI method's docstring names what it raises. The classes
carry data only; they hold no logic.

Hierarchy::

    OnexError (Exception)
    +-- NotFoundError (LookupError)
    +-- InvalidInputError (ValueError)
    |   +-- AlreadyRegisteredError
    |   +-- IllegalTransitionError
    +-- AuthenticationError (PermissionError)
    +-- DeadlineExceededError (TimeoutError)
    +-- UnavailableError (ConnectionError)
    +-- OutcomeUnknownError (ConnectionError)
    +-- ConcurrencyConflictError (RuntimeError)
    +-- ResourceExhaustedError (RuntimeError)
    +-- NotSupportedError (NotImplementedError)

Whether a failed call took effect (ERR-5) decides whether it may be retried
elsewhere; the classes say it, so no caller has to guess:

| error | the operation | a caller may retry |
|---|---|---|
| `UnavailableError` | did not take effect | anywhere |
| `ResourceExhaustedError` | did not take effect | after `retry_after` |
| `OutcomeUnknownError` | may have taken effect | an idempotent operation |
| `DeadlineExceededError` | may have, or may still | an idempotent operation |

Error replies (``ProtocolOnexErrorDetail``, MCP errors) use one code per class
(ERR-4):

| error | JSON-RPC code | meaning |
|---|---|---|
| `InvalidInputError` (and its subclasses) | -32602 | invalid params |
| `NotSupportedError` | -32601 | method not found / not available |
| `NotFoundError` | -32001 | the addressed entity does not exist |
| `AuthenticationError` | -32003 | credentials refused |
| `DeadlineExceededError` | -32004 | deadline passed |
| `UnavailableError` | -32005 | not performed: backend unreachable or closed |
| `OutcomeUnknownError` | -32006 | may have been performed |
| `ConcurrencyConflictError` | -32007 | compare-and-set lost |
| `ResourceExhaustedError` | -32008 | throttled; not performed |
| any other failure | -32603 | internal error |

Rules:
    ERR-1: Implementations raise these classes (or subclasses of them) for
        the failures the SPI documents, never a bare builtin and never a
        backend's own exception type. A wrong-typed or malformed argument
        raises ``InvalidInputError`` naming the argument (not ``TypeError``,
        ``AttributeError`` or ``KeyError``). A backend failure no rule names
        surfaces as ``UnavailableError`` or ``OutcomeUnknownError`` (ERR-5).
    ERR-2: An implementation never wraps an ``asyncio.CancelledError`` in one
        of these classes; cancellation always propagates unchanged.
    ERR-3: Messages, ``str()`` and ``repr()`` of errors never contain secret
        values.
    ERR-4: An error reply carries the code of the most specific class in the
        table above; its ``data`` is a JSON object whose ``"error_type"`` is
        the class name. A receiver maps the code back to the class.
    ERR-5: ``UnavailableError`` and ``ResourceExhaustedError`` promise that
        the operation did not take effect; an implementation that cannot be
        sure (a request was sent and no answer came) raises
        ``OutcomeUnknownError`` instead, and a ``DeadlineExceededError`` makes
        no promise either way.
"""

from datetime import timedelta
from typing import override
from uuid import UUID

from omnibase.protocols.types.workflow_orchestration_types import (
    TaskState,
    WorkflowState,
)

__all__ = [
    "AlreadyRegisteredError",
    "AuthenticationError",
    "ConcurrencyConflictError",
    "ConflictVersion",
    "DeadlineExceededError",
    "IllegalTransitionError",
    "InvalidInputError",
    "NotFoundError",
    "NotSupportedError",
    "OnexError",
    "OutcomeUnknownError",
    "ResourceExhaustedError",
    "UnavailableError",
]

type ConflictVersion = int | str | None
"""A version compared by a compare-and-set: a number, an opaque tag, or
``None`` for "does not exist"."""


class OnexError(Exception):
    """Base class of every error raised by an SPI implementation by contract."""


class NotFoundError(OnexError, LookupError):
    """The addressed entity (node, tool, workflow, service, artifact) does not exist."""


class InvalidInputError(OnexError, ValueError):
    """An argument breaks the contract: wrong type or shape, or out of range."""


class AlreadyRegisteredError(InvalidInputError):
    """A registration collides with an existing, different one under the same key."""


class IllegalTransitionError(InvalidInputError):
    """A workflow or task state change the SPI's transition rules forbid.

    Attributes:
        current_state: The state the workflow or task is in.
        requested_state: The state the caller asked for.
        task_id: The task, or ``None`` for the workflow itself.
    """

    current_state: WorkflowState | TaskState
    requested_state: WorkflowState | TaskState
    task_id: UUID | None

    def __init__(
        self,
        current_state: WorkflowState | TaskState,
        requested_state: WorkflowState | TaskState,
        task_id: UUID | None = None,
    ) -> None:
        """Record the refused transition.

        Args:
            current_state: The state the workflow or task is in.
            requested_state: The state the caller asked for.
            task_id: The task, or ``None`` for the workflow itself.
        """
        super().__init__(current_state, requested_state, task_id)
        self.current_state = current_state
        self.requested_state = requested_state
        self.task_id = task_id

    @override
    def __str__(self) -> str:
        """Describe the refused transition."""
        return (
            f"illegal transition {self.current_state!r} -> "
            f"{self.requested_state!r} (task {self.task_id})"
        )


class AuthenticationError(OnexError, PermissionError):
    """Credentials (an API key, a token) are missing, wrong, expired or refused."""


class DeadlineExceededError(OnexError, TimeoutError):
    """The operation did not finish before its timeout or deadline (ERR-5)."""


class UnavailableError(OnexError, ConnectionError):
    """The operation did not take effect: the backend is unreachable or closed.

    A caller may retry it, here or on another provider (ERR-5).
    """


class OutcomeUnknownError(OnexError, ConnectionError):
    """The request may have taken effect: it was sent and no answer came (ERR-5).

    Retry only an idempotent operation.
    """


class ConcurrencyConflictError(OnexError, RuntimeError):
    """A compare-and-set found another version than the one the writer expected.

    Used for every optimistic-concurrency check: a workflow stream's last
    sequence number, a registration's version, an artifact's digest.

    Attributes:
        subject: What was compared, e.g. ``"stream order_flow/<instance id>"``.
        expected: The version the writer expected (``None``: "absent").
        actual: The version found (``None``: "absent"), as observed when the
            check failed; it may have moved on since.
    """

    subject: str
    expected: ConflictVersion
    actual: ConflictVersion

    def __init__(
        self, subject: str, expected: ConflictVersion, actual: ConflictVersion
    ) -> None:
        """Record the conflicting subject and both versions.

        Args:
            subject: What was compared.
            expected: The version the writer expected.
            actual: The version found.
        """
        super().__init__(subject, expected, actual)
        self.subject = subject
        self.expected = expected
        self.actual = actual

    @override
    def __str__(self) -> str:
        """Describe the conflict."""
        return (
            f"{self.subject}: expected version {self.expected!r}, found {self.actual!r}"
        )


class ResourceExhaustedError(OnexError, RuntimeError):
    """A quota or rate limit refused the operation; it did not take effect (ERR-5).

    Attributes:
        retry_after: How long the backend asked the caller to wait, or ``None``
            when it did not say.
    """

    retry_after: timedelta | None

    def __init__(self, message: str, *, retry_after: timedelta | None = None) -> None:
        """Record the refusal.

        Args:
            message: What was refused and by which limit.
            retry_after: The backend's hint, if any.
        """
        super().__init__(message)
        self.retry_after = retry_after


class NotSupportedError(OnexError, NotImplementedError):
    """The implementation does not offer this optional feature.

    Which optional features an implementation has is declared to the
    conformance kit by its implementer; calling one it lacks raises this.
    """
