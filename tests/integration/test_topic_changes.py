"""Event changes reach Kafka on Update Pipeline, or Update Pipeline applies nothing."""

from __future__ import annotations

import pytest
from confluent_kafka.admin import AdminClient, ConfigResource
from rest_framework.test import APIClient

from pipelines.models import Event, PipelineVersion
from pipelines.runtime import kafka
from tests.runtime import build_stream

pytestmark = pytest.mark.integration


@pytest.fixture
def deployed(stack, owner):
    s = build_stream(owner)
    api = APIClient()
    api.force_authenticate(owner)
    return s, api


def topic_state(topic: str) -> tuple[int, str]:
    admin = AdminClient({"bootstrap.servers": kafka.bootstrap()})
    partitions = len(admin.list_topics(timeout=5).topics[topic].partitions)
    resource = ConfigResource("topic", topic)
    retention = admin.describe_configs([resource])[resource].result(10)["retention.ms"].value
    return partitions, retention


def update(api, pipeline) -> object:
    return api.post(f"/api/pipelines/{pipeline.pk}/update/", {}, format="json")


def test_a_new_event_duration_is_applied_to_the_topic(deployed):
    s, api = deployed
    event = s["event"]
    event.refresh_from_db()
    assert topic_state(event.topic) == (3, str(168 * 3600 * 1000))
    changed = api.patch(f"/api/events/{event.pk}/", {"retention_hours": 4}, format="json")
    assert changed.status_code == 200
    assert topic_state(event.topic)[1] == str(168 * 3600 * 1000)  # a draft touches nothing
    assert update(api, s["pipeline"]).status_code == 200
    assert topic_state(event.topic) == (3, str(4 * 3600 * 1000))


def test_partitions_the_broker_cannot_add_fail_the_update_and_apply_nothing(deployed):
    s, api = deployed
    event, pipeline = s["event"], s["pipeline"]
    body = {"partitions": 6, "retention_hours": 12}
    assert api.patch(f"/api/events/{event.pk}/", body, format="json").status_code == 200
    versions = list(PipelineVersion.objects.filter(pipeline=pipeline).values_list("number"))
    refused = update(api, pipeline)
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert f"partitions of topic {event.topic}" in detail and "Nothing was applied" in detail
    assert list(PipelineVersion.objects.filter(pipeline=pipeline).values_list("number")) == (
        versions
    )
    pipeline.refresh_from_db()
    assert pipeline.current_version.number == 1
    assert topic_state(event.topic) == (3, str(168 * 3600 * 1000))


def test_fewer_partitions_are_refused_at_save(deployed):
    s, api = deployed
    refused = api.patch(f"/api/events/{s['event'].pk}/", {"partitions": 2}, format="json")
    assert refused.status_code == 400
    assert "cannot reduce" in str(refused.json()["partitions"])
    assert Event.objects.get(pk=s["event"].pk).partitions == 3
