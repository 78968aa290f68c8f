"""A secret resolver for secrets mounted as files (Docker and Kubernetes secrets).

``mounted:db_password`` names the file ``db_password`` in one directory, read
at every call, so a rotated secret is seen at once. It implements
``ProtocolSecretResolver``: ``resolve`` plus the lifecycle every I/O service
has (``health_check`` and ``aclose``).
"""

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, override

from omnibase.protocols.errors import InvalidInputError, NotFoundError, UnavailableError
from omnibase.protocols.types import (
    HealthStatus,
    JsonObject,
    ProtocolHealthReport,
    ProtocolSecretReference,
    ProtocolSecretValue,
)

_URI: Final = re.compile(r"mounted:(?P<name>[A-Za-z0-9_][A-Za-z0-9_.-]*)")


class Secret:
    """A secret value whose ``str`` and ``repr`` never show it (SEC-1)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    @override
    def __repr__(self) -> str:
        return "Secret('**********')"


class HealthReport:
    """A health report: read-only properties, as the data contract declares."""

    __slots__ = ("_details", "_message", "_observed_at", "_status")

    def __init__(self, status: HealthStatus, message: str | None = None) -> None:
        self._status: HealthStatus = status
        self._observed_at = datetime.now(UTC)
        self._message = message
        self._details: JsonObject = {}

    @property
    def status(self) -> HealthStatus:
        return self._status

    @property
    def observed_at(self) -> datetime:
        return self._observed_at

    @property
    def message(self) -> str | None:
        return self._message

    @property
    def details(self) -> JsonObject:
        return self._details


class MountedSecretResolver:
    """Resolves ``mounted:<name>`` to the content of ``<directory>/<name>``."""

    def __init__(self, directory: Path) -> None:
        self._directory = directory
        self._closed = False

    async def resolve(self, reference: ProtocolSecretReference) -> ProtocolSecretValue:
        if self._closed:
            raise UnavailableError("the resolver is closed")  # LC-3
        uri: object = getattr(reference, "uri", None)  # callers may pass anything
        match = _URI.fullmatch(uri) if isinstance(uri, str) else None
        if match is None:  # another scheme, a malformed uri, not a reference
            raise InvalidInputError(f"not a mounted:<name> reference: {reference!r}")
        path = self._directory / match["name"]
        try:  # read at every call, in a thread: file I/O would block the loop
            value = await asyncio.to_thread(path.read_text, encoding="utf-8")
        except FileNotFoundError:
            raise NotFoundError(f"no secret {reference.uri!r}") from None  # SRR-1
        except OSError as error:
            raise UnavailableError(f"cannot read {reference.uri!r}: {error}") from None
        return Secret(value.removesuffix("\n"))

    async def health_check(self) -> ProtocolHealthReport:
        if self._closed:
            return HealthReport("critical", "closed")
        if not await asyncio.to_thread(self._directory.is_dir):
            return HealthReport("critical", f"{self._directory} is not mounted")
        return HealthReport("passing")

    async def aclose(self) -> None:
        self._closed = True  # idempotent: closing twice changes nothing (LC-2)

    @override
    def __repr__(self) -> str:  # names the directory, never a secret (SRR-3)
        return f"MountedSecretResolver({str(self._directory)!r})"
