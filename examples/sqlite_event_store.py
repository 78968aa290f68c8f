"""A ``ProtocolWorkflowPersistence`` on SQLite: the contract on a real database.

Standard library only (``sqlite3``). Every write is one real transaction
opened with ``BEGIN IMMEDIATE``, which takes the database's write lock at
once, so concurrent writers queue for it (up to ``busy_timeout``) instead of
failing half-way; readers never block thanks to WAL mode. Blocking calls run
in worker threads (``asyncio.to_thread``), each on a pooled connection.

How it meets the rules (``tests/conformance/test_sqlite_event_store.py`` runs
the conformance kit's suite against it):

- WP-3 first: the kit's ``check_batch`` checks the arguments before any SQL.
- WP-1 / WP-2 / WP-4 / WEV-2: one transaction reads the stream's last number,
  tells a retry (every id at its own position) from a conflict, refuses a
  reused id, inserts the batch and moves the stream's number, or does nothing.
  ``UNIQUE (stream, sequence_number)`` and ``UNIQUE (stream, event_id)`` back
  it up. Of concurrent writers expecting one number, exactly one commits.
- WP-5 / WP-12: reads page through the stream by sequence number (keyset
  pagination, ``page_size`` rows at a time), so memory stays bounded whatever
  the stream's length; closing the iterator drops the rest.
- WP-8 / WP-9: payloads are JSON text (floats stay floats, any integer, any
  character), times ISO 8601 in UTC with microseconds: every value comes back
  exactly, so the store imposes no limit beyond WP-3's.
- WP-10: an append whose caller was cancelled still runs to its commit or
  rollback in its thread; the retry waits for the write lock and sees it.
- WP-11: ``position`` is an ``AUTOINCREMENT`` key assigned inside the
  write-locked transaction, so positions grow in commit order and are never
  reused.
- WP-13: ``delete_stream`` removes events and snapshots and leaves a
  tombstone row, so the stream cannot be recreated.

Run the benchmark beside the in-memory reference with
``python -m examples.event_store_benchmark``.
"""

import asyncio
import contextlib
import json
import queue
import sqlite3
from collections.abc import AsyncGenerator, Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Final, cast, get_args
from uuid import UUID

from omnibase.protocols.errors import (
    ConcurrencyConflictError,
    InvalidInputError,
    NotFoundError,
    OutcomeUnknownError,
    UnavailableError,
)
from omnibase.protocols.types import (
    IsolationLevel,
    ProtocolHealthReport,
    ProtocolRecordedWorkflowEvent,
    ProtocolWorkflowEvent,
    ProtocolWorkflowSnapshot,
    TaskState,
    WorkflowData,
    WorkflowState,
)
from omnibase.spi_conformance.reference.factories import Clock, utc_now
from omnibase.spi_conformance.reference.values import (
    HealthReport,
    RecordedWorkflowEvent,
    RetryPolicy,
    SecretReference,
    TaskConfiguration,
    WorkflowContext,
    WorkflowEvent,
    WorkflowSnapshot,
    workflow_snapshot_of,
)
from omnibase.spi_conformance.reference.workflow_checks import (
    check_at_or_before,
    check_batch,
    check_bounds,
    check_instance_id,
    check_position,
    check_workflow_type,
    stream_subject,
)

