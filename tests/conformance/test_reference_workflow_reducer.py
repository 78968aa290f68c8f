"""The workflow reducer suite against the reference reducer."""

from collections.abc import AsyncIterator
from typing import override

from omnibase.protocols.core import ProtocolWorkflowReducer
from omnibase.spi_conformance.reference.reducer import WorkflowReducer
from omnibase.spi_conformance.reference.values import WorkflowSnapshot
from omnibase.spi_conformance.suites import SuiteEnvironment, WorkflowReducerSuite


class TestReferenceWorkflowReducer(WorkflowReducerSuite[WorkflowSnapshot]):
    def build(self, env: SuiteEnvironment) -> ProtocolWorkflowReducer[WorkflowSnapshot]:
        """The subject; broken variants replace it (tests/conformance/broken)."""
        return WorkflowReducer()

    @override
    async def create_subject(
        self, env: SuiteEnvironment
    ) -> AsyncIterator[ProtocolWorkflowReducer[WorkflowSnapshot]]:
        yield self.build(env)
