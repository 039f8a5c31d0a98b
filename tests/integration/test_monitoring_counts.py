"""Records that flow through a real stack show up in the status figures and on `/metrics`."""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from pipelines.models import Pipeline
from pipelines.monitoring.status import pipeline_status
from tests.runtime import build_stream, wait_for

pytestmark = pytest.mark.integration

TOKEN = "prometheus-scrape-token-42"
RECORDS = 40


def scrape(host: str, token: str | None) -> dict[tuple[str, str], float]:
    """(metric sample name, component) → value, from a real daphne process."""
    request = urllib.request.Request(f"http://{host}/metrics")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    text = urllib.request.urlopen(request, timeout=10).read().decode()
    return {
        (s.name, s.labels["component"]): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if "component" in s.labels and s.labels.get("pipeline")
    }


def test_metrics_expose_the_counters_after_a_stream(stack, owner):
    stack.env["FLOWCAST_METRICS_TOKEN"] = TOKEN
    s = build_stream(owner, batch_size=10)
    host = stack.serve(s)
    stack.produce(s["topic"], [{"n": i, "marker": "monitoring"} for i in range(RECORDS)])

    def counted():
        samples = scrape(host, TOKEN)
        source_in = samples.get(("flowcast_component_records_in_total", "Source"), 0)
        feed_out = samples.get(("flowcast_component_records_out_total", "Feed"), 0)
        return samples if source_in >= RECORDS and feed_out >= RECORDS else None

    samples = wait_for(counted, 30, f"{RECORDS} records on /metrics")
    assert samples[("flowcast_component_up", "Feed")] == 1
    assert samples[("flowcast_component_consumer_lag", "Feed")] == 0
    assert samples[("flowcast_component_last_processed_timestamp_seconds", "Feed")] > 0
    assert samples[("flowcast_instance_memory_rss_bytes", "Feed")] > 10 * 2**20
    with pytest.raises(urllib.error.HTTPError) as refused:
        scrape(host, None)
    assert refused.value.code == 401

    [feed] = [c for c in pipeline_status(s["pipeline"])["components"] if c["name"] == "Feed"]
    assert feed["records_in"] == feed["records_out"] == RECORDS
    assert feed["last_batch_bytes"] > 0 and feed["last_processed_at"] <= time.time()
    [instance] = feed["instance_details"]
    assert instance["rss_mb"] > 10 and instance["resources"]["memory_limit"] == 512


def test_api_ingestion_requests_show_in_its_status(stack, owner):
    s = build_stream(owner, source="api")
    url = f"/api/ingest/{s['reader'].ingestion_id}/"
    auth = {"HTTP_X_INGESTION_SECRET": s["reader"].ingestion_secret}
    client = Client()
    for body in ('{"n": 1}', '[{"n": 2}, {"n": 3}]'):
        response = client.post(url, body, content_type="application/json", **auth)
        assert response.status_code == 202, response.content

    def reader_status():
        pipeline = Pipeline.objects.get(pk=s["pipeline"].pk)
        return next(c for c in pipeline_status(pipeline)["components"] if c["name"] == "Source")

    status = reader_status()
    assert (status["state"], status["runs_in"], status["instances"]) == ("UP", "web", 0)
    assert (status["records_in"], status["records_out"]) == (3, 3)
    assert status["last_batch_records"] == 2
    assert status["last_batch_bytes"] == len('[{"n": 2}, {"n": 3}]')
    # The rate is the mean of the last 5 complete seconds: it shows once they are over.
    wait_for(lambda: reader_status()["records_in_per_sec"] == 3 / 5, 7, "3 records in 5 s")
