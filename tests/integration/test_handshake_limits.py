"""WebSocket handshakes are limited per client address and per component, across web
processes: refused with HTTP 429 and Retry-After before accept (DESIGN §6)."""

from __future__ import annotations

import asyncio
import time

import orjson
import pytest

from tests.integration.clients import bearer, ws_url
from tests.integration.loopback import assert_retry_after, handshake, new_address
from tests.runtime import build_stream

pytestmark = pytest.mark.integration

WRONG = {"Authorization": "Bearer fcs_wrong"}


def stream_on(stack, owner, limits: dict[str, str]):
    """A live WebSocket Producer and two web processes with `limits` in their environment."""
    s = build_stream(owner)
    hosts = stack.webs(2, env=limits)
    producer = s["producer"]
    return [ws_url(host, producer) for host in hosts], bearer(producer)


def statuses(answers) -> list[int]:
    return [a.status for a in answers]


def test_the_handshake_past_the_limit_of_an_address_is_refused(stack, owner):
    urls, good = stream_on(stack, owner, {"FLOWCAST_LIMIT_HANDSHAKES_PER_ADDRESS": "3/minute"})
    crowded, elsewhere = new_address(), new_address()
    started = time.monotonic()

    async def scenario():
        counted = [
            await handshake(urls[0], source=crowded, headers=good),
            await handshake(urls[1], source=crowded, headers=WRONG),  # every attempt counts
            await handshake(urls[0], source=crowded, headers=good),
        ]
        refused = await handshake(urls[1], source=crowded, headers=good)
        other = await handshake(urls[0], source=elsewhere, headers=good)
        return counted, refused, other

    counted, refused, other = asyncio.run(scenario())
    assert statuses(counted) == [101, 403, 101]
    assert refused.status == 429
    assert_retry_after(refused, 60, started)
    assert "handshakes from this address" in orjson.loads(refused.body)["detail"]
    assert other.status == 101


def test_the_handshake_past_the_limit_of_a_component_is_refused(stack, owner):
    urls, good = stream_on(stack, owner, {"FLOWCAST_LIMIT_HANDSHAKES_PER_COMPONENT": "3/minute"})
    started = time.monotonic()

    async def scenario():
        # Refused credentials do not use up the component's handshakes.
        wrong = [
            await handshake(urls[n % 2], source=new_address(), headers=WRONG) for n in range(3)
        ]
        counted = [
            await handshake(urls[n % 2], source=new_address(), headers=good) for n in range(3)
        ]
        refused = await handshake(urls[1], source=new_address(), headers=good)
        return wrong, counted, refused

    wrong, counted, refused = asyncio.run(scenario())
    assert statuses(wrong) == [403, 403, 403]
    assert statuses(counted) == [101, 101, 101]
    assert refused.status == 429
    assert_retry_after(refused, 60, started)
    assert "handshakes to this component" in orjson.loads(refused.body)["detail"]
