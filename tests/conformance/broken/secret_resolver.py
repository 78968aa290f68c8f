"""Broken secret resolvers: each breaks one rule of ProtocolSecretResolver."""

from typing import override

from omnibase.protocols.errors import InvalidInputError, NotFoundError
from omnibase.protocols.types import (
    ProtocolHealthReport,
    ProtocolSecretReference,
    ProtocolSecretValue,
)
from omnibase.spi_conformance.reference.secret_resolver import (
    InMemorySecretResolver,
    split_uri,
)
from omnibase.spi_conformance.reference.values import SecretReference, SecretValue
from omnibase.spi_conformance.suites import SuiteEnvironment
from tests.conformance.harness import Variant
from tests.conformance.test_reference_secret_resolver import (
    TestInMemorySecretResolver,
)


class CachesSecrets(InMemorySecretResolver):
    """Keeps the first value it resolved: a rotation is never seen (SRR-1)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__()
        self._cache: dict[str, ProtocolSecretValue] = {}

    @override
    async def resolve(self, reference: ProtocolSecretReference) -> ProtocolSecretValue:
        self._check_open()
        uri = ":".join(split_uri(reference))
        if uri not in self._cache:
            self._cache[uri] = await super().resolve(reference)
        return self._cache[uri]


class KeyErrorForUnknown(InMemorySecretResolver):
    """Raises the builtin ``KeyError`` for an unknown reference (SRR-1)."""

    @override
    async def resolve(self, reference: ProtocolSecretReference) -> ProtocolSecretValue:
        self._check_open()
        scheme, name = split_uri(reference)
        if scheme == self.scheme and name not in self._secrets:
            raise KeyError(name)
        return await super().resolve(reference)


class ServesAnyScheme(InMemorySecretResolver):
    """Ignores the scheme of a well-formed reference (SRR-2)."""

    @override
    async def resolve(self, reference: ProtocolSecretReference) -> ProtocolSecretValue:
        _, name = split_uri(reference)
        return await super().resolve(SecretReference(f"{self.scheme}:{name}"))


class AttributeErrorOnWrongType(InMemorySecretResolver):
    """Reads ``.uri`` of whatever it is given: a str raises AttributeError (ERR-1)."""

    @override
    async def resolve(self, reference: ProtocolSecretReference) -> ProtocolSecretValue:
        reference.uri.startswith("memory:")
        return await super().resolve(reference)


class PlainValue(SecretValue):
    """A secret value whose ``repr`` shows the secret."""

    @override
    def __repr__(self) -> str:
        return f"PlainValue({self.get_secret_value()!r})"


class LeaksInRepr(InMemorySecretResolver):
    """Returns values whose ``repr`` shows the secret (SRR-3, SEC-1)."""

    @override
    async def resolve(self, reference: ProtocolSecretReference) -> ProtocolSecretValue:
        value = await super().resolve(reference)
        return PlainValue(value.get_secret_value())


class ResolvesByIdentity(InMemorySecretResolver):
    """Only resolves reference objects it handed out itself (SEC-2)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__()
        self._issued: set[int] = set()

    @override
    def put(self, name: str, secret: str) -> SecretReference:
        reference = super().put(name, secret)
        self._issued.add(id(reference))
        return reference

    @override
    async def resolve(self, reference: ProtocolSecretReference) -> ProtocolSecretValue:
        value = await super().resolve(reference)
        if id(reference) not in self._issued:
            raise InvalidInputError("not a reference this resolver issued")
        return value


class ListsKnownSecrets(InMemorySecretResolver):
    """A helpful ``NotFoundError`` that lists what the store holds (ERR-3)."""

    @override
    async def resolve(self, reference: ProtocolSecretReference) -> ProtocolSecretValue:
        try:
            return await super().resolve(reference)
        except NotFoundError:
            raise NotFoundError(
                f"{reference.uri}; the store holds {self._secrets}"
            ) from None


class RaisesWhenUnreachable(InMemorySecretResolver):
    """Its health check raises while the backend is down (LC-1)."""

    @override
    async def health_check(self) -> ProtocolHealthReport:
        if self._outage:
            raise ConnectionError("backend down")
        return await super().health_check()


class CloseToggles(InMemorySecretResolver):
    """A second ``aclose`` opens the resolver again (LC-2)."""

    @override
    async def aclose(self) -> None:
        if self.closed:
            self._closed = False
            return
        await super().aclose()


class WorksAfterClose(InMemorySecretResolver):
    """Keeps resolving after ``aclose`` (LC-3)."""

    @override
    def _check_open(self) -> None:
        if self._outage:
            super()._check_open()


class HealthyAfterClose(InMemorySecretResolver):
    """Reports ``passing`` after ``aclose`` (LC-3)."""

    @override
    async def health_check(self) -> ProtocolHealthReport:
        if self.closed:
            self._closed = False
            try:
                return await super().health_check()
            finally:
                self._closed = True
        return await super().health_check()


def _variant(name: str, breaks: tuple[str, ...], broken: type) -> Variant:
    def build(self: TestInMemorySecretResolver, env: SuiteEnvironment) -> object:
        return broken(clock=env.clock)

    return Variant(name, breaks, TestInMemorySecretResolver, {"build": build})


VARIANTS = [
    _variant("caches_secrets", ("SRR-1",), CachesSecrets),
    _variant("key_error_for_unknown", ("SRR-1",), KeyErrorForUnknown),
    _variant("serves_any_scheme", ("SRR-2",), ServesAnyScheme),
    _variant("attribute_error_on_wrong_type", ("ERR-1",), AttributeErrorOnWrongType),
    _variant("leaks_in_repr", ("SRR-3", "SEC-1"), LeaksInRepr),
    _variant("resolves_by_identity", ("SEC-2",), ResolvesByIdentity),
    _variant("lists_known_secrets", ("ERR-3",), ListsKnownSecrets),
    _variant("raises_when_unreachable", ("LC-1",), RaisesWhenUnreachable),
    _variant("close_toggles", ("LC-2",), CloseToggles),
    _variant("works_after_close", ("LC-3",), WorksAfterClose),
    _variant("healthy_after_close", ("LC-3",), HealthyAfterClose),
]
