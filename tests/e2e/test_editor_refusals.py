"""The editor refuses what the rules refuse, and says why where the person is looking."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Api, Editor

pytestmark = pytest.mark.e2e


def test_it_refuses_a_component_to_component_wire_with_a_reason(
    page: Page, editor: Editor, api: Api
):
    pipeline = api.pipeline("Refusals")
    api.component(pipeline, "api_ingestion", "Orders API", 0, 0)
    api.component(pipeline, "websocket_producer", "Orders feed", 360, 0)
    editor.open(pipeline["id"])

    editor.wire("Orders API", "Orders feed")

    expect(editor.toast("Components connect only through events")).to_be_visible()
    expect(editor.edges()).to_have_count(0)
    assert api.results(f"/api/connections/?pipeline={pipeline['id']}") == []


def test_it_refuses_a_second_input_for_a_websocket_producer(page: Page, editor: Editor, api: Api):
    pipeline = api.pipeline("One input")
    first = api.event(pipeline, "Orders", 0, 0)
    api.event(pipeline, "Refunds", 0, 160)
    feed = api.component(pipeline, "websocket_producer", "Orders feed", 360, 60)
    api.wire(pipeline, first, feed, "input")
    editor.open(pipeline["id"])
    expect(editor.edges()).to_have_count(1)

    editor.wire("Refunds", "Orders feed")

    expect(editor.toast("WebSocket Producer accepts at most 1 input event")).to_be_visible()
    expect(editor.edges()).to_have_count(1)


def test_it_refuses_a_batch_size_below_10_next_to_the_field(page: Page, editor: Editor, api: Api):
    pipeline = api.pipeline("Batch sizes")
    feed = api.component(pipeline, "websocket_producer", "Orders feed", 0, 0)
    editor.open(pipeline["id"])
    editor.select("Orders feed")

    batch = page.get_by_role("spinbutton", name="Batch Size")
    batch.fill("5")
    expect(page.get_by_label("Unsaved changes").first).to_be_visible()
    page.get_by_role("button", name="Save Component").click()

    field = page.locator('[data-field="batch_size"]')
    expect(field.locator(".field-error")).to_contain_text("greater than or equal to 10")
    expect(batch).to_have_attribute("aria-invalid", "true")
    expect(editor.toast("Not saved")).to_be_visible()
    saved = api.get(f"/api/components/{feed['id']}/")
    assert saved["config"]["basic"]["batch_size"] == 500
