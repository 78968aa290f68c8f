"""Serve a built site on the loopback interface and find the browser and mermaid.

The browser is Debian's ``chromium`` package driven by playwright (no browser
is ever downloaded). Material for MkDocs loads mermaid from a CDN when a page
has a diagram; the tests serve that request from the mermaid release that the
npm registry has for the major version Material asks for, cached once.
"""

import functools
import http.server
import importlib.util
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import threading
from collections.abc import Generator
from contextlib import contextmanager
from pathlib import Path
from typing import Final, override

CHROMIUM_ENV: Final = "OMNIBASE_DOCS_CHROMIUM"
"""Names the Chromium executable when it is not ``chromium`` on ``PATH``."""

MERMAID_STUB: Final = (
    b"window.mermaid={initialize(){},"
    b'render:async()=>({svg:"<svg data-stub></svg>"})};'
)
"""Served when mermaid cannot be fetched: pages still load, diagrams are stubs."""


def chromium() -> str | None:
    """The Chromium executable, or ``None`` when none is installed."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


def mermaid_url() -> str:
    """The URL Material's JavaScript loads mermaid from."""
    spec = importlib.util.find_spec("material")
    assert spec is not None, "mkdocs-material is not installed"
    assert spec.submodule_search_locations is not None
    package = Path(next(iter(spec.submodule_search_locations)))
    assets = package / "templates" / "assets" / "javascripts"
    for bundle in assets.glob("bundle.*.min.js"):
        found = re.search(
            r"https://unpkg\.com/mermaid@[\w.]+/dist/mermaid\.min\.js",
            bundle.read_text(encoding="utf-8"),
        )
        if found:
            return found[0]
    raise LookupError(f"no mermaid URL in Material's bundle under {assets}")


def fetch_mermaid(url: str, cache: Path) -> bytes | None:
    """Return the mermaid script ``url`` names, from npm (cached), or ``None``."""
    version = re.search(r"mermaid@([\w.]+)/", url)
    assert version is not None, url
    cached = cache / f"mermaid-{version[1]}.min.js"
    if cached.is_file():
        return cached.read_bytes()
    npm = shutil.which("npm")
    if npm is None:
        return None
    with tempfile.TemporaryDirectory() as work:
        packed = subprocess.run(
            [
                npm,
                "pack",
                f"mermaid@{version[1]}",
                "--pack-destination",
                work,
                "--silent",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
            cwd=work,
        )
        tarballs = list(Path(work).glob("mermaid-*.tgz"))
        if packed.returncode != 0 or not tarballs:
            return None
        with tarfile.open(tarballs[0]) as archive:
            member = archive.extractfile("package/dist/mermaid.min.js")
            if member is None:
                return None
            script = member.read()
    cache.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(script)
    return script


class _Quiet(http.server.SimpleHTTPRequestHandler):
    @override
    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output clean."""


class _Server(http.server.ThreadingHTTPServer):
    @override
    def handle_error(self, request: object, client_address: object) -> None:
        """Ignore clients that hang up early (a page left while it loads)."""


@contextmanager
def serve(site: Path) -> Generator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port); yield its base URL."""
    handler = functools.partial(_Quiet, directory=str(site))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
