"""No silent loss: a 200k burst to 100 clients, and two daphne processes on one Redis."""

from __future__ import annotations

import asyncio
import re

import orjson
import pytest
from websockets.exceptions import ConnectionClosed

from pipelines.runtime import heartbeats
from tests.integration.clients import bearer, open_clients, ws_url
from tests.runtime import build_stream

pytestmark = pytest.mark.integration

ID = re.compile(r'"id":"(\d+-\d+)"')


async def count_ids(ws, want: int, timeout: float) -> tuple[set[str], int, list[dict]]:
    """Read batch frames until `want` distinct ids arrived; returns (ids, duplicates, controls)."""
    ids: set[str] = set()
    duplicates = 0
    controls: list[dict] = []

    async def loop():
        nonlocal duplicates
        async for frame in ws:
            if frame.startswith("{"):
                controls.append(orjson.loads(frame))
                continue
            # One test process reads for every client: pick the ids out without building
            # every record (the frame is valid JSON; the format test checks the rest).
            found = ID.findall(frame)
            before = len(ids)
            ids.update(found)
            duplicates += len(found) - (len(ids) - before)
            if len(ids) >= want:
                return

    try:
        await asyncio.wait_for(loop(), timeout)
    except (TimeoutError, ConnectionClosed) as exc:
        controls.append({"type": "ended", "why": repr(exc), "close_code": ws.close_code})
    return ids, duplicates, controls


def test_a_200k_burst_reaches_all_100_clients_whole(stack, owner):
    total, clients = 200_000, 100
    s = build_stream(owner, frame_format="batch", batch_size=500)
    # One test process reads for all 100 clients, so each reads slowly: they are slow but
    # alive, and the stream must wait for them rather than skip them.
    stack.env["FLOWCAST_SLOW_CLIENT_GRACE"] = "120"
    host = stack.web()
    stack.worker(s["producer"])

    async def scenario():
        # One test process reads for all 100 clients: its own keepalive pings would time out.
        url = ws_url(host, s["producer"])
        sockets = await open_clients(url, bearer(s["producer"]), clients, ping_interval=None)
        # The burst is already in the source topic when the Kafka Consumer starts.
        values = [{"n": i} for i in range(total)]
        await asyncio.to_thread(stack.produce, s["topic"], values)
        await asyncio.to_thread(stack.worker, s["reader"])
        results = await asyncio.gather(*(count_ids(ws, total, 240) for ws in sockets))
        await asyncio.gather(*(ws.close() for ws in sockets))
        return results

    results = asyncio.run(scenario())
    for ids, duplicates, controls in results:
        assert len(ids) == total, f"missing {total - len(ids)} records; controls: {controls[:3]}"
        assert duplicates == 0
        assert not [c for c in controls if c.get("type") == "gap"]
    [report] = heartbeats.read(str(s["producer"].guid))
    assert report["records_out"] >= total


def test_two_daphne_processes_behind_one_redis_serve_the_whole_stream(stack, owner):
    total = 5000
    s = build_stream(owner, frame_format="batch", batch_size=100)
    hosts = stack.webs(2)
    stack.workers(s["reader"], s["producer"])

    async def scenario():
        sockets = []
        for host in hosts:
            sockets += await open_clients(ws_url(host, s["producer"]), bearer(s["producer"]), 5)
        await asyncio.to_thread(stack.produce, s["topic"], [{"n": i} for i in range(total)])
        results = await asyncio.gather(*(count_ids(ws, total, 60) for ws in sockets))
        await asyncio.gather(*(ws.close() for ws in sockets))
        return results

    for ids, duplicates, _ in asyncio.run(scenario()):
        assert (len(ids), duplicates) == (total, 0)
