"""The request handler suite against the reference handler."""

import re
from collections.abc import AsyncIterator
from typing import override

from omnibase.protocols import errors
from omnibase.protocols.core import ProtocolOnexRequestHandler
from omnibase.spi_conformance.reference.request_reply import (
    ERROR_CODES,
    OperationRequestHandler,
)
from omnibase.spi_conformance.suites import HandlerEnvironment, RequestHandlerSuite


class TestOperationRequestHandler(RequestHandlerSuite):
    clock_wired = True

    def build(self, env: HandlerEnvironment) -> ProtocolOnexRequestHandler:
        """The subject; broken variants replace it (tests/conformance/broken)."""
        return OperationRequestHandler(env.serve, clock=env.clock)

    @override
    async def create_subject(
        self, env: HandlerEnvironment
    ) -> AsyncIterator[ProtocolOnexRequestHandler]:
        yield self.build(env)


def test_the_kits_error_table_is_the_one_of_err_4() -> None:
    """The suites and references use ERR-4's table as ``errors`` documents it."""
    rows = re.findall(r"^\| `(\w+)`[^|]*\| (-\d+) \|", errors.__doc__ or "", re.M)
    documented = {name: int(code) for name, code in rows}
    assert len(documented) == len(ERROR_CODES)
    assert {error.__name__: code for error, code in ERROR_CODES} == documented
