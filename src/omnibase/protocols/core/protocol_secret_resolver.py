"""Secret resolution: a secret reference becomes a secret value at the moment of use."""

from typing import Protocol, runtime_checkable

from omnibase.protocols.core.protocol_lifecycle import ProtocolLifecycle
from omnibase.protocols.types.core_types import (
    ProtocolSecretReference,
    ProtocolSecretValue,
)

__all__ = ["ProtocolSecretResolver"]


@runtime_checkable
class ProtocolSecretResolver(ProtocolLifecycle, Protocol):
    """Turns secret references into secret values (a vault, the environment).

    Nothing persisted holds a secret: snapshots, events and registrations hold
    ``ProtocolSecretReference`` values, and the component about to use a
    secret asks a resolver for it.

    Rules:
        SRR-1: ``resolve`` returns the secret the reference names at the time
            of the call, so a rotated secret is seen by the next call; an
            unknown reference raises ``NotFoundError``.
        SRR-2: A reference whose scheme the resolver does not serve, or whose
            ``uri`` is malformed, raises ``InvalidInputError``.
        SRR-3: The secret never appears in an error message, ``str()`` or
            ``repr()`` of the resolver or of the value (SEC-1, ERR-3).
    """

    async def resolve(self, reference: ProtocolSecretReference) -> ProtocolSecretValue:
        """Return the secret ``reference`` names (SRR-1 to SRR-3).

        Args:
            reference: Where the secret lives.

        Returns:
            The secret, behind ``get_secret_value``.

        Raises:
            NotFoundError: No secret under that reference.
            InvalidInputError: A malformed URI or a scheme not served here.
            AuthenticationError: The resolver may not read that secret.
            UnavailableError: The secret store could not be reached.
        """
        ...
