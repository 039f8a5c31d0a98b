"""What clients send on a stream: frames over 1 MiB are refused by daphne (1009), a flood of
messages is answered once and dropped; neither holds up the stream, for them or others."""

from __future__ import annotations

import asyncio

import orjson
import psutil
import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.integration.clients import bearer, ws_url
from tests.runtime import build_stream

pytestmark = pytest.mark.integration

FLOOD = 10_000
MEMORY_BOUND = 16 * 1024 * 1024  # daphne's RSS may grow at most this much during a flood


@pytest.fixture(scope="module")
def live(module_stack, module_owner):
    """A stream, its workers and a daphne, built once for the module's tests."""
    s = build_stream(module_owner, frame_format="envelope", batch_size=50)
    host = module_stack.serve(s)
    daphne = psutil.Process(module_stack.daphne(host).pid)
    return s, ws_url(host, s["producer"]), daphne


async def frames_until(ws: ClientConnection, records: int, timeout: float = 30) -> list[dict]:
    """Frames (records and notices) until `records` records arrived."""
    frames: list[dict] = []
    async with asyncio.timeout(timeout):
        async for frame in ws:
            frames.append(orjson.loads(frame))
            if sum(1 for f in frames if "type" not in f) >= records:
                break
    return frames


def records(frames: list[dict]) -> list[int]:
    return sorted(f["value"]["n"] for f in frames if "type" not in f)


def test_a_frame_over_one_mib_is_closed_with_1009_and_the_stream_goes_on(module_stack, live):
    s, url, _ = live

    async def scenario():
        async with (
            connect(url, additional_headers=bearer(s["producer"])) as watcher,
            connect(url, additional_headers=bearer(s["producer"]), max_size=None) as offender,
        ):
            await offender.send("x" * (2**20 + 1))
            await offender.wait_closed()
            await asyncio.to_thread(module_stack.produce, s["topic"], [{"n": i} for i in range(20)])
            watched = await frames_until(watcher, 20)
            async with connect(url, additional_headers=bearer(s["producer"])) as newcomer:
                await asyncio.to_thread(
                    module_stack.produce, s["topic"], [{"n": i} for i in range(20, 30)]
                )
                joined = await frames_until(newcomer, 10)
            return offender.close_code, watched, joined

    close_code, watched, joined = asyncio.run(scenario())
    assert close_code == 1009  # "message too big", from daphne before our code sees it
    assert records(watched) == list(range(20))
    assert records(joined) == list(range(20, 30))


def test_a_flood_of_client_messages_is_answered_once_and_never_queued(module_stack, live):
    s, url, daphne = live

    async def scenario():
        async with (
            connect(url, additional_headers=bearer(s["producer"])) as flooder,
            connect(url, additional_headers=bearer(s["producer"])) as bystander,
        ):
            before = daphne.memory_info().rss
            for i in range(FLOOD):  # sent without reading a single frame
                await flooder.send(f'{{"subscribe": {i}}}')
            await asyncio.to_thread(module_stack.produce, s["topic"], [{"n": i} for i in range(50)])
            flooded = await frames_until(flooder, 50)
            seen = await frames_until(bystander, 50)
            return flooded, seen, daphne.memory_info().rss - before

    flooded, seen, growth = asyncio.run(scenario())
    notices = [f for f in flooded if f.get("type") == "error"]
    assert notices == [
        {"type": "error", "message": "This endpoint only streams; client messages are ignored."}
    ]
    assert records(flooded) == records(seen) == list(range(50))
    assert growth < MEMORY_BOUND, f"daphne grew by {growth / 2**20:.1f} MB"
