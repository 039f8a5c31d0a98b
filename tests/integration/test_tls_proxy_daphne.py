"""A daphne started with FLOWCAST_BEHIND_TLS_PROXY=true, reached as a TLS proxy would reach it."""

from __future__ import annotations

import asyncio
import json
import urllib.request

import pytest
from django.test import Client as DjangoClient
from rest_framework.authtoken.models import Token
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.integration.clients import ws_url
from tests.runtime import build_stream

pytestmark = pytest.mark.integration

FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}


async def handshake_status(url: str, headers: dict) -> int:
    try:
        async with connect(url, additional_headers=headers, open_timeout=10):
            return 101
    except InvalidStatus as exc:
        return exc.response.status_code


@pytest.fixture
def proxied(stack, owner, settings):
    settings.BEHIND_TLS_PROXY = True  # what the web process's own settings say, below
    s = build_stream(owner)
    host = stack.web(env={"FLOWCAST_BEHIND_TLS_PROXY": "true"})
    return s, host


def test_daphne_is_started_with_proxy_headers(proxied, stack):
    assert "--proxy-headers" in stack.children[-1].argv


def test_an_api_request_forwarded_as_https_gets_wss_and_hsts(proxied, owner):
    s, host = proxied
    token = Token.objects.create(user=owner).key
    request = urllib.request.Request(
        f"http://{host}/api/components/{s['producer'].pk}/",
        headers={"Authorization": f"Token {token}", **FORWARDED},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        body = json.load(response)
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
        assert f"connect-src 'self' wss://{host}" in response.headers["Content-Security-Policy"]
    assert body["endpoint"] == f"wss://{host}/ws/producers/{s['producer'].ingestion_id}/"


def test_a_session_handshake_forwarded_as_https_needs_the_https_origin(proxied, owner):
    s, host = proxied
    browser = DjangoClient()
    browser.force_login(owner)
    cookie = {"Cookie": f"sessionid={browser.cookies['sessionid'].value}"}
    url = ws_url(host, s["producer"])

    async def scenario():
        return (
            await handshake_status(url, {**cookie, **FORWARDED, "Origin": f"https://{host}"}),
            await handshake_status(url, {**cookie, **FORWARDED, "Origin": f"http://{host}"}),
            await handshake_status(url, {**cookie, "Origin": f"http://{host}"}),
        )

    assert asyncio.run(scenario()) == (101, 403, 101)