__all__ = ["SQLiteWorkflowPersistence"]

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    workflow_type TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    sequence_number INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    event_type TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    causation_id TEXT,
    correlation_chain TEXT NOT NULL,
    task_id TEXT,
    data TEXT NOT NULL,
    UNIQUE (workflow_type, instance_id, sequence_number),
    UNIQUE (workflow_type, instance_id, event_id)
);
CREATE TABLE IF NOT EXISTS streams (
    workflow_type TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    last_sequence INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (workflow_type, instance_id)
);
CREATE TABLE IF NOT EXISTS snapshots (
    workflow_type TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    sequence_number INTEGER NOT NULL,
    schema_version TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (workflow_type, instance_id, sequence_number, schema_version)
);
"""

_EVENT_COLUMNS: Final = (
    "event_id, event_type, workflow_type, instance_id, sequence_number, "
    "occurred_at, causation_id, correlation_chain, task_id, data"
)

type _Row = tuple[str | int | None, ...]

_WORKFLOW_STATES: Final[frozenset[str]] = frozenset(get_args(WorkflowState))
_TASK_STATES: Final[frozenset[str]] = frozenset(get_args(TaskState))
_ISOLATION_LEVELS: Final[frozenset[str]] = frozenset(get_args(IsolationLevel))


class SQLiteWorkflowPersistence:
    """Event streams and snapshots of workflow instances in one SQLite file."""

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Clock = utc_now,
        busy_timeout: timedelta = timedelta(seconds=10),
        page_size: int = 500,
    ) -> None:
        """Open (and create if needed) the store.

        Args:
            path: The database file.
            clock: Timestamps health reports.
            busy_timeout: How long a writer waits for the write lock before
                giving up with ``UnavailableError`` (nothing written).
            page_size: Rows a streamed read fetches at a time (WP-12).
        """
        self._path = str(path)
        self._clock = clock
        self._busy_timeout = busy_timeout
        self._page_size = page_size
        self._pool: queue.SimpleQueue[sqlite3.Connection] = queue.SimpleQueue()
        self._closed = False
        with contextlib.closing(self._connect()) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)

    # --- connections and threads ---------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self._path,
            timeout=self._busy_timeout.total_seconds(),
            isolation_level=None,  # autocommit: transactions are explicit
            check_same_thread=False,  # used by one worker thread at a time
        )
        connection.execute("PRAGMA foreign_keys=ON")
        return connection

    def _check_open(self) -> None:
        if self._closed:
            raise UnavailableError("SQLiteWorkflowPersistence is closed (LC-3)")

    async def _run[T](self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``work`` on a pooled connection in a worker thread."""
        self._check_open()
        return await asyncio.to_thread(self._with_connection, work)

    def _with_connection[T](self, work: Callable[[sqlite3.Connection], T]) -> T:
        try:
            connection = self._pool.get_nowait()
        except queue.Empty:
            try:
                connection = self._connect()
            except sqlite3.Error as error:
                raise UnavailableError(f"SQLite: {error}") from None
        reusable = True
        try:
            return work(connection)
        except sqlite3.Error as error:
            # Raised before COMMIT (a busy write lock, a broken file): the
            # transaction is rolled back, nothing took effect (ERR-5).
            reusable = False
            raise UnavailableError(f"SQLite: {error}") from None
        finally:
            if connection.in_transaction:  # refused by a rule, or failed
                with contextlib.suppress(sqlite3.Error):
                    connection.execute("ROLLBACK")
            if reusable and not self._closed:
                self._pool.put(connection)
            else:
                connection.close()

    def _after_commit(self) -> None:
        """Called after every committed append; a test may lose the reply here."""

    # --- appends ------------------------------------------------------------------

    async def append_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        events: Sequence[ProtocolWorkflowEvent],
        expected_sequence: int,
    ) -> int:
        """Append events in one ``BEGIN IMMEDIATE`` transaction (WP-1 to WP-4)."""
        self._check_open()
        batch = check_batch(workflow_type, instance_id, events, expected_sequence)
        rows = [_event_row(event) for event in batch]
        stream = (workflow_type, str(instance_id))

        def append(connection: sqlite3.Connection) -> int:
            connection.execute("BEGIN IMMEDIATE")
            last = _last(connection, stream)
            first, final = batch[0].sequence_number, batch[-1].sequence_number
            stored = connection.execute(
                "SELECT sequence_number, event_id FROM events WHERE workflow_type = ? "
                "AND instance_id = ? AND sequence_number BETWEEN ? AND ?",
                (*stream, first, final),
            ).fetchall()
            if sorted(stored) == [(e.sequence_number, str(e.event_id)) for e in batch]:
                connection.execute("ROLLBACK")
                return final  # a retry (WP-4)
            if expected_sequence != last:
                raise ConcurrencyConflictError(
                    stream_subject(workflow_type, instance_id), expected_sequence, last
                )
            placeholders = ", ".join("?" for _ in batch)
            reused = connection.execute(
                "SELECT event_id FROM events WHERE workflow_type = ? AND "
                f"instance_id = ? AND event_id IN ({placeholders})",
                (*stream, *(str(event.event_id) for event in batch)),
            ).fetchone()
            if reused is not None:
                raise InvalidInputError(
                    f"event id {reused[0]} is in the stream (WEV-2)"
                )
            connection.executemany(
                f"INSERT INTO events ({_EVENT_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            connection.execute(
                "INSERT INTO streams (workflow_type, instance_id, last_sequence) "
                "VALUES (?, ?, ?) ON CONFLICT (workflow_type, instance_id) "
                "DO UPDATE SET last_sequence = excluded.last_sequence",
                (*stream, final),
            )
            _commit(connection)
            self._after_commit()
            return final

        return await self._run(append)

    async def last_sequence(self, workflow_type: str, instance_id: UUID) -> int:
        """Return the last sequence number of a stream; 0 when unknown (WEV-1)."""
        stream = _stream(workflow_type, instance_id)
        return await self._run(lambda connection: _last(connection, stream))

    # --- reads -----------------------------------------------------------------------

    async def read_events(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        from_sequence: int = 1,
        to_sequence: int | None = None,
    ) -> AsyncGenerator[ProtocolWorkflowEvent, None]:
        """Yield events ``from_sequence..to_sequence``, a page at a time (WP-5)."""
        stream = _stream(workflow_type, instance_id)
        check_bounds(from_sequence, to_sequence)
        await self._run(lambda connection: _last(connection, stream))  # deleted?
        after = from_sequence - 1
        last = to_sequence if to_sequence is not None else 2**63 - 1
        limit = self._page_size
        while after < last:

            def page(connection: sqlite3.Connection, after: int = after) -> list[_Row]:
                return connection.execute(
                    f"SELECT {_EVENT_COLUMNS} FROM events WHERE workflow_type = ? "
                    "AND instance_id = ? AND sequence_number > ? AND "
                    "sequence_number <= ? ORDER BY sequence_number LIMIT ?",
                    (*stream, after, last, limit),
                ).fetchall()

            rows = await self._run(page)
            for row in rows:
                self._check_open()  # a closed store fails the next step (LC-3)
                yield _event(row)
            if len(rows) < limit:
                return
            after = cast("int", rows[-1][4])

    async def read_all(
        self, *, after_position: int = 0
    ) -> AsyncGenerator[ProtocolRecordedWorkflowEvent, None]:
        """Yield every stream's events in position (commit) order (WP-11)."""
        after = check_position(after_position)
        limit = self._page_size
        while True:

            def page(connection: sqlite3.Connection, after: int = after) -> list[_Row]:
                return connection.execute(
                    f"SELECT position, {_EVENT_COLUMNS} FROM events "
                    "WHERE position > ? ORDER BY position LIMIT ?",
                    (after, limit),
                ).fetchall()

            rows = await self._run(page)
            for row in rows:
                self._check_open()
                yield RecordedWorkflowEvent(cast("int", row[0]), _event(row[1:]))
            if len(rows) < limit:
                return
            after = cast("int", rows[-1][0])

    # --- snapshots -------------------------------------------------------------------

    async def save_snapshot(self, snapshot: ProtocolWorkflowSnapshot) -> None:
        """Store a snapshot; the first of one sequence and version wins (WP-7)."""
        self._check_open()
        if not isinstance(cast("object", snapshot), ProtocolWorkflowSnapshot):
            raise InvalidInputError(f"not a ProtocolWorkflowSnapshot: {snapshot!r}")
        stream = _stream(snapshot.workflow_type, snapshot.instance_id)
        number = snapshot.sequence_number
        body = json.dumps(_snapshot_body(snapshot), allow_nan=False)

        def save(connection: sqlite3.Connection) -> None:
            connection.execute("BEGIN IMMEDIATE")
            row = connection.execute(
                "SELECT last_sequence, deleted FROM streams "
                "WHERE workflow_type = ? AND instance_id = ?",
                stream,
            ).fetchone()
            last = 0 if row is None or row[1] else int(row[0])
            if not 1 <= number <= last:
                raise InvalidInputError(
                    f"stream has no sequence number {number} (last is {last}) (WP-7)"
                )
            connection.execute(
                "INSERT OR IGNORE INTO snapshots VALUES (?, ?, ?, ?, ?)",
                (*stream, number, snapshot.schema_version, body),
            )
            _commit(connection)

        await self._run(save)

    async def load_snapshot(
        self,
        workflow_type: str,
        instance_id: UUID,
        *,
        at_or_before: int | None = None,
        schema_version: str | None = None,
    ) -> ProtocolWorkflowSnapshot | None:
        """Return the latest snapshot at or before ``at_or_before`` (WP-6)."""
        stream = _stream(workflow_type, instance_id)
        bound = check_at_or_before(at_or_before)

        def load(connection: sqlite3.Connection) -> str | None:
            row = connection.execute(
                "SELECT body FROM snapshots WHERE workflow_type = ? AND "
                "instance_id = ? AND sequence_number <= ? AND "
                "(? IS NULL OR schema_version = ?) "
                "ORDER BY sequence_number DESC, schema_version LIMIT 1",
                (
                    *stream,
                    2**63 - 1 if bound is None else bound,
                    schema_version,
                    schema_version,
                ),
            ).fetchone()
            return None if row is None else cast("str", row[0])

        body = await self._run(load)
        return None if body is None else _snapshot(json.loads(body))

    async def delete_stream(self, workflow_type: str, instance_id: UUID) -> bool:
        """Erase a stream's events and snapshots; keep a tombstone (WP-13)."""
        stream = _stream(workflow_type, instance_id)

        def delete(connection: sqlite3.Connection) -> bool:
            connection.execute("BEGIN IMMEDIATE")
            row = connection.execute(
                "SELECT deleted FROM streams WHERE workflow_type = ? AND "
                "instance_id = ?",
                stream,
            ).fetchone()
            if row is None or row[0]:
                connection.execute("ROLLBACK")
                return False
            for table in ("events", "snapshots"):
                connection.execute(
                    f"DELETE FROM {table} WHERE workflow_type = ? AND instance_id = ?",
                    stream,
                )
            connection.execute(
                "UPDATE streams SET deleted = 1 WHERE workflow_type = ? AND "
                "instance_id = ?",
                stream,
            )
            _commit(connection)
            return True

        return await self._run(delete)

    # --- lifecycle -----------------------------------------------------------------

    async def health_check(self) -> ProtocolHealthReport:
        """``passing`` when the schema can be read within a second (LC-1)."""
        if self._closed:
            return HealthReport("critical", self._clock(), "closed (LC-3)")

        def probe(connection: sqlite3.Connection) -> int:
            return int(connection.execute("SELECT count(*) FROM streams").fetchone()[0])

        try:
            async with asyncio.timeout(1):
                streams = await self._run(probe)
        except (UnavailableError, TimeoutError) as error:
            return HealthReport("critical", self._clock(), f"unreachable: {error}")
        return HealthReport("passing", self._clock(), None, {"streams": streams})

    async def aclose(self) -> None:
        """Close the pooled connections; a second call does nothing (LC-2)."""
        if self._closed:
            return
        self._closed = True
        self.release_connections()

    def release_connections(self) -> None:
        """Close every idle pooled connection (new calls open fresh ones)."""
        while True:
            try:
                self._pool.get_nowait().close()
            except queue.Empty:
                return


