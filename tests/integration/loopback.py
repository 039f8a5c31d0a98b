"""Clients that come from a chosen loopback address, as different hosts would.

Limits per address count in the session's one Redis; a test's own addresses (127.x.y.z,
never 127.0.0.1) keep its counts apart from every other test's.
"""

from __future__ import annotations

import http.client
import random
import secrets
from dataclasses import dataclass
from urllib.parse import urlencode

from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.runtime import assert_rest_of_window


def new_address() -> str:
    return f"127.{random.randint(1, 254)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


@dataclass
class Answer:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes


def request(
    host: str,
    method: str,
    path: str,
    *,
    source: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> Answer:
    hostname, port = host.rsplit(":", 1)
    connection = http.client.HTTPConnection(
        hostname, int(port), timeout=15, source_address=(source, 0)
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        connection.close()


def post_login(host: str, path: str, username: str, password: str, *, source: str) -> Answer:
    """A login form POSTed as a browser would, with a CSRF cookie and its token."""
    csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
    form = {"username": username, "password": password, "csrfmiddlewaretoken": csrf}
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf}"}
    return request(
        host, "POST", path, source=source, headers=headers, body=urlencode(form).encode()
    )


async def handshake(url: str, *, source: str, headers: dict | None = None) -> Answer:
    """A WebSocket handshake: 101 (then closed), or the HTTP answer that refused it."""
    try:
        async with connect(
            url, additional_headers=headers or {}, open_timeout=10, local_addr=(source, 0)
        ):
            return Answer(101, {}, b"")
    except InvalidStatus as exc:
        response = exc.response
        return Answer(
            response.status_code,
            {k.lower(): v for k, v in response.headers.raw_items()},
            response.body,
        )


def assert_retry_after(answer, period: int, started: float) -> None:
    """A refusal's Retry-After is the rest of a window of `period` seconds that opened after
    `started` (time.monotonic()): at least the period minus the time since, rounded up."""
    assert_rest_of_window(int(answer.headers["retry-after"]), period, started)
