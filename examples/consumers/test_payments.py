"""Unit tests of ``PaymentClient`` with the kit's reference resolver as a fake."""

import asyncio
from collections.abc import Mapping

import pytest

from examples.consumers.payments import ConfigurationError, PaymentClient
from omnibase.spi_conformance.reference import InMemorySecretResolver, SecretReference

API_KEY = SecretReference("memory:payments_api_key")


class RecordingApi:
    """Stands in for the HTTP call: records the headers, answers 201."""

    def __init__(self) -> None:
        self.authorizations: list[str] = []

    async def send(self, path: str, headers: Mapping[str, str]) -> int:
        self.authorizations.append(headers["Authorization"])
        return 201


def test_a_rotated_key_is_used_by_the_next_charge() -> None:
    secrets = InMemorySecretResolver({"payments_api_key": "key-1"})
    api = RecordingApi()
    client = PaymentClient(secrets, API_KEY, api.send)
    assert asyncio.run(client.charge("tok_visa", 1250))
    secrets.put("payments_api_key", "key-2")  # the fake rotates like a vault
    assert asyncio.run(client.charge("tok_visa", 990))
    assert api.authorizations == ["Bearer key-1", "Bearer key-2"]


def test_a_missing_key_is_a_configuration_error() -> None:
    client = PaymentClient(InMemorySecretResolver(), API_KEY, RecordingApi().send)
    with pytest.raises(ConfigurationError, match="memory:payments_api_key"):
        asyncio.run(client.charge("tok_visa", 1250))