# --- rows <-> values ----------------------------------------------------------


def _commit(connection: sqlite3.Connection) -> None:
    """COMMIT; if it fails, the outcome is not known to the caller (ERR-5)."""
    try:
        connection.execute("COMMIT")
    except sqlite3.Error as error:
        raise OutcomeUnknownError(f"SQLite COMMIT failed: {error}") from None


def _stream(workflow_type: str, instance_id: UUID) -> tuple[str, str]:
    return check_workflow_type(workflow_type), str(check_instance_id(instance_id))


def _last(connection: sqlite3.Connection, stream: tuple[str, str]) -> int:
    row = connection.execute(
        "SELECT last_sequence, deleted FROM streams WHERE workflow_type = ? "
        "AND instance_id = ?",
        stream,
    ).fetchone()
    if row is None:
        return 0
    if row[1]:
        raise NotFoundError(f"stream {stream[0]}/{stream[1]} was deleted (WP-13)")
    return int(row[0])


def _json_data(data: Mapping[str, WorkflowData]) -> str:
    plain = {
        key: (
            value
            if isinstance(value, str | int | float | bool)
            else dict(value) if isinstance(value, Mapping) else list(value)
        )
        for key, value in data.items()
    }
    return json.dumps(plain, allow_nan=False, separators=(",", ":"))


