"""Browser fixtures: Debian's Chromium under Playwright, a logged-in page on the live server.

Build the front end first (`cd frontend && npm ci && npm run build`); the pages load its
manifest. A failing test leaves a screenshot in artifacts/e2e/<test>.png.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures and
# by the live server's test setup are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Locator,
    Page,
    Response,
    expect,
    sync_playwright,
)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "e2e"
MANIFEST = ROOT / "frontend" / "dist" / ".vite" / "manifest.json"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1280, "height": 800}
# A loaded 2-core CI machine renders slowly; waiting longer only costs time when failing.
expect.set_options(timeout=15_000)
PASSWORD = "ada-pass-123"
# Chromium logs the 400s that tests provoke on purpose (validation errors), and the login
# page's implicit /favicon.ico request.
EXPECTED_CONSOLE = re.compile(r"Failed to load resource: the server responded with a status of 400")
IGNORED_URLS = re.compile(r"/favicon\.ico$")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# Module scope: Playwright's sync API keeps an asyncio loop running in this thread while it
# is open, and the integration tests that run after these need asyncio.run().
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get update && apt-get install -y chromium")
    if not MANIFEST.exists():
        pytest.fail("The front end is not built: cd frontend && npm ci && npm run build")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def ada(django_user_model):
    """The persona who builds pipelines in the editor."""
    return django_user_model.objects.create_user("ada", password=PASSWORD)


@pytest.fixture
def page(browser: Browser, live_server, ada, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A 1280x800 page logged in as ada through the login form."""
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
    context.set_default_timeout(20_000)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error" or EXPECTED_CONSOLE.search(message.text):
            return
        if IGNORED_URLS.search(message.location.get("url", "")):
            return
        problems.append(f"console: {message.text} ({message.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.goto("/accounts/login/?next=/pipelines/")
    page.fill("#id_username", "ada")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/pipelines/")
    yield page

    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not problems, "The browser reported errors:\n" + "\n".join(problems)


class Api:
    """The REST API, called with the page's session (the same calls the editor makes)."""

    def __init__(self, page: Page):
        self.page = page

    def _headers(self) -> dict[str, str]:
        cookies = {c["name"]: c["value"] for c in self.page.context.cookies()}
        return {"X-CSRFToken": cookies.get("csrftoken", "")}

    def get(self, url: str) -> Any:
        response = self.page.request.get(url)
        assert response.ok, f"GET {url}: {response.status} {response.text()}"
        return response.json()

    def post(self, url: str, data: dict) -> Any:
        response = self.page.request.post(url, data=data, headers=self._headers())
        assert response.ok, f"POST {url}: {response.status} {response.text()}"
        return response.json()

    def results(self, url: str) -> list[dict]:
        return self.get(url)["results"]

    def pipeline(self, name: str) -> dict:
        return self.post("/api/pipelines/", {"name": name})

    def component(self, pipeline: dict, type: str, name: str, x: int, y: int, **config) -> dict:
        at = {"x": x, "y": y}
        body = {"pipeline": pipeline["id"], "type": type, "name": name, "position": at}
        if config:
            body["config"] = config
        return self.post("/api/components/", body)

    def event(self, pipeline: dict, name: str, x: int, y: int, kind: str = "kafka") -> dict:
        at = {"x": x, "y": y}
        body = {"pipeline": pipeline["id"], "name": name, "kind": kind, "position": at}
        return self.post("/api/events/", body)

    def wire(self, pipeline: dict, event: dict, component: dict, direction: str) -> dict:
        body = {
            "pipeline": pipeline["id"],
            "event": event["id"],
            "component": component["id"],
            "direction": direction,
        }
        return self.post("/api/connections/", body)

    def orders_feed(self, name: str) -> tuple[dict, dict]:
        """A pipeline (returned with its producer) where an "Orders" Kafka Event feeds the
        WebSocket Producer "Orders feed": the smallest graph Update Pipeline accepts."""
        pipeline = self.pipeline(name)
        orders = self.event(pipeline, "Orders", 0, 0)
        feed = self.component(pipeline, "websocket_producer", "Orders feed", 300, 0)
        self.wire(pipeline, orders, feed, "input")
        return pipeline, feed


@pytest.fixture
def api(page: Page) -> Api:
    return Api(page)


class Editor:
    """What a person does on the editor page, in terms of what they see."""

    def __init__(self, page: Page):
        self.page = page

    def open(self, pipeline_id: int) -> None:
        self.page.goto(f"/pipelines/{pipeline_id}/editor/")
        self.page.locator(".react-flow__pane").wait_for()

    def node(self, name: str) -> Locator:
        return self.page.locator(f'.react-flow__node:has([data-node-name="{name}"])')

    def drop(self, item: str, x: int, y: int) -> None:
        """Drags a palette item ("component:kafka_consumer", "event:kafka") onto the canvas."""
        self.page.drag_and_drop(
            f'[data-palette-item="{item}"]',
            ".react-flow__pane",
            target_position={"x": x, "y": y},
        )

    def wire(self, source: str, target: str) -> None:
        """Drags from the source node's right handle to the target node's left handle."""
        start = self.node(source).locator(".react-flow__handle.source")
        end = self.node(target).locator(".react-flow__handle.target")
        self.drag(start, end)

    def drag(self, start: Locator, end: Locator | tuple[float, float]) -> None:
        a = start.bounding_box()
        assert a, "nothing to drag from"
        if isinstance(end, tuple):
            bx, by = end
        else:
            b = end.bounding_box()
            assert b, "nothing to drop on"
            bx, by = b["x"] + b["width"] / 2, b["y"] + b["height"] / 2
        mouse = self.page.mouse
        mouse.move(a["x"] + a["width"] / 2, a["y"] + a["height"] / 2)
        mouse.down()
        mouse.move(bx, by, steps=12)
        mouse.up()

    def move_node(self, name: str, dx: float, dy: float) -> None:
        box = self.node(name).bounding_box()
        assert box, f"node {name} is not on the canvas"
        cx, cy = box["x"] + box["width"] / 2, box["y"] + 12
        self.drag(self.node(name).locator(".fc-node-name"), (cx + dx, cy + dy))

    def select(self, name: str) -> None:
        self.node(name).locator(".fc-node-name").click()

    def tab(self, label: str) -> None:
        self.page.get_by_role("tab", name=label).click()

    def toast(self, text: str) -> Locator:
        """The newest toast with this text (an earlier one may not have faded yet)."""
        return self.page.locator(".toast", has_text=text).last

    def save(self) -> None:
        """Save Component, done when the server has answered this save: a "Component saved"
        toast of an earlier save, still on screen for 4 s, must not stand in for it."""
        with self.page.expect_response(_is_component_save) as answer:
            self.page.get_by_role("button", name="Save Component").click()
        assert answer.value.ok, f"Save Component answered {answer.value.status}"
        expect(self.toast("Component saved")).to_be_visible()

    def edges(self) -> Locator:
        return self.page.locator(".react-flow__edge")

    def shortcut(self, keys: str) -> None:
        """Presses a shortcut with the canvas focused, as after clicking on it."""
        self.page.locator(".react-flow__pane").click(position={"x": 8, "y": 8})
        self.page.keyboard.press(keys)


def _is_component_save(response: Response) -> bool:
    """A component's settings written (a node moved writes only its position)."""
    request = response.request
    if request.method != "PATCH" or not re.search(r"/api/components/\d+/$", request.url):
        return False
    return "config" in (request.post_data_json or {})


@pytest.fixture
def editor(page: Page) -> Editor:
    return Editor(page)


def snapshot(page: Page, name: str) -> None:
    """Saves the page as $FLOWCAST_E2E_SHOTS/<name>.png when that is set, to look at a state."""
    if folder := os.environ.get("FLOWCAST_E2E_SHOTS"):
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def eventually(check: Callable[[], Any], timeout: float = 10.0, interval: float = 0.1) -> Any:
    """Retries `check` until it returns a truthy value (server state lags a UI action)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            assert result, f"condition not met within {timeout}s"
            return result
        time.sleep(interval)
