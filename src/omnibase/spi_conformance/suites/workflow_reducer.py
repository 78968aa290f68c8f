"""Conformance suite of ``ProtocolWorkflowReducer`` (WR, WF, WCX-2/3, WSN-2/3, WEV-5).

The reducer is pure and synchronous, so the suite feeds it event sequences
and looks at the states it returns. Subclass
[`WorkflowReducerSuite`][] with your state type, write ``create_subject``
(yield your reducer) and, unless your state type implements
``ProtocolWorkflowSnapshot``, [`view`][WorkflowReducerSuite.view]::

    class TestMyReducer(WorkflowReducerSuite[MyState]):
        async def create_subject(self, env):
            yield MyReducer()

        def view(self, state: MyState) -> ProtocolWorkflowSnapshot:
            return state.as_snapshot()
"""

import contextlib
from collections import deque
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import ClassVar, Final, cast
from uuid import UUID, uuid4

from omnibase.protocols.core import ProtocolWorkflowReducer
from omnibase.protocols.errors import IllegalTransitionError, InvalidInputError
from omnibase.protocols.types import (
    TASK_EVENT_STATES,
    TASK_TRANSITIONS,
    WORKFLOW_EVENT_STATES,
    WORKFLOW_TRANSITIONS,
    ProtocolWorkflowEvent,
    ProtocolWorkflowSnapshot,
    TaskState,
    WorkflowData,
    WorkflowState,
)
from omnibase.spi_conformance.reference.values import WorkflowEvent
from omnibase.spi_conformance.suites._base import (
    ConformanceSuite,
    SuiteEnvironment,
    check,
    check_equal,
    fail,
    rule,
)
from omnibase.spi_conformance.suites._workflow import (
    EventFactory,
    saga,
    snapshot_members,
    task_data,
)

__all__ = ["WorkflowReducerSuite"]

_TERMINAL: Final[frozenset[WorkflowState]] = frozenset(
    state for state, targets in WORKFLOW_TRANSITIONS.items() if not targets
)
_TASK_TERMINAL: Final[frozenset[TaskState]] = frozenset(
    state for state, targets in TASK_TRANSITIONS.items() if not targets
)
_UNDO: Final[frozenset[TaskState]] = frozenset({"compensating", "compensated"})


def _workflow_paths() -> dict[WorkflowState, list[str]]:
    """For every workflow state, the event types leading there from ``pending``."""
    paths: dict[WorkflowState, list[str]] = {"pending": []}
    queue: deque[WorkflowState] = deque(["pending"])
    while queue:
        source = queue.popleft()
        for event_type, target in WORKFLOW_EVENT_STATES.items():
            if (
                event_type != "workflow.created"
                and target in WORKFLOW_TRANSITIONS[source]
                and target not in paths
            ):
                paths[target] = [*paths[source], event_type]
                queue.append(target)
    return paths


def _task_paths() -> dict[TaskState, list[str]]:
    """For every task state but the compensation ones, task events leading there."""
    paths: dict[TaskState, list[str]] = {"pending": []}
    queue: deque[TaskState] = deque(["pending"])
    while queue:
        source = queue.popleft()
        for event_type, target in TASK_EVENT_STATES.items():
            if (
                event_type != "task.scheduled"
                and target not in _UNDO
                and target in TASK_TRANSITIONS[source]
                and target not in paths
            ):
                paths[target] = [*paths[source], event_type]
                queue.append(target)
    return paths


