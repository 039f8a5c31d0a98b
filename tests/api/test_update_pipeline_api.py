"""Update Pipeline, versions, restore, activate and deactivate."""

from __future__ import annotations

import pytest

from pipelines.models import PipelineVersion

pytestmark = pytest.mark.django_db


def update(api, pipeline, **body):
    return api.post(f"/api/pipelines/{pipeline['id']}/update/", body, format="json")


def test_update_writes_a_version_and_assigns_guids(build, api):
    pipeline, _, _, producer = build.demo()
    response = update(api, pipeline, message="first")
    assert response.status_code == 200
    body = response.json()
    assert body["version"]["number"] == 1 and body["version"]["message"] == "first"
    guids = {c["id"]: c["guid"] for c in body["components"]}
    assert all(guids.values())
    assert api.get(f"/api/components/{producer['id']}/").json()["guid"] == guids[producer["id"]]
    assert api.get(f"/api/pipelines/{pipeline['id']}/").json()["current_version"] == 1


def test_guids_are_stable_across_updates_and_new_components_get_theirs(build, api):
    pipeline, _, event, producer = build.demo()
    first = {c["id"]: c["guid"] for c in update(api, pipeline).json()["components"]}
    extra = build.component(pipeline, "websocket_producer", "Second Feed")
    build.wire(event, extra, "input")
    second = {c["id"]: c["guid"] for c in update(api, pipeline).json()["components"]}
    assert second[producer["id"]] == first[producer["id"]]
    assert second[extra["id"]] and second[extra["id"]] not in first.values()


def test_an_invalid_graph_is_refused_with_every_error_per_component(build, api):
    pipeline = build.pipeline()
    producer = build.component(pipeline, "websocket_producer", "Feed")
    consumer = build.component(pipeline, "kafka_consumer", "Src", {"meta": {"topic": "t"}})
    response = update(api, pipeline)
    assert response.status_code == 400
    errors = response.json()["errors"]["components"]
    assert "needs an input event" in errors[str(producer["id"])][0]
    assert "needs an output event" in errors[str(consumer["id"])][0]
    assert PipelineVersion.objects.count() == 0
    assert api.get(f"/api/components/{producer['id']}/").json()["guid"] is None


def test_versions_are_listed_shown_and_immutable(build, api):
    pipeline, *_ = build.demo()
    update(api, pipeline, message="one")
    update(api, pipeline, message="two")
    listing = api.get(f"/api/pipelines/{pipeline['id']}/versions/").json()
    assert [v["number"] for v in listing["results"]] == [2, 1]
    detail = api.get(f"/api/pipelines/{pipeline['id']}/versions/1/").json()
    assert {"pipeline", "events", "components", "connections"} <= set(detail["snapshot"])
    assert "ingestion_secret" not in str(detail["snapshot"])
    version = PipelineVersion.objects.get(number=1)
    version.message = "rewritten"
    with pytest.raises(ValueError, match="immutable"):
        version.save()
    assert api.get(f"/api/pipelines/{pipeline['id']}/versions/9/").status_code == 404


def test_restore_puts_an_old_graph_back_keeping_credentials(build, api):
    pipeline, consumer, _, producer = build.demo()
    update(api, pipeline)
    secret = api.get(f"/api/components/{producer['id']}/secret/").json()
    api.patch(
        f"/api/components/{producer['id']}/",
        {"name": "Renamed", "config": {"basic": {"batch_size": 50}}},
        format="json",
    )
    api.delete(f"/api/components/{consumer['id']}/")
    restored = api.post(f"/api/pipelines/{pipeline['id']}/versions/1/restore/", {}, format="json")
    assert restored.status_code == 200
    components = {
        c["id"]: c for c in api.get(f"/api/components/?pipeline={pipeline['id']}").json()["results"]
    }
    assert components[producer["id"]]["name"] == "Live Feed"
    assert components[producer["id"]]["config"]["basic"]["batch_size"] == 500
    assert consumer["id"] in components and components[consumer["id"]]["guid"]
    assert api.get(f"/api/components/{producer['id']}/secret/").json() == secret
    assert api.get(f"/api/connections/?pipeline={pipeline['id']}").json()["count"] == 2
    assert update(api, pipeline).status_code == 200


def test_restoring_a_missing_version_is_400(build, api):
    pipeline, *_ = build.demo()
    response = api.post(f"/api/pipelines/{pipeline['id']}/versions/3/restore/", {}, format="json")
    assert response.status_code == 400 and "does not exist" in str(response.json())


def test_activate_needs_a_deployed_version_then_deactivate(build, api):
    pipeline, *_ = build.demo()
    url = f"/api/pipelines/{pipeline['id']}"
    refused = api.post(f"{url}/activate/")
    assert refused.status_code == 400 and "Update Pipeline first" in refused.json()["detail"]
    update(api, pipeline)
    assert api.post(f"{url}/activate/").json()["status"] == "active"
    assert api.post(f"{url}/deactivate/").json()["status"] == "inactive"


def test_status_lists_every_component(build, api):
    pipeline, consumer, _, producer = build.demo()
    status = api.get(f"/api/pipelines/{pipeline['id']}/status/").json()
    assert status["status"] == "draft"
    assert {c["id"] for c in status["components"]} == {consumer["id"], producer["id"]}


def test_update_with_a_stale_rev_is_409(build, api):
    pipeline, *_ = build.demo()
    assert update(api, pipeline, rev=1).status_code == 409


def test_component_types_serves_the_palette(api):
    body = api.get("/api/component-types/").json()
    assert [g["key"] for g in body["palette"]] == ["readers", "consumers", "producers", "events"]
    assert [e["key"] for e in body["event_kinds"]] == ["kafka", "shared", "failover"]
    retention = next(f for f in body["event_kinds"][0]["fields"] if f["name"] == "retention_hours")
    assert [c["value"] for c in retention["choices"]] == [4, 8, 12, 24, 48, 168]
