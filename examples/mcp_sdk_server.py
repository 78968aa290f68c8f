"""An MCP server over stdio, built on the official SDK, for the SDK example.

Run as a subprocess by ``examples.mcp_sdk`` (``stdio`` transport)::

    python examples/mcp_sdk_server.py NAME [--extra-tools N]

It serves, as server ``NAME``:

- ``lookup`` and ``charge``: report one progress notification whose message
  is ``"pid <process id>"``, then answer ``{"served_by": NAME}``; with the
  argument ``{"hang_on": NAME}`` they hang instead (a test kills the
  process mid-call);
- ``fail``: a tool error (``isError``);
- ``calls``: how many ``lookup``/``charge`` calls this process received;
- ``whoami``: whether the ``KIT_TOKEN`` environment variable (a credential
  the proxy resolved, MCT-6) is set; never its value;
- ``look up/v1``: a name that breaks MCT-1 (the registry aliases it);
- ``extra_000`` ... : ``--extra-tools`` plain tools, to page through.
"""

import argparse
import asyncio
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mcp.server.stdio import stdio_server

from examples.mcp_sdk import serve_kit_server
from omnibase.protocols.types import JsonObject
from omnibase.spi_conformance.reference.mcp_server import (
    InProcessMCPServer,
    ProgressReporter,
    ServedTool,
    ServerCall,
    ServerReply,
    answer,
    fail_as_tool,
    text_block,
)
from omnibase.spi_conformance.reference.values import ToolDefinition

__all__ = ["build_server", "main"]

_SCHEMA: JsonObject = {"type": "object", "properties": {"hang_on": {"type": "string"}}}


def _definition(name: str, *, read_only: bool = False) -> ToolDefinition:
    return ToolDefinition(
        name=name,
        description=f"{name} (stdio example server)",
        tool_type="query" if read_only else "action",
        parameters_schema=_SCHEMA,
        idempotent=False,
        read_only=read_only,
    )


def build_server(name: str, extra_tools: int = 0) -> InProcessMCPServer:
    """The tools this process serves.

    Args:
        name: The server's name.
        extra_tools: How many plain ``extra_NNN`` tools to add.

    Returns:
        The scripted server, to be served over stdio.
    """
    counted = {"calls": 0}

    async def work(call: ServerCall, progress: ProgressReporter) -> ServerReply:
        counted["calls"] += 1
        await progress(0.5, 1.0, f"pid {os.getpid()}")
        if call.arguments.get("hang_on") == name:
            await asyncio.Event().wait()  # until the process is killed
        return ServerReply(
            (text_block(f"{call.tool_name} served by {name}"),),
            {"served_by": name},
            True,
        )

    async def calls(call: ServerCall, progress: ProgressReporter) -> ServerReply:
        return ServerReply((), {"count": counted["calls"]}, True)

    async def whoami(call: ServerCall, progress: ProgressReporter) -> ServerReply:
        return ServerReply((), {"token_set": bool(os.environ.get("KIT_TOKEN"))}, True)

    tools = [
        ServedTool(_definition("lookup", read_only=True), work),
        ServedTool(_definition("charge"), work),
        ServedTool(_definition("fail"), fail_as_tool("the example tool failed")),
        ServedTool(_definition("calls", read_only=True), calls),
        ServedTool(_definition("whoami", read_only=True), whoami),
        ServedTool(_definition("look up/v1", read_only=True), answer("looked up")),
    ]
    tools += [
        ServedTool(_definition(f"extra_{n:03d}", read_only=True), answer())
        for n in range(extra_tools)
    ]
    return InProcessMCPServer(name, tools)


async def serve(name: str, extra_tools: int) -> None:
    """Serve the tools over stdin/stdout until the client disconnects."""
    server = serve_kit_server(build_server(name, extra_tools), page_size=50)
    async with stdio_server() as (read, write):
        await server.run(read, write, server.create_initialization_options())


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and serve.

    Args:
        argv: Command-line arguments (``sys.argv[1:]`` by default).

    Returns:
        The exit status.
    """
    parser = argparse.ArgumentParser(description="An MCP server for the SDK example.")
    parser.add_argument("name")
    parser.add_argument("--extra-tools", type=int, default=0)
    arguments = parser.parse_args(argv)
    asyncio.run(serve(arguments.name, arguments.extra_tools))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
