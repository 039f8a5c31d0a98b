"""The monitoring view: live counts of a running stack, instances' resources, why it scaled."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from pipelines.models import Component
from pipelines.rules.scaling import Decision
from pipelines.runtime import deployed_versions
from pipelines.services.scaling import record_scaling_decision
from tests.e2e.conftest import ARTIFACTS, VIEWPORT, Api, Editor
from tests.runtime import build_stream

pytestmark = pytest.mark.e2e


def figure(page: Page, component: str, name: str):
    return page.locator(f'tr[data-component="{component}"] [data-figure="{name}"]').first


def test_a_produced_record_shows_in_the_monitoring_counts(
    browser: Browser, stack, owner, settings, shared_web
):
    # daphne runs with the real settings: hash the password the way it checks passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    owner.set_password("watch-pass-123")
    owner.save()
    s = build_stream(owner, topic=f"transactions-{uuid.uuid4().hex[:6]}")
    host = stack.serve(s, on=shared_web)
    context = browser.new_context(viewport=VIEWPORT, base_url=f"http://{host}")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(owner.username)
        page.get_by_label("Password").fill("watch-pass-123")
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"/pipelines/{s['pipeline'].pk}/monitoring/")
        feed = page.locator('tr[data-component="Feed"]')
        expect(feed).to_have_attribute("data-state", "UP")
        expect(page.locator('tr[data-component="Source"]')).to_have_attribute("data-state", "UP")
        expect(figure(page, "Feed", "out-total")).to_have_text("0 total")
        expect(figure(page, "Feed", "last-processed")).to_have_text("—")

        marker = f"TX-{uuid.uuid4().hex[:8]}"
        stack.produce(s["topic"], [{"id": marker, "amount": 12.5, "currency": "EUR"}])

        expect(figure(page, "Source", "in-total")).to_have_text("1 total", timeout=20_000)
        expect(figure(page, "Feed", "out-total")).to_have_text("1 total", timeout=20_000)
        expect(figure(page, "Feed", "in-total")).to_have_text("1 total")
        expect(figure(page, "Feed", "last-processed")).not_to_have_text("—")
        expect(figure(page, "Feed", "last-size")).to_contain_text("1 rec")
        expect(figure(page, "Feed", "lag")).to_contain_text("0")
        expect(figure(page, "Feed", "failover")).to_have_text("0")
        expect(figure(page, "Feed", "clients")).to_have_text("0")
        # Each instance: its memory next to the Resource Configuration's request and limit.
        memory = page.locator('tr[data-instance-of="Feed"] [data-figure="memory"]')
        expect(memory).to_contain_text("request 256 MB · limit 512 MB")
        expect(memory.get_by_role("meter")).to_be_visible()
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "monitoring-view.png"), full_page=True)
        assert errors == []
    finally:
        context.close()


@pytest.fixture
def scaled(api: Api) -> dict:
    """An active pipeline whose producer Intelligent Scaling changed once and then could not."""
    pipeline = api.pipeline("Orders")
    source = api.component(pipeline, "api_ingestion", "Orders API", 0, 0)
    event = api.event(pipeline, "Orders", 300, 0)
    feed = api.component(pipeline, "websocket_producer", "Orders feed", 600, 0)
    api.wire(pipeline, event, source, "output")
    api.wire(pipeline, event, feed, "input")
    api.post(f"/api/pipelines/{pipeline['id']}/update/", {"message": "first"})
    api.post(f"/api/pipelines/{pipeline['id']}/activate/", {})
    deployed = deployed_versions.find(str(Component.objects.get(pk=feed["id"]).guid))
    record_scaling_decision(
        deployed, Decision(0, 6000, 5000, 1.2, 1, 2, "up", "120 % of threshold 5000 > 60 % for 5 s")
    )
    blocked = "130 % of threshold 5000 > 60 % for 9 s; at the maximum of 3 (min 1, max 3)"
    record_scaling_decision(deployed, Decision(1, 6500, 5000, 1.3, 3, 3, "blocked", blocked))
    return pipeline


def test_the_monitoring_view_shows_why_it_scaled(page: Page, editor: Editor, scaled: dict):
    editor.open(scaled["id"])
    page.get_by_role("link", name="Monitoring").click()
    page.wait_for_url(f"**/pipelines/{scaled['id']}/monitoring/")
    timeline = page.get_by_label("Scaling decisions")
    up = timeline.locator('[data-action="up"]')
    expect(up).to_contain_text("Orders feed scaled up: 1 → 2 instances")
    expect(up).to_contain_text("lag 6,000 of 5,000 (120 %)")
    expect(up).to_contain_text("120 % of threshold 5000 > 60 % for 5 s")
    blocked = timeline.locator('[data-action="blocked"]')
    expect(blocked).to_contain_text("could not scale: stays at 3 instances")
    expect(blocked).to_contain_text("at the maximum of 3")
    # Newest first.
    expect(timeline.locator("li").first).to_have_attribute("data-action", "blocked")
    # The API Ingestion is served by the web processes; the producer has no instance running.
    expect(page.locator('tr[data-component="Orders API"]')).to_have_attribute("data-state", "UP")
    expect(page.locator('tr[data-component="Orders feed"]')).to_have_attribute("data-state", "OFF")
    expect(page.get_by_label("Pipeline totals")).to_contain_text("1 / 2")
    page.screenshot(path=str(Path(ARTIFACTS, "monitoring-scaling.png")), full_page=True)


def test_the_pipeline_list_links_to_monitoring_with_a_live_summary(page: Page, scaled: dict):
    page.goto("/pipelines/")
    row = page.locator(f'tr[data-pipeline-id="{scaled["id"]}"]')
    expect(row.locator("[data-live-summary]")).to_contain_text("1/2 UP")
    row.get_by_role("link", name="Monitoring of Orders").click()
    page.wait_for_url(f"**/pipelines/{scaled['id']}/monitoring/")
    expect(page.get_by_role("heading", name="Orders · Monitoring")).to_be_visible()
