"""A WebSocket Producer in the `columns` frame format (DESIGN §6): the browser expands its
frames into records, so they reach the live dashboard and the editor's Live Tap each once,
with the ids, keys and values the frames stand for."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import snapshot
from tests.e2e.served import logged_in, with_password
from tests.e2e.test_dashboards import spread_out
from tests.integration.clients import columns_records
from tests.runtime import build_stream

pytestmark = pytest.mark.e2e


def transactions(run: str, first: int, count: int) -> tuple[list[dict], list[str]]:
    """Values with a unique marker each, and one key each, so they spread over partitions."""
    values = [
        {"id": f"CX{run}-{i}", "amount": i + 0.5, "currency": "EUR"}
        for i in range(first, first + count)
    ]
    return values, [f"ACC-{i}" for i in range(first, first + count)]


def watch_frames(page: Page) -> list[dict]:
    """Every JSON frame the page's sockets receive, as sent."""
    frames: list[dict] = []
    page.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda payload: frames.append(json.loads(payload))),
    )
    return frames


def test_a_columns_producers_records_appear_once_each_on_its_dashboard_and_in_live_tap(
    browser: Browser, stack, owner, settings, shared_web
):
    with_password(owner, settings)
    s = build_stream(owner, topic=f"columns-{uuid.uuid4().hex[:6]}", frame_format="columns")
    spread_out(s)
    host = stack.serve(s, on=shared_web)
    run = uuid.uuid4().hex[:6]

    def produce(values: list[dict], keys: list[str]) -> None:
        stack.produce(s["topic"], values, key=lambda i: keys[i].encode())

    with logged_in(browser, host, owner) as site:
        page = site.page
        frames = watch_frames(page)
        page.goto(f"/dashboards/{s['producer'].pk}/")
        expect(site.connection()).to_have_text("Live", timeout=15_000)
        expect(page.locator(".dash-meta .chip")).to_have_text("columns")

        values, keys = transactions(run, 0, 6)
        produce(values, keys)
        expect(page.locator('[data-stat="received"] dd')).to_have_text("6", timeout=20_000)
        sent = [f for f in frames if "type" not in f]
        assert sent and all("offsets" in f and "id" not in f for f in sent), sent
        records = [r for f in sent for r in columns_records(f)]
        assert sorted(r["value"]["id"] for r in records) == sorted(v["id"] for v in values)
        assert len({r["partition"] for r in records}) >= 2, "the records share one partition"

        table = page.get_by_role("table", name="Latest records")
        expect(table.locator("tbody tr")).to_have_count(6)
        for r in records:
            value = r["value"]
            row = table.locator(f'tbody tr[data-record-id="{r["id"]}"]')
            cells = [r["id"], re.compile(r"\S"), r["key"], value["id"], str(value["amount"]), "EUR"]
            expect(row.locator("td")).to_have_text(cells)
        snapshot(page, "columns-dashboard")

        first = records[0]
        table.locator(f'tbody tr[data-record-id="{first["id"]}"]').click()
        envelope = page.get_by_role("dialog").get_by_label("Envelope")
        expect(envelope).to_contain_text(f'"id": "{first["id"]}"')
        expect(envelope).to_contain_text(f'"offset": {first["offset"]}')
        expect(envelope).to_contain_text(f'"key": "{first["key"]}"')
        page.get_by_role("dialog").get_by_role("button", name="Close").click()

        page.goto(f"/pipelines/{s['pipeline'].pk}/editor/")
        page.locator('.react-flow__node:has([data-node-name="Feed"]) .fc-node-name').click()
        page.get_by_role("button", name="Live Tap").click()
        expect(site.connection()).to_have_text("Live", timeout=15_000)
        values, keys = transactions(run, 6, 3)
        produce(values, keys)
        tapped = page.get_by_role("list", name="Tapped records")
        expect(tapped.locator("li")).to_have_count(3, timeout=20_000)
        for v in values:
            expect(tapped.locator("li", has_text=f'"{v["id"]}"')).to_have_count(1)

        page.get_by_role("button", name="Client Code").click()
        expect(page.get_by_label("javascript client")).to_contain_text("function recordsOf(data)")
        assert site.errors == []
