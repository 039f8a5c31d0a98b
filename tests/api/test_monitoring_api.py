"""`GET /api/pipelines/<id>/status/` and `GET /api/pipelines/status/`: the monitoring figures.

Instances' heartbeats are written to a real (embedded) Redis the way runners write them.
"""

from __future__ import annotations

import time
import uuid

import orjson
import pytest

from pipelines import redis_keys
from pipelines.models import Component
from pipelines.runtime import heartbeats

pytestmark = pytest.mark.django_db

RESOURCES = {"cpu_request": 250, "cpu_limit": 1000, "memory_request": 256, "memory_limit": 512}


@pytest.fixture
def live_redis(settings, redis_url):
    settings.REDIS_URL = redis_url
    yield redis_keys.client()


def heartbeat(component: dict, instance: str, **figures) -> None:
    guid = Component.objects.get(pk=component["id"]).guid
    data = {
        "instance": instance,
        "guid": str(guid),
        "reported_at": time.time(),
        "resources": RESOURCES,
        **figures,
    }
    heartbeats.report(str(guid), instance, data)


def connected(redis, component: dict, clients: int) -> None:
    ingestion_id = Component.objects.get(pk=component["id"]).ingestion_id
    key = redis_keys.clients_key(ingestion_id)
    redis.hset(key, f"web-{uuid.uuid4().hex[:6]}", orjson.dumps([time.time(), clients]))


@pytest.fixture
def running(build, api, live_redis):
    pipeline, consumer, _, producer = build.demo()
    api.post(f"/api/pipelines/{pipeline['id']}/update/", {}, format="json")
    api.post(f"/api/pipelines/{pipeline['id']}/activate/")
    return pipeline, consumer, producer


def test_status_gives_each_component_its_live_figures(api, running, live_redis):
    pipeline, consumer, producer = running
    now = time.time()
    heartbeat(
        consumer,
        "c-1",
        records_in=900,
        records_out=900,
        records_in_per_sec=150.0,
        records_out_per_sec=150.0,
        partition_lag={"transactions:0": 12, "transactions:1": 30},
        last_processed_at=now,
        last_batch_records=120,
        last_batch_bytes=30_000,
    )
    for name, lag in (("p-1", {"t:0": 5}), ("p-2", {"t:1": 7, "t:2": 0})):
        heartbeat(
            producer,
            name,
            records_in_per_sec=70.0,
            records_out_per_sec=69.5,
            failed=2,
            partition_lag=lag,
            cpu_millicores=180,
            rss_mb=96.0,
            last_error="channel layer: timeout" if name == "p-2" else "",
        )
    connected(live_redis, producer, 3)

    body = api.get(f"/api/pipelines/{pipeline['id']}/status/").json()
    by_name = {c["name"]: c for c in body["components"]}
    source, feed = by_name["Source"], by_name["Live Feed"]
    assert (source["state"], source["type_label"], source["instances"]) == (
        "UP",
        "Kafka Consumer",
        1,
    )
    assert source["records_in_per_sec"] == 150.0 and source["lag"] == 42
    assert (source["last_batch_records"], source["last_batch_bytes"]) == (120, 30_000)
    assert source["last_processed_at"] == pytest.approx(now)
    assert source["clients"] is None, "only producers have WebSocket clients"
    assert (feed["instances"], feed["records_out_per_sec"], feed["lag"]) == (2, 139.0, 12)
    assert (feed["failed"], feed["clients"]) == (4, 3)
    assert feed["last_error"] == "channel layer: timeout"
    assert [i["instance"] for i in feed["instance_details"]] == ["p-1", "p-2"]
    assert feed["instance_details"][0]["cpu_millicores"] == 180
    assert feed["instance_details"][0]["resources"] == RESOURCES
    assert feed["scaling"]["lag_threshold"] == 10_000
    assert feed["resources"] == RESOURCES
    assert body["summary"] == {
        "components": 2,
        "up": 2,
        "records_per_sec": 139.0,
        "lag": 54,
        "clients": 3,
        "failed": 4,
        "errors": 1,
    }


def test_a_component_that_stopped_reporting_is_off(api, running):
    pipeline, *_ = running
    body = api.get(f"/api/pipelines/{pipeline['id']}/status/").json()
    for component in body["components"]:
        assert (component["state"], component["instances"]) == ("OFF", 0)
        assert component["lag"] is None and component["last_processed_at"] is None
        assert component["deployed"] is True
    assert body["summary"]["up"] == 0


def test_a_draft_pipeline_shows_its_components_undeployed(api, build, live_redis):
    pipeline, *_ = build.demo()
    body = api.get(f"/api/pipelines/{pipeline['id']}/status/").json()
    assert {(c["state"], c["deployed"], c["scaling"]) for c in body["components"]} == {
        ("OFF", False, None)
    }


def test_the_list_summary_covers_the_active_pipelines_one_can_see(
    api, bob_api, build, running, live_redis
):
    pipeline, _, producer = running
    draft = build.pipeline("Draft")
    heartbeat(producer, "p-1", records_out_per_sec=25.0)
    mine = api.get("/api/pipelines/status/").json()["results"]
    assert [s["id"] for s in mine] == [pipeline["id"]]
    assert (mine[0]["up"], mine[0]["records_per_sec"]) == (1, 25.0)
    assert draft["id"] not in {s["id"] for s in mine}
    assert bob_api.get("/api/pipelines/status/").json()["results"] == []


def test_status_needs_a_login(client, running):
    pipeline, *_ = running
    assert client.get(f"/api/pipelines/{pipeline['id']}/status/").status_code == 401
    assert client.get("/api/pipelines/status/").status_code == 401
