"""Each frame format as DESIGN §6 documents it."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from tests.integration.clients import bearer, gather_records, open_clients, ws_url
from tests.runtime import build_stream

pytestmark = pytest.mark.integration


@pytest.fixture
def stream(stack, owner, shared_web):
    """stream(frame_format, values, want): a stream in that format on the shared daphne, and
    two clients that read until `want` records (frames, for raw) of `values` arrived."""

    def run(frame_format: str, values: list, want: int, record_format: str = "json"):
        s = build_stream(
            owner, frame_format=frame_format, batch_size=20, record_format=record_format
        )
        host = stack.serve(s, on=shared_web)

        async def scenario():
            sockets = await open_clients(ws_url(host, s["producer"]), bearer(s["producer"]), 2)
            await asyncio.to_thread(stack.produce, s["topic"], values, key=lambda i: b"k")
            clients = await gather_records(sockets, frame_format, want, 30)
            for ws in sockets:
                await ws.close()
            return clients

        return {**s, "host": host}, asyncio.run(scenario())

    return run


def test_envelope_is_one_json_object_per_record(stream):
    s, clients = stream("envelope", [{"n": i} for i in range(30)], 30)
    for client in clients:
        assert len(client.frames) == 30
        first = orjson.loads(client.frames[0])
        assert set(first) == {"id", "topic", "partition", "offset", "timestamp", "key", "value"}
        assert first["topic"] == s["event"].topic and first["key"] == "k"
        assert first["value"] == {"n": 0} and isinstance(first["timestamp"], int)
        assert [r["value"]["n"] for r in client.records] == list(range(30))


def test_batch_is_one_json_array_per_batch(stream):
    _, clients = stream("batch", [{"n": i} for i in range(60)], 60)
    for client in clients:
        assert 3 <= len(client.frames) < 60  # batches of at most 20 records
        for frame in client.frames:
            batch = orjson.loads(frame)
            assert isinstance(batch, list) and 1 <= len(batch) <= 20
        assert [r["value"]["n"] for r in client.records] == list(range(60))


def test_columns_is_one_object_per_partition_run_and_a_client_resumes_from_its_ids(stream):
    s, clients = stream("columns", [{"n": i} for i in range(60)], 60)
    for client in clients:
        for frame in map(orjson.loads, client.frames):
            assert set(frame) == {"topic", "partition", "offsets", "timestamps", "keys", "values"}
            assert frame["topic"] == s["event"].topic and set(frame["keys"]) == {"k"}
            lengths = {len(frame[c]) for c in ("offsets", "timestamps", "keys", "values")}
            assert len(lengths) == 1 and 1 <= lengths.pop() <= 20
        assert [r["value"]["n"] for r in client.records] == list(range(60))
    since = clients[0].records[29]["id"]

    async def resume():
        url = ws_url(s["host"], s["producer"], f"?since={since}")
        [ws] = await open_clients(url, bearer(s["producer"]), 1)
        [client] = await gather_records([ws], "columns", 30, 30)
        await ws.close()
        return client

    resumed = asyncio.run(resume())
    assert [r["value"]["n"] for r in resumed.records] == list(range(30, 60))


def test_raw_is_the_value_as_is(stream):
    values = [b'{"n": %d,  "spaced": true}' % i for i in range(10)]
    _, clients = stream("raw", values, 10)
    for client in clients:
        assert [f.encode() for f in client.frames] == values


def test_text_records_become_strings_in_envelopes(stream):
    values = [f"line {i}".encode() for i in range(5)]
    _, clients = stream("envelope", values, 5, record_format="text")
    for client in clients:
        assert [r["value"] for r in client.records] == [f"line {i}" for i in range(5)]
