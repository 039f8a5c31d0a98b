"""Fixtures of the export_k8s tests: a deployed pipeline and its manifests, parsed back."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import yaml
from django.core.management import call_command

from pipelines import services
from tests.unit.manifests import HOST, IMAGE


@pytest.fixture
def card_payments(django_user_model, settings):
    """Kafka Consumer and API Ingestion → Payments (4 partitions) → Live Feed (scaling)."""
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
    services.deploy(pipeline)  # no broker configured yet: no topics created
    settings.KAFKA_BOOTSTRAP_SERVERS = "kafka-0.kafka:9092"  # the cluster's, for the manifests
    for row in (pipeline, reader, feed, event):
        row.refresh_from_db()
    return pipeline, reader, feed, event


@pytest.fixture
def k8s_export(tmp_path) -> Callable[..., list[dict]]:
    """`manage.py export_k8s ARGS --image … --host …`, its YAML file parsed back."""

    def run(*args: str) -> list[dict]:
        out = tmp_path / "flowcast.yaml"
        call_command("export_k8s", *args, "--output", str(out), "--image", IMAGE, "--host", HOST)
        return list(yaml.safe_load_all(out.read_text()))

    return run
