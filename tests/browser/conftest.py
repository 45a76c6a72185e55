"""A real browser against a real server: the app served on a free port, Debian's Chromium
driven by Playwright, and axe-core checking every page a journey visits."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BLOCKED_HOST = "assets.nhs.uk"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def chromium():
    if not CHROMIUM.exists():
        pytest.fail("Browser tests need Debian's chromium: run `make test`, which installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """A browser tab that records console errors (CSP violations among them)."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        page.on("console", self._record)
        page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def _record(self, message) -> None:
        # Expected: the blocked NHS.UK font, and forms with errors answering 422 by design.
        # Anything else (a CSP violation, a script error, a missing asset) is a fault.
        if message.type != "error" or BLOCKED_HOST in message.location.get("url", ""):
            return
        if "the server responded with a status of 422" not in message.text:
            self.console_errors.append(f"{message.text} at {message.location.get('url')}")

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def accessibility_violations(self) -> list[str]:
        """axe-core's WCAG 2.x A/AA findings for the current page, one line each.

        Waits for the page's scripts to settle first: the header moves navigation links that do
        not fit into a "More" menu after load, and a check mid-move sees half-drawn links."""
        self.page.wait_for_load_state("load")
        self.page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text())  # through DevTools, not a <script>: CSP stays on
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
        )
        return [
            f"{self.page.url}: {v['id']} ({v['impact']}): {v['help']} at "
            + json.dumps([n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
        ]


@pytest.fixture
def visit(chromium, live_server):
    context = chromium.new_context()
    # The NHS.UK font comes from assets.nhs.uk; this machine has no route there.
    context.route(f"https://{BLOCKED_HOST}/**", lambda route: route.abort())
    page = context.new_page()
    yield Visit(page, live_server)
    context.close()
