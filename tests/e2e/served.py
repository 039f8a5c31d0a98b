"""A browser logged in on a real daphne (Stack.web()), for the pages that use WebSockets.

The pytest-django live server cannot serve WebSockets, so these pages are opened on the
stack's daphne, which checks passwords with the real settings' hasher.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.test import override_settings
from playwright.sync_api import Browser, Locator, Page

from tests.e2e.conftest import VIEWPORT

PASSWORD = "watch-pass-123"
# What a browser logs while the server is down on purpose (the restart test).
OUTAGE_NOISE = re.compile(
    r"WebSocket connection to .* failed|ERR_CONNECTION_REFUSED|Failed to fetch"
)


@dataclass
class Site:
    host: str
    page: Page
    errors: list[str] = field(default_factory=list)

    def connection(self) -> Locator:
        """The dashboard's connection state ("Live", "Reconnecting in 2 s", …)."""
        return self.page.locator(".connection [role=status]")

    def unexpected_errors(self) -> list[str]:
        return [e for e in self.errors if not OUTAGE_NOISE.search(e)]


def with_password(user, settings=None) -> None:
    """Gives `user` PASSWORD, hashed the way daphne (the real settings) checks passwords.
    Given the test's `settings`, the test process checks them that way too (live_server)."""
    real = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    if settings is not None:
        settings.PASSWORD_HASHERS = real
    with override_settings(PASSWORD_HASHERS=real):
        user.set_password(PASSWORD)
    user.save()


@contextmanager
def logged_in(browser: Browser, host: str, user) -> Iterator[Site]:
    context = browser.new_context(viewport=VIEWPORT, base_url=f"http://{host}")
    page = context.new_page()
    site = Site(host, page)
    page.on("console", lambda m: site.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: site.errors.append(f"page error: {error}"))
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/pipelines/")
        yield site
    finally:
        context.close()
