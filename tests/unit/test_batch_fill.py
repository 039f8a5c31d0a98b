"""A producer's batches wait for more records longer when many clients share each frame.

The client count comes from what web processes report to a real (embedded) Redis.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import orjson
import pytest

from pipelines.redis_keys import client, clients_key
from pipelines.runtime.runner import FILL_WAIT
from producer.runner import FILL_WAIT_CROWD, ProducerRunner, fill_wait
from tests.runtime import deployed_producer


def test_a_few_clients_get_records_sooner_than_a_crowd():
    assert fill_wait(0) == fill_wait(10) < fill_wait(11) == fill_wait(50) == FILL_WAIT
    assert fill_wait(51) == fill_wait(10_000) == FILL_WAIT_CROWD > FILL_WAIT


@pytest.fixture
def runner(settings, redis_url) -> Iterator[ProducerRunner]:
    settings.REDIS_URL = redis_url
    runner = ProducerRunner(deployed_producer())
    yield runner
    runner.loop.close()


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
    assert runner.fill_wait == FILL_WAIT_CROWD
