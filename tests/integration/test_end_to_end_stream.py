"""Records travel Kafka Consumer → event → WebSocket Producer → 20 real clients."""

from __future__ import annotations

import asyncio

import orjson
import pytest
from confluent_kafka import Producer

from pipelines.monitoring.status import component_status
from pipelines.runtime.processes import manage_command
from tests.integration.clients import bearer, gather_records, open_clients, post_json, ws_url
from tests.runtime import build_stream, wait_assigned, wait_for

pytestmark = pytest.mark.integration

CLIENTS = 20
RECORDS = 600


def check_every_client_got_every_record_in_partition_order(clients, expected_values):
    for client in clients:
        assert sorted(r["value"]["n"] for r in client.records) == expected_values
        by_partition: dict[int, list[int]] = {}
        for record in client.records:
            by_partition.setdefault(record["partition"], []).append(record["offset"])
            assert record["id"] == f"{record['partition']}-{record['offset']}"
        for offsets in by_partition.values():
            assert offsets == sorted(offsets)
        per_key: dict[str, list[int]] = {}
        for record in client.records:
            per_key.setdefault(record["key"], []).append(record["value"]["n"])
        for values in per_key.values():
            assert values == sorted(values)


def test_kafka_records_reach_every_client_in_order(stack, owner, shared_web):
    s = build_stream(owner, batch_size=50)
    stack.start("supervisor", manage_command("run_pipelines", "--interval", "0.5"))
    host = shared_web
    wait_assigned(s["reader"])
    wait_assigned(s["producer"])

    async def scenario():
        sockets = await open_clients(ws_url(host, s["producer"]), bearer(s["producer"]), CLIENTS)
        await asyncio.to_thread(stack.produce, s["topic"], [{"n": i} for i in range(RECORDS)])
        clients = await gather_records(sockets, "envelope", RECORDS, 60)
        # Runners report their counters once a second: wait for the report after the last batch.
        status = await asyncio.to_thread(
            wait_for,
            lambda: (
                (st := component_status(s["producer"]))["clients"] == CLIENTS
                and st["records_out"] >= RECORDS
                and st
            ),
            10,
            "clients and counters",
        )
        for ws in sockets:
            await ws.close()
        return clients, status

    clients, status = asyncio.run(scenario())
    check_every_client_got_every_record_in_partition_order(clients, list(range(RECORDS)))
    assert status["state"] == "UP" and status["instances"] == 1
    assert status["records_out"] >= RECORDS and status["last_processed_at"]


def test_api_ingestion_records_reach_every_client(stack, owner, shared_web):
    s = build_stream(owner, source="api")
    host = stack.serve(s, on=shared_web)
    url = f"http://{host}/api/ingest/{s['reader'].ingestion_id}/"
    headers = {"X-Ingestion-Secret": s["reader"].ingestion_secret}

    async def scenario():
        sockets = await open_clients(ws_url(host, s["producer"]), bearer(s["producer"]), CLIENTS)

        def post():
            assert post_json(url, {"n": 0}, headers) == (202, {"accepted": 1})
            assert post_json(url, [{"n": i} for i in range(1, 200)], headers) == (
                202,
                {"accepted": 199},
            )

        await asyncio.to_thread(post)
        clients = await gather_records(sockets, "envelope", 200, 60)
        for ws in sockets:
            await ws.close()
        return clients

    for client in asyncio.run(scenario()):
        assert sorted(r["value"]["n"] for r in client.records) == list(range(200))


def test_unkeyed_records_keep_their_source_partition_order(stack, owner, shared_web):
    """The Kafka Consumer sends source partition p to event partition p: no reordering."""
    s = build_stream(owner, batch_size=50)
    host = stack.serve(s, on=shared_web)
    per_partition = 400

    def produce_unkeyed_round_robin():
        producer = Producer({"bootstrap.servers": stack.bootstrap, "linger.ms": 5})
        for n in range(per_partition):
            for p in range(3):
                value = orjson.dumps({"p": p, "n": n})
                producer.produce(s["topic"], value=value, partition=p, headers={"h": b"%d" % n})
        assert producer.flush(15) == 0

    async def scenario():
        sockets = await open_clients(ws_url(host, s["producer"]), bearer(s["producer"]), CLIENTS)
        await asyncio.to_thread(produce_unkeyed_round_robin)
        clients = await gather_records(sockets, "envelope", 3 * per_partition, 60)
        for ws in sockets:
            await ws.close()
        return clients

    for client in asyncio.run(scenario()):
        by_source: dict[int, list[int]] = {0: [], 1: [], 2: []}
        for record in client.records:
            assert record["partition"] == record["value"]["p"] and record["key"] is None
            by_source[record["value"]["p"]].append(record["value"]["n"])
        assert by_source == {p: list(range(per_partition)) for p in range(3)}
