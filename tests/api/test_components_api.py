"""/api/components/: config validation, credentials, tokens."""

from __future__ import annotations

import logging

import pytest

from pipelines.models import Component
from producer.tokens import read_token

pytestmark = pytest.mark.django_db


def test_a_new_component_gets_defaults_an_ingestion_id_a_secret_and_no_guid(build):
    pipeline = build.pipeline()
    producer = build.component(pipeline, "websocket_producer", "Feed")
    assert producer["config"]["basic"]["batch_size"] == 500
    assert producer["config"]["meta"] == {"frame_format": "envelope"}
    assert producer["guid"] is None
    assert producer["ingestion_id"].startswith("ing_")
    assert producer["endpoint"] == f"ws://testserver/ws/producers/{producer['ingestion_id']}/"
    stored = Component.objects.get(pk=producer["id"]).ingestion_secret
    assert (
        producer["ingestion_secret"] != stored and stored[:-4] not in producer["ingestion_secret"]
    )


def test_batch_size_5_is_answered_400_naming_batch_size(build, api):
    producer = build.component(build.pipeline(), "websocket_producer", "Feed")
    response = api.patch(
        f"/api/components/{producer['id']}/",
        {"config": {"basic": {"batch_size": 5}}},
        format="json",
    )
    assert response.status_code == 400
    assert "batch_size" in response.json()["config"]["basic"]
    assert (
        api.get(f"/api/components/{producer['id']}/").json()["config"]["basic"]["batch_size"] == 500
    )


def test_errors_of_several_tabs_come_at_once(build, api):
    producer = build.component(build.pipeline(), "websocket_producer", "Feed")
    config = {
        "basic": {"invocation_type": "batch"},
        "resources": {"min_instances": 5, "max_instances": 2},
    }
    response = api.patch(f"/api/components/{producer['id']}/", {"config": config}, format="json")
    body = response.json()["config"]
    assert set(body) == {"basic", "resources"}
    assert "Real-Time" in body["basic"]["invocation_type"][0]


def test_a_partial_tab_edit_keeps_the_other_values(build, api):
    consumer = build.component(
        build.pipeline(), "kafka_consumer", "Src", {"meta": {"topic": "orders"}}
    )
    api.patch(
        f"/api/components/{consumer['id']}/",
        {"config": {"meta": {"offset_reset": "earliest"}}},
        format="json",
    )
    meta = api.get(f"/api/components/{consumer['id']}/").json()["config"]["meta"]
    assert (meta["topic"], meta["offset_reset"]) == ("orders", "earliest")


def test_unknown_type_and_unknown_tab_are_400(build, api):
    pipeline = build.pipeline()
    bad_type = api.post(
        "/api/components/", {"pipeline": pipeline["id"], "type": "mqtt", "name": "X"}, format="json"
    )
    assert bad_type.status_code == 400 and "type" in bad_type.json()
    producer = build.component(pipeline, "websocket_producer", "Feed")
    bad_tab = api.patch(
        f"/api/components/{producer['id']}/", {"config": {"extras": {}}}, format="json"
    )
    assert bad_tab.status_code == 400 and "extras" in bad_tab.json()["config"]


def test_names_are_unique_within_a_pipeline_across_nodes(build, api):
    pipeline = build.pipeline()
    build.event(pipeline, "Orders")
    dup = api.post(
        "/api/components/",
        {"pipeline": pipeline["id"], "type": "websocket_producer", "name": "orders"},
        format="json",
    )
    assert dup.status_code == 400 and "already used" in dup.json()["name"][0]


def test_type_cannot_change(build, api):
    producer = build.component(build.pipeline(), "websocket_producer", "Feed")
    response = api.patch(
        f"/api/components/{producer['id']}/", {"type": "api_ingestion"}, format="json"
    )
    assert response.status_code == 400


def test_secret_is_masked_in_lists_and_revealed_on_request(build, api):
    pipeline = build.pipeline()
    producer = build.component(pipeline, "websocket_producer", "Feed")
    stored = Component.objects.get(pk=producer["id"]).ingestion_secret
    listing = api.get(f"/api/components/?pipeline={pipeline['id']}").content.decode()
    assert stored not in listing
    assert api.get(f"/api/components/{producer['id']}/secret/").json() == {
        "ingestion_secret": stored
    }


