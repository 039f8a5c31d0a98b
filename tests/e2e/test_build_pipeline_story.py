"""DESIGN §1 steps 1-6 in a real browser: palette → wires → properties → Update Pipeline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import Api, Editor

pytestmark = pytest.mark.e2e

TABS = ["Basic Information", "Meta Information", "Resource Configuration", "Connection Validation"]


def create_pipeline_from_the_list(page: Page, name: str) -> None:
    page.get_by_placeholder("New pipeline name").fill(name)
    page.get_by_role("button", name="Create pipeline").click()
    row = page.locator("tr", has_text=name)
    expect(row).to_be_visible()
    expect(row.locator(".badge")).to_have_text("Draft")
    row.get_by_role("link", name="Open editor").click()
    page.wait_for_url(re.compile(r"/pipelines/\d+/editor/$"))


def test_user_builds_a_consumer_to_websocket_pipeline(page: Page, editor: Editor, api: Api):
    # 1. create a pipeline, open the editor
    create_pipeline_from_the_list(page, "Card transactions")
    page.locator(".react-flow__pane").wait_for()
    expect(page.get_by_role("heading", name="Card transactions")).to_be_visible()

    # 2. Kafka Consumer from the palette; its source topic in the Meta tab
    editor.drop("component:kafka_consumer", 120, 160)
    consumer = editor.node("Kafka Consumer 1")
    add_required_settings(page, consumer, topic="transactions")
    expect(consumer).to_be_visible()
    editor.tab("Meta Information")
    page.get_by_role("textbox", name="Topic").fill("transactions")
    page.get_by_role("combobox", name="Offset Reset").select_option("earliest")
    editor.save()

    # 3. a Kafka Event, wired consumer → event
    editor.drop("event:kafka", 380, 170)
    expect(editor.node("Kafka Event 1")).to_be_visible()
    editor.wire("Kafka Consumer 1", "Kafka Event 1")
    expect(editor.edges()).to_have_count(1)

    # 4. a WebSocket Producer, wired event → producer
    editor.drop("component:websocket_producer", 600, 160)
    expect(editor.node("WebSocket Producer 1")).to_be_visible()
    editor.wire("Kafka Event 1", "WebSocket Producer 1")
    expect(editor.edges()).to_have_count(2)

    # 5. its properties, in four tabs
    editor.select("WebSocket Producer 1")
    expect(page.get_by_role("tab")).to_have_text(TABS)
    for label in TABS:
        editor.tab(label)
        expect(page.get_by_role("tab", name=label)).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("button", name="Run checks")).to_be_visible()
    editor.tab("Basic Information")
    expect(page.get_by_role("spinbutton", name="Batch Size")).to_have_value("500")
    expect(page.get_by_role("textbox", name="Container Image Version")).to_be_disabled()

    # 6. Save Component (disk icon) → success; Update Pipeline → version and GUID
    expect(page.get_by_role("button", name="Save Component").locator("svg")).to_have_count(1)
    editor.save()

    editor.tab("Meta Information")
    guid_field = page.get_by_role("textbox", name="GUID")
    expect(guid_field).to_have_value("")
    expect(guid_field).to_have_attribute("placeholder", "Assigned on Update Pipeline")
    expect(page.get_by_role("textbox", name="Ingestion ID")).not_to_have_value("")

    page.get_by_role("button", name="Update Pipeline").click()
    dialog = page.get_by_role("dialog", name="Update Pipeline")
    dialog.get_by_label("Commit message (optional)").fill("First feed")
    dialog.get_by_role("button", name="Apply").click()
    expect(dialog.get_by_text("Version 1 applied")).to_be_visible()
    guid_cell = dialog.locator("tr", has_text="WebSocket Producer 1").locator("[data-guid]")
    expect(guid_cell).to_have_text(re.compile(r"^[0-9a-f-]{36}$"))
    guid = guid_cell.inner_text()
    dialog.get_by_role("button", name="Close").click()
    expect(guid_field).to_have_value(guid)
    expect(page.get_by_text("v1 deployed")).to_be_visible()

    # the Ingestion Secret: masked; revealed on request; the refresh icon replaces it
    secret = page.get_by_role("textbox", name="Ingestion Secret")
    masked = secret.input_value()
    producer = next(
        c
        for c in api.results(f"/api/components/?pipeline={pipeline_id(page)}")
        if c["type"] == "websocket_producer"
    )
    assert masked == producer["ingestion_secret"]
    page.get_by_role("button", name="Reveal Ingestion Secret").click()
    expect(secret).not_to_have_value(masked)
    first = secret.input_value()
    assert first.endswith(masked[-4:])
    assert first == api.get(f"/api/components/{producer['id']}/secret/")["ingestion_secret"]

    page.get_by_role("button", name="Regenerate Ingestion Secret").click()
    confirm = page.get_by_role("dialog")
    expect(confirm).to_contain_text("The old secret stops working and open sessions are closed")
    confirm.get_by_role("button", name="Regenerate").click()
    expect(secret).not_to_have_value(first)
    second = secret.input_value()
    assert second == api.get(f"/api/components/{producer['id']}/secret/")["ingestion_secret"]


def add_required_settings(page: Page, node: Locator, topic: str) -> None:
    """Answers the editor's "settings needed" dialog, shown when the server refuses to create a
    component without them (the contract lets it fill defaults instead: then no dialog)."""
    dialog = page.get_by_role("dialog", name="New Kafka Consumer")
    expect(dialog.or_(node)).to_be_visible()
    if dialog.is_visible():
        dialog.get_by_role("textbox", name="Topic").fill(topic)
        dialog.get_by_role("button", name="Add Kafka Consumer").click()


def pipeline_id(page: Page) -> int:
    match = re.search(r"/pipelines/(\d+)/editor/", page.url)
    assert match, page.url
    return int(match.group(1))
