"""The WebSocket Producer worker: poison records, SIGTERM, connect storms."""

from __future__ import annotations

import asyncio
import signal

import pytest
from confluent_kafka import Consumer

from tests.integration.clients import (
    Client,
    bearer,
    gather_records,
    open_clients,
    read_until,
    ws_url,
)
from tests.runtime import build_stream, wait_for

pytestmark = pytest.mark.integration


def read_topic(bootstrap: str, topic: str, count: int, timeout: float = 30.0) -> list:
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": f"reader-{topic}",
            "auto.offset.reset": "earliest",
            "session.timeout.ms": 6000,
        }
    )
    consumer.subscribe([topic])
    messages: list = []
    try:
        wait_for(
            lambda: (
                messages.extend(m for m in consumer.consume(count, 0.5) if not m.error())
                or len(messages) >= count
            ),
            timeout,
            f"{count} records on {topic}",
        )
    finally:
        consumer.close()
    return messages


def test_a_poison_record_goes_to_failover_with_headers_and_the_stream_goes_on(stack, owner):
    s = build_stream(owner, failover=True, batch_size=10)
    host = stack.serve(s)
    values = [{"n": 0}, {"n": 1}, b"{not json", {"n": 3}, {"n": 4}]

    async def scenario():
        sockets = await open_clients(ws_url(host, s["producer"]), bearer(s["producer"]), 1)
        await asyncio.to_thread(stack.produce, s["topic"], values, key=lambda i: b"k")
        return await gather_records(sockets, "envelope", 4, 30)

    [client] = asyncio.run(scenario())
    assert [r["value"]["n"] for r in client.records] == [0, 1, 3, 4]
    [dead] = read_topic(stack.bootstrap, s["dead"].topic, 1)
    headers = {k: v.decode() for k, v in dead.headers()}
    assert dead.value() == b"{not json"
    assert headers["flowcast-error"].startswith("value is not JSON")
    assert headers["flowcast-component"] == str(s["producer"].guid)
    assert headers["flowcast-topic"] == s["event"].topic
    assert headers["flowcast-offset"] == "2"
    assert "flowcast-partition" in headers


def test_sigterm_finishes_commits_and_a_restart_repeats_nothing(stack, owner):
    s = build_stream(owner, batch_size=20)
    host = stack.web()
    stack.worker(s["reader"])
    worker = stack.worker(s["producer"])
    total = 3000

    async def scenario():
        [ws] = await open_clients(ws_url(host, s["producer"]), bearer(s["producer"]), 1)
        client = Client()
        reader = asyncio.create_task(read_until(ws, client, "envelope", total, 90))
        values = [{"n": i} for i in range(total)]
        producing = asyncio.create_task(
            asyncio.to_thread(stack.produce, s["topic"], values, per_second=600)
        )
        await asyncio.to_thread(
            wait_for, lambda: len(client.records) > 100, 30, "the stream to start"
        )
        worker.process.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(worker.process.wait, 30)
        delivered_before_restart = len(client.records)
        await asyncio.to_thread(stack.worker, s["producer"])
        await producing
        await reader
        return code, client, delivered_before_restart

    code, client, before = asyncio.run(scenario())
    assert code == 0
    assert before < total, "the worker was stopped after the stream had ended"
    ids = [r["id"] for r in client.records]
    assert len(ids) == len(set(ids)), "a record was delivered twice"
    assert sorted(r["value"]["n"] for r in client.records) == list(range(total))


def test_a_storm_of_300_handshakes_all_succeed(stack, owner, shared_web):
    s = build_stream(owner)
    host = shared_web

    async def scenario():
        sockets = await open_clients(ws_url(host, s["producer"]), bearer(s["producer"]), 300)
        opened = sum(1 for ws in sockets if ws.state.name == "OPEN")
        await asyncio.gather(*(ws.close() for ws in sockets))
        return opened

    assert asyncio.run(scenario()) == 300
