"""Base value types shared by every domain of the SPI.

One concept, one type: JSON is [`JsonValue`][], health is
[`ProtocolHealthReport`][] with a [`HealthStatus`][], a listing is a
[`ProtocolPage`][], a subscription returns a [`ProtocolUnsubscribe`][], a
secret is a [`ProtocolSecretValue`][] and what may be persisted in its place a
[`ProtocolSecretReference`][], the CloudEvents attributes of any message are
[`ProtocolCloudEventAttributes`][]. Everywhere in the SPI:

Rules:
    T-1: Identifiers are ``uuid.UUID`` unless the SPI names a string key
        (workflow types, tool and subsystem names, topics, CloudEvents ids).
    T-2: Every ``datetime`` is timezone-aware; a naive one raises
        ``InvalidInputError``. Implementations return UTC.
    T-3: ``None`` for an optional policy, limit or timeout means "the
        implementation's documented default", never "none at all" and never
        "wait forever". "No retry" is a policy with ``maximum_attempts == 1``.
    T-4: Collections accepted as arguments are abstract (``Sequence``,
        ``Mapping``, ``Iterable``) and copied when kept: a caller mutating
        its list afterwards changes nothing stored. Collections returned are
        read-only to the caller (``Sequence``/``Mapping`` types).
    T-5: Where a ``Sequence[str]`` of names is expected, a bare ``str`` is
        rejected with ``InvalidInputError`` rather than read as characters.
        Implementations perform such checks, and ``Literal`` membership
        checks, on the value cast to ``object`` (``value = cast("object",
        arg)``, then ``isinstance(value, str)`` or ``value in
        get_args(HealthStatus)``), so that no type checker reports the check
        as unreachable or unnecessary.
    T-6: A ``timedelta`` argument is positive: zero or a negative duration
        raises ``InvalidInputError`` unless the parameter says otherwise.
    T-7: A single ``correlation_id`` (bus metadata, envelopes, contexts, MCP
        results) is the id of the conversation's originating request: the
        first element of a workflow event's ``correlation_chain`` (WEV-4).
"""

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Final, Literal, Protocol, runtime_checkable
from uuid import UUID