def _data(text: str) -> Mapping[str, WorkflowData]:
    raw = cast("dict[str, object]", json.loads(text))
    data: dict[str, WorkflowData] = {}
    for key, value in raw.items():
        if isinstance(value, list):
            data[key] = tuple(cast("list[str]", value))
        elif isinstance(value, dict):
            data[key] = MappingProxyType(
                cast("dict[str, str | int | float | bool]", value)
            )
        else:
            data[key] = cast("str | int | float | bool", value)
    return MappingProxyType(data)


def _event_row(event: WorkflowEvent) -> _Row:
    return (
        str(event.event_id),
        str(event.event_type),
        event.workflow_type,
        str(event.instance_id),
        event.sequence_number,
        event.occurred_at.astimezone(UTC).isoformat(),
        None if event.causation_id is None else str(event.causation_id),
        json.dumps([str(item) for item in event.correlation_chain]),
        None if event.task_id is None else str(event.task_id),
        _json_data(event.data),
    )


def _optional_uuid(value: str | int | None) -> UUID | None:
    return None if value is None else UUID(str(value))


def _event(row: Sequence[str | int | None]) -> WorkflowEvent:
    chain = cast("list[str]", json.loads(str(row[7])))
    return WorkflowEvent(
        event_id=UUID(str(row[0])),
        event_type=str(row[1]),
        workflow_type=str(row[2]),
        instance_id=UUID(str(row[3])),
        sequence_number=int(cast("int", row[4])),
        occurred_at=datetime.fromisoformat(str(row[5])),
        causation_id=_optional_uuid(row[6]),
        correlation_chain=tuple(UUID(item) for item in chain),
        task_id=_optional_uuid(row[8]),
        data=_data(str(row[9])),
    )


