"""The worker's side of flow control (producer.credit_gate), on a real Redis."""

from __future__ import annotations

import time
import uuid

import pytest
import redis

from pipelines.redis_keys import credit_key, web_key
from producer.credit_gate import RECHECK_AHEAD, WINDOW, WINDOW_BYTES, CreditGate


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


def test_large_batches_are_paced_by_bytes_well_inside_the_batch_window(gate):
    """2 KB records: a few batches fill a client's inbox long before 24 of them do."""
    report(gate, "web-1", 10)
    gate.lag(11)
    big = WINDOW_BYTES // 3
    for seq in (11, 12, 13):
        gate.published(seq, big)
    stops = iter([False, False, True])
    gate.wait_for(14, lambda: next(stops), big)
    assert gate.waits == 1  # 4 batches ahead only, but past WINDOW_BYTES
    report(gate, "web-1", 12)  # the client took two of them
    gate.wait_for(14, lambda: False, big)
    assert gate.waits == 1 and gate.bytes_ahead == big  # 13 still counts; 11, 12 no more


def test_one_batch_larger_than_the_window_still_goes_when_nothing_is_ahead(gate):
    report(gate, "web-1", 10)
    stops = iter([False, False, True])
    gate.wait_for(11, lambda: next(stops), WINDOW_BYTES * 2)
    assert gate.waits == 0


def test_a_new_worker_waits_for_clients_whose_process_has_not_reported_yet(gate):
    """A burst into connected clients: daphne, busy with the first batches, reports its
    acks late. The window counts from the worker's start meanwhile, not from each seq."""
    gate.client.hset(web_key(gate.ingestion_id), "web-1", time.time())  # live, no acks
    for seq in range(1, WINDOW + 1):
        gate.wait_for(seq, lambda: False)
        gate.published(seq, 100)
    assert gate.waits == 0
    stops = iter([False, False, True])
    gate.wait_for(WINDOW + 1, lambda: next(stops))
    assert gate.waits == 1  # held until the process reports
    report(gate, "web-1", 5)
    gate.wait_for(WINDOW + 1, lambda: False)
    assert gate.waits == 1 and gate.lag(WINDOW + 1) == WINDOW - 4


def test_without_clients_nothing_holds_the_worker(gate):
    for seq in range(1, 3 * WINDOW):
        gate.wait_for(seq, lambda: False)
        gate.published(seq, 100)
    assert gate.waits == 0
