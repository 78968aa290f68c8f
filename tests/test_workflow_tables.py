"""The transition tables and event-state maps are complete and consistent."""

from collections.abc import Mapping
from typing import get_args

import pytest

from omnibase.protocols.types.workflow_orchestration_types import (
    TASK_EVENT_STATES,
    TASK_TRANSITIONS,
    WORKFLOW_EVENT_STATES,
    WORKFLOW_TRANSITIONS,
    TaskState,
    WorkflowEventType,
    WorkflowState,
)

SPEC_WORKFLOW_STATES = {
    "pending",
    "initializing",
    "running",
    "paused",
    "completed",
    "failed",
    "cancelled",
    "timeout",
    "retrying",
    "waiting_for_dependency",
    "compensating",
    "compensated",
}
SPEC_EVENT_TYPES = {
    "workflow.created",
    "workflow.started",
    "workflow.completed",
    "task.scheduled",
    "task.completed",
    "task.failed",
    "dependency.resolved",
    "state.transitioned",
    "compensation.started",
}
WORKFLOW_TERMINAL = {"completed", "failed", "cancelled", "timeout", "compensated"}
TASK_TERMINAL = {"failed", "cancelled", "timeout", "compensated"}


def test_workflow_state_has_exactly_the_spec_values() -> None:
    assert set(get_args(WorkflowState)) == SPEC_WORKFLOW_STATES
    assert len(get_args(WorkflowState)) == 12


def test_event_types_include_every_spec_event() -> None:
    assert set(get_args(WorkflowEventType)) >= SPEC_EVENT_TYPES


@pytest.mark.parametrize(
    ("table", "states", "terminal"),
    [
        (WORKFLOW_TRANSITIONS, get_args(WorkflowState), WORKFLOW_TERMINAL),
        (TASK_TRANSITIONS, get_args(TaskState), TASK_TERMINAL),
    ],
    ids=["workflow", "task"],
)
def test_transition_table_covers_every_state_and_terminals_absorb(
    table: Mapping[str, tuple[str, ...]], states: tuple[str, ...], terminal: set[str]
) -> None:
    assert set(table) == set(states)
    for source, targets in table.items():
        assert set(targets) <= set(states), source
        assert len(set(targets)) == len(targets), f"{source} lists a target twice"
        assert source not in targets, f"{source} -> {source} is not a transition"
        assert (not targets) == (source in terminal), source


@pytest.mark.parametrize(
    ("table", "event_states"),
    [
        (WORKFLOW_TRANSITIONS, WORKFLOW_EVENT_STATES),
        (TASK_TRANSITIONS, TASK_EVENT_STATES),
    ],
    ids=["workflow", "task"],
)
def test_every_legal_transition_has_an_event_type(
    table: Mapping[str, tuple[str, ...]], event_states: Mapping[str, str]
) -> None:
    reachable = set(event_states.values())
    missing = {
        (source, target)
        for source, targets in table.items()
        for target in targets
        if target not in reachable
    }
    assert not missing


def test_every_event_type_changes_a_state_or_is_the_generic_transition() -> None:
    mapped = set(WORKFLOW_EVENT_STATES) | set(TASK_EVENT_STATES)
    assert set(get_args(WorkflowEventType)) - mapped == {"state.transitioned"}


def test_event_families_apply_to_the_right_level() -> None:
    for event_type in WORKFLOW_EVENT_STATES:
        assert not event_type.startswith(("task.", "compensation.task_"))
    for event_type in TASK_EVENT_STATES:
        assert event_type.startswith(("task.", "compensation.task_", "dependency."))


def test_compensation_only_follows_completion_for_tasks() -> None:
    into_compensating = {
        source
        for source, targets in TASK_TRANSITIONS.items()
        if "compensating" in targets
    }
    assert into_compensating == {"completed"}
