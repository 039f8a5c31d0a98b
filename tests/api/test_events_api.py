"""/api/events/: kinds, topics, partitions and Event Duration."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_a_kafka_event_gets_a_private_derived_topic_and_defaults(build):
    pipeline = build.pipeline()
    event = build.event(pipeline, "Card Payments", topic="ignored")
    assert event["topic"].startswith(f"flowcast.p{pipeline['id']}.card-payments.")
    assert (event["partitions"], event["retention_hours"]) == (3, 168)


def test_a_shared_event_names_an_existing_topic(build, api):
    pipeline = build.pipeline()
    missing = api.post(
        "/api/events/", {"pipeline": pipeline["id"], "name": "Tx", "kind": "shared"}, format="json"
    )
    assert missing.status_code == 400 and "topic" in missing.json()
    event = build.event(pipeline, "Tx", kind="shared", topic="transactions")
    assert event["topic"] == "transactions"


def test_an_invalid_topic_name_is_400(build, api):
    pipeline = build.pipeline()
    body = {"pipeline": pipeline["id"], "name": "Tx", "kind": "shared", "topic": "bad topic!"}
    response = api.post("/api/events/", body, format="json")
    assert (
        response.status_code == 400
        and "not a valid Kafka topic name" in response.json()["topic"][0]
    )


@pytest.mark.parametrize(("partitions", "status"), [(1, 201), (100, 201), (0, 400), (101, 400)])
def test_partitions_range_from_1_to_100(build, api, partitions, status):
    pipeline = build.pipeline()
    body = {"pipeline": pipeline["id"], "name": "Tx", "partitions": partitions}
    assert api.post("/api/events/", body, format="json").status_code == status


@pytest.mark.parametrize(("hours", "status"), [(4, 201), (12, 201), (168, 201), (5, 400)])
def test_event_duration_is_one_of_the_documented_options(build, api, hours, status):
    pipeline = build.pipeline()
    body = {"pipeline": pipeline["id"], "name": "Tx", "retention_hours": hours}
    assert api.post("/api/events/", body, format="json").status_code == status


def test_kind_cannot_change_and_the_derived_topic_survives_a_rename(build, api):
    event = build.event(build.pipeline(), "Orders")
    renamed = api.patch(f"/api/events/{event['id']}/", {"name": "Sales"}, format="json").json()
    assert (renamed["name"], renamed["topic"]) == ("Sales", event["topic"])
    kind = api.patch(f"/api/events/{event['id']}/", {"kind": "failover"}, format="json")
    assert kind.status_code == 400


def test_an_event_used_as_failover_cannot_be_deleted(build, api):
    pipeline = build.pipeline()
    dead = build.event(pipeline, "Dead letters", kind="failover")
    build.component(
        pipeline, "websocket_producer", "Feed", {"basic": {"failover_event": dead["id"]}}
    )
    response = api.delete(f"/api/events/{dead['id']}/")
    assert response.status_code == 400 and "Failover Event of Feed" in str(response.json())
