"""Model Context Protocol integration: registry, tool proxy, monitor, validator."""

from omnibase.protocols.mcp.protocol_mcp_monitor import ProtocolMCPMonitor
from omnibase.protocols.mcp.protocol_mcp_registry import ProtocolMCPRegistry
from omnibase.protocols.mcp.protocol_mcp_tool_proxy import ProtocolMCPToolProxy
from omnibase.protocols.mcp.protocol_mcp_validator import ProtocolMCPValidator

__all__ = [
    "ProtocolMCPMonitor",
    "ProtocolMCPRegistry",
    "ProtocolMCPToolProxy",
    "ProtocolMCPValidator",
]
