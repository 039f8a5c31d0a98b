"""A runner's heartbeat carries its in/out rates and when its last error appeared.

The heartbeat goes to a real (embedded) Redis; only the monotonic clock is driven by the test.
"""

from __future__ import annotations

import time
import types

import pytest

from pipelines.runtime import heartbeats
from pipelines.runtime import runner as runner_module
from pipelines.runtime.runner import Runner
from tests.runtime import deployed_producer

RESOURCES = {"cpu_request": 250, "cpu_limit": 1000, "memory_request": 256, "memory_limit": 512}


@pytest.fixture
def clock(monkeypatch) -> list[float]:
    now = [1000.0]
    fake = types.SimpleNamespace(monotonic=lambda: now[0], time=time.time)
    monkeypatch.setattr(runner_module, "time", fake)
    return now


@pytest.fixture
def runner(settings, redis_url) -> Runner:
    settings.REDIS_URL = redis_url
    return Runner(
        deployed_producer(version=4, config={"resources": {**RESOURCES, "lag_threshold": 500}})
    )


def reported(runner: Runner) -> dict:
    [report] = heartbeats.read(runner.deployed.guid)
    return report


def test_the_heartbeat_reports_rates_of_records_in_out_and_failed(runner, clock):
    runner.heartbeat(force=True)
    assert reported(runner)["records_in_per_sec"] == 0.0
    runner.stats.update(records_in=300, records_out=290, failed=10)
    clock[0] += 2.0
    runner.heartbeat()
    report = reported(runner)
    assert (report["records_in_per_sec"], report["records_out_per_sec"]) == (150.0, 145.0)
    assert report["failed_per_sec"] == 5.0
    assert report["records_per_sec"] == 145.0, "the output rate keeps its old name too"
    assert report["resources"] == RESOURCES and report["version"] == 4


def test_a_heartbeat_within_the_second_sends_nothing_new(runner, clock):
    runner.heartbeat(force=True)
    runner.stats["records_in"] = 50
    clock[0] += 0.2
    runner.heartbeat()
    assert reported(runner)["records_in"] == 0


def test_the_last_error_is_stamped_when_it_appears_and_cleared_with_it(runner, clock):
    runner.heartbeat(force=True)
    assert reported(runner).get("last_error_at") is None
    runner.stats["last_error"] = "channel layer: Connection refused"
    clock[0] += 1.0
    before = time.time()
    runner.heartbeat()
    stamped = reported(runner)["last_error_at"]
    assert before <= stamped <= time.time()
    clock[0] += 1.0
    runner.heartbeat()
    assert reported(runner)["last_error_at"] == stamped, "the same error keeps its time"
    runner.stats["last_error"] = ""
    clock[0] += 1.0
    runner.heartbeat()
    assert reported(runner)["last_error_at"] is None
