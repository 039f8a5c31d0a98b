"""FLOWCAST_BEHIND_TLS_PROXY: the proxy's X-Forwarded-Proto is believed, and only then."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from config.security import forwarded_https
from producer.auth import same_origin

pytestmark = pytest.mark.django_db

SITE = "flowcast.example"
# What the proxy passes on: the client's Host, and the scheme it was reached with.
HTTPS = {"HTTP_HOST": SITE, "HTTP_X_FORWARDED_PROTO": "https"}
YEAR = 365 * 24 * 3600


@pytest.fixture(autouse=True)
def public_name(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, SITE]


@pytest.fixture
def behind_proxy(settings):
    """The settings FLOWCAST_BEHIND_TLS_PROXY=true gives (test_the_switch_sets_… checks them)."""
    settings.BEHIND_TLS_PROXY = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = YEAR
    return settings


def settings_under(env: dict[str, str]) -> subprocess.CompletedProcess:
    code = (
        "from django.conf import settings as s; import django; django.setup(); "
        "print(s.BEHIND_TLS_PROXY, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    root = django_settings.BASE_DIR
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True
    )


def test_the_switch_sets_the_proxy_header_secure_cookies_and_hsts():
    on = settings_under({"FLOWCAST_BEHIND_TLS_PROXY": "true"})
    assert on.stdout.split("\n")[-2] == (
        f"True ('HTTP_X_FORWARDED_PROTO', 'https') True True {YEAR}"
    ), on.stderr
    off = settings_under({"FLOWCAST_BEHIND_TLS_PROXY": "false"})
    assert off.stdout.split("\n")[-2] == "False None False False 0", off.stderr


def test_a_switch_that_is_not_a_boolean_refuses_to_start():
    result = settings_under({"FLOWCAST_BEHIND_TLS_PROXY": "maybe"})
    assert result.returncode != 0
    assert "FLOWCAST_BEHIND_TLS_PROXY must be a boolean" in result.stderr


def test_behind_the_proxy_a_forwarded_https_request_is_secure(behind_proxy, build, api):
    *_, producer = build.demo()
    response = api.get(f"/api/components/{producer['id']}/", **HTTPS)
    assert response.wsgi_request.is_secure()
    assert response.json()["endpoint"].startswith(f"wss://{SITE}/ws/producers/ing_")
    assert response.headers["Strict-Transport-Security"] == f"max-age={YEAR}"
    connect_src = response.headers["Content-Security-Policy"].split("connect-src ")[1]
    assert connect_src.split(";")[0].split() == ["'self'", f"wss://{SITE}"]


def test_behind_the_proxy_a_plain_http_request_stays_plain(behind_proxy, build, api):
    """What reaches the app without the proxy's header (a health probe) is not https."""
    *_, producer = build.demo()
    response = api.get(f"/api/components/{producer['id']}/", HTTP_HOST=SITE)
    assert not response.wsgi_request.is_secure()
    assert response.json()["endpoint"].startswith(f"ws://{SITE}/")
    assert "Strict-Transport-Security" not in response.headers


def test_behind_the_proxy_session_and_csrf_cookies_are_secure(behind_proxy, client, alice):
    page = client.get("/accounts/login/", **HTTPS)
    assert page.cookies["csrftoken"]["secure"]
    login = {"username": "alice", "password": "alice-pass-123"}
    response = client.post("/accounts/login/", login, **HTTPS)
    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"]


def test_without_the_switch_the_header_is_not_believed(build, api, client):
    *_, producer = build.demo()
    response = api.get(f"/api/components/{producer['id']}/", **HTTPS)
    assert not response.wsgi_request.is_secure()
    assert response.json()["endpoint"].startswith(f"ws://{SITE}/")
    assert "Strict-Transport-Security" not in response.headers
    assert not client.get("/accounts/login/", **HTTPS).cookies["csrftoken"]["secure"]


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"x-forwarded-proto": "https"}, True),
        ({"x-forwarded-proto": "https, http"}, True),  # the first hop is the client's
        ({"x-forwarded-proto": "http"}, False),
        ({}, False),
    ],
)
def test_a_handshake_is_secure_when_the_proxy_says_so(behind_proxy, headers, expected):
    assert forwarded_https(headers) is expected


def test_without_the_switch_no_handshake_is_taken_for_secure():
    assert not forwarded_https({"x-forwarded-proto": "https"})


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        (f"https://{SITE}", True),
        (f"http://{SITE}", False),  # not the site: it is https:// behind the proxy
        ("https://evil.example", False),
    ],
)
def test_behind_the_proxy_a_session_handshake_needs_the_https_origin(
    behind_proxy, origin, expected
):
    headers = {"host": SITE, "x-forwarded-proto": "https", "origin": origin}
    assert same_origin(headers) is expected


def test_without_the_proxy_a_session_handshake_needs_the_same_host():
    headers = {"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8000"}
    assert same_origin(headers)
    assert not same_origin({**headers, "origin": "http://evil.example"})
