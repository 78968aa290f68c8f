"""Conformance suite of ``ProtocolServiceRegistry`` (SR-1 to SR-6).

The container is synchronous, in-memory bookkeeping: the suite registers
small implementations of SPI protocols it defines itself, conforming and
deliberately not, and checks what the container accepts, lists and returns.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import ClassVar, Protocol, cast

from omnibase.protocols.container import ProtocolServiceRegistry
from omnibase.protocols.core import ProtocolSecretResolver
from omnibase.protocols.errors import (
    AlreadyRegisteredError,
    InvalidInputError,
    NotFoundError,
)
from omnibase.protocols.types import (
    HealthStatus,
    JsonObject,
    JsonValue,
    ProtocolHealthReport,
    ProtocolPage,
    ProtocolSecretReference,
    ProtocolSecretValue,
    ProtocolUnsubscribe,
)
from omnibase.spi_conformance import protocol_type
from omnibase.spi_conformance.suites._base import (
    ConformanceSuite,
    SuiteEnvironment,
    check,
    check_equal,
    fail,
    rule,
)

__all__ = ["ServiceRegistrySuite"]


@dataclass(frozen=True)
class KitReport:
    """A ``ProtocolHealthReport`` (data protocol), deliberately not slotted."""

    status: HealthStatus = "passing"
    observed_at: datetime = datetime(2026, 1, 1, tzinfo=UTC)
    message: str | None = None
    details: JsonObject = field(default_factory=dict[str, JsonValue])


@dataclass(frozen=True)
class KitPage:
    """A ``ProtocolPage[int]`` (generic data protocol)."""

    items: Sequence[int] = (1, 2)
    next_cursor: str | None = None


class KitResolver:
    """A conforming ``ProtocolSecretResolver`` (service protocol).

    Attributes:
        label: Tells instances apart without relying on identity.
    """

    def __init__(self, label: str = "resolver") -> None:
        """Name the instance.

        Args:
            label: Any text.
        """
        self.label = label

    async def health_check(self) -> ProtocolHealthReport:
        """Always passing."""
        return KitReport()

    async def aclose(self) -> None:
        """Nothing to release."""

    async def resolve(self, reference: ProtocolSecretReference) -> ProtocolSecretValue:
        """Knows no secret."""
        raise NotFoundError(reference.uri)


class KitUnsubscribe:
    """A conforming ``ProtocolUnsubscribe`` (callback protocol)."""

    async def __call__(self) -> None:
        """Nothing to end."""


class MissingResolve:
    """Lacks ``resolve``."""

    async def health_check(self) -> ProtocolHealthReport:
        """Always passing."""
        return KitReport()

    async def aclose(self) -> None:
        """Nothing to release."""


class SyncResolve(MissingResolve):
    """``resolve`` is a plain ``def``."""

    def resolve(self, reference: ProtocolSecretReference) -> ProtocolSecretValue:
        """Knows no secret."""
        raise NotFoundError(reference.uri)


class RenamedResolve(MissingResolve):
    """``resolve`` names its parameter ``ref``."""

    async def resolve(self, ref: ProtocolSecretReference) -> ProtocolSecretValue:
        """Knows no secret."""
        raise NotFoundError(ref.uri)


class StubResolver(ProtocolSecretResolver):
    """Subclasses the protocol and implements nothing: every member is a stub."""


class NotRuntimeCheckable(Protocol):
    """A protocol without ``@runtime_checkable``."""

    def run(self) -> None:
        """Do something."""
        ...


def _raises(
    rule_id: str, call: Callable[[], object], *, doing: str
) -> InvalidInputError:
    """Require ``call`` to raise ``InvalidInputError`` (a sync ``check_raises``)."""
    try:
        result = call()
    except InvalidInputError as error:
        return error
    except Exception as error:
        raise fail(
            rule_id,
            f"InvalidInputError from {doing}",
            f"{type(error).__name__}: {error}",
        ) from error
    raise fail(rule_id, f"InvalidInputError from {doing}", f"it returned {result!r}")


class ServiceRegistrySuite(ConformanceSuite[ProtocolServiceRegistry, SuiteEnvironment]):
    """Checks a ``ProtocolServiceRegistry``; write only ``create_subject``."""

    contract: ClassVar[type] = ProtocolServiceRegistry

    def refused(
        self,
        rule_id: str,
        subject: ProtocolServiceRegistry,
        implementation: object,
        what: str,
    ) -> None:
        """Require ``register`` of ``implementation`` as a resolver to fail."""
        resolver = protocol_type(ProtocolSecretResolver)
        _raises(
            rule_id,
            lambda: subject.register(
                resolver, cast("ProtocolSecretResolver", implementation)
            ),
            doing=f"register of {what}",
        )
        check_equal(
            rule_id,
            f"registrations after refusing {what}",
            [],
            list(subject.registered_interfaces()),
        )

    @rule("SR-1")
    async def test_SR_1_a_non_conforming_object_is_refused(
        self, subject: ProtocolServiceRegistry, env: SuiteEnvironment
    ) -> None:
        """A missing member, a sync method, a renamed parameter: refused."""
        for what, implementation in (
            ("an object without resolve", MissingResolve()),
            ("a plain-def resolve", SyncResolve()),
            ("a resolve(ref)", RenamedResolve()),
            ("a plain object", object()),
        ):
            self.refused("SR-1", subject, implementation, what)

    @rule("SR-1")
    async def test_SR_1_a_subclass_of_protocol_stubs_is_refused(
        self, subject: ProtocolServiceRegistry, env: SuiteEnvironment
    ) -> None:
        """Subclassing the protocol implements nothing."""
        stub = cast("type[object]", StubResolver)()  # abstract to the type checkers
        self.refused("SR-1", subject, stub, "a protocol subclass of stubs")

    @rule("SR-1")
    async def test_SR_1_a_class_is_refused(
        self, subject: ProtocolServiceRegistry, env: SuiteEnvironment
    ) -> None:
        """The class of a service, or of a data type, is not an implementation."""
        self.refused("SR-1", subject, KitResolver, "the class KitResolver")
        report = protocol_type(ProtocolHealthReport)
        _raises(
            "SR-1",
            lambda: subject.register(report, cast("ProtocolHealthReport", KitReport)),
            doing="register of the class KitReport",
        )
        check_equal("SR-1", "registrations", [], list(subject.registered_interfaces()))

    @rule("SR-2")
    async def test_SR_2_a_subscripted_protocol_is_its_origin(
        self, subject: ProtocolServiceRegistry, env: SuiteEnvironment
    ) -> None:
        """``P[int]``, ``P``, ``protocol_type(P[int])``: one key, listed as ``P``."""
        page = KitPage()
        alias = cast("object", ProtocolPage[int])  # subscripted, not its origin
        subscripted = cast("type[ProtocolPage[int]]", alias)
        try:
            subject.register(subscripted, page)
        except Exception as error:
            raise fail(
                "SR-2",
                "register(ProtocolPage[int], ...) to work",
                f"{type(error).__name__}: {error}",
            ) from error
        origin = cast("type[ProtocolPage[int]]", ProtocolPage)
        for what, key in (
            ("ProtocolPage", origin),
            ("ProtocolPage[int]", subscripted),
            ("protocol_type(ProtocolPage[int])", protocol_type(ProtocolPage[int])),
        ):
            check_equal("SR-2", f"resolve({what})", page, subject.resolve(key))
        check_equal(
            "SR-2",
            "registrations",
            [(ProtocolPage, "default")],
            list(subject.registered_interfaces()),
        )
        check_equal(
            "SR-2",
            "unregister(ProtocolPage[int])",
            True,
            subject.unregister(subscripted),
        )

    @rule("SR-2")
    async def test_SR_2_anything_else_is_refused_as_a_key(
        self, subject: ProtocolServiceRegistry, env: SuiteEnvironment
    ) -> None:
        """Plain classes and non-runtime-checkable protocols are not keys."""
        for what, key in (
            ("int", int),
            ("a protocol without @runtime_checkable", NotRuntimeCheckable),
            ("an implementation class", KitResolver),
        ):
            interface = cast("type[object]", key)
            calls: dict[str, Callable[[], object]] = {
                "register": partial(subject.register, interface, KitResolver()),
                "resolve": partial(subject.resolve, interface),
                "unregister": partial(subject.unregister, interface),
            }
            for method, call in calls.items():
                _raises("SR-2", call, doing=f"{method} with {what} as the key")

    @rule("SR-3")
    async def test_SR_3_one_implementation_per_key(
        self, subject: ProtocolServiceRegistry, env: SuiteEnvironment
    ) -> None:
        """The same object again: no-op; another: conflict unless ``replace``."""
        resolver = protocol_type(ProtocolSecretResolver)
        first, second = KitResolver("first"), KitResolver("second")

        def label(name: str = "default") -> object:
            return getattr(subject.resolve(resolver, name=name), "label", None)

        subject.register(resolver, first)
        subject.register(resolver, first)
        try:
            subject.register(resolver, second)
        except AlreadyRegisteredError:
            pass
        else:
            raise fail(
                "SR-3", "AlreadyRegisteredError for another object", "it was accepted"
            )
        check_equal("SR-3", "the registration kept", "first", label())
        subject.register(resolver, second, replace=True)
        check_equal("SR-3", "the replacement", "second", label())
        subject.register(resolver, first, name="replica")
        check_equal("SR-3", "the named registration", "first", label("replica"))
        check_equal("SR-3", "registrations", 2, len(subject.registered_interfaces()))

    @rule("SR-4")
    async def test_SR_4_resolve_returns_the_very_object(
        self, subject: ProtocolServiceRegistry, env: SuiteEnvironment
    ) -> None:
        """Service, data and callback implementations come back by identity."""
        resolver, report, unsubscribe = KitResolver(), KitReport(), KitUnsubscribe()
        subject.register(protocol_type(ProtocolSecretResolver), resolver)
        subject.register(protocol_type(ProtocolHealthReport), report)
        subject.register(protocol_type(ProtocolUnsubscribe), unsubscribe)
        for interface, expected in (
            (ProtocolSecretResolver, resolver),
            (ProtocolHealthReport, report),
            (ProtocolUnsubscribe, unsubscribe),
        ):
            found: object = subject.resolve(cast("type[object]", interface))
            check(
                found is expected,
                "SR-4",
                f"the object registered for {interface.__name__}",
                found,
            )
        check_equal("SR-4", "registrations", 3, len(subject.registered_interfaces()))

    @rule("SR-4")
    async def test_SR_4_an_unknown_key_is_not_found(
        self, subject: ProtocolServiceRegistry, env: SuiteEnvironment
    ) -> None:
        """Nothing registered under the key: ``NotFoundError``."""
        resolver = protocol_type(ProtocolSecretResolver)
        subject.register(resolver, KitResolver())
        try:
            found: object = subject.resolve(resolver, name="other")
        except NotFoundError:
            return
        raise fail(
            "SR-4", "NotFoundError for an unknown name", f"it returned {found!r}"
        )

    @rule("SR-5")
    async def test_SR_5_registrations_are_listed_in_first_registration_order(
        self, subject: ProtocolServiceRegistry, env: SuiteEnvironment
    ) -> None:
        """Each key once; replacing keeps its place."""
        resolver = protocol_type(ProtocolSecretResolver)
        subject.register(resolver, KitResolver(), name="b")
        subject.register(protocol_type(ProtocolHealthReport), KitReport())
        subject.register(resolver, KitResolver(), name="a")
        subject.register(resolver, KitResolver(), name="b", replace=True)
        check_equal(
            "SR-5",
            "registrations",
            [
                (ProtocolSecretResolver, "b"),
                (ProtocolHealthReport, "default"),
                (ProtocolSecretResolver, "a"),
            ],
            list(subject.registered_interfaces()),
        )

    @rule("SR-6")
    async def test_SR_6_unregister_frees_the_key(
        self, subject: ProtocolServiceRegistry, env: SuiteEnvironment
    ) -> None:
        """``True`` once, ``False`` after; the key may be registered again, last."""
        resolver = protocol_type(ProtocolSecretResolver)
        report = protocol_type(ProtocolHealthReport)
        subject.register(resolver, KitResolver())
        subject.register(report, KitReport())
        check_equal("SR-6", "the first unregister", True, subject.unregister(resolver))
        check_equal(
            "SR-6", "the second unregister", False, subject.unregister(resolver)
        )
        try:
            subject.resolve(resolver)
        except NotFoundError:
            pass
        else:
            raise fail("SR-6", "NotFoundError after unregister", "it resolved")
        subject.register(resolver, KitResolver("again"))
        again: object = getattr(subject.resolve(resolver), "label", None)
        check_equal("SR-6", "the new registration", "again", again)
        check_equal(
            "SR-6",
            "registrations",
            [(ProtocolHealthReport, "default"), (ProtocolSecretResolver, "default")],
            list(subject.registered_interfaces()),
        )
