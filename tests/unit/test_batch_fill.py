"""A producer's batches are cut further apart when many clients share each frame, and a
record after a quiet spell goes at once.

The client count comes from what web processes report to a real (embedded) Redis.
"""

from __future__ import annotations

import time

import orjson
import pytest
from confluent_kafka import KafkaError, Message

from pipelines.redis_keys import client, clients_key
from pipelines.runtime.runner import FILL_WAIT
from producer.runner import ProducerRunner, fill_wait
from tests.runtime import deployed_producer


def test_a_few_clients_get_records_sooner_than_a_crowd():
    assert fill_wait(0) == fill_wait(10) < fill_wait(11) == fill_wait(10_000) == FILL_WAIT


class FakeConsumer:
    """Pure logic: one record ready (then `more`), and the timeout consume() was asked to wait."""

    def __init__(self, more: list[Message] = ()):
        self.timeouts: list[float] = []
        self.more = list(more)

    def poll(self, timeout):
        return Message(topic="t", partition=0, offset=0, value=b"{}")

    def consume(self, count, timeout):
        self.timeouts.append(timeout)
        return self.more


def test_a_record_after_a_quiet_spell_is_not_held_for_company(runner):
    consumer = FakeConsumer()
    long_ago = time.monotonic() - 1.0
    assert len(runner.poll_messages(consumer, 500, 0.004, since=long_ago)) == 1
    assert consumer.timeouts == [0.0]


def test_a_busy_stream_is_cut_no_more_often_than_the_gap(runner):
    consumer = FakeConsumer()
    just_now = time.monotonic()
    runner.poll_messages(consumer, 500, 0.004, since=just_now)
    assert 0.0 < consumer.timeouts[0] <= 0.004
    runner.poll_messages(consumer, 500, 0.004)  # no `since`: the whole wait after the first
    assert consumer.timeouts[1] == 0.004


def test_errors_are_left_out_and_the_batch_size_counts_value_bytes(runner):
    eof = KafkaError(KafkaError._PARTITION_EOF)
    consumer = FakeConsumer(
        [
            Message(topic="t", partition=1, offset=4, value=b"[1,2]"),
            Message(topic="t", partition=1, offset=5, value=None, error=eof),
            Message(topic="t", partition=2, offset=7, value=None),  # a tombstone
        ]
    )
    batch = runner.poll_messages(consumer, 500)
    assert [(m.partition(), m.offset()) for m in batch] == [(0, 0), (1, 4), (2, 7)]
    assert runner._polled_bytes == len(b"{}") + len(b"[1,2]")


@pytest.fixture
def runner(settings, redis_url) -> ProducerRunner:
    settings.REDIS_URL = redis_url
    return ProducerRunner(deployed_producer())


def report_clients(runner: ProducerRunner, **per_process: int) -> None:
    for process, count in per_process.items():
        value = orjson.dumps([time.time(), count])
        client().hset(clients_key(runner.deployed.ingestion_id), process, value)


def test_the_wait_follows_the_clients_every_web_process_reports(runner):
    report_clients(runner, web1=3, web2=4)
    runner.every_second()
    assert runner.fill_wait == fill_wait(7) < FILL_WAIT

    report_clients(runner, web2=10)  # 13 in all now
    runner._last_tick = 0.0
    runner.every_second()
    assert runner.fill_wait == FILL_WAIT

    report_clients(runner, web1=60)  # 70
    runner._last_tick = 0.0
    runner.every_second()
    assert runner.fill_wait == FILL_WAIT
