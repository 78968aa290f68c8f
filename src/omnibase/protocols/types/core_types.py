"""Base value types shared by every domain of the SPI.

One concept, one type: JSON is [`JsonValue`][], health is
[`ProtocolHealthReport`][] with a [`HealthStatus`][], a listing is a
[`ProtocolPage`][], a subscription returns a [`ProtocolUnsubscribe`][],
a secret is a [`ProtocolSecretValue`][]. Everywhere in the SPI:

Rules:
    T-1: Identifiers are ``uuid.UUID`` unless the spec names a string key
        (workflow types, tool and subsystem names, topics).
    T-2: Every ``datetime`` is timezone-aware; implementations return UTC.
    T-3: Durations and timeouts are ``datetime.timedelta``; a ``timeout`` of
        ``None`` means "the implementation's documented default", never
        "wait forever".
    T-4: Collections accepted as arguments are abstract (``Sequence``,
        ``Mapping``, ``Iterable``); collections returned are read-only views
        the caller must not mutate.
    T-5: Where a ``Sequence[str]`` of names is expected, a bare ``str`` is
        rejected with ``InvalidInputError`` rather than read as characters.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Literal, Protocol, runtime_checkable
from uuid import UUID

__all__ = [
    "HealthStatus",
    "JsonObject",
    "JsonValue",
    "NodeMetadata",
    "ProtocolHealthCheckConfig",
    "ProtocolHealthReport",
    "ProtocolNodeRecord",
    "ProtocolPage",
    "ProtocolRetryPolicy",
    "ProtocolSecretValue",
    "ProtocolUnsubscribe",
    "ProtocolValidationIssue",
]

type JsonValue = (
    str | int | float | bool | Sequence[JsonValue] | Mapping[str, JsonValue] | None
)
"""Any JSON document. Read-only containers, so lists, tuples and dicts all fit."""

type JsonObject = Mapping[str, JsonValue]
"""A JSON object: string keys, JSON values."""

HealthStatus = Literal["passing", "warning", "critical", "maintenance"]
"""Health of a node, subsystem or backend (Consul's vocabulary).

``passing``: healthy. ``warning``: serving, degraded. ``critical``: must not
receive work. ``maintenance``: deliberately out of rotation.
"""


@runtime_checkable
class ProtocolSecretValue(Protocol):
    """A secret (API key, password, token) that is never typed as ``str``.

    Keeping the secret behind a method means ``repr``, logging and
    serialisation of the holder never show it. pydantic's ``SecretStr`` and
    ``SecretBytes``-like wrappers with ``get_secret_value() -> str`` satisfy it.

    Rules:
        SEC-1: ``str()`` and ``repr()`` of an implementation never contain the
            secret.
    """

    def get_secret_value(self) -> str:
        """Return the secret in clear text, for the one call that needs it.

        Returns:
            The secret value.
        """
        ...


@runtime_checkable
class ProtocolHealthReport(Protocol):
    """The one health type of the SPI: a status observed at a point in time."""

    @property
    def status(self) -> HealthStatus:
        """The observed health."""
        ...

    @property
    def observed_at(self) -> datetime:
        """When the status was observed (timezone-aware)."""
        ...

    @property
    def message(self) -> str | None:
        """A human-readable note (a check's output or a heartbeat's note)."""
        ...

    @property
    def details(self) -> JsonObject:
        """Machine-readable details (latencies, lag, version); may be empty."""
        ...


@runtime_checkable
class ProtocolHealthCheckConfig(Protocol):
    """How a registry judges the health of something that registered with it.

    The registered party sends heartbeats. A registration starts ``critical``
    until its first heartbeat, becomes ``critical`` when no heartbeat arrived
    within [`ttl`][], and is removed when it stayed ``critical`` for
    [`deregister_critical_after`][] (the grace period).
    """

    @property
    def ttl(self) -> timedelta:
        """Longest allowed gap between two heartbeats; must be positive."""
        ...

    @property
    def deregister_critical_after(self) -> timedelta:
        """Grace period a ``critical`` registration is kept before removal."""
        ...


@runtime_checkable
class ProtocolPage[ItemT](Protocol):
    """One page of a listing addressed by an opaque cursor.

    Rules:
        PG-1: ``next_cursor is None`` means the listing is complete.
        PG-2: A non-``None`` cursor means "maybe more": the next page may be
            empty.
        PG-3: Cursors are opaque; callers pass them back unchanged. A cursor
            the implementation cannot read raises ``InvalidInputError``.
        PG-4: A page never holds more items than the ``limit`` asked for; a
            ``limit`` below 1 raises ``InvalidInputError``.
    """

    @property
    def items(self) -> Sequence[ItemT]:
        """The items of this page, in the listing's documented order."""
        ...

    @property
    def next_cursor(self) -> str | None:
        """Cursor of the next page, or ``None`` at the end (PG-1, PG-2)."""
        ...


@runtime_checkable
class ProtocolRetryPolicy(Protocol):
    """When and how often a failed task or delivery is retried.

    The delay before attempt ``n + 1`` is
    ``min(initial_interval * backoff_coefficient ** (n - 1), maximum_interval)``.
    Attempts are numbered from 1.
    """

    @property
    def initial_interval(self) -> timedelta:
        """Delay before the first retry; positive."""
        ...

    @property
    def backoff_coefficient(self) -> float:
        """Growth factor of the delay; at least 1.0."""
        ...

    @property
    def maximum_interval(self) -> timedelta:
        """Upper bound of the delay; at least [`initial_interval`][]."""
        ...

    @property
    def maximum_attempts(self) -> int:
        """Total attempts allowed: 0 means unlimited, 1 means no retry."""
        ...

    @property
    def non_retryable_errors(self) -> Sequence[str]:
        """Error type names that end the task at once, without retry."""
        ...


@runtime_checkable
class ProtocolValidationIssue(Protocol):
    """One problem found by a validator; an empty list of issues means valid."""

    @property
    def path(self) -> str:
        """JSON Pointer (RFC 6901) to the offending value; ``""`` for the root."""
        ...

    @property
    def code(self) -> str:
        """Stable machine-readable code, e.g. ``"required"`` or ``"type"``."""
        ...

    @property
    def message(self) -> str:
        """Human-readable explanation naming the value and the rule broken."""
        ...


@runtime_checkable
class ProtocolUnsubscribe(Protocol):
    """What every ``subscribe`` returns: await it to end the subscription.

    Rules:
        SUB-1: After the call returns, the handler is not invoked again and
            the consumer has left its group.
        SUB-2: Calling it again is a no-op; it never raises for that.
    """

    async def __call__(self) -> None:
        """End the subscription (SUB-1); idempotent (SUB-2).

        Raises:
            UnavailableError: The backend could not be told; the subscription
                is still ended locally.
        """
        ...


@runtime_checkable
class NodeMetadata(Protocol):
    """Identity of an ONEX node (a process that executes work)."""

    @property
    def node_id(self) -> UUID:
        """Unique id of the node; re-registering the same id replaces it."""
        ...

    @property
    def node_name(self) -> str:
        """Human-readable name; not necessarily unique."""
        ...

    @property
    def node_type(self) -> str:
        """Kind of node, used for discovery (e.g. ``"workflow_executor"``)."""
        ...

    @property
    def version(self) -> str:
        """Version of the node's software."""
        ...

    @property
    def endpoint(self) -> str | None:
        """URI where the node accepts requests, or ``None`` if it only consumes."""
        ...

    @property
    def labels(self) -> Mapping[str, str]:
        """Free-form string metadata (region, zone, owner)."""
        ...


@runtime_checkable
class ProtocolNodeRecord(Protocol):
    """What a node registry knows about one registered node."""

    @property
    def node(self) -> NodeMetadata:
        """The node's identity as registered."""
        ...

    @property
    def capabilities(self) -> Sequence[str]:
        """Capabilities the node declared, e.g. ``"workflow_execution"``."""
        ...

    @property
    def health_check(self) -> ProtocolHealthCheckConfig:
        """How the registry judges the node's heartbeats."""
        ...

    @property
    def health(self) -> ProtocolHealthReport:
        """The node's current health (``critical`` until its first heartbeat)."""
        ...

    @property
    def registered_at(self) -> datetime:
        """When the node (last) registered."""
        ...