__all__ = [
    "HEALTHY_STATUSES",
    "HealthStatus",
    "JsonObject",
    "JsonValue",
    "NodeMetadata",
    "ProtocolCloudEventAttributes",
    "ProtocolHealthCheckConfig",
    "ProtocolHealthReport",
    "ProtocolNodeRecord",
    "ProtocolPage",
    "ProtocolRetryPolicy",
    "ProtocolSecretReference",
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
receive work. ``maintenance``: deliberately out of rotation. "Healthy"
means ``passing`` or ``warning`` ([`HEALTHY_STATUSES`][]).
"""

HEALTHY_STATUSES: Final[tuple[HealthStatus, ...]] = ("passing", "warning")
"""The statuses that count as healthy wherever the SPI filters by health (HLT-1)."""


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
class ProtocolSecretReference(Protocol):
    """Where a secret lives; never the secret itself.

    Persisted data (snapshots, events, registrations, configuration) holds
    references; a ``ProtocolSecretResolver`` turns one into a
    [`ProtocolSecretValue`][] at the moment of use.

    Rules:
        SEC-2: A reference holds no secret: its ``uri`` names a secret in a
            store (``env:API_KEY``, ``vault:kv/app#token``). It may be
            persisted, logged and compared; equal URIs name the same secret.
    """

    @property
    def uri(self) -> str:
        """``scheme:location`` of the secret; the scheme picks the store."""
        ...


@runtime_checkable
class ProtocolHealthReport(Protocol):
    """The one health type of the SPI: a status observed at a point in time.

    Rules:
        HLT-1: "Healthy" means ``passing`` or ``warning``; every filter named
            ``healthy_only`` and every "healthy node/subsystem" in a rule
            means exactly these two statuses.
    """

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
        PG-5: A listing is read page by page, not as a snapshot: an item
            present and unchanged from the first page to the last is listed
            exactly once; one added or removed meanwhile is listed at most
            once; and each page continues after the last item of the
            previous one in the listing's order (a cursor marks a position in
            that order, not an offset).
    """

    @property
    def items(self) -> Sequence[ItemT]:
        """The items of this page, in the listing's documented order."""
        ...

    @property
    def next_cursor(self) -> str | None:
        """Cursor of the next page, or ``None`` at the end (PG-1, PG-2, PG-5)."""
        ...


@runtime_checkable
class ProtocolRetryPolicy(Protocol):
    """When and how often a failed task or delivery is retried.

    The delay before attempt ``n + 1`` is
    ``min(initial_interval * backoff_coefficient ** (n - 1), maximum_interval)``.
    Attempts are numbered from 1.

    Rules:
        RP-1: The delay never exceeds ``maximum_interval`` and computing it
            never fails, however many attempts were made (an implementation
            caps before it multiplies; unlimited attempts keep retrying every
            ``maximum_interval``).
        RP-2: An error is non-retryable when an entry of
            ``non_retryable_errors`` equals its class's ``__name__`` or its
            ``"{__module__}.{__qualname__}"``; base classes of the error are
            not consulted (Temporal's exact matching).
        RP-3: A policy breaking its members' bounds (``initial_interval``
            not positive, ``backoff_coefficient < 1``, ``maximum_interval <
            initial_interval``, ``maximum_attempts < 0``) raises
            ``InvalidInputError`` from the call that receives it.
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
        """Error type names that end the retries at once (RP-2)."""
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
            the subscription has stopped consuming (a consumer shared with
            other subscriptions goes on serving them). The call first waits
            for the subscription's handler calls in flight to return (their
            records are then acknowledged), at most the implementation's
            documented drain timeout, after which they are cancelled and
            their records delivered again. Awaited from inside the
            subscription's own handler it does not wait for that call; that
            record may then be delivered again (EH-2).
        SUB-2: Calling it again, or after the service was closed, is a
            no-op; it never raises for that.
    """

    async def __call__(self) -> None:
        """End the subscription (SUB-1); idempotent (SUB-2).

        Raises:
            UnavailableError: The backend could not be told; the subscription
                is still ended locally.
        """
        ...


@runtime_checkable
class ProtocolCloudEventAttributes(Protocol):
    """The CloudEvents 1.0 attributes of a message: one spelling for every message.

    ``EventMetadata`` (event bus) and ``ProtocolOnexEnvelope`` (requests,
    commands, events between nodes) both have exactly these attributes; the
    wire names are CloudEvents' own.

    | attribute | CloudEvents | Kafka header (binary mode) |
    |---|---|---|
    | `event_id` | `id` | `ce_id` |
    | `source` | `source` | `ce_source` |
    | `event_type` | `type` | `ce_type` |
    | `spec_version` | `specversion` | `ce_specversion` |
    | `occurred_at` | `time` (RFC 3339) | `ce_time` |
    | `subject` | `subject` | `ce_subject` |
    | `content_type` | `datacontenttype` | `content-type` |
    | `data_schema` | `dataschema` | `ce_dataschema` |
    | `correlation_id` | extension `correlationid` | `ce_correlationid` |
    | `causation_id` | extension `causationid` | `ce_causationid` |
    | `trace_parent` | extension `traceparent` | `ce_traceparent` |
    | `trace_state` | extension `tracestate` | `ce_tracestate` |
    | `extensions` | any other extension `name` | `ce_<name>` |

    Rules:
        EVM-1: ``(source, event_id)`` identifies a message; a re-send keeps
            its ``event_id``, so receivers deduplicate on the pair.
            ``event_id`` is any non-empty string (foreign CloudEvents keep
            theirs); ONEX producers use the canonical text of a random UUID.
        EVM-2: ``causation_id`` is the ``event_id`` of the message that
            directly caused this one; ``correlation_id`` is shared by every
            message of one conversation or workflow run (T-7).
        EVM-3: Extension attributes the SPI does not name are kept unchanged
            in ``extensions`` (names ``[a-z0-9]{1,20}``, string values), so a
            message forwarded by an ONEX component loses none of them.
    """

    @property
    def event_id(self) -> str:
        """CloudEvents ``id``; stable across re-sends (EVM-1)."""
        ...

    @property
    def source(self) -> str:
        """URI-reference of the producer, e.g. ``"/nodes/executor-7"``."""
        ...

    @property
    def event_type(self) -> str:
        """Reverse-DNS type, e.g. ``"onex.workflow.task.completed"``."""
        ...

    @property
    def spec_version(self) -> str:
        """CloudEvents version of the attributes: ``"1.0"``."""
        ...

    @property
    def occurred_at(self) -> datetime:
        """CloudEvents ``time``: when the occurrence happened (T-2)."""
        ...

    @property
    def subject(self) -> str | None:
        """What the message is about within its source, if narrower."""
        ...

    @property
    def content_type(self) -> str | None:
        """Media type of the data; ``None`` means ``application/json``."""
        ...

    @property
    def data_schema(self) -> str | None:
        """URI of the schema the data conforms to."""
        ...

    @property
    def correlation_id(self) -> UUID | None:
        """Id shared by every message of the conversation (EVM-2, T-7)."""
        ...

    @property
    def causation_id(self) -> str | None:
        """``event_id`` of the message that caused this one (EVM-2)."""
        ...

    @property
    def trace_parent(self) -> str | None:
        """W3C ``traceparent`` of the producing span, if traced."""
        ...

    @property
    def trace_state(self) -> str | None:
        """W3C ``tracestate`` accompanying ``trace_parent``, if any."""
        ...

    @property
    def extensions(self) -> Mapping[str, str]:
        """Other CloudEvents extension attributes, kept unchanged (EVM-3)."""
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
