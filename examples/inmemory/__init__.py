"""Small in-memory implementations of the SPI's central contracts.

One module per implementation; each module's docstring names the rules it
demonstrates and what it deliberately simplifies. They use the standard
library and ``omnibase.protocols`` only, and type-check against the
protocols under ``mypy --strict`` and pyright's strict mode.
"""

from examples.inmemory.event_bus import InMemoryEventBus
from examples.inmemory.factories import SeededIds, SteppingClock, utc_now
from examples.inmemory.mcp_registry import InMemoryMCPRegistry
from examples.inmemory.mcp_tool_proxy import FakeToolProxy, ToolFunction, ToolReply
from examples.inmemory.mcp_validator import SimpleMCPValidator
from examples.inmemory.reducer import WorkflowReducer
from examples.inmemory.service_registry import InMemoryServiceRegistry
from examples.inmemory.workflow_event_bus import InMemoryWorkflowEventBus
from examples.inmemory.workflow_persistence import InMemoryWorkflowPersistence

__all__ = [
    "FakeToolProxy",
    "InMemoryEventBus",
    "InMemoryMCPRegistry",
    "InMemoryServiceRegistry",
    "InMemoryWorkflowEventBus",
    "InMemoryWorkflowPersistence",
    "SeededIds",
    "SimpleMCPValidator",
    "SteppingClock",
    "ToolFunction",
    "ToolReply",
    "WorkflowReducer",
    "utc_now",
]
