"""`manage.py export_k8s`: worker Deployments and KEDA ScaledObjects, parsed back from the YAML."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from pipelines import services
from tests.unit.manifests import GUID, IMAGE, container, one

pytestmark = pytest.mark.django_db


def test_a_deployment_per_component_with_a_runner(card_payments, k8s_export):
    _, reader, feed, _ = card_payments
    documents = k8s_export("Card Payments")
    labels = [d["metadata"]["labels"] for d in documents if d["kind"] == "Deployment"]
    workers = [d for d in labels if GUID in d]
    assert len(workers) == 2  # API Ingestion has no worker: the web processes take its posts
    deployment = one(documents, "Deployment", {GUID: str(feed.guid)})
    assert deployment["apiVersion"] == "apps/v1"
    worker = container(deployment, "worker")
    assert worker["image"] == IMAGE
    assert worker["command"] == ["python", "manage.py", "run_component", str(feed.guid)]
    assert worker["resources"] == {
        "requests": {"cpu": "250m", "memory": "256Mi"},
        "limits": {"cpu": "1500m", "memory": "1024Mi"},
    }
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
    source = one(documents, "Deployment", {GUID: str(reader.guid)})
    assert source["spec"]["replicas"] == 2  # no Intelligent Scaling: its configured count
    assert "replicas" not in deployment["spec"]  # KEDA's to set: apply must not reset it


def test_workers_read_their_settings_from_the_config_map_and_the_secret(card_payments, k8s_export):
    _, _, feed, _ = card_payments
    documents = k8s_export("Card Payments")
    config = one(documents, "ConfigMap")
    assert config["data"]["KAFKA_BOOTSTRAP_SERVERS"] == "kafka-0.kafka:9092"
    # A Kafka cluster answers a waiting fetch at once: no need for the embedded broker's 5 ms.
    assert int(config["data"]["FLOWCAST_KAFKA_FETCH_WAIT_MS"]) >= 100
    worker = container(one(documents, "Deployment", {GUID: str(feed.guid)}), "worker")
    assert worker["envFrom"] == [{"configMapRef": {"name": config["metadata"]["name"]}}]
    secrets = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in worker["env"] if "valueFrom" in e}
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= set(secrets)


def test_a_worker_is_probed_by_its_liveness_file(card_payments, k8s_export):
    _, _, feed, _ = card_payments
    deployment = one(k8s_export("Card Payments"), "Deployment", {GUID: str(feed.guid)})
    worker = container(deployment, "worker")
    [beat_file] = [e["value"] for e in worker["env"] if e["name"] == "FLOWCAST_HEARTBEAT_FILE"]
    assert beat_file.startswith("/tmp/")  # the pod's one writable volume
    live = worker["livenessProbe"]["exec"]["command"]
    assert live == ["python", "-m", "pipelines.runtime.liveness", "--max-age", "60"]
    assert worker["readinessProbe"]["exec"]["command"][:3] == live[:3]
    assert worker["startupProbe"]["exec"]["command"] == live


def test_update_pipeline_changes_the_pod_template_so_apply_rolls_it_out(
    card_payments, k8s_export, settings
):
    pipeline, _, feed, _ = card_payments
    before = one(k8s_export("Card Payments"), "Deployment", {GUID: str(feed.guid)})
    cluster, settings.KAFKA_BOOTSTRAP_SERVERS = settings.KAFKA_BOOTSTRAP_SERVERS, ""
    services.deploy(pipeline)  # Update Pipeline (no broker here: no topics to create)
    settings.KAFKA_BOOTSTRAP_SERVERS = cluster
    after = one(k8s_export("Card Payments"), "Deployment", {GUID: str(feed.guid)})
    versions = [d["spec"]["template"]["metadata"]["annotations"] for d in (before, after)]
    assert versions == [{"flowcast.io/version": "1"}, {"flowcast.io/version": "2"}]
    assert before["metadata"]["name"] == after["metadata"]["name"]


def test_every_worker_has_a_disruption_budget_of_one_pod(card_payments, k8s_export):
    _, reader, feed, _ = card_payments
    documents = k8s_export("Card Payments")
    for component in (reader, feed):
        budget = one(documents, "PodDisruptionBudget", {GUID: str(component.guid)})
        deployment = one(documents, "Deployment", {GUID: str(component.guid)})
        assert budget["spec"]["maxUnavailable"] == 1
        assert budget["spec"]["selector"] == deployment["spec"]["selector"]


def test_intelligent_scaling_becomes_a_keda_scaled_object_on_the_consumer_group(
    card_payments, k8s_export
):
    pipeline, _, feed, event = card_payments
    documents = k8s_export(str(pipeline.pk))
    scaled = one(documents, "ScaledObject", {GUID: str(feed.guid)})
    deployment = one(documents, "Deployment", {GUID: str(feed.guid)})
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


def test_names_are_valid_kubernetes_names(card_payments, k8s_export):
    for document in k8s_export("Card Payments"):
        name = document["metadata"]["name"]
        assert len(name) <= 63 and name.replace("-", "").isalnum() and name == name.lower()
        if GUID in document["metadata"]["labels"]:
            assert name.startswith("card-payments-")


def test_without_names_it_exports_every_active_pipeline(card_payments, k8s_export):
    pipeline, _, feed, _ = card_payments
    documents = k8s_export()
    assert not [d for d in documents if GUID in d["metadata"].get("labels", {})]  # a draft
    services.set_active(pipeline, True)
    assert one(k8s_export(), "Deployment", {GUID: str(feed.guid)})


def test_it_refuses_unknown_and_never_deployed_pipelines(card_payments, django_user_model):
    with pytest.raises(CommandError, match="No pipeline with id or name 'Nope'"):
        call_command("export_k8s", "Nope", "--host", "flowcast.example.com")
    owner = django_user_model.objects.create_user("draft")
    services.create_pipeline(owner, name="Draft")
    with pytest.raises(CommandError, match="never been updated"):
        call_command("export_k8s", "Draft", "--host", "flowcast.example.com")


def test_the_host_defaults_to_the_first_public_allowed_host(card_payments, settings, tmp_path):
    out = tmp_path / "k8s.yaml"
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1"]
    with pytest.raises(CommandError, match="No public host name"):
        call_command("export_k8s", "Card Payments", "-o", str(out))
    settings.ALLOWED_HOSTS = ["localhost", ".streams.example.org"]
    call_command("export_k8s", "Card Payments", "-o", str(out))
    assert "host: streams.example.org" in out.read_text()
