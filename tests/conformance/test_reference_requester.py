"""The requester suite against the reference requester."""

from collections.abc import AsyncIterator
from typing import override

from omnibase.protocols.core import (
    ProtocolOnexEnvelope,
    ProtocolOnexReply,
    ProtocolOnexRequester,
)
from omnibase.spi_conformance.reference.request_reply import InMemoryRequester
from omnibase.spi_conformance.suites import RequesterEnvironment, RequesterSuite


class TestInMemoryRequester(RequesterSuite):
    clock_wired = True

    def build(self, env: RequesterEnvironment) -> InMemoryRequester:
        """The subject; broken variants replace it (tests/conformance/broken)."""
        return InMemoryRequester(
            env.receive_request, reply_to="conformance.replies", clock=env.clock
        )

    @override
    async def create_subject(
        self, env: RequesterEnvironment
    ) -> AsyncIterator[ProtocolOnexRequester]:
        self.requester = self.build(env)
        yield self.requester
        await self.requester.aclose()

    @override
    async def send_reply(
        self,
        subject: ProtocolOnexRequester,
        env: RequesterEnvironment,
        request: ProtocolOnexEnvelope,
        reply: ProtocolOnexReply,
    ) -> None:
        await self.requester.receive_reply(reply)

    @override
    async def fault_backend_unreachable(
        self, subject: ProtocolOnexRequester, env: RequesterEnvironment
    ) -> None:
        self.requester.simulate_outage()