def test_regenerate_secret_replaces_it_and_invalidates_tokens(build, api, caplog):
    caplog.set_level(logging.DEBUG)
    producer = build.component(build.pipeline(), "websocket_producer", "Feed")
    old = Component.objects.get(pk=producer["id"]).ingestion_secret
    token = api.post(f"/api/components/{producer['id']}/token/").json()["token"]
    assert read_token(token, producer["ingestion_id"], old) is not None
    new = api.post(f"/api/components/{producer['id']}/regenerate-secret/").json()[
        "ingestion_secret"
    ]
    component = Component.objects.get(pk=producer["id"])
    assert new != old and component.ingestion_secret == new
    assert read_token(token, component.ingestion_id, component.ingestion_secret) is None
    assert old not in caplog.text and new not in caplog.text


def test_token_expires(build, api, settings):
    producer = build.component(build.pipeline(), "websocket_producer", "Feed")
    token = api.post(f"/api/components/{producer['id']}/token/").json()["token"]
    settings.FLOWCAST = {**settings.FLOWCAST, "TOKEN_MAX_AGE": -1}
    component = Component.objects.get(pk=producer["id"])
    assert read_token(token, component.ingestion_id, component.ingestion_secret) is None


def test_another_users_component_is_404(build, bob_api):
    producer = build.component(build.pipeline(), "websocket_producer", "Feed")
    assert bob_api.get(f"/api/components/{producer['id']}/").status_code == 404
    assert bob_api.get(f"/api/components/{producer['id']}/secret/").status_code == 404
    assert bob_api.post(f"/api/components/{producer['id']}/regenerate-secret/").status_code == 404


def test_a_component_cannot_be_added_to_another_users_pipeline(build, bob_api):
    pipeline = build.pipeline()
    response = bob_api.post(
        "/api/components/",
        {"pipeline": pipeline["id"], "type": "websocket_producer", "name": "X"},
        format="json",
    )
    assert response.status_code == 400 and "pipeline" in response.json()


def test_failover_event_must_belong_to_the_pipeline(build, api):
    pipeline, other = build.pipeline(), build.pipeline("Other")
    foreign = build.event(other, "Dead letters", kind="failover")
    own = build.event(pipeline, "My dead letters", kind="failover")
    producer = build.component(pipeline, "websocket_producer", "Feed")
    url = f"/api/components/{producer['id']}/"
    bad = api.patch(url, {"config": {"basic": {"failover_event": foreign["id"]}}}, format="json")
    assert bad.status_code == 400 and "not an event of this pipeline" in str(bad.json())
    good = api.patch(url, {"config": {"basic": {"failover_event": own["id"]}}}, format="json")
    assert good.status_code == 200


def test_writes_report_the_new_pipeline_rev_and_refuse_stale_ones(build, api):
    pipeline = build.pipeline()
    producer = build.component(pipeline, "websocket_producer", "Feed")
    rev = producer["pipeline_rev"]
    moved = api.patch(
        f"/api/components/{producer['id']}/",
        {"position": {"x": 5, "y": 6}, "rev": rev},
        format="json",
    )
    assert moved.status_code == 200 and moved.json()["pipeline_rev"] == rev + 1
    stale = api.patch(
        f"/api/components/{producer['id']}/",
        {"position": {"x": 9, "y": 9}, "rev": rev},
        format="json",
    )
    assert stale.status_code == 409


def test_validate_reports_each_check_without_failing_the_request(build, api):
    producer = build.component(build.pipeline(), "websocket_producer", "Feed")
    checks = api.post(f"/api/components/{producer['id']}/validate/").json()["checks"]
    assert [c["name"] for c in checks] == [
        "kafka",
        "input_topic",
        "failover_topic",
        "channel_layer",
        "handshake",
    ]
    for check in checks:
        assert set(check) == {"name", "label", "ok", "duration_ms", "message"}
    by_name = {c["name"]: c for c in checks}
    assert by_name["input_topic"]["ok"] is False
    assert by_name["channel_layer"]["ok"] is True


def test_a_kafka_consumer_can_be_dropped_before_its_topic_is_set(build, api):
    pipeline = build.pipeline()
    consumer = build.component(pipeline, "kafka_consumer", "Src")
    assert consumer["config"]["meta"]["offset_reset"] == "latest"
    body = {"config": {"meta": {"offset_reset": "earliest"}}}
    save = api.patch(f"/api/components/{consumer['id']}/", body, format="json")
    assert save.status_code == 400 and "topic" in save.json()["config"]["meta"]
    refused = api.post(
        "/api/components/",
        {
            "pipeline": pipeline["id"],
            "type": "kafka_consumer",
            "name": "B",
            "config": {"basic": {"batch_size": 1}},
        },
        format="json",
    )
    assert refused.status_code == 400 and "batch_size" in refused.json()["config"]["basic"]
