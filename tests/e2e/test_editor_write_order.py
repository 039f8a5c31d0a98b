"""Writes the editor makes at once reach the server one after the other, each with the
revision the one before it answered: quick hands are not told the pipeline changed elsewhere."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Request, Route, expect

from tests.e2e.conftest import Api, Editor

pytestmark = pytest.mark.e2e


def test_update_pipeline_clicked_while_a_save_is_on_its_way_waits_for_it(
    page: Page, editor: Editor, api: Api
):
    pipeline, feed = api.orders_feed("Quick hands")
    editor.open(pipeline["id"])

    # The save's PATCH is held back until Update Pipeline has been clicked and applied.
    held: list[Route] = []
    component_url = f"**/api/components/{feed['id']}/"
    page.route(
        component_url,
        lambda route: held.append(route) if route.request.method == "PATCH" else route.fallback(),
    )
    order: list[str] = []
    page.on("requestfinished", lambda r: order.append(_name(r)))
    page.on("request", lambda r: order.append("update sent") if _is_update(r) else None)

    editor.select("Orders feed")
    page.get_by_role("spinbutton", name="Batch Size").fill("250")
    with page.expect_request(lambda r: r.method == "PATCH"):
        page.get_by_role("button", name="Save Component").click()
    page.get_by_role("button", name="Update Pipeline").click()
    dialog = page.get_by_role("dialog", name="Update Pipeline")
    dialog.get_by_role("button", name="Apply").click()
    expect(dialog.get_by_role("button", name="Applying…")).to_be_disabled()

    held[0].continue_()

    expect(dialog.get_by_text("Version 1 applied")).to_be_visible()
    expect(editor.toast("Component saved")).to_be_visible()
    expect(page.get_by_text("This pipeline was changed elsewhere")).to_have_count(0)
    assert order.index("save answered") < order.index("update sent"), order
    version = api.get(f"/api/pipelines/{pipeline['id']}/versions/1/")
    [deployed] = version["snapshot"]["components"]
    assert deployed["config"]["basic"]["batch_size"] == 250  # the version has the save in it


def _is_update(request: Request) -> bool:
    return request.method == "POST" and request.url.endswith("/update/")


def _name(request: Request) -> str:
    return "save answered" if request.method == "PATCH" else request.method