class WorkflowReducerSuite[StateT](
    ConformanceSuite[ProtocolWorkflowReducer[StateT], SuiteEnvironment]
):
    """Checks a ``ProtocolWorkflowReducer`` by folding event sequences."""

    contract: ClassVar[type] = ProtocolWorkflowReducer

    def view(self, state: StateT) -> ProtocolWorkflowSnapshot:
        """Return a state as a snapshot, so the suite can read it.

        The default returns the state itself when it implements
        ``ProtocolWorkflowSnapshot``; override it otherwise.

        Args:
            state: A state the reducer returned.

        Returns:
            The state's members as a snapshot.
        """
        if isinstance(cast("object", state), ProtocolWorkflowSnapshot):
            return cast("ProtocolWorkflowSnapshot", state)
        raise NotImplementedError(
            f"{type(self).__qualname__}.view: the state {type(state).__name__} "
            "is not a ProtocolWorkflowSnapshot; override view()"
        )

    # --- helpers --------------------------------------------------------------

    def fold(
        self,
        reducer: ProtocolWorkflowReducer[StateT],
        events: Sequence[ProtocolWorkflowEvent],
    ) -> StateT:
        """Fold ``events`` from the initial state of their stream.

        Args:
            reducer: The reducer under test.
            events: A stream from event 1.

        Returns:
            The state after the last event.
        """
        state = reducer.initial_state(events[0].workflow_type, events[0].instance_id)
        for event in events:
            state = reducer.reduce(state, event)
        return state

    def refused[ErrorT: Exception](
        self,
        rule_id: str,
        error_type: type[ErrorT],
        reducer: ProtocolWorkflowReducer[StateT],
        events: Sequence[ProtocolWorkflowEvent],
        *,
        doing: str,
    ) -> ErrorT:
        """Require folding ``events`` to raise ``error_type``.

        Args:
            rule_id: The rule checked.
            error_type: The exception class the rule requires.
            reducer: The reducer under test.
            events: A stream from event 1 whose last event must be refused.
            doing: What the last event does, for the message.

        Returns:
            The exception raised.
        """
        try:
            result = self.fold(reducer, events)
        except error_type as error:
            return error
        except Exception as error:
            raise fail(
                rule_id,
                f"{error_type.__name__} from {doing}",
                f"{type(error).__name__}: {error}",
            ) from error
        shown = snapshot_members(self.view(result))
        raise fail(
            rule_id,
            f"{error_type.__name__} from {doing}",
            f"state {shown['state']!r}, tasks {shown['task_states']!r}",
        )

    def _probe(self, factory: EventFactory) -> EventFactory:
        """A factory continuing ``factory``'s stream without advancing it."""
        probe = EventFactory(factory.workflow_type, factory.instance_id)
        probe.sequence = factory.sequence
        probe.correlation_id = factory.correlation_id
        return probe

    def _running(
        self, factory: EventFactory, **created: WorkflowData
    ) -> list[WorkflowEvent]:
        return [
            factory.next("workflow.created", data=dict(created)),
            factory.next("workflow.started"),
        ]

    # --- WR -----------------------------------------------------------------

    @rule("WR-1")
    async def test_WR_1_equal_inputs_fold_to_equal_states(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """The same events fold to the same state, whatever was folded between."""
        first, second = EventFactory(), EventFactory()
        stream, other = saga(first), saga(second)
        before = snapshot_members(self.view(self.fold(subject, stream)))
        self.fold(subject, other)
        again = snapshot_members(self.view(self.fold(subject, stream)))
        check_equal("WR-1", "the second fold of the same events", before, again)

    @rule("WR-2")
    async def test_WR_2_the_input_state_is_never_changed(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """``reduce`` leaves its input as it was, also when it refuses an event."""
        factory = EventFactory()
        events = saga(factory)
        state = subject.initial_state(factory.workflow_type, factory.instance_id)
        for event in events:
            before = snapshot_members(self.view(state))
            following = subject.reduce(state, event)
            check_equal(
                "WR-2",
                f"the input state after folding {event.event_type}",
                before,
                snapshot_members(self.view(state)),
            )
            state = following
        before = snapshot_members(self.view(state))
        illegal = factory.next("workflow.completed")  # compensating -> completed
        with contextlib.suppress(IllegalTransitionError, InvalidInputError):
            subject.reduce(state, illegal)
        check_equal(
            "WR-2",
            "the input state after a refused event",
            before,
            snapshot_members(self.view(state)),
        )

    @rule("WR-3")
    async def test_WR_3_other_streams_and_wrong_numbers_are_invalid(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """Events of another stream, repeated or skipped numbers are refused."""
        factory = EventFactory()
        events = self._running(factory)
        stranger = EventFactory(instance_id=uuid4())
        stranger.sequence = 2
        other_type = EventFactory("another_flow", factory.instance_id)
        other_type.sequence = 2
        skipped = EventFactory(instance_id=factory.instance_id)
        skipped.sequence = 3
        cases: list[tuple[str, WorkflowEvent]] = [
            ("an event of another instance", stranger.next("workflow.paused")),
            ("an event of another workflow type", other_type.next("workflow.paused")),
            ("event 2 again", events[1]),
            ("event 4 after event 2", skipped.next("workflow.paused")),
        ]
        for what, event in cases:
            self.refused(
                "WR-3",
                InvalidInputError,
                subject,
                [*events, event],
                doing=f"reduce of {what}",
            )
        first = EventFactory()
        first.sequence = 1
        self.refused(
            "WR-3",
            InvalidInputError,
            subject,
            [first.next("workflow.started")],
            doing="reduce of event 2 into the initial state",
        )

    @rule("WR-4")
    async def test_WR_4_illegal_transitions_name_both_states(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """A forbidden move raises ``IllegalTransitionError`` naming both states."""
        factory = EventFactory()
        created = factory.next("workflow.created")
        error = self.refused(
            "WR-4",
            IllegalTransitionError,
            subject,
            [created, factory.next("workflow.completed")],
            doing="workflow.completed of a pending workflow",
        )
        check_equal(
            "WR-4",
            "(current_state, requested_state, task_id)",
            ("pending", "completed", None),
            (error.current_state, error.requested_state, error.task_id),
        )
        factory = EventFactory()
        task = uuid4()
        events = [
            *self._running(factory),
            factory.next("task.scheduled", task_id=task, data=task_data("a")),
            factory.next("task.completed", task_id=task),
        ]
        error = self.refused(
            "WR-4",
            IllegalTransitionError,
            subject,
            events,
            doing="task.completed of a pending task",
        )
        check_equal(
            "WR-4",
            "(current_state, requested_state, task_id)",
            ("pending", "completed", task),
            (error.current_state, error.requested_state, error.task_id),
        )

    @rule("WR-5")
    async def test_WR_5_unknown_event_types_only_advance(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """A newer version's event type changes the sequence number and time only."""
        factory = EventFactory()
        events = saga(factory)[:6]
        factory.sequence = len(events)
        before = snapshot_members(self.view(self.fold(subject, events)))
        future = factory.next("workflow.archived_v9", data={"reason": "later"})
        task_future = factory.next("task.escalated_v9", task_id=uuid4())
        after = snapshot_members(
            self.view(self.fold(subject, [*events, future, task_future]))
        )
        expected = {
            **before,
            "sequence_number": task_future.sequence_number,
            "taken_at": after["taken_at"],
        }
        check_equal("WR-5", "the state after unknown events", expected, after)

    # --- WF: the state machines -------------------------------------------------

    @rule("WF-1")
    async def test_WF_1_terminal_states_absorb(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """Nothing moves a workflow or a task out of a terminal state."""
        paths = _workflow_paths()
        for source in sorted(_TERMINAL):
            for event_type in WORKFLOW_EVENT_STATES:
                if event_type == "workflow.created":
                    continue
                factory = EventFactory()
                events = [factory.next("workflow.created")]
                events += [factory.next(kind) for kind in paths[source]]
                events.append(factory.next(event_type))
                self.refused(
                    "WF-1",
                    IllegalTransitionError,
                    subject,
                    events,
                    doing=f"{event_type} of a {source} workflow",
                )
        task_paths = _task_paths()
        for source in sorted(_TASK_TERMINAL - _UNDO):
            for event_type in TASK_EVENT_STATES:
                if (
                    event_type == "task.scheduled"
                    or TASK_EVENT_STATES[event_type] in _UNDO
                ):
                    continue
                factory, task, events = self._task_in(task_paths[source])
                events.append(factory.next(event_type, task_id=task))
                self.refused(
                    "WF-1",
                    IllegalTransitionError,
                    subject,
                    events,
                    doing=f"{event_type} of a {source} task",
                )

    @rule("WF-2")
    async def test_WF_2_created_comes_first(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """Event 1 is ``workflow.created`` (``pending``); tasks start ``pending``."""
        factory = EventFactory()
        self.refused(
            "WF-2",
            InvalidInputError,
            subject,
            [factory.next("workflow.started")],
            doing="a stream starting with workflow.started",
        )
        factory = EventFactory()
        created = factory.next("workflow.created")
        check_equal(
            "WF-2",
            "the state after workflow.created",
            "pending",
            self.view(self.fold(subject, [created])).state,
        )
        self.refused(
            "WF-2",
            IllegalTransitionError,
            subject,
            [created, factory.next("workflow.created")],
            doing="a second workflow.created",
        )
        factory = EventFactory()
        task = uuid4()
        state = self.view(
            self.fold(
                subject,
                [
                    factory.next("workflow.created"),
                    factory.next("task.scheduled", task_id=task, data=task_data("a")),
                ],
            )
        )
        check_equal(
            "WF-2",
            "the scheduled task's state",
            {task: "pending"},
            dict(state.task_states),
        )
        check_equal("WF-2", "the workflow after task.scheduled", "pending", state.state)

    def _task_in(
        self, path: Sequence[str]
    ) -> tuple[EventFactory, UUID, list[WorkflowEvent]]:
        """A running workflow with one task moved along ``path``."""
        factory = EventFactory()
        task = uuid4()
        events = self._running(factory)
        events.append(
            factory.next("task.scheduled", task_id=task, data=task_data("a", undo="z"))
        )
        events += [factory.next(kind, task_id=task) for kind in path]
        return factory, task, events

    @rule("WF-3")
    async def test_WF_3_workflow_events_follow_the_table(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """From every live state, each workflow event is legal as the table says."""
        paths = _workflow_paths()
        for source, path in paths.items():
            if source in _TERMINAL:
                continue
            for event_type, target in WORKFLOW_EVENT_STATES.items():
                if event_type == "workflow.created":
                    continue
                factory = EventFactory()
                events = [factory.next("workflow.created")]
                events += [factory.next(kind) for kind in path]
                events.append(factory.next(event_type))
                doing = f"{event_type} from {source}"
                if target in WORKFLOW_TRANSITIONS[source]:
                    try:
                        state = self.view(self.fold(subject, events)).state
                    except Exception as error:
                        raise fail(
                            "WF-3", f"{doing} to give {target}", repr(error)
                        ) from error
                    check_equal("WF-3", f"the state after {doing}", target, state)
                else:
                    self.refused(
                        "WF-3",
                        IllegalTransitionError,
                        subject,
                        events,
                        doing=doing,
                    )

    @rule("WF-3")
    async def test_WF_3_task_events_follow_the_table(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """From every live task state, each task event is legal as the table says."""
        for source, path in _task_paths().items():
            if source in _TASK_TERMINAL:
                continue
            for event_type, target in TASK_EVENT_STATES.items():
                if event_type == "task.scheduled" or target in _UNDO:
                    continue
                if source == "completed":
                    continue  # completed -> compensating only (WF-6)
                factory, task, events = self._task_in(path)
                events.append(factory.next(event_type, task_id=task))
                doing = f"{event_type} of a {source} task"
                if target in TASK_TRANSITIONS[source]:
                    try:
                        state = self.view(self.fold(subject, events))
                    except Exception as error:
                        raise fail(
                            "WF-3", f"{doing} to give {target}", repr(error)
                        ) from error
                    check_equal(
                        "WF-3",
                        f"the task after {doing}",
                        target,
                        state.task_states[task],
                    )
                else:
                    self.refused(
                        "WF-3",
                        IllegalTransitionError,
                        subject,
                        events,
                        doing=doing,
                    )

    @rule("WF-4")
    async def test_WF_4_dependency_events_pick_the_task_or_the_workflow(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """With a ``task_id`` the task waits; without one the workflow does."""
        factory = EventFactory()
        task = uuid4()
        events = [
            *self._running(factory),
            factory.next("task.scheduled", task_id=task, data=task_data("a")),
            factory.next("dependency.waiting"),
        ]
        steps: list[tuple[str, UUID | None, tuple[str, str]]] = [
            (
                "dependency.waiting",
                task,
                ("waiting_for_dependency", "waiting_for_dependency"),
            ),
            ("dependency.resolved", task, ("waiting_for_dependency", "pending")),
            ("dependency.resolved", None, ("running", "pending")),
        ]
        state = self.view(self.fold(subject, events))
        check_equal(
            "WF-4",
            "(workflow, task) after dependency.waiting without a task_id",
            ("waiting_for_dependency", "pending"),
            (state.state, state.task_states[task]),
        )
        for event_type, task_id, expected in steps:
            events.append(factory.next(event_type, task_id=task_id))
            state = self.view(self.fold(subject, events))
            check_equal(
                "WF-4",
                f"(workflow, task) after {event_type} with task_id={task_id}",
                expected,
                (state.state, state.task_states[task]),
            )

    @rule("WF-5")
    async def test_WF_5_state_transitioned_follows_the_tables(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """``state.transitioned`` moves from its ``from_state`` along the tables."""
        factory = EventFactory()
        task = uuid4()
        events = [
            *self._running(factory),
            factory.next("task.scheduled", task_id=task, data=task_data("a")),
            factory.next(
                "state.transitioned",
                data={"from_state": "running", "to_state": "paused"},
            ),
            factory.next(
                "state.transitioned",
                task_id=task,
                data={"from_state": "pending", "to_state": "waiting_for_dependency"},
            ),
        ]
        state = self.view(self.fold(subject, events))
        check_equal(
            "WF-5",
            "(workflow, task) after two state.transitioned",
            ("paused", "waiting_for_dependency"),
            (state.state, state.task_states[task]),
        )
        bad: list[tuple[str, dict[str, WorkflowData], type[Exception]]] = [
            (
                "from a state it is not in",
                {"from_state": "running", "to_state": "compensating"},
                IllegalTransitionError,
            ),
            (
                "along no table pair",
                {"from_state": "paused", "to_state": "compensated"},
                IllegalTransitionError,
            ),
            (
                "to an unknown state",
                {"from_state": "paused", "to_state": "sleeping"},
                InvalidInputError,
            ),
            ("without to_state", {"from_state": "paused"}, InvalidInputError),
        ]
        for what, data, error_type in bad:
            attempt = self._probe(factory)
            event = attempt.next("state.transitioned", data=data)
            self.refused(
                "WF-5",
                error_type,
                subject,
                [*events, event],
                doing=f"state.transitioned {what}",
            )

    def _compensable(
        self,
    ) -> tuple[EventFactory, dict[str, UUID], list[WorkflowEvent]]:
        """Tasks a <- b <- c (c needs b needs a), d independent, e with nothing to undo.

        All completed; the workflow is still running.
        """
        factory = EventFactory()
        ids = {name: uuid4() for name in "abcde"}
        events = self._running(factory)
        plan: list[tuple[str, list[UUID], str | None]] = [
            ("a", [], "undo_a"),
            ("b", [ids["a"]], "undo_b"),
            ("c", [ids["b"]], "undo_c"),
            ("d", [], "undo_d"),
            ("e", [], None),
        ]
        for name, depends_on, undo in plan:
            events.append(
                factory.next(
                    "task.scheduled",
                    task_id=ids[name],
                    data=task_data(name, depends_on=depends_on, undo=undo),
                )
            )
        for name in "abcde":
            events.append(factory.next("task.started", task_id=ids[name]))
            events.append(factory.next("task.completed", task_id=ids[name]))
        return factory, ids, events

    @rule("WF-6")
    async def test_WF_6_compensation_runs_in_reverse_dependency_order(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """Dependants first, independent tasks together, nothing-to-undo skipped."""
        factory, ids, events = self._compensable()
        early = self._probe(factory)
        self.refused(
            "WF-6",
            IllegalTransitionError,
            subject,
            [*events, early.next("compensation.task_started", task_id=ids["c"])],
            doing="compensating a task while the workflow runs",
        )
        events.append(factory.next("compensation.started"))

        def start(name: str) -> WorkflowEvent:
            probe = self._probe(factory)
            return probe.next("compensation.task_started", task_id=ids[name])

        for name, why in (
            ("a", "b and c still to undo"),
            ("b", "c still to undo"),
            ("e", "nothing to undo"),
        ):
            event = start(name)
            self.refused(
                "WF-6",
                IllegalTransitionError,
                subject,
                [*events, event],
                doing=f"compensation.task_started of {name} ({why})",
            )
        events.append(factory.next("compensation.task_started", task_id=ids["c"]))
        events.append(factory.next("compensation.task_started", task_id=ids["d"]))
        self.refused(
            "WF-6",
            IllegalTransitionError,
            subject,
            [*events, start("b")],
            doing="compensation.task_started of b while c compensates",
        )
        events.append(factory.next("compensation.task_completed", task_id=ids["c"]))
        events.append(factory.next("compensation.task_started", task_id=ids["b"]))
        events.append(factory.next("compensation.task_completed", task_id=ids["b"]))
        events.append(factory.next("compensation.task_started", task_id=ids["a"]))
        state = self.view(self.fold(subject, events))
        check_equal(
            "WF-6",
            "the task states",
            {
                ids["a"]: "compensating",
                ids["b"]: "compensated",
                ids["c"]: "compensated",
                ids["d"]: "compensating",
                ids["e"]: "completed",
            },
            dict(state.task_states),
        )

    @rule("WF-7")
    async def test_WF_7_a_terminal_workflow_accepts_no_event(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """After ``completed`` no task, unknown or scheduling event is accepted."""
        factory = EventFactory()
        task = uuid4()
        events = [
            *self._running(factory),
            factory.next("task.scheduled", task_id=task, data=task_data("a")),
            factory.next("workflow.completed"),
        ]
        for event_type, task_id, data in (
            ("task.started", task, None),
            ("task.scheduled", uuid4(), task_data("late")),
            ("workflow.archived_v9", None, None),
        ):
            probe = self._probe(factory)
            event = probe.next(event_type, task_id=task_id, data=data)
            self.refused(
                "WF-7",
                IllegalTransitionError,
                subject,
                [*events, event],
                doing=f"{event_type} after workflow.completed",
            )

    # --- WF-9: payloads ---------------------------------------------------------

    @rule("WF-9", "WCX-1")
    async def test_WF_9_the_created_payload_becomes_the_context(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """Reserved keys fill the context's members; the rest is ``context.data``."""
        factory = EventFactory()
        created = factory.next(
            "workflow.created",
            data={
                "isolation_level": "serializable",
                "capabilities": ["email", "sms"],
                "resource_limits": {"max_running_tasks": 2, "memory_mib": 512},
                "secrets": {"api": "env:API_KEY"},
                "user_id": "12345",
                "amount": 2.0,
            },
        )
        state = self.view(self.fold(subject, [created]))
        context = state.context
        check_equal(
            "WF-9",
            "the context",
            {
                "correlation_id": factory.correlation_id,
                "isolation_level": "serializable",
                "capabilities": ["email", "sms"],
                "resource_limits": {"max_running_tasks": 2, "memory_mib": 512},
                "secrets": {"api": "env:API_KEY"},
                "data": {"user_id": ("str", "12345"), "amount": ("float", 2.0)},
            },
            {
                key: value
                for key, value in cast(
                    "dict[str, object]",
                    snapshot_members(state)["context"],
                ).items()
                if key not in ("workflow_type", "instance_id")
            },
        )
        check(
            context.workflow_type == factory.workflow_type,
            "WF-9",
            "the context's workflow type",
            context.workflow_type,
        )
        plain = EventFactory()
        defaults = self.view(
            self.fold(subject, [plain.next("workflow.created")])
        ).context
        check_equal(
            "WF-9",
            "(isolation_level, capabilities, resource_limits, secrets) by default",
            ("read_committed", list[str](), dict[str, int](), dict[str, str]()),
            (
                defaults.isolation_level,
                list(defaults.capabilities),
                dict(defaults.resource_limits),
                dict(defaults.secrets),
            ),
        )

    @rule("WF-9")
    async def test_WF_9_the_scheduled_payload_becomes_the_task(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """Each ``task.scheduled`` key lands in its task configuration member."""
        factory = EventFactory()
        first, second = uuid4(), uuid4()
        data = task_data(
            "charge", depends_on=[first], undo="refund", capabilities=["pay"]
        )
        data.update(
            {
                "timeout_seconds": 90,
                "retry_policy": {
                    "initial_interval_seconds": 1,
                    "backoff_coefficient": 2.0,
                    "maximum_interval_seconds": 60,
                    "maximum_attempts": 5,
                },
                "non_retryable_errors": ["PaymentDeclined"],
            }
        )
        events = [
            *self._running(factory, capabilities=["pay"]),
            factory.next("task.scheduled", task_id=first, data=task_data("reserve")),
            factory.next("task.scheduled", task_id=second, data=data),
        ]
        state = self.view(self.fold(subject, events))
        tasks = {task.task_id: task for task in state.tasks}
        check_equal(
            "WF-9",
            "the tasks in scheduling order",
            [first, second],
            [task.task_id for task in state.tasks],
        )
        task = tasks[second]
        policy = task.retry_policy
        check_equal(
            "WF-9",
            "the task's configuration",
            (
                "charge",
                "charge",
                ["pay"],
                [first],
                {"item": "charge"},
                "refund",
                90.0,
                (1.0, 2.0, 60.0, 5, ["PaymentDeclined"]),
            ),
            (
                task.task_name,
                task.task_type,
                list(task.required_capabilities),
                list(task.depends_on),
                dict(task.inputs),
                task.compensation_task_type,
                None if task.timeout is None else task.timeout.total_seconds(),
                (
                    None
                    if policy is None
                    else (
                        policy.initial_interval.total_seconds(),
                        policy.backoff_coefficient,
                        policy.maximum_interval.total_seconds(),
                        policy.maximum_attempts,
                        list(policy.non_retryable_errors),
                    )
                ),
            ),
        )
        plain = tasks[first]
        check_equal(
            "WF-9",
            "(retry_policy, timeout, compensation_task_type) by default",
            (None, None, None),
            (plain.retry_policy, plain.timeout, plain.compensation_task_type),
        )

    @rule("WF-9")
    async def test_WF_9_malformed_payloads_are_invalid(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """Wrong types and out-of-range values in the payloads are refused."""
        created_cases: list[tuple[str, dict[str, WorkflowData]]] = [
            ("an unknown isolation level", {"isolation_level": "chaos"}),
            ("capabilities as a bare str", {"capabilities": "email"}),
            (
                "a negative resource limit",
                {"resource_limits": {"max_running_tasks": -1}},
            ),
            ("a resource limit that is a float", {"resource_limits": {"cpu": 0.5}}),
            ("a secret that is no URI", {"secrets": {"api": "plain"}}),
        ]
        for what, data in created_cases:
            factory = EventFactory()
            event = factory.next("workflow.created", data=data)
            self.refused(
                "WF-9",
                InvalidInputError,
                subject,
                [event],
                doing=f"workflow.created with {what}",
            )
        task = uuid4()
        scheduled_cases: list[tuple[str, dict[str, WorkflowData]]] = [
            ("no task_name", {"task_type": "a"}),
            ("an empty task_type", {**task_data("a"), "task_type": ""}),
            ("a depends_on that is no UUID", {**task_data("a"), "depends_on": ["x"]}),
            ("a zero timeout", {**task_data("a"), "timeout_seconds": 0}),
            (
                "a backoff below 1",
                {
                    **task_data("a"),
                    "retry_policy": {
                        "initial_interval_seconds": 1,
                        "backoff_coefficient": 0.5,
                        "maximum_interval_seconds": 2,
                        "maximum_attempts": 3,
                    },
                },
            ),
        ]
        for what, data in scheduled_cases:
            factory = EventFactory()
            events = [
                *self._running(factory),
                factory.next("task.scheduled", task_id=task, data=data),
            ]
            self.refused(
                "WF-9",
                InvalidInputError,
                subject,
                events,
                doing=f"task.scheduled with {what}",
            )
        factory = EventFactory()
        events = [
            *self._running(factory),
            factory.next("task.scheduled", task_id=task, data=task_data("a")),
            factory.next("task.scheduled", task_id=task, data=task_data("a")),
        ]
        self.refused(
            "WF-9",
            InvalidInputError,
            subject,
            events,
            doing="task.scheduled of a task id scheduled before",
        )

    # --- WF-10 to WF-12: dependencies and compensation -------------------------

    @rule("WF-10")
    async def test_WF_10_dependencies_are_scheduled_first(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """Unknown ids and self-dependencies are refused, so no cycle can form."""
        task = uuid4()
        for what, depends_on in (("an unknown task", [uuid4()]), ("itself", [task])):
            factory = EventFactory()
            events = [
                *self._running(factory),
                factory.next(
                    "task.scheduled",
                    task_id=task,
                    data=task_data("a", depends_on=depends_on),
                ),
            ]
            self.refused(
                "WF-10",
                InvalidInputError,
                subject,
                events,
                doing=f"task.scheduled depending on {what}",
            )

    @rule("WF-10")
    async def test_WF_10_a_task_runs_once_its_dependencies_completed(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """A dependant cannot start before its dependency completed; then it can."""
        factory = EventFactory()
        first, second = uuid4(), uuid4()
        events = [
            *self._running(factory),
            factory.next("task.scheduled", task_id=first, data=task_data("a")),
            factory.next(
                "task.scheduled",
                task_id=second,
                data=task_data("b", depends_on=[first]),
            ),
            factory.next("task.started", task_id=first),
        ]
        for waits in (False, True):
            probe = self._probe(factory)
            attempt = list(events)
            if waits:
                attempt.append(probe.next("dependency.waiting", task_id=second))
            attempt.append(probe.next("task.started", task_id=second))
            self.refused(
                "WF-10",
                IllegalTransitionError,
                subject,
                attempt,
                doing="task.started of b while a runs"
                + (" (from waiting_for_dependency)" if waits else ""),
            )
        events.append(factory.next("task.completed", task_id=first))
        events.append(factory.next("task.started", task_id=second))
        state = self.view(self.fold(subject, events))
        check_equal(
            "WF-10", "b after a completed", "running", state.task_states[second]
        )
        factory = EventFactory()
        events = [
            *self._running(factory),
            factory.next("task.scheduled", task_id=first, data=task_data("a")),
            factory.next(
                "task.scheduled",
                task_id=second,
                data=task_data("b", depends_on=[first]),
            ),
            factory.next("task.started", task_id=first),
            factory.next("task.failed", task_id=first),
            factory.next("dependency.failed", task_id=second),
        ]
        state = self.view(self.fold(subject, events))
        check_equal(
            "WF-10",
            "b after its dependency failed",
            "failed",
            state.task_states[second],
        )

    @rule("WF-11")
    async def test_WF_11_compensation_completes_when_nothing_is_left(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """``compensation.completed`` waits for every task with something to undo."""
        factory, ids, events = self._compensable()
        events.append(factory.next("compensation.started"))
        for name in "cdba":
            probe = self._probe(factory)
            done = probe.next("compensation.completed")
            self.refused(
                "WF-11",
                IllegalTransitionError,
                subject,
                [*events, done],
                doing=f"compensation.completed before {name} was undone",
            )
            events.append(factory.next("compensation.task_started", task_id=ids[name]))
            events.append(
                factory.next("compensation.task_completed", task_id=ids[name])
            )
        events.append(factory.next("compensation.completed"))
        check_equal(
            "WF-11",
            "the workflow",
            "compensated",
            self.view(self.fold(subject, events)).state,
        )

    @rule("WF-12")
    async def test_WF_12_a_failed_compensation_can_be_redriven(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """A failed undo leaves the task ``completed``; it may be started again."""
        factory = EventFactory()
        task = uuid4()
        events = [
            *self._running(factory),
            factory.next("task.scheduled", task_id=task, data=task_data("a", undo="z")),
            factory.next("task.started", task_id=task),
            factory.next("task.completed", task_id=task),
            factory.next("compensation.started"),
            factory.next("compensation.task_started", task_id=task),
            factory.next("compensation.task_failed", task_id=task),
        ]
        state = self.view(self.fold(subject, events))
        check_equal(
            "WF-12",
            "(workflow, task) after a failed undo",
            ("compensating", "completed"),
            (state.state, state.task_states[task]),
        )
        redrive = [
            *events,
            factory.next("compensation.task_started", task_id=task),
            factory.next("compensation.task_failed", task_id=task),
        ]
        state = self.view(self.fold(subject, redrive))
        check_equal(
            "WF-12",
            "the task after a second failed undo",
            "completed",
            state.task_states[task],
        )
        redrive.append(factory.next("compensation.failed"))
        check_equal(
            "WF-12",
            "the workflow given up on",
            "failed",
            self.view(self.fold(subject, redrive)).state,
        )

    # --- WCX-2, WCX-3 -----------------------------------------------------------

    @rule("WCX-2")
    async def test_WCX_2_tasks_need_only_granted_capabilities(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """A task requiring a capability the workflow lacks is refused."""
        factory = EventFactory()
        events = self._running(factory, capabilities=["email"])
        granted = factory.next(
            "task.scheduled",
            task_id=uuid4(),
            data=task_data("mail", capabilities=["email"]),
        )
        free = factory.next("task.scheduled", task_id=uuid4(), data=task_data("log"))
        state = self.view(self.fold(subject, [*events, granted, free]))
        check_equal("WCX-2", "tasks scheduled", 2, len(state.tasks))
        probe = self._probe(factory)
        denied = probe.next(
            "task.scheduled",
            task_id=uuid4(),
            data=task_data("text", capabilities=["email", "sms"]),
        )
        self.refused(
            "WCX-2",
            InvalidInputError,
            subject,
            [*events, granted, free, denied],
            doing="task.scheduled requiring sms, which was not granted",
        )

    @rule("WCX-3")
    async def test_WCX_3_max_running_tasks_is_a_ceiling(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """With ``max_running_tasks`` 1, a second task waits until the first stops."""
        factory = EventFactory()
        first, second = uuid4(), uuid4()
        events = [
            *self._running(
                factory, resource_limits={"max_running_tasks": 1, "memory_mib": 64}
            ),
            factory.next("task.scheduled", task_id=first, data=task_data("a")),
            factory.next("task.scheduled", task_id=second, data=task_data("b")),
            factory.next("task.started", task_id=first),
        ]
        probe = self._probe(factory)
        early = probe.next("task.started", task_id=second)
        self.refused(
            "WCX-3",
            IllegalTransitionError,
            subject,
            [*events, early],
            doing="task.started of a second task with max_running_tasks 1",
        )
        events.append(factory.next("task.completed", task_id=first))
        events.append(factory.next("task.started", task_id=second))
        state = self.view(self.fold(subject, events))
        check_equal(
            "WCX-3",
            "the second task after the first completed",
            "running",
            state.task_states[second],
        )
        check_equal(
            "WCX-3",
            "the other limits, passed through",
            64,
            state.context.resource_limits.get("memory_mib"),
        )

    # --- WSN-2, WSN-3, WEV-5 ----------------------------------------------------

    @rule("WSN-2")
    async def test_WSN_2_every_state_names_one_schema_version(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """The initial state and every fold carry the same non-empty version."""
        factory = EventFactory()
        state = subject.initial_state(factory.workflow_type, factory.instance_id)
        version = self.view(state).schema_version
        check(bool(version), "WSN-2", "a non-empty schema_version", version)
        for event in saga(factory):
            state = subject.reduce(state, event)
            check_equal(
                "WSN-2",
                f"the schema_version after {event.event_type}",
                version,
                self.view(state).schema_version,
            )

    @rule("WSN-3")
    async def test_WSN_3_taken_at_is_the_last_events_time_in_utc(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """``taken_at`` is the ``occurred_at`` of the last folded event, in UTC."""
        factory = EventFactory()
        state = subject.initial_state(factory.workflow_type, factory.instance_id)
        offset = timezone(timedelta(hours=9))
        for number, event in enumerate(saga(factory)):
            moment = datetime(2026, 5, 1, 12, number, tzinfo=offset)
            timed = WorkflowEvent(
                event.event_id,
                event.event_type,
                event.workflow_type,
                event.instance_id,
                event.sequence_number,
                moment,
                event.causation_id,
                event.correlation_chain,
                event.task_id,
                event.data,
            )
            state = subject.reduce(state, timed)
            taken_at = self.view(state).taken_at
            check(
                taken_at == moment and taken_at.utcoffset() == timedelta(0),
                "WSN-3",
                f"taken_at {moment.astimezone(UTC).isoformat()}",
                taken_at.isoformat(),
            )

    @rule("WEV-5")
    async def test_WEV_5_task_ids_exactly_on_task_events(
        self, subject: ProtocolWorkflowReducer[StateT], env: SuiteEnvironment
    ) -> None:
        """Task events need a ``task_id``; workflow events must not carry one."""
        factory = EventFactory()
        task = uuid4()
        events = [
            *self._running(factory),
            factory.next("task.scheduled", task_id=task, data=task_data("a")),
        ]
        for event_type, task_id in (
            ("task.started", None),
            ("compensation.task_started", None),
            ("workflow.paused", task),
            ("compensation.started", task),
        ):
            probe = self._probe(factory)
            event = probe.next(event_type, task_id=task_id)
            self.refused(
                "WEV-5",
                InvalidInputError,
                subject,
                [*events, event],
                doing=f"{event_type} with task_id={task_id}",
            )
