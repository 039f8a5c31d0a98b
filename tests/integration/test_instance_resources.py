"""An instance runs under its memory limit and reports CPU, memory and lag in its heartbeat."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines import services
from pipelines.models import Pipeline
from pipelines.runtime import heartbeats
from pipelines.runtime.runner import MEMORY_MARGIN_MB
from tests.runtime import build_stream, wait_for

pytestmark = pytest.mark.integration

RESOURCES = {
    "min_instances": 1,
    "max_instances": 3,
    "cpu_request": 250,
    "cpu_limit": 1000,
    "memory_request": 128,
    "memory_limit": 384,
    "lag_threshold": 500,
}


def test_an_instance_has_its_memory_limit_and_reports_usage_and_lag(stack, owner):
    s = build_stream(owner, source="api", frame_format="batch", batch_size=50)
    producer = s["producer"]
    services.update_component(producer, config={**producer.config, "resources": RESOURCES})
    services.deploy(Pipeline.objects.get(pk=s["pipeline"].pk))
    worker = stack.worker(producer)
    stack.produce(s["event"].topic, [{"n": i} for i in range(300)])

    def report_with_lag():
        reports = heartbeats.read(str(producer.guid))
        done = [r for r in reports if r.get("records_out", 0) >= 300 and "lag" in r]
        return done[0] if done else None

    report = wait_for(report_with_lag, 30, "a report after the 300 records")
    assert report["lag"] == 0
    assert sorted(report["partition_lag"]) == [f"{s['event'].topic}:{p}" for p in range(3)]
    assert report["partitions"] == 3
    assert 10 < report["rss_mb"] < RESOURCES["memory_limit"]
    assert report["cpu_percent"] >= 0 and report["cpu_millicores"] >= 0
    assert report["resources"] == {
        k: v for k, v in RESOURCES.items() if k.startswith(("cpu", "mem"))
    }
    limits = Path(f"/proc/{worker.pid}/limits").read_text()
    [data] = [line for line in limits.splitlines() if line.startswith("Max data size")]
    expected = (RESOURCES["memory_limit"] + MEMORY_MARGIN_MB) * 2**20
    assert data.split()[3] == str(expected)
