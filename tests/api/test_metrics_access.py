"""Who may read `/metrics`: a bearer token, a staff session, or this machine without a token."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from config.env import env_secret

pytestmark = pytest.mark.django_db

TOKEN = "scrape-me-0123456789abcdef"
REMOTE = {"REMOTE_ADDR": "203.0.113.7"}


@pytest.fixture
def token(settings):
    settings.FLOWCAST = {**settings.FLOWCAST, "METRICS_TOKEN": TOKEN}
    return TOKEN


@pytest.fixture
def no_token(settings):
    settings.FLOWCAST = {**settings.FLOWCAST, "METRICS_TOKEN": ""}


def scrape(client: Client | None = None, **headers):
    return (client or Client()).get("/metrics", **headers)


def test_without_a_token_this_machine_may_scrape(no_token):
    response = scrape()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert scrape(REMOTE_ADDR="::1").status_code == 200


def test_without_a_token_other_hosts_are_refused(no_token):
    response = scrape(**REMOTE)
    assert response.status_code == 403
    assert b"FLOWCAST_METRICS_TOKEN" in response.content


def test_a_request_relayed_by_a_local_proxy_does_not_count_as_local(no_token):
    assert scrape(HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 403
    assert scrape(HTTP_FORWARDED="for=203.0.113.7").status_code == 403


def test_with_a_token_the_scraper_must_present_it(token):
    missing = scrape()  # even from this machine
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert scrape(HTTP_AUTHORIZATION="Bearer not-the-token").status_code == 401
    assert scrape(HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    assert scrape(HTTP_AUTHORIZATION=f"Bearer {token}", **REMOTE).status_code == 200


def test_staff_may_look_from_a_browser_and_other_users_may_not(token, django_user_model):
    staff = django_user_model.objects.create_user("ops", password="x", is_staff=True)
    user = django_user_model.objects.create_user("eve", password="x")
    browser = Client()
    browser.force_login(user)
    assert scrape(browser, **REMOTE).status_code == 401
    browser.force_login(staff)
    assert scrape(browser, **REMOTE).status_code == 200


def test_metrics_only_answer_reads(no_token):
    assert Client().post("/metrics").status_code == 405


def test_a_short_metrics_token_is_refused_at_start_up(monkeypatch):
    monkeypatch.setenv("FLOWCAST_METRICS_TOKEN", "short")
    with pytest.raises(ImproperlyConfigured, match="at least 16 characters"):
        env_secret("FLOWCAST_METRICS_TOKEN", min_length=16)
    monkeypatch.setenv("FLOWCAST_METRICS_TOKEN", TOKEN)
    assert env_secret("FLOWCAST_METRICS_TOKEN", min_length=16) == TOKEN