def _snapshot_body(snapshot: ProtocolWorkflowSnapshot) -> dict[str, object]:
    value = workflow_snapshot_of(snapshot)
    context = value.context
    return {
        "workflow_type": value.workflow_type,
        "instance_id": str(value.instance_id),
        "sequence_number": value.sequence_number,
        "schema_version": value.schema_version,
        "state": value.state,
        "context": {
            "correlation_id": str(context.correlation_id),
            "isolation_level": context.isolation_level,
            "data": _json_data(context.data),
            "secrets": {name: ref.uri for name, ref in context.secrets.items()},
            "capabilities": list(context.capabilities),
            "resource_limits": dict(context.resource_limits),
        },
        "tasks": [_task_body(task) for task in value.tasks],
        "task_states": {str(k): v for k, v in value.task_states.items()},
        "completed_tasks": [str(task) for task in value.completed_tasks],
        "taken_at": value.taken_at.astimezone(UTC).isoformat(),
    }


def _task_body(task: TaskConfiguration) -> dict[str, object]:
    policy = task.retry_policy
    return {
        "task_id": str(task.task_id),
        "task_name": task.task_name,
        "task_type": task.task_type,
        "required_capabilities": list(task.required_capabilities),
        "depends_on": [str(item) for item in task.depends_on],
        "inputs": _json_data(task.inputs),
        "retry_policy": (
            None
            if policy is None
            else {
                "initial_interval": policy.initial_interval.total_seconds(),
                "backoff_coefficient": policy.backoff_coefficient,
                "maximum_interval": policy.maximum_interval.total_seconds(),
                "maximum_attempts": policy.maximum_attempts,
                "non_retryable_errors": list(policy.non_retryable_errors),
            }
        ),
        "timeout": None if task.timeout is None else task.timeout.total_seconds(),
        "compensation_task_type": task.compensation_task_type,
    }


