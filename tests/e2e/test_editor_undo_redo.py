"""Undo and redo replay API operations: the server's graph follows the keyboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Api, Editor, eventually, snapshot

pytestmark = pytest.mark.e2e


def test_it_undoes_and_redoes_a_move(page: Page, editor: Editor, api: Api):
    pipeline = api.pipeline("Moves")
    api.event(pipeline, "Orders", 0, 0)
    feed = api.component(pipeline, "websocket_producer", "Orders feed", 300, 0)
    editor.open(pipeline["id"])

    def position() -> dict:
        return api.get(f"/api/components/{feed['id']}/")["position"]

    editor.move_node("Orders feed", 120, 140)
    moved = eventually(lambda: (p := position()) != {"x": 300, "y": 0} and p)
    assert moved["y"] > 50

    editor.shortcut("Control+z")
    eventually(lambda: position() == {"x": 300, "y": 0})

    editor.shortcut("Control+Shift+z")
    eventually(lambda: position() == moved)


def test_it_undoes_and_redoes_a_delete(page: Page, editor: Editor, api: Api):
    pipeline, _ = api.orders_feed("Deletes")
    editor.open(pipeline["id"])
    expect(editor.edges()).to_have_count(1)

    def components() -> list[str]:
        return [c["name"] for c in api.results(f"/api/components/?pipeline={pipeline['id']}")]

    def wires() -> int:
        return len(api.results(f"/api/connections/?pipeline={pipeline['id']}"))

    editor.select("Orders feed")
    page.keyboard.press("Delete")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("1 wire will be removed too")
    dialog.get_by_role("button", name="Delete").click()
    expect(editor.node("Orders feed")).to_have_count(0)
    eventually(lambda: components() == [] and wires() == 0)

    editor.shortcut("Control+z")
    expect(editor.node("Orders feed")).to_be_visible()
    expect(editor.edges()).to_have_count(1)
    eventually(lambda: components() == ["Orders feed"] and wires() == 1)

    editor.shortcut("Control+y")
    expect(editor.node("Orders feed")).to_have_count(0)
    eventually(lambda: components() == [] and wires() == 0)


def test_undoing_the_delete_of_a_deployed_producer_keeps_its_guid_and_credentials(
    page: Page, editor: Editor, api: Api
):
    pipeline, feed = api.orders_feed("Deployed deletes")
    api.post(f"/api/pipelines/{pipeline['id']}/update/", {"message": "First feed"})
    deployed = api.get(f"/api/components/{feed['id']}/")
    assert deployed["guid"]
    editor.open(pipeline["id"])

    def components() -> list[int]:
        return [c["id"] for c in api.results(f"/api/components/?pipeline={pipeline['id']}")]

    editor.select("Orders feed")
    page.keyboard.press("Delete")
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(editor.node("Orders feed")).to_have_count(0)
    eventually(lambda: components() == [])

    editor.shortcut("Control+z")
    expect(editor.node("Orders feed")).to_be_visible()
    expect(editor.edges()).to_have_count(1)
    eventually(lambda: components() == [feed["id"]])  # the same component, not a new one
    editor.select("Orders feed")
    editor.tab("Meta Information")
    expect(page.get_by_role("textbox", name="GUID")).to_have_value(deployed["guid"])
    expect(page.get_by_role("textbox", name="Ingestion ID")).to_have_value(deployed["ingestion_id"])
    snapshot(page, "editor-after-undo")
    restored = api.get(f"/api/components/{feed['id']}/")
    assert restored["ingestion_secret"] == deployed["ingestion_secret"]

    editor.shortcut("Control+y")
    expect(editor.node("Orders feed")).to_have_count(0)
    eventually(lambda: components() == [])
