"""The built site in headless Chromium: pages, diagrams, rule anchors, search.

Skipped, with the reason, where Chromium is not installed (Debian:
``apt-get install chromium``). Every request leaves the loopback interface
only for mermaid, which Material loads from a CDN and the test serves itself.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from omnibase.spi_conformance.rules import defined_rules
from tests.docsite.browser import (
    MERMAID_STUB,
    chromium,
    fetch_mermaid,
    mermaid_url,
    serve,
)
from tests.docsite.conftest import site_pages

executable = chromium()
pytestmark = pytest.mark.skipif(
    executable is None,
    reason="Chromium is not installed (Debian: apt-get install chromium); "
    "the site's browser checks need it",
)

from playwright.sync_api import (  # noqa: E402
    BrowserContext,
    Page,
    Route,
    sync_playwright,
)

# Material renders each diagram into a closed shadow root; open them so the
# test can look inside.
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attach.call(this, { ...init, mode: "open" });
};
"""


@dataclass
class Site:
    """A served site and what the browser saw on it."""

    base: str
    context: BrowserContext
    mermaid: bytes | None
    errors: list[str] = field(default_factory=list[str])
    external: list[str] = field(default_factory=list[str])

    def __post_init__(self) -> None:
        self.context.add_init_script(OPEN_SHADOW_ROOTS)

    def page(self, *, diagrams: bool = False) -> Page:
        """A new page that records console errors and requests leaving the machine.

        With ``diagrams``, the page serves mermaid's script itself (routing
        slows every request down, so only pages with diagrams do it).
        """
        page = self.context.new_page()
        page.on("console", lambda m: self._console(page, m.type, m.text))
        page.on("pageerror", lambda e: self.errors.append(f"{page.url}: {e}"))
        page.on("request", lambda r: self._request(r.url))
        if diagrams:
            page.route(mermaid_url(), self._mermaid)
        return page

    def _console(self, page: Page, kind: str, text: str) -> None:
        if kind == "error":
            self.errors.append(f"{page.url}: {text}")

    def _request(self, url: str) -> None:
        if not url.startswith(self.base) and url != mermaid_url():
            self.external.append(url)

    def _mermaid(self, route: Route) -> None:
        route.fulfill(body=self.mermaid or MERMAID_STUB, content_type="text/javascript")


@pytest.fixture(scope="module")
def site(built_site: Path, request: pytest.FixtureRequest) -> Iterator[Site]:
    cache = Path(str(request.config.rootpath)) / ".pytest_cache" / "docsite"
    mermaid = fetch_mermaid(mermaid_url(), cache)
    with serve(built_site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            yield Site(base, context, mermaid)
        finally:
            browser.close()


def _url(site: Site, built_site: Path, page: Path) -> str:
    relative = page.parent.relative_to(built_site).as_posix()
    return site.base if relative == "." else f"{site.base}{relative}/"


def test_every_page_loads_without_console_errors(site: Site, built_site: Path) -> None:
    started = time.perf_counter()
    plain, diagrams = site.page(), site.page(diagrams=True)
    pages = site_pages(built_site)
    for path in pages:
        url = _url(site, built_site, path)
        has_diagrams = 'class="mermaid"' in path.read_text(encoding="utf-8")
        tab = diagrams if has_diagrams else plain
        response = tab.goto(url, wait_until="load")
        assert response is not None, url
        assert response.ok, url
        if has_diagrams:
            tab.wait_for_function("() => !document.querySelector('pre.mermaid')")
    plain.close()
    diagrams.close()
    assert site.errors == []
    assert site.external == []
    assert len(pages) >= 20
    print(f"{len(pages)} pages in {time.perf_counter() - started:.1f}s")


def test_the_state_machines_render_as_svg(site: Site) -> None:
    if site.mermaid is None:
        pytest.skip("mermaid could not be fetched from the npm registry (npm pack)")
    page = site.page(diagrams=True)
    page.goto(site.base + "guides/workflow/")
    page.wait_for_function(
        "() => document.querySelectorAll('div.mermaid').length === 2"
        " && [...document.querySelectorAll('div.mermaid')]"
        ".every(d => d.shadowRoot && d.shadowRoot.querySelector('svg g'))"
    )
    states = page.evaluate(
        "() => [...document.querySelectorAll('div.mermaid')].map("
        "d => d.shadowRoot.querySelector('svg').textContent)"
    )
    assert "waiting_for_dependency" in states[0]
    assert "compensated" in states[0]
    assert "pending" in states[1]
    page.close()
    assert site.errors == []


def _rule() -> str:
    rules = defined_rules()
    return "WP-2" if "WP-2" in rules else next(iter(rules))


def test_a_rule_anchor_scrolls_to_its_rule(site: Site, built_site: Path) -> None:
    rule_id = _rule()
    reference = next(
        p
        for p in (built_site / "reference").glob("*/index.html")
        if f'id="{rule_id}"' in p.read_text(encoding="utf-8")
    )
    page = site.page()
    page.goto(f"{site.base}reference/{reference.parent.name}/#{rule_id}")
    page.wait_for_function("() => window.scrollY > 0")
    box = page.evaluate(
        """id => {
            const item = document.getElementById(id).closest('li');
            const rect = item.getBoundingClientRect();
            const header = document.querySelector('.md-header').getBoundingClientRect();
            return {top: rect.top, bottom: rect.bottom, header: header.bottom,
                    height: window.innerHeight, text: item.textContent,
                    target: document.querySelector(':target').id};
        }""",
        rule_id,
    )
    assert box["target"] == rule_id
    assert box["header"] <= box["top"] < box["height"], box
    assert str(box["text"]).strip().startswith(rule_id)
    page.close()


def test_a_rule_link_on_the_index_leads_to_the_rule(site: Site) -> None:
    rule_id = _rule()
    page = site.page()
    page.goto(f"{site.base}reference/rules/#rule-{rule_id}")
    page.click(f"#rule-{rule_id} a.autorefs")
    page.wait_for_url(f"**/#{rule_id}")
    visible = page.evaluate(
        "id => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.top >= 0 && r.top < window.innerHeight; }",
        rule_id,
    )
    assert visible
    page.close()


def test_searching_a_rule_id_lands_on_its_rule(site: Site) -> None:
    rule_id = _rule()
    page = site.page()
    page.goto(site.base)
    page.fill("input.md-search__input", rule_id)
    page.wait_for_selector(".md-search-result__item", timeout=30_000)
    hrefs = [
        link.get_attribute("href") or ""
        for link in page.query_selector_all(".md-search-result__link")
    ]
    sections = [href for href in hrefs if "#" in href]
    assert sections, hrefs
    assert sections[0].endswith(f"#rule-{rule_id}"), hrefs
    page.close()
    assert site.errors == []
