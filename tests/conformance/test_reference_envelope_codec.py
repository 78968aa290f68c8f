"""The envelope codec suite against the reference codec (``reference.cloudevents``)."""

from collections.abc import AsyncIterator
from typing import override

from omnibase.protocols.core import ProtocolOnexEnvelopeCodec
from omnibase.spi_conformance.reference.cloudevents import EnvelopeCodec
from omnibase.spi_conformance.suites import EnvelopeCodecSuite, SuiteEnvironment


class TestEnvelopeCodec(EnvelopeCodecSuite):
    def build(self, env: SuiteEnvironment) -> ProtocolOnexEnvelopeCodec:
        """The subject; broken variants replace it (tests/conformance/broken)."""
        return EnvelopeCodec()

    @override
    async def create_subject(
        self, env: SuiteEnvironment
    ) -> AsyncIterator[ProtocolOnexEnvelopeCodec]:
        yield self.build(env)
