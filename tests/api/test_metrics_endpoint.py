"""`/metrics` speaks the Prometheus text format, exports the monitoring figures, no secrets."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from pipelines.models import Component
from pipelines.runtime import heartbeats

pytestmark = pytest.mark.django_db


def test_metrics_lists_active_components_without_secrets(build, api):
    pipeline, _, _, producer = build.demo()
    api.post(f"/api/pipelines/{pipeline['id']}/update/", {}, format="json")
    api.post(f"/api/pipelines/{pipeline['id']}/activate/")
    response = Client().get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'flowcast_component_instances{component="Live Feed"' in text
    secret = api.get(f"/api/components/{producer['id']}/secret/").json()["ingestion_secret"]
    assert secret not in text


def test_metrics_export_the_monitoring_figures_by_pipeline_and_component(
    build, api, settings, redis_url
):
    settings.REDIS_URL = redis_url
    pipeline, _, _, producer = build.demo()
    api.post(f"/api/pipelines/{pipeline['id']}/update/", {}, format="json")
    api.post(f"/api/pipelines/{pipeline['id']}/activate/")
    guid = str(Component.objects.get(pk=producer["id"]).guid)
    heartbeats.report(
        guid,
        "host-7",
        {
            "instance": "host-7",
            "reported_at": time.time(),
            "records_in": 500,
            "records_out": 498,
            "failed": 2,
            "records_in_per_sec": 50.0,
            "records_out_per_sec": 49.8,
            "partition_lag": {"t:0": 7, "t:1": 5},
            "last_processed_at": 1_700_000_000.5,
            "last_batch_records": 20,
            "cpu_millicores": 180,
            "rss_mb": 96.0,
            "credit_waits": 3,
            "resources": {"cpu_limit": 1000, "memory_limit": 512},
        },
    )
    text = Client().get("/metrics").content.decode()
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    feed = (("component", "Live Feed"), ("guid", guid), ("pipeline", "Transactions"))
    host = tuple(sorted((*feed, ("instance", "host-7"))))
    assert samples[("flowcast_component_up", feed)] == 1
    assert samples[("flowcast_component_records_in_total", feed)] == 500
    assert samples[("flowcast_component_records_out_total", feed)] == 498
    assert samples[("flowcast_component_failed_total", feed)] == 2
    assert samples[("flowcast_component_records_out_per_second", feed)] == 49.8
    assert samples[("flowcast_component_consumer_lag", feed)] == 12
    assert samples[("flowcast_component_connected_clients", feed)] == 0
    assert samples[("flowcast_component_last_processed_timestamp_seconds", feed)] == 1.7e9 + 0.5
    assert samples[("flowcast_component_credit_waits_total", feed)] == 3
    assert samples[("flowcast_instance_cpu_millicores", host)] == 180
    assert samples[("flowcast_instance_memory_rss_bytes", host)] == 96 * 2**20
    assert samples[("flowcast_component_memory_limit_bytes", feed)] == 512 * 2**20
    assert samples[("flowcast_component_lag_threshold", feed)] == 10_000
    info = tuple(sorted((*feed, ("type", "websocket_producer"))))
    assert samples[("flowcast_component_info", info)] == 1
