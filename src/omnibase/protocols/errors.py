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
    +-- ConcurrencyConflictError (RuntimeError)

Rules:
    ERR-1: Implementations raise these classes (or subclasses of them) for the
        failures the SPI documents, never a bare builtin.
    ERR-2: An implementation never wraps an ``asyncio.CancelledError`` in one
        of these classes; cancellation always propagates unchanged.
    ERR-3: Messages never contain secret values.
"""

from typing import override
from uuid import UUID

__all__ = [
    "AlreadyRegisteredError",
    "AuthenticationError",
    "ConcurrencyConflictError",
    "DeadlineExceededError",
    "IllegalTransitionError",
    "InvalidInputError",
    "NotFoundError",
    "OnexError",
    "UnavailableError",
]


class OnexError(Exception):
    """Base class of every error raised by an SPI implementation by contract."""


class NotFoundError(OnexError, LookupError):
    """The addressed entity (node, tool, workflow, service, artifact) does not exist."""


class InvalidInputError(OnexError, ValueError):
    """An argument breaks the contract: wrong shape, out of range, or schema-invalid."""


class AlreadyRegisteredError(InvalidInputError):
    """A registration collides with an existing, different one under the same key."""


class IllegalTransitionError(InvalidInputError):
    """A workflow or task state change the SPI's transition rules forbid.

    Attributes:
        current_state: The state the workflow or task is in.
        requested_state: The state the caller asked for.
        task_id: The task, or ``None`` for the workflow itself.
    """

    current_state: str
    requested_state: str
    task_id: UUID | None

    def __init__(
        self, current_state: str, requested_state: str, task_id: UUID | None = None
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
    """Credentials (for example an API key) are missing, wrong or expired."""


class DeadlineExceededError(OnexError, TimeoutError):
    """The operation did not finish before its timeout or deadline."""


class UnavailableError(OnexError, ConnectionError):
    """The backend or every candidate provider could not be reached.

    This is a transport failure: the operation may not have run at all.
    """


class ConcurrencyConflictError(OnexError, RuntimeError):
    """An append found another sequence number than the one the writer expected.

    Sequence numbers count events in one workflow instance's stream from 1;
    ``0`` means "the stream has no events yet".

    Attributes:
        workflow_type: The workflow type of the stream.
        instance_id: The workflow instance of the stream.
        expected_sequence: The last sequence number the writer expected.
        actual_sequence: The last sequence number actually stored.
    """

    workflow_type: str
    instance_id: UUID
    expected_sequence: int
    actual_sequence: int

    def __init__(
        self,
        workflow_type: str,
        instance_id: UUID,
        expected_sequence: int,
        actual_sequence: int,
    ) -> None:
        """Record the conflicting stream and both sequence numbers.

        Args:
            workflow_type: The workflow type of the stream.
            instance_id: The workflow instance of the stream.
            expected_sequence: The last sequence number the writer expected.
            actual_sequence: The last sequence number actually stored.
        """
        super().__init__(workflow_type, instance_id, expected_sequence, actual_sequence)
        self.workflow_type = workflow_type
        self.instance_id = instance_id
        self.expected_sequence = expected_sequence
        self.actual_sequence = actual_sequence

    @override
    def __str__(self) -> str:
        """Describe the conflict."""
        return (
            f"{self.workflow_type}/{self.instance_id}: expected last sequence "
            f"{self.expected_sequence}, found {self.actual_sequence}"
        )
