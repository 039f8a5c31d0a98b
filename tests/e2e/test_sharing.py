"""Sharing in the browser: the owner shares through the Share dialog, the viewer only looks,
and the History tab tells who shared it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import PASSWORD, VIEWPORT, Api, Editor

pytestmark = pytest.mark.e2e

# Set FLOWCAST_SCREENSHOTS=/tmp to keep pictures of each step for a look by eye.
SHOTS = os.environ.get("FLOWCAST_SCREENSHOTS")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"sharing-{name}.png"))


@pytest.fixture
def bob(django_user_model):
    """The teammate the pipeline is shared with."""
    return django_user_model.objects.create_user("bob", password=PASSWORD)


@pytest.fixture
def bob_page(browser: Browser, live_server, bob) -> Iterator[Page]:
    """bob, logged in through the login form in a browser of his own."""
    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.goto("/accounts/login/?next=/pipelines/")
    page.fill("#id_username", "bob")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/pipelines/")
    yield page
    context.close()
    # A read-only editor asks for nothing it may not have: no 403 in the console.
    assert not problems, "bob's browser reported errors:\n" + "\n".join(problems)


def test_a_viewer_sees_a_shared_pipeline_and_cannot_change_it(
    page: Page, editor: Editor, api: Api, bob_page: Page
):
    pipeline, feed = api.orders_feed("Orders stream")

    # ada shares it with bob as a viewer through the Share dialog.
    editor.open(pipeline["id"])
    owner_toolbar = page.get_by_role("toolbar", name="Pipeline")
    owner_toolbar.get_by_role("button", name="Share", exact=True).click()
    dialog = page.get_by_role("dialog", name="Share “Orders stream”")
    expect(dialog).to_contain_text("Not shared with anyone yet.")
    dialog.get_by_label("Username").fill("bobx")
    dialog.get_by_role("button", name="Share", exact=True).click()
    name_field = dialog.locator(".field", has=page.get_by_label("Username"))
    expect(name_field.locator(".field-error")).to_have_text("No user named 'bobx'.")
    shot(page, "share-error")

    dialog.get_by_label("Username").fill("bob")
    expect(dialog.get_by_label("Role", exact=True)).to_have_value("viewer")
    dialog.get_by_role("button", name="Share", exact=True).click()
    expect(dialog.get_by_label("Role of bob")).to_have_value("viewer")
    expect(dialog.get_by_label("Username")).to_have_value("")
    shot(page, "share-dialog")
    grants = api.results(f"/api/grants/?pipeline={pipeline['id']}")
    assert [(g["user"], g["role"]) for g in grants] == [("bob", "viewer")]
    dialog.get_by_role("button", name="Done").click()
    expect(owner_toolbar.get_by_role("button", name="Share (shared with 1)")).to_be_visible()

    page.goto("/pipelines/")
    row = page.locator(f'tr[data-pipeline-id="{pipeline["id"]}"]')
    expect(row.locator("[data-sharing]")).to_have_text("Shared with 1")
    shot(page, "owner-list")

    # bob sees it in his list, marked as shared by ada.
    bob_page.reload()
    row = bob_page.locator(f'tr[data-pipeline-id="{pipeline["id"]}"]')
    expect(row.locator("[data-sharing]")).to_have_text("Shared by ada · viewer")
    expect(row.get_by_role("button", name="Delete Orders stream")).to_have_count(0)
    expect(row.get_by_role("button", name="Rename Orders stream")).to_have_count(0)
    shot(bob_page, "viewer-list")

    # His editor is read-only.
    viewer = Editor(bob_page)
    viewer.open(pipeline["id"])
    expect(bob_page.locator(".access-badge")).to_have_text("View only — shared by ada")
    toolbar = bob_page.get_by_role("toolbar", name="Pipeline")
    for absent in ("Update Pipeline", "Activate", "Share", "Undo", "Redo"):
        expect(toolbar.get_by_role("button", name=absent)).to_have_count(0)
    expect(bob_page.locator("[data-palette-item]")).to_have_count(0)
    expect(viewer.node("Orders feed")).to_be_visible()
    expect(viewer.edges()).to_have_count(1)

    viewer.select("Orders feed")
    tray = bob_page.get_by_role("complementary", name="Properties")
    expect(tray.get_by_role("spinbutton", name="Batch Size")).to_be_disabled()
    expect(tray.get_by_role("button", name="Save Component")).to_have_count(0)
    expect(tray.get_by_role("button", name="Delete component")).to_have_count(0)
    viewer.tab("Meta Information")
    expect(tray.get_by_role("button", name="Reveal Ingestion Secret")).to_be_disabled()
    expect(tray.get_by_role("button", name="Regenerate Ingestion Secret")).to_be_disabled()
    shot(bob_page, "viewer-editor")

    viewer.select("Orders feed")
    bob_page.keyboard.press("Delete")
    viewer.node("Orders feed").click(button="right")
    expect(bob_page.get_by_role("menu")).to_have_count(0)
    viewer.move_node("Orders feed", 120, 140)
    handle = viewer.node("Orders").locator(".react-flow__handle.source")
    viewer.drag(handle, viewer.node("Orders feed"))
    expect(bob_page.get_by_role("dialog")).to_have_count(0)
    expect(viewer.node("Orders feed")).to_be_visible()
    expect(viewer.edges()).to_have_count(1)
    assert api.get(f"/api/components/{feed['id']}/")["position"] == feed["position"]  # not moved
    assert len(api.results(f"/api/components/?pipeline={pipeline['id']}")) == 1
    assert len(api.results(f"/api/connections/?pipeline={pipeline['id']}")) == 1

    # The History tab tells him who shared it with him, and from where.
    toolbar.get_by_role("button", name="Versions").click()
    bob_page.get_by_role("tab", name="History").click()
    entry = bob_page.locator('.audit-entry[data-action="grant.create"]')
    expect(entry).to_contain_text("Shared 'Orders stream' with bob as viewer")
    expect(entry.locator(".audit-who")).to_have_text("ada")
    expect(entry.locator(".audit-where")).to_contain_text("from 127.0.0.1")
    shot(bob_page, "viewer-history")

    # ada's History has the same entry, below what she did since (newest first).
    api.get(f"/api/components/{feed['id']}/secret/")
    api.post(f"/api/pipelines/{pipeline['id']}/update/", {"message": "First cut"})
    editor.open(pipeline["id"])
    owner_toolbar.get_by_role("button", name="Versions").click()
    page.get_by_role("tab", name="History").click()
    actions = page.locator(".audit-entry")
    expect(actions).to_have_count(3)
    assert [a.get_attribute("data-action") for a in actions.all()] == [
        "pipeline.deploy",
        "component.secret_reveal",
        "grant.create",
    ]
    shot(page, "owner-history")