def _snapshot(body: dict[str, object]) -> WorkflowSnapshot:
    context = cast("dict[str, object]", body["context"])
    workflow_type = str(body["workflow_type"])
    instance_id = UUID(str(body["instance_id"]))
    state = str(body["state"])
    isolation = str(context["isolation_level"])
    if state not in _WORKFLOW_STATES or isolation not in _ISOLATION_LEVELS:
        raise UnavailableError(f"corrupt snapshot of {workflow_type}/{instance_id}")
    task_states = cast("dict[str, str]", body["task_states"])
    return WorkflowSnapshot(
        workflow_type=workflow_type,
        instance_id=instance_id,
        sequence_number=int(cast("int", body["sequence_number"])),
        state=cast("WorkflowState", state),
        context=WorkflowContext(
            workflow_type=workflow_type,
            instance_id=instance_id,
            correlation_id=UUID(str(context["correlation_id"])),
            isolation_level=cast("IsolationLevel", isolation),
            data=_data(str(context["data"])),
            secrets=MappingProxyType(
                {
                    name: SecretReference(uri)
                    for name, uri in cast("dict[str, str]", context["secrets"]).items()
                }
            ),
            capabilities=tuple(cast("list[str]", context["capabilities"])),
            resource_limits=MappingProxyType(
                cast("dict[str, int]", context["resource_limits"])
            ),
        ),
        schema_version=str(body["schema_version"]),
        tasks=tuple(
            _task(cast("dict[str, object]", task))
            for task in cast("list[object]", body["tasks"])
        ),
        task_states=MappingProxyType(
            {
                UUID(key): cast("TaskState", value)
                for key, value in task_states.items()
                if value in _TASK_STATES
            }
        ),
        completed_tasks=tuple(
            UUID(item) for item in cast("list[str]", body["completed_tasks"])
        ),
        taken_at=datetime.fromisoformat(str(body["taken_at"])),
    )


def _task(body: dict[str, object]) -> TaskConfiguration:
    policy = cast("dict[str, object] | None", body["retry_policy"])
    timeout = cast("float | None", body["timeout"])
    return TaskConfiguration(
        task_id=UUID(str(body["task_id"])),
        task_name=str(body["task_name"]),
        task_type=str(body["task_type"]),
        required_capabilities=tuple(cast("list[str]", body["required_capabilities"])),
        depends_on=tuple(UUID(item) for item in cast("list[str]", body["depends_on"])),
        inputs=_data(str(body["inputs"])),
        retry_policy=(
            None
            if policy is None
            else RetryPolicy(
                initial_interval=timedelta(
                    seconds=cast("float", policy["initial_interval"])
                ),
                backoff_coefficient=cast("float", policy["backoff_coefficient"]),
                maximum_interval=timedelta(
                    seconds=cast("float", policy["maximum_interval"])
                ),
                maximum_attempts=cast("int", policy["maximum_attempts"]),
                non_retryable_errors=tuple(
                    cast("list[str]", policy["non_retryable_errors"])
                ),
            )
        ),
        timeout=None if timeout is None else timedelta(seconds=timeout),
        compensation_task_type=cast("str | None", body["compensation_task_type"]),
    )
