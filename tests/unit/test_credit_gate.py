"""The worker's side of flow control (producer.credit_gate), on a real Redis."""

from __future__ import annotations

import time
import uuid

import pytest
import redis

from pipelines.redis_keys import credit_key, web_key
from producer.credit_gate import RECHECK_AHEAD, WINDOW, CreditGate


@pytest.fixture
def gate(redis_url) -> CreditGate:
    client = redis.Redis.from_url(redis_url)
    return CreditGate(client, f"ing_{uuid.uuid4().hex[:8]}", "w1")


def report(gate: CreditGate, process: str, seq: int) -> None:
    gate.client.hset(web_key(gate.ingestion_id), process, time.time())
    gate.client.hset(credit_key(gate.ingestion_id, gate.worker), process, seq)


def test_batches_well_inside_the_window_need_no_round_trip(gate):
    report(gate, "web-1", 100)
    gate.wait_for(101, lambda: False)
    assert gate.checks == 1
    for seq in range(102, 100 + RECHECK_AHEAD + 1):
        gate.wait_for(seq, lambda: False)
    assert gate.checks == 1
    gate.wait_for(100 + RECHECK_AHEAD + 1, lambda: False)  # past half the window: look again
    assert gate.checks == 2 and gate.waits == 0


def test_a_seq_past_the_window_waits_for_the_slowest_process(gate):
    report(gate, "web-1", 100)
    report(gate, "web-2", 10)
    stops = iter([False, False, True])
    gate.wait_for(10 + WINDOW + 1, lambda: next(stops))
    assert gate.waits == 1  # held back by web-2 until told to stop
