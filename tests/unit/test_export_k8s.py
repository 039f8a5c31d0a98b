"""`manage.py export_k8s`: Deployments and KEDA ScaledObjects, parsed back from the YAML."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import CommandError, call_command

from pipelines import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline(django_user_model):
    owner = django_user_model.objects.create_user("ops")
    pipeline = services.create_pipeline(owner, name="Card Payments")
    reader = services.create_component(
        pipeline,
        type="kafka_consumer",
        name="Source",
        config={
            "meta": {"topic": "transactions", "offset_reset": "earliest"},
            "resources": {"min_instances": 2, "max_instances": 3},
        },
    )
    event = services.create_event(pipeline, name="Payments", partitions=4)
    feed = services.create_component(
        pipeline,
        type="websocket_producer",
        name="Live Feed",
        config={
            "basic": {"intelligent_scaling": True},
            "resources": {
                "min_instances": 1,
                "max_instances": 6,
                "cpu_request": 250,
                "cpu_limit": 1500,
                "memory_request": 256,
                "memory_limit": 1024,
                "lag_threshold": 1000,
            },
        },
    )
    ingest = services.create_component(pipeline, type="api_ingestion", name="Ingest")
    services.connect(pipeline, event=event, component=reader, direction="output")
    services.connect(pipeline, event=event, component=ingest, direction="output")
    services.connect(pipeline, event=event, component=feed, direction="input")
    services.deploy(pipeline)
    for c in (reader, feed, event):
        c.refresh_from_db()
    return pipeline, reader, feed, event


def export(tmp_path, *args) -> list[dict]:
    out = tmp_path / "flowcast.yaml"
    call_command(
        "export_k8s", *args, "--output", str(out), "--image", "registry.example/flowcast:1.2"
    )
    return list(yaml.safe_load_all(out.read_text()))


def by_kind(documents: list[dict], kind: str, guid) -> dict:
    [doc] = [
        d
        for d in documents
        if d["kind"] == kind and d["metadata"]["labels"]["flowcast.io/guid"] == str(guid)
    ]
    return doc


def test_a_deployment_per_component_with_a_runner(pipeline, tmp_path, settings):
    settings.KAFKA_BOOTSTRAP_SERVERS = "kafka-0.kafka:9092"
    _, reader, feed, _ = pipeline
    documents = export(tmp_path, "Card Payments")
    assert sorted(d["kind"] for d in documents) == ["Deployment", "Deployment", "ScaledObject"]
    deployment = by_kind(documents, "Deployment", feed.guid)
    assert deployment["apiVersion"] == "apps/v1"
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "registry.example/flowcast:1.2"
    assert container["command"] == ["python", "manage.py", "run_component", str(feed.guid)]
    assert container["resources"] == {
        "requests": {"cpu": "250m", "memory": "256Mi"},
        "limits": {"cpu": "1500m", "memory": "1024Mi"},
    }
    assert {"name": "KAFKA_BOOTSTRAP_SERVERS", "value": "kafka-0.kafka:9092"} in container["env"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
    source = by_kind(documents, "Deployment", reader.guid)
    assert source["spec"]["replicas"] == 2  # no Intelligent Scaling: its configured count


def test_intelligent_scaling_becomes_a_keda_scaled_object_on_the_consumer_group(
    pipeline, tmp_path, settings
):
    settings.KAFKA_BOOTSTRAP_SERVERS = "kafka-0.kafka:9092"
    row, _, feed, event = pipeline
    documents = export(tmp_path, str(row.pk))
    scaled = by_kind(documents, "ScaledObject", feed.guid)
    deployment = by_kind(documents, "Deployment", feed.guid)
    assert scaled["apiVersion"] == "keda.sh/v1alpha1"
    spec = scaled["spec"]
    assert spec["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    assert (spec["minReplicaCount"], spec["maxReplicaCount"]) == (1, 4)  # max 6, 4 partitions
    [trigger] = spec["triggers"]
    assert trigger["type"] == "kafka"
    assert trigger["metadata"] == {
        "bootstrapServers": "kafka-0.kafka:9092",
        "consumerGroup": f"flowcast.wsp.{feed.guid}",
        "topic": event.topic,
        "lagThreshold": "600",  # 60 % of the lag threshold: where one instance is added
        "offsetResetPolicy": "earliest",
        "allowIdleConsumers": "false",
    }


def test_names_are_valid_kubernetes_names(pipeline, tmp_path, settings):
    settings.KAFKA_BOOTSTRAP_SERVERS = "kafka:9092"
    for document in export(tmp_path, "Card Payments"):
        name = document["metadata"]["name"]
        assert len(name) <= 63 and name.startswith("card-payments-")
        assert name.replace("-", "").isalnum() and name == name.lower()


def test_it_refuses_unknown_and_never_deployed_pipelines(pipeline, django_user_model):
    with pytest.raises(CommandError, match="No pipeline with id or name 'Nope'"):
        call_command("export_k8s", "Nope")
    owner = django_user_model.objects.create_user("draft")
    services.create_pipeline(owner, name="Draft")
    with pytest.raises(CommandError, match="never been updated"):
        call_command("export_k8s", "Draft")
