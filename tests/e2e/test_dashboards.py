"""The live dashboards: a record reaches the producer's page, and survives a server restart."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.served import logged_in, with_password
from tests.runtime import build_stream

pytestmark = pytest.mark.e2e


def same_partition(_index: int) -> bytes:
    """One key for every record: they all land in one partition, in order."""
    return b"ACC-1234"


def marked(marker: str) -> dict:
    return {"id": marker, "amount": 12.5, "currency": "EUR", "status": "approved"}


@pytest.fixture(scope="module")
def stream(module_stack, module_owner) -> dict:
    """A deployed, active stream with its workers running and a daphne to watch it on, built
    once for the module's tests: each watches records of its own."""
    with_password(module_owner)
    s = build_stream(module_owner, topic=f"dash-{uuid.uuid4().hex[:6]}")
    s["host"] = module_stack.serve(s)
    return s


def test_a_record_with_a_unique_marker_appears_on_the_producers_dashboard(
    browser: Browser, module_stack, module_owner, stream
):
    producer = stream["producer"]
    with logged_in(browser, stream["host"], module_owner) as site:
        page = site.page
        page.goto("/dashboards/")
        row = page.locator(f'tr[data-producer-id="{producer.pk}"]')
        expect(row).to_contain_text(stream["pipeline"].name)
        expect(row).to_contain_text("UP · 1 instance")
        row.get_by_role("link", name="Open live").click()
        expect(site.connection()).to_have_text("Live", timeout=15_000)

        marker = f"TX-{uuid.uuid4().hex[:8]}"
        module_stack.produce(stream["topic"], [marked(marker)], key=same_partition)
        table = page.get_by_role("table", name="Latest records")
        cell = table.get_by_role("cell", name=marker, exact=True)
        expect(cell).to_be_visible(timeout=20_000)
        for column in ("Record", "id", "amount", "currency", "status"):
            expect(table.get_by_role("columnheader", name=column, exact=True)).to_be_visible()

        cell.click()
        dialog = page.get_by_role("dialog")
        expect(dialog.get_by_label("Envelope")).to_contain_text(f'"id": "{marker}"')
        expect(dialog.get_by_label("Envelope")).to_contain_text('"partition"')
        dialog.get_by_role("button", name="Close").click()

        module_stack.produce(stream["topic"], [marked("OTHER")], key=same_partition)
        expect(table.get_by_role("cell", name="OTHER", exact=True)).to_be_visible(timeout=20_000)
        page.get_by_label("Filter records").fill(marker.lower())
        expect(table.locator("tbody tr")).to_have_count(1)
        assert site.errors == []


def test_the_dashboard_reconnects_after_a_server_restart_and_shows_what_it_missed(
    browser: Browser, module_stack, module_owner, stream
):
    with logged_in(browser, stream["host"], module_owner) as site:
        page = site.page
        page.goto(f"/dashboards/{stream['producer'].pk}/")
        expect(site.connection()).to_have_text("Live", timeout=15_000)
        table = page.get_by_role("table", name="Latest records")
        before = f"BEFORE-{uuid.uuid4().hex[:8]}"
        module_stack.produce(stream["topic"], [marked(before)], key=same_partition)
        expect(table.get_by_role("cell", name=before, exact=True)).to_be_visible(timeout=20_000)
        before_id = table.locator("tbody tr", has_text=before).get_attribute("data-record-id")

        port = module_stack.stop_web(stream["host"])
        expect(site.connection()).not_to_have_text("Live")
        during = [f"DURING-{i}-{uuid.uuid4().hex[:6]}" for i in range(3)]
        module_stack.produce(stream["topic"], [marked(m) for m in during], key=same_partition)

        module_stack.web(port)
        expect(site.connection()).to_have_text("Live", timeout=30_000)
        for m in during:  # only a resume with `since` brings these back: they were published
            # while no daphne was there to forward them
            expect(table.get_by_role("cell", name=m, exact=True)).to_be_visible(timeout=20_000)
        expect(site.connection()).to_have_attribute("title", f"Resumed after {before_id}")
        expect(table.get_by_role("cell", name=before, exact=True)).to_have_count(1)
        expect(page.locator('[data-stat="received"] dd')).to_have_text("4")
        assert site.unexpected_errors() == []


def test_the_editors_live_tap_shows_records_and_client_code_keeps_the_secret_masked(
    browser: Browser, module_stack, module_owner, stream
):
    producer = stream["producer"]
    spread_out(stream)
    with logged_in(browser, stream["host"], module_owner) as site:
        page = site.page
        page.goto(f"/pipelines/{stream['pipeline'].pk}/editor/")
        page.locator('.react-flow__node:has([data-node-name="Feed"]) .fc-node-name').click()
        page.get_by_role("button", name="Live Tap").click()
        expect(site.connection()).to_have_text("Live", timeout=15_000)
        marker = f"TAP-{uuid.uuid4().hex[:8]}"
        module_stack.produce(stream["topic"], [marked(marker)], key=same_partition)
        tapped = page.get_by_role("list", name="Tapped records")
        expect(tapped).to_contain_text(marker, timeout=20_000)

        page.get_by_role("button", name="Client Code").click()
        endpoint = f"ws://{stream['host']}/ws/producers/{producer.ingestion_id}/"
        expect(page.get_by_label("javascript client")).to_contain_text(endpoint)
        page.get_by_role("button", name="Python", exact=True).click()
        python = page.get_by_label("python client")
        expect(python).to_contain_text('SECRET = os.environ["FLOWCAST_SECRET"]')
        producer.refresh_from_db()
        assert producer.ingestion_secret not in page.content()
        page.get_by_label("Fill in the real Ingestion Secret").check()
        expect(python).to_contain_text(f'SECRET = "{producer.ingestion_secret}"')
        assert site.errors == []


def spread_out(stream: dict) -> None:
    """build_stream puts every node at the origin; lay them out so each one can be clicked."""
    for x, node in enumerate((stream["reader"], stream["event"], stream["producer"])):
        type(node).objects.filter(pk=node.pk).update(position={"x": x * 320, "y": 0})
