"""Every answer carries the security headers; no page needs inline script (README "Headers")."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
EVENT_HANDLER_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response.headers["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


@pytest.fixture
def alice_browser(alice) -> Client:
    browser = Client()
    browser.force_login(alice)
    return browser


@pytest.fixture
def pages(build) -> list[str]:
    """The HTML pages a person opens, for a pipeline with a producer."""
    pipeline, _, _, producer = build.demo()
    return [
        "/pipelines/",
        f"/pipelines/{pipeline['id']}/editor/",
        f"/pipelines/{pipeline['id']}/monitoring/",
        "/dashboards/",
        f"/dashboards/{producer['id']}/",
        f"/dashboards/{producer['id']}/transactions/",
    ]


def assert_security_headers(response) -> None:
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["connect-src"] == ["'self'", "ws://testserver"]


def test_every_page_has_the_headers_and_no_inline_script_or_style(alice_browser, pages):
    for url in pages:
        response = alice_browser.get(url)
        assert response.status_code == 200, url
        assert_security_headers(response)
        assert policy(response)["style-src"] == ["'self'"], url
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), url
        assert not EVENT_HANDLER_ATTRIBUTE.search(html), url
        assert "<style" not in html, url
        assert " style=" not in html, url  # under style-src 'self' the browser would drop it


def test_the_login_page_has_the_headers_and_its_styles_in_a_file(client):
    response = client.get("/accounts/login/")
    assert_security_headers(response)
    html = response.content.decode()
    assert "<style" not in html
    assert 'href="/static/pipelines/login.css"' in html
    assert client.get("/static/pipelines/login.css").status_code == 200


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/pipelines/pipeline/", "/admin/pipelines/pipeline/add/"]
)
def test_admin_pages_have_the_headers_and_no_inline_script(admin_client, url):
    response = admin_client.get(url)
    assert response.status_code == 200
    assert_security_headers(response)
    assert not INLINE_SCRIPT.search(response.content.decode())


@pytest.mark.parametrize(
    ("url", "expected"),
    [("/api/pipelines/", 200), ("/api/schema/", 200), ("/api/pipelines/999999/", 404)],
)
def test_api_answers_have_the_headers(api, url, expected):
    response = api.get(url)
    assert response.status_code == expected
    assert_security_headers(response)


def test_anonymous_api_refusals_have_the_headers(client):
    response = client.get("/api/pipelines/")
    assert response.status_code in (401, 403)
    assert_security_headers(response)


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_api_docs_load_everything_from_this_site(api, url):
    response = api.get(url)
    assert response.status_code == 200
    assert_security_headers(response)
    csp = policy(response)
    # Their <style> elements, data: icons and ReDoc's blob: worker are allowed, inline
    # script is not (assert_security_headers: script-src 'self').
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["worker-src"] == ["'self'", "blob:"]
    html = response.content.decode()
    assert not INLINE_SCRIPT.search(html)
    sources = re.findall(r'\b(?:src|href)="([^"]*)"', html)
    assert sources
    assert all(s.startswith("/") for s in sources), sources
    assert "/static/drf_spectacular_sidecar/" in html


def test_swagger_ui_gets_its_init_script_from_this_site(api):
    page = api.get("/api/docs/").content.decode()
    assert '<script src="/api/docs/?script="></script>' in page
    script = api.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script.headers["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()
    assert '"/api/schema/"' in script.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "swagger-ui-dist/swagger-ui-bundle.js",
        "swagger-ui-dist/swagger-ui.css",
        "redoc/bundles/redoc.standalone.js",
    ],
)
def test_the_docs_assets_are_served_from_the_site(client, path):
    response = client.get(f"/static/drf_spectacular_sidecar/{path}")
    assert response.status_code == 200


def test_a_host_outside_allowed_hosts_is_refused_with_the_headers(client):
    response = client.get("/accounts/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    csp = policy(response)
    assert csp["connect-src"] == ["'self'"]  # no WebSocket origin for a host not allowed
    assert csp["frame-ancestors"] == ["'none'"]
