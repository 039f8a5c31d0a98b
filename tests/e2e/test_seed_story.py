"""DESIGN §1, the whole story in one browser on the real stack: embedded broker, Redis, daphne
and the worker supervisor. Built in the editor, streamed to the producer's live dashboard,
then changed: a draft edit leaves the stream alone, Update Pipeline reconfigures it (4001)
and the dashboard comes back by itself with every record exactly once."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, Page, WebSocket, expect

from pipelines.models import Component
from pipelines.runtime import kafka
from pipelines.runtime.deployed_versions import Topic
from pipelines.runtime.processes import manage_command
from tests.e2e.conftest import Editor, snapshot
from tests.e2e.served import logged_in, with_password
from tests.e2e.test_build_pipeline_story import (
    add_required_settings,
    create_pipeline_from_the_list,
    pipeline_id,
)

pytestmark = pytest.mark.e2e

BATCH = 20
# The one refusal the story provokes on purpose (Batch Size 5).
REFUSED = re.compile(r"Failed to load resource: the server responded with a status of 400")


def test_the_seed_story_from_an_empty_editor_to_a_live_dashboard_that_survives_an_update(
    browser: Browser, stack, owner, settings, shared_web
):
    with_password(owner, settings)
    source = f"story-{uuid.uuid4().hex[:6]}"
    kafka.ensure_topics([Topic(source, 3, 24, "shared")])
    stack.start("supervisor", manage_command("run_pipelines", "--interval", "0.5"))
    host = shared_web
    run = uuid.uuid4().hex[:4]
    produced: list[str] = []

    def produce() -> None:
        markers = [f"R{run}-{len(produced) + i:03d}" for i in range(BATCH)]
        stack.produce(source, [{"marker": m, "amount": 12.5} for m in markers])
        produced.extend(markers)

    with logged_in(browser, host, owner) as site:
        page = site.page
        editor = Editor(page)
        create_pipeline_from_the_list(page, "Card transactions")
        page.locator(".react-flow__pane").wait_for()

        # Kafka Consumer on the source topic, from the start; Kafka Event; WebSocket Producer
        editor.drop("component:kafka_consumer", 120, 160)
        consumer = editor.node("Kafka Consumer 1")
        add_required_settings(page, consumer, topic=source)
        expect(consumer).to_be_visible()
        editor.tab("Meta Information")
        page.get_by_role("textbox", name="Topic").fill(source)
        page.get_by_role("combobox", name="Offset Reset").select_option("earliest")
        editor.save()
        editor.drop("event:kafka", 380, 170)
        editor.wire("Kafka Consumer 1", "Kafka Event 1")
        editor.drop("component:websocket_producer", 600, 160)
        editor.wire("Kafka Event 1", "WebSocket Producer 1")
        expect(editor.edges()).to_have_count(2)

        # its tabs: Batch Size 5 refused next to the field, 50 saved
        editor.select("WebSocket Producer 1")
        batch = page.get_by_role("spinbutton", name="Batch Size")
        batch.fill("5")
        page.get_by_role("button", name="Save Component").click()
        field = page.locator('[data-field="batch_size"]')
        expect(field.locator(".field-error")).to_contain_text("greater than or equal to 10")
        expect(editor.toast("Not saved")).to_be_visible()
        batch.fill("50")
        editor.save()
        expect(field.locator(".field-error")).to_have_count(0)

        # Update Pipeline: the GUID beside the Ingestion ID and the masked secret; Activate
        update(page, "First feed", 1)
        producer = Component.objects.get(pipeline_id=pipeline_id(page), type="websocket_producer")
        assert producer.guid and producer.config["basic"]["batch_size"] == 50
        editor.tab("Meta Information")
        expect(page.get_by_role("textbox", name="GUID")).to_have_value(str(producer.guid))
        expect(page.get_by_role("textbox", name="Ingestion ID")).to_have_value(
            producer.ingestion_id
        )
        secret = page.get_by_role("textbox", name="Ingestion Secret")
        expect(secret).not_to_have_value("")
        assert producer.ingestion_secret not in secret.input_value()
        page.get_by_role("button", name="Activate").click()
        page.get_by_role("dialog").get_by_role("button", name="Activate").click()
        expect(editor.toast("Pipeline activated")).to_be_visible()

        # the producer's live dashboard, in a second tab
        dash = page.context.new_page()
        dash.on("console", lambda m: site.errors.append(m.text) if m.type == "error" else None)
        sockets: list[WebSocket] = []
        dash.on("websocket", lambda ws: sockets.append(ws))
        dash.goto(f"/dashboards/{producer.pk}/")
        connection = dash.locator(".connection [role=status]")
        expect(connection).to_have_text("Live")
        received = dash.locator('[data-stat="received"] dd')
        produce()
        expect(received).to_have_text(str(BATCH), timeout=30_000)

        # a draft edit (rename, Frame Format) saved without Update: the stream goes on as it was
        editor.tab("Basic Information")
        page.get_by_role("textbox", name="Name", exact=True).fill("Card feed")
        editor.tab("Meta Information")
        page.get_by_role("combobox", name="Frame Format").select_option("batch")
        editor.save()
        expect(editor.node("Card feed")).to_be_visible()
        produce()
        expect(received).to_have_text(str(2 * BATCH))
        assert len(sockets) == 1 and not sockets[0].is_closed()
        expect(dash.locator(".dash-meta .chip")).to_have_text("envelope")

        # Update Pipeline: the dashboard is closed with 4001 and resumes by itself with since
        with dash.expect_websocket(timeout=30_000) as reconnected:
            update(page, "Batch frames", 2)
        assert "since=" in reconnected.value.url
        expect(connection).to_have_text("Live")
        expect(connection).to_have_attribute("title", re.compile(r"^Resumed after \d+-\d+"))
        assert sockets[0].is_closed()
        frames: list[str] = []
        reconnected.value.on("framereceived", lambda payload: frames.append(str(payload)))
        produce()
        expect(received).to_have_text(str(3 * BATCH), timeout=30_000)
        assert any(f.startswith("[") for f in frames), "no batch frame after the update"
        expect(dash.locator(".dash-meta .chip")).to_have_text("batch")

        # every record exactly once: one row per id, one row per produced marker
        rows = dash.locator("table[aria-label='Latest records'] tbody tr.record-row")
        expect(rows).to_have_count(3 * BATCH)
        ids = rows.evaluate_all("rows => rows.map((r) => r.dataset.recordId)")
        assert len(set(ids)) == len(ids) == 3 * BATCH
        texts = rows.evaluate_all("rows => rows.map((r) => r.textContent)")
        shown = sorted(m for t in texts for m in re.findall(rf"R{run}-\d{{3}}", t))
        assert shown == sorted(produced)
        snapshot(dash, "dashboard-after-reconnect")
        assert [e for e in site.unexpected_errors() if not REFUSED.search(e)] == []


def update(page: Page, message: str, number: int) -> None:
    page.get_by_role("button", name="Update Pipeline").click()
    dialog = page.get_by_role("dialog", name="Update Pipeline")
    dialog.get_by_label("Commit message (optional)").fill(message)
    dialog.get_by_role("button", name="Apply").click()
    expect(dialog.get_by_text(f"Version {number} applied")).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
