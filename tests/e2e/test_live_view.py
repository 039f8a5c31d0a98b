"""DESIGN §1 step 7: records produced after activation reach the producer's live dashboard."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.served import logged_in, with_password
from tests.runtime import build_stream

pytestmark = pytest.mark.e2e


def test_a_transaction_produced_after_activation_appears_in_the_live_view(
    browser: Browser, stack, owner, settings, shared_web
):
    with_password(owner, settings)
    s = build_stream(owner, topic=f"transactions-{uuid.uuid4().hex[:6]}")
    host = stack.serve(s, on=shared_web)
    with logged_in(browser, host, owner) as site:
        page = site.page
        page.goto(f"/producers/{s['producer'].pk}/live/")  # the old address still leads here
        expect(page).to_have_url(f"http://{host}/dashboards/{s['producer'].pk}/")
        expect(site.connection()).to_have_text("Live", timeout=15_000)
        marker = f"TX-{uuid.uuid4().hex[:8]}"
        stack.produce(s["topic"], [{"id": marker, "amount": 12.5, "currency": "EUR"}])
        expect(page.get_by_role("table", name="Latest records").get_by_text(marker)).to_be_visible(
            timeout=20_000
        )
        expect(page.locator('[data-stat="received"] dd')).to_have_text("1")
        page.screenshot(path="artifacts/e2e/live-view.png")
        assert site.errors == []
