"""The end-to-end example: it runs, and what it observed obeys the contracts.

The assertions read the ``DemoReport`` that ``run_demo`` returns, never the
printed transcript, so rewording the printout cannot break them.
"""

import asyncio
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from examples.end_to_end import DemoReport, WorkflowRun, main, run_demo
from examples.order_workflow import BACKUP, PRIMARY
from omnibase.protocols.container import ProtocolServiceRegistry
from omnibase.protocols.errors import (
    InvalidInputError,
    OutcomeUnknownError,
)
from omnibase.protocols.event_bus import ProtocolEventBus
from omnibase.protocols.mcp import ProtocolMCPRegistry
from omnibase.protocols.types import TASK_EVENT_STATES
from omnibase.protocols.workflow_orchestration import (
    ProtocolWorkflowEventBus,
    ProtocolWorkflowPersistence,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def printed() -> tuple[DemoReport, list[str]]:
    lines: list[str] = []
    report = asyncio.run(run_demo(out=lines.append))
    return report, lines


@pytest.fixture(scope="module")
def report(printed: tuple[DemoReport, list[str]]) -> DemoReport:
    return printed[0]


@pytest.fixture(params=["fulfilled", "compensated"])
def run(request: pytest.FixtureRequest, report: DemoReport) -> WorkflowRun:
    return report.fulfilled if request.param == "fulfilled" else report.compensated


def test_main_returns_0_and_prints(capsys: pytest.CaptureFixture[str]) -> None:
    assert main() == 0
    out = capsys.readouterr().out
    assert "workflow.completed" in out
    assert "compensation.completed" in out


def test_the_module_runs_as_a_script() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "examples.end_to_end"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    assert "seq" in completed.stdout


def test_equal_seeds_print_equal_runs(printed: tuple[DemoReport, list[str]]) -> None:
    again: list[str] = []
    asyncio.run(run_demo(out=again.append))
    assert again == printed[1]
    other: list[str] = []
    asyncio.run(run_demo(out=other.append, seed=7))
    assert other != printed[1]


def test_final_states(report: DemoReport) -> None:
    fulfilled, compensated = report.fulfilled.final, report.compensated.final
    assert fulfilled.state == "completed"
    assert set(fulfilled.task_states.values()) == {"completed"}
    assert compensated.state == "compensated"
    states = {
        task.task_name: compensated.task_states[task.task_id]
        for task in compensated.tasks
    }
    assert states == {
        "reserve_stock": "compensated",
        "charge_payment": "compensated",
        "ship_order": "failed",
    }


def test_the_workflows_went_through_the_expected_states(report: DemoReport) -> None:
    def workflow_events(run: WorkflowRun) -> list[str]:
        return [
            e.event_type for e in run.events if e.event_type.startswith("workflow.")
        ]

    assert workflow_events(report.fulfilled) == [
        "workflow.created",
        "workflow.initializing",
        "workflow.started",
        "workflow.completed",
    ]
    types = [e.event_type for e in report.compensated.events]
    assert types.index("task.failed") < types.index("compensation.started")
    assert types[-1] == "compensation.completed"


def test_sequence_numbers_run_from_1_without_gaps(run: WorkflowRun) -> None:
    numbers = [event.sequence_number for event in run.events]
    assert numbers == list(range(1, len(numbers) + 1))
    assert run.final.sequence_number == len(numbers)


def test_event_ids_are_unique(run: WorkflowRun) -> None:
    assert len({event.event_id for event in run.events}) == len(run.events)


def test_causation_points_to_an_earlier_event_of_the_same_stream(
    run: WorkflowRun,
) -> None:
    first, *rest = run.events
    assert first.causation_id == run.request_id  # caused by the start request
    earlier = {first.event_id}
    for event in rest:
        assert event.causation_id in earlier
        earlier.add(event.event_id)


def test_correlation_chains_extend_their_cause(run: WorkflowRun) -> None:
    by_id = {event.event_id: event for event in run.events}
    for event in run.events:
        chain = tuple(event.correlation_chain)
        assert chain[0] == run.correlation_id  # WEV-4
        cause = by_id.get(event.causation_id) if event.causation_id else None
        if cause is not None:
            assert chain[: len(cause.correlation_chain)] == tuple(
                cause.correlation_chain
            )


def test_task_id_is_set_exactly_for_task_events(run: WorkflowRun) -> None:
    for event in run.events:
        is_task_event = event.event_type in TASK_EVENT_STATES
        assert (event.task_id is not None) == is_task_event, event.event_type


def test_the_stream_replays_to_the_writers_state(report: DemoReport) -> None:
    assert (
        report.consumers.read_model[report.fulfilled.instance_id]
        == report.fulfilled.final
    )
    assert (
        report.consumers.read_model[report.compensated.instance_id]
        == report.compensated.final
    )


def test_a_transport_failure_of_a_read_only_tool_fails_over(report: DemoReport) -> None:
    lookup = report.fulfilled.tool_results[0]
    assert lookup.tool_name == "lookup_customer"
    assert not lookup.is_error
    assert lookup.subsystem_name == BACKUP
    assert lookup.attempts == 2
    assert report.fulfilled.tool_calls[:2] == (
        (PRIMARY, "lookup_customer"),
        (BACKUP, "lookup_customer"),
    )


def test_a_tool_error_is_not_failed_over(report: DemoReport) -> None:
    ship = next(
        r for r in report.compensated.tool_results if r.tool_name == "ship_order"
    )
    assert ship.is_error
    assert ship.attempts == 1
    assert ship.subsystem_name == PRIMARY
    calls = [call for call in report.compensated.tool_calls if call[1] == "ship_order"]
    assert calls == [(PRIMARY, "ship_order")]


def test_a_non_idempotent_tool_is_not_failed_over(report: DemoReport) -> None:
    assert isinstance(report.checks.non_idempotent_error, OutcomeUnknownError)
    assert report.checks.non_idempotent_calls == ((PRIMARY, "charge_payment"),)


def test_the_concurrent_start_conflicted_and_was_retried(report: DemoReport) -> None:
    conflict = report.concurrency.conflict
    assert conflict.subject == (
        f"stream order_fulfilment/{report.fulfilled.instance_id}"
    )
    assert (conflict.expected, conflict.actual) == (4, 5)
    assert report.concurrency.caught_up == 1
    started = [e for e in report.fulfilled.events if e.event_type == "workflow.started"]
    assert len(started) == 1
    assert started[0].data["writer"] == "replica-2"


def test_a_retried_append_stored_nothing(report: DemoReport) -> None:
    assert report.concurrency.reappended == 7
    assert len(report.fulfilled.events) == 10


def test_compensation_undid_the_completed_tasks_in_reverse(report: DemoReport) -> None:
    events = report.compensated.events
    completed = [e.task_id for e in events if e.event_type == "task.completed"]
    undone = [e.task_id for e in events if e.event_type == "compensation.task_started"]
    assert len(completed) == 2
    assert undone == completed[::-1]
    undo_tools = [r.tool_name for r in report.compensated.tool_results[-2:]]
    assert undo_tools == ["refund_payment", "release_stock"]


def test_snapshot_plus_replay_equals_the_full_fold(report: DemoReport) -> None:
    assert report.concurrency.snapshot_sequences == (4, 7)
    assert report.checks.snapshot_at_or_before_6 == 4
    assert report.checks.snapshot_plus_replay_equals_fold


def test_replay_bounds_are_inclusive(report: DemoReport) -> None:
    assert report.checks.replayed == (3, 4, 5)


def test_projection_members_share_the_events(report: DemoReport) -> None:
    handled = [
        [event.event_id for event in events]
        for events in report.consumers.projection.values()
    ]
    everything = [
        e.event_id for e in (*report.fulfilled.events, *report.compensated.events)
    ]
    assert len(handled) == 2
    assert sorted(handled[0] + handled[1]) == sorted(everything)  # each once (EB-2)
    for events in report.consumers.projection.values():
        numbers: dict[object, list[int]] = {}
        for event in events:
            numbers.setdefault(event.instance_id, []).append(event.sequence_number)
        for sequence in numbers.values():  # in order (WEB-1)
            assert sequence == sorted(sequence)


def test_the_audit_group_got_every_event_and_one_redelivery(report: DemoReport) -> None:
    everything = {
        e.event_id for e in (*report.fulfilled.events, *report.compensated.events)
    }
    audited = [event.event_id for event in report.consumers.audit_events]
    assert sorted(audited) == sorted(everything)  # every group gets every event
    deliveries = Counter(report.consumers.audit_deliveries.values())
    assert deliveries == {1: len(everything) - 1, 2: 1}  # at least once


def test_the_container_refused_a_non_conforming_bus(report: DemoReport) -> None:
    assert isinstance(report.refused, InvalidInputError)
    assert "publish" in str(report.refused)
    interfaces = [interface for interface, _ in report.registrations]
    for expected in (
        ProtocolEventBus,
        ProtocolWorkflowPersistence,
        ProtocolWorkflowEventBus,
        ProtocolMCPRegistry,
    ):
        assert expected in interfaces
    assert ProtocolServiceRegistry not in interfaces
    assert {name for _, name in report.registrations} == {"default"}


def test_the_bus_reports_critical_once_closed(report: DemoReport) -> None:
    assert report.health_after_close.status == "critical"
