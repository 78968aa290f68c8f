"""Reference ``ProtocolSecretResolver``s: an in-memory store and the environment.

Demonstrates:
    SRR-1: ``resolve`` reads the store at every call (a rotated secret is seen
        at once); an unknown reference raises ``NotFoundError``.
    SRR-2: a reference with another scheme, or no ``scheme:location`` shape,
        raises ``InvalidInputError``.
    SRR-3 / SEC-1: the value is a [`SecretValue`][], whose ``str`` and ``repr``
        hide it; the resolver's ``repr`` names only its scheme.
    LC-1 to LC-3: through [`ReferenceLifecycle`][].
"""

import os
import re
from collections.abc import Mapping
from typing import Final, cast, override

from omnibase.protocols.errors import InvalidInputError, NotFoundError
from omnibase.protocols.types import ProtocolSecretReference, ProtocolSecretValue
from omnibase.spi_conformance.reference.factories import Clock, utc_now
from omnibase.spi_conformance.reference.lifecycle import ReferenceLifecycle
from omnibase.spi_conformance.reference.values import SecretReference, SecretValue

__all__ = ["EnvironmentSecretResolver", "InMemorySecretResolver", "split_uri"]

_URI: Final = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*):(?P<location>.+)", re.DOTALL)


def split_uri(reference: object) -> tuple[str, str]:
    """Return the scheme and location of a secret reference (SRR-2, ERR-1).

    Args:
        reference: What the caller passed as a ``ProtocolSecretReference``.

    Returns:
        ``(scheme, location)``.

    Raises:
        InvalidInputError: Not a reference, or its ``uri`` is not
            ``scheme:location``.
    """
    if not isinstance(reference, ProtocolSecretReference):
        raise InvalidInputError(
            f"expected a ProtocolSecretReference, got {type(reference).__name__}"
        )
    uri = cast("object", reference.uri)
    if not isinstance(uri, str):
        raise InvalidInputError(f"a reference's uri is a str, got {uri!r}")
    match = _URI.fullmatch(uri)
    if match is None:
        raise InvalidInputError(f"secret reference {uri!r} is not scheme:location")
    return match["scheme"], match["location"]


class InMemorySecretResolver(ReferenceLifecycle):
    """Secrets held in a dictionary, addressed as ``memory:<name>``."""

    scheme: Final = "memory"

    def __init__(
        self, secrets: Mapping[str, str] | None = None, *, clock: Clock = utc_now
    ) -> None:
        """Create a store.

        Args:
            secrets: Initial secrets by name (copied, T-4).
            clock: Timestamps health reports.
        """
        super().__init__(clock=clock)
        self._secrets = dict(secrets or {})

    def put(self, name: str, secret: str) -> SecretReference:
        """Store (or rotate) a secret and return its reference.

        Args:
            name: The secret's name.
            secret: Its value.

        Returns:
            ``memory:<name>``.
        """
        self._secrets[name] = secret
        return SecretReference(f"{self.scheme}:{name}")

    async def resolve(self, reference: ProtocolSecretReference) -> ProtocolSecretValue:
        """Return the secret ``reference`` names (SRR-1, SRR-2)."""
        self._check_open()
        scheme, name = split_uri(reference)
        if scheme != self.scheme:
            raise InvalidInputError(
                f"scheme {scheme!r} is not served here (only {self.scheme!r})"
            )
        if name not in self._secrets:
            raise NotFoundError(f"no secret {reference.uri!r}")
        return SecretValue(self._secrets[name])

    @override
    def __repr__(self) -> str:
        return f"InMemorySecretResolver({len(self._secrets)} secrets)"


class EnvironmentSecretResolver(ReferenceLifecycle):
    """Secrets read from environment variables, addressed as ``env:<NAME>``."""

    scheme: Final = "env"

    def __init__(
        self, environ: Mapping[str, str] | None = None, *, clock: Clock = utc_now
    ) -> None:
        """Read from ``environ`` (``os.environ`` by default), at every call.

        Args:
            environ: The variables; not copied, so changes are seen (SRR-1).
            clock: Timestamps health reports.
        """
        super().__init__(clock=clock)
        self._environ = os.environ if environ is None else environ

    async def resolve(self, reference: ProtocolSecretReference) -> ProtocolSecretValue:
        """Return the variable ``reference`` names (SRR-1, SRR-2)."""
        self._check_open()
        scheme, name = split_uri(reference)
        if scheme != self.scheme:
            raise InvalidInputError(
                f"scheme {scheme!r} is not served here (only {self.scheme!r})"
            )
        value = self._environ.get(name)
        if value is None:
            raise NotFoundError(f"no environment variable behind {reference.uri!r}")
        return SecretValue(value)

    @override
    def __repr__(self) -> str:
        return "EnvironmentSecretResolver()"
