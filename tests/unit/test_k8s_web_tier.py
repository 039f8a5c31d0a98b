"""`manage.py export_k8s`: the web tier, its settings and how Kubernetes probes it."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.unit.manifests import COMPONENT, HOST, IMAGE, container, one

pytestmark = pytest.mark.django_db

WEB = {COMPONENT: "web"}


def test_the_web_deployment_runs_the_images_web_command_behind_the_proxy(card_payments, k8s_export):
    documents = k8s_export()
    deployment = one(documents, "Deployment", WEB)
    web = container(deployment, "web")
    assert web["image"] == IMAGE
    assert web["command"] == ["python", "manage.py", "web", "--port", "8000", "--proxy-headers"]
    assert web["ports"] == [{"name": "http", "containerPort": 8000}]
    assert deployment["spec"]["replicas"] == 2
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert web["lifecycle"]["preStop"]["exec"]["command"] == ["sleep", "5"]
    [init] = deployment["spec"]["template"]["spec"]["initContainers"]
    assert init["command"] == ["python", "manage.py", "migrate", "--check"]


def test_liveness_is_healthz_and_readiness_is_readyz_with_an_allowed_host(
    card_payments, k8s_export
):
    documents = k8s_export()
    web = container(one(documents, "Deployment", WEB), "web")
    allowed = one(documents, "ConfigMap")["data"]["ALLOWED_HOSTS"].split(",")
    for kind, path in [
        ("startupProbe", "/healthz"),
        ("livenessProbe", "/healthz"),
        ("readinessProbe", "/readyz"),
    ]:
        get = web[kind]["httpGet"]
        assert (get["path"], get["port"]) == (path, "http"), kind
        [host] = [h["value"] for h in get["httpHeaders"] if h["name"] == "Host"]
        assert host in allowed, f"{kind}: Django would answer 400 to Host {host}"
    # /readyz waits up to 2 s per check: the probe must wait longer than that.
    assert web["readinessProbe"]["timeoutSeconds"] > 2


def test_the_yaml_has_no_anchors_or_aliases(card_payments, tmp_path):
    out = tmp_path / "k8s.yaml"
    call_command("export_k8s", "--host", HOST, "--output", str(out))
    assert "&id" not in out.read_text() and "*id" not in out.read_text()


def test_the_service_and_ingress_carry_websockets_for_an_hour(card_payments, k8s_export):
    documents = k8s_export()
    service = one(documents, "Service", WEB)
    deployment = one(documents, "Deployment", WEB)
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    assert service["spec"]["ports"] == [{"name": "http", "port": 80, "targetPort": "http"}]
    ingress = one(documents, "Ingress")
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"] == "3600"
    assert annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"] == "3600"
    assert annotations["nginx.ingress.kubernetes.io/proxy-http-version"] == "1.1"
    [rule] = ingress["spec"]["rules"]
    assert rule["host"] == HOST
    [path] = rule["http"]["paths"]
    assert (path["path"], path["pathType"]) == ("/", "Prefix")
    assert path["backend"]["service"]["name"] == service["metadata"]["name"]
    assert ingress["spec"]["tls"] == [{"hosts": [HOST], "secretName": "flowcast-tls"}]


def test_settings_come_from_a_config_map_and_secrets_only_by_reference(
    card_payments, k8s_export, settings
):
    settings.SECRET_KEY = "a-secret-key-that-must-never-leave-this-process"
    settings.REDIS_URL = "redis://:hunter2-password@redis:6379/0"
    documents = k8s_export()
    text = repr(documents)
    assert settings.SECRET_KEY not in text and "hunter2" not in text
    assert not [d for d in documents if d["kind"] == "Secret"]
    data = one(documents, "ConfigMap")["data"]
    assert data["FLOWCAST_BEHIND_TLS_PROXY"] == "true"
    assert data["CSRF_TRUSTED_ORIGINS"] == f"https://{HOST}"
    assert data["FLOWCAST_IMAGE"] == IMAGE  # what Container Image Version shows in the pods
    for document in documents:
        spec = document.get("spec", {}).get("template", {}).get("spec")
        if spec is None:
            continue
        for c in spec["containers"] + spec.get("initContainers", []):
            refs = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in c["env"] if "valueFrom" in e}
            secret_key = {"name": "flowcast", "key": "SECRET_KEY", "optional": False}
            assert refs["SECRET_KEY"] == secret_key
            assert refs["DATABASE_URL"]["optional"] is False
            assert refs["FLOWCAST_METRICS_TOKEN"]["optional"] is True
            assert all("value" not in e for e in c["env"] if e["name"] in refs)


def test_every_container_runs_as_the_images_user_on_a_read_only_filesystem_with_limits(
    card_payments, k8s_export
):
    for document in k8s_export("Card Payments"):
        spec = document.get("spec", {}).get("template", {}).get("spec")
        if spec is None:
            continue
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] == 10001
        for c in spec["containers"] + spec.get("initContainers", []):
            assert c["securityContext"]["readOnlyRootFilesystem"] is True
            assert c["securityContext"]["capabilities"] == {"drop": ["ALL"]}
            assert {"name": "tmp", "mountPath": "/tmp"} in c["volumeMounts"]
            assert c["resources"]["requests"] and c["resources"]["limits"]  # quotas need both


def test_migrations_run_once_per_image_in_a_job(card_payments, k8s_export):
    job = one(k8s_export(), "Job")
    [migrate] = job["spec"]["template"]["spec"]["containers"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert migrate["image"] == IMAGE
    assert job["metadata"]["name"].startswith("flowcast-migrate-")


def test_the_web_tier_has_a_disruption_budget_of_one_pod(card_payments, k8s_export):
    documents = k8s_export()
    budget = one(documents, "PodDisruptionBudget", WEB)
    assert budget["spec"]["maxUnavailable"] == 1
    assert budget["spec"]["selector"] == one(documents, "Deployment", WEB)["spec"]["selector"]
