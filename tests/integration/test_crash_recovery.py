"""Crashes on the data path: kill -9 of the worker, Redis going away and coming back."""

from __future__ import annotations

import asyncio
import os
import signal

import psutil
import pytest
from confluent_kafka import Consumer, TopicPartition
from django.conf import settings

from config.layers import redis_layers
from pipelines.dev.embedded import EmbeddedRedis
from pipelines.runtime import heartbeats
from pipelines.runtime.processes import manage_command
from tests.integration.clients import bearer, open_clients, ws_url
from tests.integration.test_burst_and_nodes import count_ids
from tests.runtime import build_stream, wait_assigned, wait_for

pytestmark = pytest.mark.integration


def worker_pids(supervisor_pid: int) -> list[int]:
    return [
        p.pid
        for p in psutil.Process(supervisor_pid).children()
        if "run_component" in " ".join(p.cmdline())
    ]


def test_kill_9_of_the_worker_is_restarted_and_clients_miss_nothing(stack, owner, shared_web):
    total = 6000
    s = build_stream(owner, frame_format="batch", batch_size=50)
    supervisor = stack.start("supervisor", manage_command("run_pipelines", "--interval", "0.3"))
    host = shared_web
    wait_assigned(s["reader"])
    first = wait_assigned(s["producer"])
    url = ws_url(host, s["producer"])

    async def scenario():
        steady, leaving = await open_clients(url, bearer(s["producer"]), 2)
        values = [{"n": i} for i in range(total)]
        producing = asyncio.create_task(
            asyncio.to_thread(stack.produce, s["topic"], values, per_second=1500)
        )
        steady_task = asyncio.create_task(count_ids(steady, total, 90))
        partial, _, _ = await count_ids(leaving, 500, 30)
        await leaving.close()
        since = since_of(partial)
        [victim] = [pid for pid in worker_pids(supervisor.pid) if str(pid) in first[0]["instance"]]
        os.kill(victim, signal.SIGKILL)
        await asyncio.to_thread(
            wait_for,
            lambda: any(r["instance"] != first[0]["instance"] for r in _reports(s)),
            60,
            "a restart",
        )
        [back] = await open_clients(
            ws_url(host, s["producer"], f"?since={since}"), bearer(s["producer"]), 1
        )
        resumed = await count_ids(back, total - len(partial), 90)
        await producing
        return await steady_task, resumed, partial

    (steady_ids, _, _), (resumed_ids, _, _), partial = asyncio.run(scenario())
    everything = {f"{p}-{o}" for p, o in _all_offsets(stack, s)}
    assert len(everything) == total
    assert steady_ids == everything
    assert partial | resumed_ids == everything


def _reports(s):
    return heartbeats.read(str(s["producer"].guid))


def _all_offsets(stack, s) -> list[tuple[int, int]]:
    """Every (partition, offset) in the producer's input event, read back from Kafka."""
    consumer = Consumer(
        {"bootstrap.servers": stack.bootstrap, "group.id": "audit", "enable.auto.commit": False}
    )
    out = []
    try:
        for p in range(s["event"].partitions):
            consumer.assign([TopicPartition(s["event"].topic, p, 0)])
            while True:
                batch = consumer.consume(500, timeout=1.0)
                if not batch:
                    break
                out += [(m.partition(), m.offset()) for m in batch if m.error() is None]
    finally:
        consumer.close()
    return out


def test_redis_going_away_commits_nothing_and_clients_end_with_everything(stack, owner):
    redis_server = EmbeddedRedis().start()
    try:
        _redis_scenario(stack, owner, redis_server)
    finally:
        redis_server.stop()


def _redis_scenario(stack, owner, redis_server):
    stack.env["REDIS_URL"] = redis_server.url
    settings.REDIS_URL = redis_server.url
    settings.CHANNEL_LAYERS = redis_layers(redis_server.url)
    total = 3000
    s = build_stream(owner, frame_format="batch", batch_size=50)
    host = stack.serve(s)
    group = f"flowcast.wsp.{s['producer'].guid}"

    def committed() -> int:
        consumer = Consumer({"bootstrap.servers": stack.bootstrap, "group.id": group})
        try:
            parts = [TopicPartition(s["event"].topic, p) for p in range(s["event"].partitions)]
            return sum(max(tp.offset, 0) for tp in consumer.committed(parts, timeout=10))
        finally:
            consumer.close()

    async def scenario():
        [ws] = await open_clients(ws_url(host, s["producer"]), bearer(s["producer"]), 1)
        seen = await _read_and_produce(ws, stack, s, 0, 1000)
        await asyncio.to_thread(
            wait_for, lambda: committed() >= 1000, 20, "the first 1000 committed"
        )
        redis_server.stop()
        await asyncio.to_thread(stack.produce, s["topic"], [{"n": i} for i in range(1000, total)])
        before = await asyncio.to_thread(committed)
        await asyncio.sleep(3)  # a window in which a faulty worker would commit
        during = await asyncio.to_thread(committed)
        redis_server.start()
        if ws.close_code is not None:  # closed while Redis was away: resume from what we have
            [ws] = await open_clients(
                ws_url(host, s["producer"], f"?since={since_of(seen)}"), bearer(s["producer"]), 1
            )
        rest, _, _ = await count_ids(ws, total - len(seen), 60)
        return before, during, seen | rest

    before, during, seen = asyncio.run(scenario())
    assert before == during == 1000, "offsets were committed while Redis was down"
    assert len(seen) == total


async def _read_and_produce(ws, stack, s, start, stop) -> set[str]:
    reading = asyncio.create_task(count_ids(ws, stop - start, 30))
    await asyncio.to_thread(stack.produce, s["topic"], [{"n": i} for i in range(start, stop)])
    ids, _, _ = await reading
    return ids


def since_of(ids: set[str]) -> str:
    """The `since` value for a client that has these ids: the last offset per partition."""
    last: dict[int, int] = {}
    for record_id in ids:
        partition, offset = map(int, record_id.split("-"))
        last[partition] = max(offset, last.get(partition, -1))
    return ",".join(f"{p}-{o}" for p, o in sorted(last.items()))
