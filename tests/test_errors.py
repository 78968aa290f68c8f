"""The error hierarchy: builtin bases, data carried, pickling, no secrets in text."""

import pickle
from datetime import timedelta
from uuid import UUID

import pytest

from omnibase.protocols import errors
from omnibase.protocols.errors import (
    AlreadyRegisteredError,
    AuthenticationError,
    ConcurrencyConflictError,
    DeadlineExceededError,
    IllegalTransitionError,
    InvalidInputError,
    NotFoundError,
    NotSupportedError,
    OnexError,
    OutcomeUnknownError,
    ResourceExhaustedError,
    UnavailableError,
)

INSTANCE = UUID("00000000-0000-4000-8000-000000000001")


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (NotFoundError, LookupError),
        (InvalidInputError, ValueError),
        (AlreadyRegisteredError, ValueError),
        (IllegalTransitionError, ValueError),
        (AuthenticationError, PermissionError),
        (DeadlineExceededError, TimeoutError),
        (UnavailableError, ConnectionError),
        (ConcurrencyConflictError, RuntimeError),
        (OutcomeUnknownError, ConnectionError),
        (ResourceExhaustedError, RuntimeError),
        (NotSupportedError, NotImplementedError),
    ],
)
def test_each_error_is_an_onex_error_and_its_nearest_builtin(
    error: type[Exception], builtin: type[Exception]
) -> None:
    assert issubclass(error, OnexError)
    assert issubclass(error, builtin)


def test_every_public_error_is_exported() -> None:
    classes = {
        name
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, Exception)
    }
    assert classes == set(errors.__all__) - {"ConflictVersion"}


def test_conflict_carries_subject_and_both_versions_and_survives_pickling() -> None:
    error = ConcurrencyConflictError(f"stream data_pipeline/{INSTANCE}", 3, 5)
    restored = pickle.loads(pickle.dumps(error))
    for candidate in (error, restored):
        assert candidate.subject == f"stream data_pipeline/{INSTANCE}"
        assert (candidate.expected, candidate.actual) == (3, 5)
    assert str(restored) == (
        f"stream data_pipeline/{INSTANCE}: expected version 3, found 5"
    )


def test_resource_exhausted_keeps_its_retry_after_through_pickling() -> None:
    error = ResourceExhaustedError("quota", retry_after=timedelta(seconds=2))
    restored = pickle.loads(pickle.dumps(error))
    assert restored.retry_after == timedelta(seconds=2)
    assert str(restored) == "quota"


def test_not_supported_is_a_not_implemented_error() -> None:
    assert issubclass(NotSupportedError, NotImplementedError)
    assert issubclass(NotSupportedError, OnexError)


def test_outcome_unknown_is_not_an_unavailable_error() -> None:
    # ERR-5: "may have taken effect" must never be caught as "did not".
    assert not issubclass(OutcomeUnknownError, UnavailableError)
    assert not issubclass(UnavailableError, OutcomeUnknownError)


def test_illegal_transition_names_both_states_and_survives_pickling() -> None:
    error = pickle.loads(pickle.dumps(IllegalTransitionError("completed", "running")))
    assert (error.current_state, error.requested_state) == ("completed", "running")
    assert str(error) == "illegal transition 'completed' -> 'running' (task None)"
    with pytest.raises(ValueError, match="illegal transition"):
        raise error
