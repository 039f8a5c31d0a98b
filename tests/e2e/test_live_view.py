"""DESIGN §1 step 7: records produced after activation reach the producer's live view."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import VIEWPORT
from tests.runtime import build_stream

pytestmark = pytest.mark.e2e


def test_a_transaction_produced_after_activation_appears_in_the_live_view(
    browser: Browser, stack, owner, settings
):
    # daphne runs with the real settings: hash the password the way it checks passwords.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    owner.set_password("watch-pass-123")
    owner.save()
    s = build_stream(owner, topic=f"transactions-{uuid.uuid4().hex[:6]}")
    host = stack.web()
    stack.worker(s["reader"])
    stack.worker(s["producer"])
    context = browser.new_context(viewport=VIEWPORT, base_url=f"http://{host}")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(owner.username)
        page.get_by_label("Password").fill("watch-pass-123")
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"/producers/{s['producer'].pk}/live/")
        expect(page.locator("#state")).to_have_text("open", timeout=15_000)
        marker = f"TX-{uuid.uuid4().hex[:8]}"
        stack.produce(s["topic"], [{"id": marker, "amount": 12.5, "currency": "EUR"}])
        expect(page.get_by_text(marker)).to_be_visible(timeout=20_000)
        expect(page.locator("#count")).to_have_text("1")
        page.screenshot(path="artifacts/e2e/live-view.png")
        assert errors == []
    finally:
        context.close()
