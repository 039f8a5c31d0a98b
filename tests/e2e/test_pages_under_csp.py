"""Every page works under the Content Security Policy; the API docs need nothing from elsewhere."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Route, expect

from tests.e2e.conftest import Api, Editor
from tests.e2e.served import logged_in, with_password
from tests.runtime import build_stream

pytestmark = pytest.mark.e2e

# Runs in every document before its own scripts (Playwright injects it past the CSP).
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
    + ` in ${e.sourceFile}:${e.lineNumber}`);
});
"""
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@dataclass
class Watch:
    """What a page did: requests it made, CSP violations it reported."""

    page: Page
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def open(self, url: str) -> str:
        """Opens url; returns the policy it came with."""
        response = self.page.goto(url)
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        policy = response.headers["content-security-policy"]
        assert re.search(r"(^|; )script-src 'self'(;|$)", policy), policy
        return policy

    def violations(self) -> list[str]:
        reported = self.page.evaluate("window.__cspViolations || []")
        return reported + [m for m in self.console if "Content Security Policy" in m]

    def elsewhere(self, host: str) -> list[str]:
        return [u for u in self.requests if urlsplit(u).netloc != host]


def watch(page: Page) -> Watch:
    seen = Watch(page)
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda m: seen.console.append(_text(m)))
    page.on("request", lambda r: seen.requests.append(r.url) if _fetched(r) else None)
    return seen


@pytest.fixture
def seen(page: Page) -> Watch:
    return watch(page)


def test_the_api_docs_list_the_operations_with_nothing_from_elsewhere(
    browser: Browser, live_server, owner, settings
):
    with_password(owner, settings)
    host = urlsplit(live_server.url).netloc
    with logged_in(browser, host, owner) as site:
        page = site.page
        sent: list[str] = []  # what reached the network layer: the CSP had let it through

        def stay_here(route: Route) -> None:
            sent.append(route.request.url)
            if urlsplit(route.request.url).netloc == host:
                route.continue_()
            else:
                route.abort()

        page.context.route("**/*", stay_here)
        seen = watch(page)

        seen.open("/api/docs/")
        operations = page.locator(".opblock")
        expect(page.get_by_role("button", name="GET /api/pipelines/", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="POST /api/pipelines/", exact=True)).to_be_visible()
        assert operations.count() >= 30
        page.screenshot(path="/tmp/flowcast-api-docs.png")
        assert seen.violations() == []
        assert site.errors == []

        seen.open("/api/redoc/")
        expect(page.locator("[data-section-id^='tag/pipelines']").first).to_be_attached()
        expect(page.locator("h1", has_text="Flowcast API")).to_be_visible()
        page.screenshot(path="/tmp/flowcast-redoc.png")
        # ReDoc's sidebar always shows Redocly's logo from its CDN. The policy blocks it before
        # it is requested (ReDoc then shows the link's text alone): the one violation there.
        assert [v for v in seen.violations() if REDOCLY_LOGO not in v] == []
        assert [e for e in site.errors if REDOCLY_LOGO not in e] == []

        assert any("/api/schema/" in url for url in sent)
        assert [url for url in sent if urlsplit(url).netloc != host] == []
        # Playwright lists the logo among the page's requests although the policy stopped it
        # in the renderer: it never reached the network (`sent`).
        assert seen.elsewhere(host) in ([], [REDOCLY_LOGO])


def test_the_editor_monitoring_and_admin_run_under_the_policy(
    seen: Watch, editor: Editor, api: Api, ada
):
    page = seen.page
    pipeline = api.pipeline("Under CSP")
    source = api.component(pipeline, "api_ingestion", "Orders API", 0, 0)
    event = api.event(pipeline, "Orders", 300, 0)
    feed = api.component(pipeline, "websocket_producer", "Orders feed", 600, 0)
    api.wire(pipeline, event, source, "output")
    api.wire(pipeline, event, feed, "input")

    seen.open(f"/pipelines/{pipeline['id']}/editor/")
    for name in ("Orders API", "Orders", "Orders feed"):
        expect(editor.node(name)).to_be_visible()
    expect(editor.edges()).to_have_count(2)
    editor.select("Orders feed")
    expect(page.get_by_role("tab", name="Meta Information")).to_be_visible()
    page.screenshot(path="/tmp/flowcast-editor.png")
    assert seen.violations() == []

    seen.open(f"/pipelines/{pipeline['id']}/monitoring/")
    expect(page.locator('tr[data-component="Orders feed"]')).to_be_visible()
    assert seen.violations() == []

    seen.open("/pipelines/")
    expect(page.locator(f'tr[data-pipeline-id="{pipeline["id"]}"]')).to_be_visible()
    seen.open("/dashboards/")
    expect(page.locator("#root")).not_to_be_empty()
    assert seen.violations() == []

    ada.is_staff = ada.is_superuser = True
    ada.save()
    seen.open("/admin/")
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    seen.open("/admin/pipelines/pipeline/")
    page.get_by_role("link", name="Under CSP").click()
    expect(page.locator("#content-main form")).to_be_visible()
    seen.open("/admin/auth/user/add/")
    expect(page.locator("#id_username")).to_be_visible()
    assert seen.violations() == []


def test_a_live_dashboard_streams_over_its_websocket_under_the_policy(
    browser: Browser, stack, owner, settings, shared_web
):
    """On a real daphne: the socket's ws:// origin is in connect-src, and the stream goes live."""
    with_password(owner, settings)
    stream = build_stream(owner, topic=f"csp-{uuid.uuid4().hex[:6]}")
    host = shared_web
    with logged_in(browser, host, owner) as site:
        seen = watch(site.page)
        policy = seen.open(f"/dashboards/{stream['producer'].pk}/")
        assert f"ws://{host}" in policy
        expect(site.connection()).to_have_text("Live", timeout=15_000)
        assert seen.violations() == []
        assert site.errors == []


def _fetched(request: Request) -> bool:
    return urlsplit(request.url).scheme not in ("data", "blob")


def _text(message: ConsoleMessage) -> str:
    return f"{message.type}: {message.text}"
