"""Conformance suite of ``ProtocolSecretResolver`` (SRR-1 to 3, SEC-1, 2, ERR-3)."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar, cast, override

from omnibase.protocols.core import ProtocolSecretResolver
from omnibase.protocols.errors import InvalidInputError, NotFoundError
from omnibase.protocols.types import ProtocolSecretReference, ProtocolSecretValue
from omnibase.spi_conformance.suites._base import (
    SuiteEnvironment,
    check,
    check_equal,
    check_raises,
    fail,
    rule,
)
from omnibase.spi_conformance.suites.lifecycle import Call, LifecycleChecks

__all__ = ["SecretResolverSuite", "SuiteReference"]

SECRET = "s3cr3t-Zq8vWm2"
"""A value no message, ``str`` or ``repr`` may show (SEC-1, SRR-3)."""


@dataclass(frozen=True, slots=True)
class SuiteReference:
    """A ``ProtocolSecretReference`` the suite builds itself."""

    uri: str


class SecretResolverSuite(LifecycleChecks[ProtocolSecretResolver, SuiteEnvironment]):
    """Checks a ``ProtocolSecretResolver``.

    Besides ``create_subject``, implement [`store_secret`][] (put a secret
    where the resolver finds it) and [`missing_reference`][] (a reference the
    resolver serves that names no secret).
    """

    contract: ClassVar[type] = ProtocolSecretResolver

    async def store_secret(
        self,
        subject: ProtocolSecretResolver,
        env: SuiteEnvironment,
        name: str,
        value: str,
    ) -> ProtocolSecretReference:
        """Store (or replace) a secret where ``subject`` resolves it.

        Args:
            subject: The resolver under test.
            env: The test's environment.
            name: A name made of letters, digits and ``_``.
            value: The secret.

        Returns:
            The reference under which ``subject`` resolves it.
        """
        raise NotImplementedError(f"{type(self).__qualname__}.store_secret")

    def missing_reference(
        self, subject: ProtocolSecretResolver, env: SuiteEnvironment
    ) -> ProtocolSecretReference:
        """Return a reference in a scheme ``subject`` serves that names nothing.

        Args:
            subject: The resolver under test.
            env: The test's environment.

        Returns:
            The reference.
        """
        raise NotImplementedError(f"{type(self).__qualname__}.missing_reference")

    def foreign_reference(self) -> ProtocolSecretReference:
        """Return a reference in a scheme no resolver under test serves.

        Returns:
            ``conformance-kit-unknown-scheme:anything``; override if yours
            serves it.
        """
        return SuiteReference("conformance-kit-unknown-scheme:anything")

    @override
    def calls_after_close(
        self, subject: ProtocolSecretResolver, env: SuiteEnvironment
    ) -> Mapping[str, Call]:
        """``resolve`` after ``aclose`` (LC-3)."""
        return {
            "resolve": lambda: subject.resolve(self.missing_reference(subject, env))
        }

    @rule("SRR-1")
    async def test_SRR_1_resolve_returns_the_stored_secret(
        self, subject: ProtocolSecretResolver, env: SuiteEnvironment
    ) -> None:
        """A stored secret resolves to its value, behind ``get_secret_value``."""
        reference = await self.store_secret(subject, env, "conformance_a", SECRET)
        value = await subject.resolve(reference)
        if not isinstance(cast("object", value), ProtocolSecretValue):
            raise fail("SRR-1", "a ProtocolSecretValue", value)
        check_equal("SRR-1", "get_secret_value()", SECRET, value.get_secret_value())

    @rule("SRR-1")
    async def test_SRR_1_a_rotated_secret_is_seen_by_the_next_call(
        self, subject: ProtocolSecretResolver, env: SuiteEnvironment
    ) -> None:
        """Resolving reads the store at the time of the call (rotation)."""
        reference = await self.store_secret(subject, env, "conformance_b", "before")
        await subject.resolve(reference)
        rotated = await self.store_secret(subject, env, "conformance_b", "after")
        check_equal("SRR-1", "the reference after rotation", reference.uri, rotated.uri)
        value = await subject.resolve(rotated)
        check_equal(
            "SRR-1", "the value after rotation", "after", value.get_secret_value()
        )

    @rule("SRR-1")
    async def test_SRR_1_unknown_reference_is_not_found(
        self, subject: ProtocolSecretResolver, env: SuiteEnvironment
    ) -> None:
        """A reference that names no secret raises ``NotFoundError``."""
        await check_raises(
            "SRR-1",
            NotFoundError,
            subject.resolve(self.missing_reference(subject, env)),
            doing="resolve of a reference naming no secret",
        )

    @rule("SRR-2")
    async def test_SRR_2_foreign_scheme_is_invalid_input(
        self, subject: ProtocolSecretResolver, env: SuiteEnvironment
    ) -> None:
        """A scheme the resolver does not serve raises ``InvalidInputError``."""
        await check_raises(
            "SRR-2",
            InvalidInputError,
            subject.resolve(self.foreign_reference()),
            doing="resolve of a scheme the resolver does not serve",
        )

    @rule("SRR-2")
    async def test_SRR_2_malformed_uri_is_invalid_input(
        self, subject: ProtocolSecretResolver, env: SuiteEnvironment
    ) -> None:
        """A ``uri`` without ``scheme:location`` raises ``InvalidInputError``."""
        for uri in ("", "no-scheme-here"):
            await check_raises(
                "SRR-2",
                InvalidInputError,
                subject.resolve(SuiteReference(uri)),
                doing=f"resolve of the malformed uri {uri!r}",
            )

    @rule("ERR-1", "SRR-2")
    async def test_ERR_1_wrong_typed_reference_is_invalid_input(
        self, subject: ProtocolSecretResolver, env: SuiteEnvironment
    ) -> None:
        """A plain string instead of a reference raises ``InvalidInputError``."""
        wrong: object = "memory:conformance_a"
        await check_raises(
            "ERR-1",
            InvalidInputError,
            subject.resolve(cast("ProtocolSecretReference", wrong)),
            doing="resolve of a str instead of a ProtocolSecretReference",
        )

    @rule("SRR-3", "SEC-1")
    async def test_SRR_3_secret_never_shown_by_str_or_repr(
        self, subject: ProtocolSecretResolver, env: SuiteEnvironment
    ) -> None:
        """Neither the value nor the resolver show the secret in ``str``/``repr``."""
        reference = await self.store_secret(subject, env, "conformance_c", SECRET)
        value = await subject.resolve(reference)
        for shown in (str(value), repr(value), str(subject), repr(subject)):
            check(SECRET not in shown, "SRR-3", "the secret hidden", shown)

    @rule("ERR-3", "SRR-3")
    async def test_ERR_3_errors_never_show_a_stored_secret(
        self, subject: ProtocolSecretResolver, env: SuiteEnvironment
    ) -> None:
        """Failures of ``resolve`` while a secret is stored do not show it."""
        await self.store_secret(subject, env, "conformance_e", SECRET)
        failing = {
            "a reference naming no secret": self.missing_reference(subject, env),
            "a foreign scheme": self.foreign_reference(),
            "a malformed uri": SuiteReference("no-scheme-here"),
        }
        for what, reference in failing.items():
            try:
                await subject.resolve(reference)
            except Exception as error:
                for shown in (str(error), repr(error), *map(str, error.args)):
                    check(
                        SECRET not in shown,
                        "ERR-3",
                        f"the secret hidden ({what})",
                        shown,
                    )

    @rule("SEC-2")
    async def test_SEC_2_equal_uris_name_the_same_secret(
        self, subject: ProtocolSecretResolver, env: SuiteEnvironment
    ) -> None:
        """A reference is plain data: a copy with the same ``uri`` resolves alike."""
        reference = await self.store_secret(subject, env, "conformance_d", SECRET)
        copy = SuiteReference(str(reference.uri))
        value = await subject.resolve(copy)
        check_equal(
            "SEC-2",
            "the value behind a copied reference",
            SECRET,
            value.get_secret_value(),
        )
