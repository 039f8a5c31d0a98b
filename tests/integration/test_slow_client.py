"""A client that stops reading: bounded server memory, the others unaffected, and it is told."""

from __future__ import annotations

import asyncio
import contextlib
import re
import urllib.request

import orjson
import psutil
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from pipelines.runtime import heartbeats
from tests.integration.clients import bearer, open_clients, ws_url
from tests.integration.test_burst_and_nodes import ID, count_ids
from tests.runtime import build_stream, wait_for

pytestmark = pytest.mark.integration

FIRST = 60_000  # more than the kernel's socket buffers hold: the stalled socket fills
TOTAL = 80_000  # the rest is sent once the server has given up on the stalled client
MEMORY_BOUND = 80 * 1024 * 1024  # daphne's RSS may grow at most this much during the test


def test_a_stalled_client_is_skipped_and_told_while_the_others_get_everything(stack, owner):
    s = build_stream(owner, frame_format="batch", batch_size=200)
    # A client stalled for less than the grace keeps its place and catches up from Kafka;
    # this one must stay stalled past it, within the time the others take to get it all.
    host = stack.serve(s, env={"FLOWCAST_SLOW_CLIENT_GRACE": "2"})
    daphne = psutil.Process(stack.daphne(host).pid)
    url = ws_url(host, s["producer"])
    pad = "x" * 200

    def exported(name: str) -> float:
        text = urllib.request.urlopen(f"http://{host}/metrics", timeout=10).read().decode()
        match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.M)
        return float(match.group(1)) if match else 0.0

    def marked_slow() -> None:
        event = 'flowcast_stream_events_total{event="clients_marked_slow"}'
        wait_for(lambda: exported(event) >= 1, 30, "the stalled client marked slow")

    async def scenario():
        # The stalled client's library stops reading from the socket after 2 frames.
        stalled = await connect(
            url, additional_headers=bearer(s["producer"]), max_queue=2, ping_interval=None
        )
        others = await open_clients(url, bearer(s["producer"]), 5)
        baseline = daphne.memory_info().rss
        peak = baseline

        async def watch_memory():
            nonlocal peak
            while True:
                peak = max(peak, daphne.memory_info().rss)
                await asyncio.sleep(0.1)

        watcher = asyncio.create_task(watch_memory())
        reading = asyncio.gather(*(count_ids(ws, TOTAL, 120) for ws in others))
        values = [{"n": i, "pad": pad} for i in range(TOTAL)]
        await asyncio.to_thread(stack.produce, s["topic"], values[:FIRST])
        await asyncio.to_thread(marked_slow)
        await asyncio.to_thread(stack.produce, s["topic"], values[FIRST:])
        results = await reading
        # Now the stalled client reads what it was sent, then the gap notice (or a 1013).
        stalled_frames = []
        with contextlib.suppress(TimeoutError, ConnectionClosed):
            async with asyncio.timeout(20):
                async for frame in stalled:
                    stalled_frames.append(frame)
                    if frame.startswith('{"type":"gap"'):
                        break
        watcher.cancel()
        return results, stalled_frames, stalled.close_code, peak - baseline

    results, stalled_frames, close_code, growth = asyncio.run(scenario())
    for ids, duplicates, controls in results:
        assert (len(ids), duplicates) == (TOTAL, 0)
        assert not [c for c in controls if c.get("type") == "gap"]
    gaps = [orjson.loads(f) for f in stalled_frames if f.startswith('{"type":"gap"')]
    assert gaps or close_code == 1013
    assert growth < MEMORY_BOUND, f"daphne grew by {growth / 2**20:.0f} MB"
    [report] = heartbeats.read(str(s["producer"].guid))
    assert report["credit_timeouts"] == 0, "the stalled client held the stream back"
    # Either outcome shows in /metrics (a loaded host can reach the 1013 first).
    if gaps:
        assert gaps[0]["reason"] == "slow_client" and gaps[0]["missed"]
        counted = ("gaps_sent", "batches_skipped_slow")
    else:
        counted = ("slow_client_closes",)
    for event in counted:
        name = f'flowcast_stream_events_total{{event="{event}"}}'
        wait_for(lambda name=name: exported(name) >= 1, 10, f"{event} in /metrics")


def test_a_client_vanishing_mid_stream_does_not_hold_the_others_back(stack, owner, shared_web):
    s = build_stream(owner, frame_format="batch", batch_size=100)
    host = stack.serve(s, on=shared_web)
    total = 20_000

    async def scenario():
        url = ws_url(host, s["producer"])
        vanishing, *others = await open_clients(url, bearer(s["producer"]), 4)
        readers = [asyncio.create_task(count_ids(ws, total, 60)) for ws in others]
        values = [{"n": i, "pad": "x" * 200} for i in range(total)]
        producing = asyncio.create_task(
            asyncio.to_thread(stack.produce, s["topic"], values, per_second=4000)
        )
        await count_ids(vanishing, 500, 30)
        vanishing.transport.abort()  # gone without a close frame, mid-batch for the server
        await producing
        return await asyncio.gather(*readers)

    for ids, duplicates, _ in asyncio.run(scenario()):
        assert (len(ids), duplicates) == (total, 0)
    [report] = heartbeats.read(str(s["producer"].guid))
    assert report["credit_timeouts"] == 0, "the vanished client held the stream back"


def test_a_client_reading_slowly_behind_the_stream_is_not_dropped_by_the_keepalive(stack, owner):
    s = build_stream(owner, frame_format="batch", batch_size=200)
    # A 1 s keepalive: the reader's pong waits behind seconds of queued frames. It is slow,
    # not gone, and must keep its connection (no 1006).
    host = stack.serve(s, env={"FLOWCAST_SLOW_CLIENT_GRACE": "120"}, ping=(1, 1))
    total = 30_000

    async def scenario():
        url = ws_url(host, s["producer"])
        ws = await connect(url, additional_headers=bearer(s["producer"]), ping_interval=None)
        values = [{"n": i, "pad": "x" * 200} for i in range(total)]
        await asyncio.to_thread(stack.produce, s["topic"], values)
        ids: set[str] = set()
        with contextlib.suppress(TimeoutError, ConnectionClosed):
            async with asyncio.timeout(90):
                async for frame in ws:
                    ids.update(ID.findall(frame))
                    if len(ids) >= total:
                        break
                    await asyncio.sleep(0.05)  # a slow reader: ~20 frames a second
        return len(ids), ws.close_code

    received, close_code = asyncio.run(scenario())
    assert close_code is None, f"closed with {close_code} after {received} records"
    assert received == total
