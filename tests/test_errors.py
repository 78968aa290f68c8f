"""The error hierarchy: builtin bases, data carried, pickling, no secrets in text."""

import pickle
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
    OnexError,
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
    assert classes == set(errors.__all__)


def test_conflict_carries_both_sequence_numbers_and_survives_pickling() -> None:
    error = ConcurrencyConflictError("data_pipeline", INSTANCE, 3, 5)
    restored = pickle.loads(pickle.dumps(error))
    for candidate in (error, restored):
        assert candidate.workflow_type == "data_pipeline"
        assert candidate.instance_id == INSTANCE
        assert candidate.expected_sequence == 3
        assert candidate.actual_sequence == 5
    assert str(restored) == (
        f"data_pipeline/{INSTANCE}: expected last sequence 3, found 5"
    )


def test_illegal_transition_names_both_states_and_survives_pickling() -> None:
    error = pickle.loads(pickle.dumps(IllegalTransitionError("completed", "running")))
    assert (error.current_state, error.requested_state) == ("completed", "running")
    assert str(error) == "illegal transition 'completed' -> 'running' (task None)"
    with pytest.raises(ValueError, match="illegal transition"):
        raise error
