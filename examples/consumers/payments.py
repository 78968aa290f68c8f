"""Application code that depends on the contracts only: a payment API client.

It never holds the API key: it keeps a reference and asks the resolver at
every call, so a rotated key is used at once and nothing it logs or persists
contains the secret.
"""

from collections.abc import Awaitable, Callable, Mapping

from omnibase.protocols.core import ProtocolSecretResolver
from omnibase.protocols.errors import NotFoundError
from omnibase.protocols.types import ProtocolSecretReference

type Send = Callable[[str, Mapping[str, str]], Awaitable[int]]
"""Sends a request (path, headers) and returns the HTTP status."""


class ConfigurationError(Exception):
    """The deployment is missing something this client needs."""


class PaymentClient:
    """Charges cards through a payment API whose key lives in a secret store."""

    def __init__(
        self,
        secrets: ProtocolSecretResolver,
        api_key: ProtocolSecretReference,
        send: Send,
    ) -> None:
        self._secrets = secrets
        self._api_key = api_key
        self._send = send

    async def charge(self, card_token: str, cents: int) -> bool:
        """Charge ``cents`` to a card; ``True`` when the API accepted it."""
        try:
            key = await self._secrets.resolve(self._api_key)
        except NotFoundError as error:  # the contract says what a resolver raises
            raise ConfigurationError(
                f"no payment API key at {self._api_key.uri}"
            ) from error
        headers = {"Authorization": f"Bearer {key.get_secret_value()}"}
        status = await self._send(f"/charges?card={card_token}&amount={cents}", headers)
        return status == 201
