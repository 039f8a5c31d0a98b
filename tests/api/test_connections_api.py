"""/api/connections/: wiring rules as the API enforces them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_wiring_component_to_component_is_400(build, api):
    pipeline = build.pipeline()
    consumer = build.component(pipeline, "kafka_consumer", "Src", {"meta": {"topic": "t"}})
    producer = build.component(pipeline, "websocket_producer", "Feed")
    body = {"source": f"component:{consumer['id']}", "target": f"component:{producer['id']}"}
    response = api.post("/api/connections/", body, format="json")
    assert response.status_code == 400
    assert "Components connect only through events" in str(response.json())


def test_a_drawn_wire_from_source_to_target_gets_its_direction(build, api):
    pipeline = build.pipeline()
    event = build.event(pipeline, "Orders")
    producer = build.component(pipeline, "websocket_producer", "Feed")
    body = {"source": f"event:{event['id']}", "target": f"component:{producer['id']}"}
    wire = api.post("/api/connections/", body, format="json").json()
    assert (wire["event"], wire["component"], wire["direction"]) == (
        event["id"],
        producer["id"],
        "input",
    )


def test_a_second_input_on_a_websocket_producer_is_400(build):
    pipeline = build.pipeline()
    first, second = build.event(pipeline, "A"), build.event(pipeline, "B")
    producer = build.component(pipeline, "websocket_producer", "Feed")
    build.wire(first, producer, "input")
    refused = build.wire(second, producer, "input", expect=400)
    assert "exactly one input event" in str(refused)


def test_a_websocket_producer_has_no_output(build):
    pipeline = build.pipeline()
    event = build.event(pipeline, "A")
    producer = build.component(pipeline, "websocket_producer", "Feed")
    assert "no output event" in str(build.wire(event, producer, "output", expect=400))


def test_duplicate_wire_is_400(build):
    pipeline = build.pipeline()
    event = build.event(pipeline, "A")
    consumer = build.component(pipeline, "kafka_consumer", "Src", {"meta": {"topic": "t"}})
    build.wire(event, consumer, "output")
    assert "already wired" in str(build.wire(event, consumer, "output", expect=400))


def test_wires_cannot_cross_pipelines(build):
    one, two = build.pipeline("One"), build.pipeline("Two")
    event = build.event(one, "A")
    producer = build.component(two, "websocket_producer", "Feed")
    assert "within one pipeline" in str(build.wire(event, producer, "input", expect=400))


def test_malformed_node_reference_is_400(build, api):
    response = api.post(
        "/api/connections/", {"source": "widget:1", "target": "event:1"}, format="json"
    )
    assert response.status_code == 400 and "node reference" in str(response.json())


def test_unwire_and_filter_by_pipeline(build, api):
    pipeline, *_ = build.demo()
    wires = api.get(f"/api/connections/?pipeline={pipeline['id']}").json()["results"]
    assert len(wires) == 2
    assert api.delete(f"/api/connections/{wires[0]['id']}/").status_code == 204
    assert api.get(f"/api/connections/?pipeline={pipeline['id']}").json()["count"] == 1


def test_another_users_connections_are_invisible(build, bob_api):
    pipeline, *_ = build.demo()
    assert bob_api.get(f"/api/connections/?pipeline={pipeline['id']}").json()["count"] == 0
