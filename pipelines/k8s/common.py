"""What every tier shares: names, labels, the ConfigMap, Secret references, pod settings.

Settings reach the pods as the environment (DESIGN §8): what is not secret from one
ConfigMap, what is secret by reference to one Secret that the operator creates
(`kubectl create secret generic flowcast --from-literal=SECRET_KEY=…`). No secret value
is ever written: the exporter does not know them and must not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

APP = "flowcast"
WEB = f"{APP}-web"  # the web tier's Deployment, Service and PodDisruptionBudget
UID = 10001  # the image's non-root user (Dockerfile)
TMP = "/tmp"  # the one writable place: the root filesystem is read-only


@dataclass(frozen=True)
class Site:
    """Where and how the system runs: what export_k8s' options say."""

    image: str
    host: str  # the public host name: Ingress rule, ALLOWED_HOSTS, the probes' Host header
    bootstrap: str  # Kafka bootstrap servers as the cluster sees them
    web_replicas: int = 2
    ingress_class: str = "nginx"
    tls_secret: str = f"{APP}-tls"
    secret: str = APP  # the Secret holding SECRET_KEY, DATABASE_URL, REDIS_URL, …
    config_map: str = APP


# Variables read from the Secret (under the same key) → required; the optional ones may
# be left out of it.
SECRET_ENV = {
    "SECRET_KEY": True,
    "DATABASE_URL": True,
    "REDIS_URL": True,  # may carry a password
    "FLOWCAST_METRICS_TOKEN": False,
}


def config_map(site: Site) -> dict:
    data = {
        "KAFKA_BOOTSTRAP_SERVERS": site.bootstrap,
        # A Kafka cluster answers a waiting fetch as soon as records arrive, so a longer
        # wait costs no latency and saves idle requests (the 5 ms default suits the
        # embedded broker, which holds a fetch for all of it).
        "FLOWCAST_KAFKA_FETCH_WAIT_MS": "100",
        "ALLOWED_HOSTS": f"{site.host},{WEB}",  # the public name and the in-cluster Service
        "CSRF_TRUSTED_ORIGINS": f"https://{site.host}",
        # The Ingress terminates TLS and overwrites X-Forwarded-Proto and X-Forwarded-For.
        "FLOWCAST_BEHIND_TLS_PROXY": "true",
        "FLOWCAST_DEPLOYMENT_TYPE": "kubernetes",
        "FLOWCAST_IMAGE": site.image,  # what Container Image Version shows
        "DEBUG": "false",
        "LOG_LEVEL": "INFO",
    }
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": site.config_map, "labels": {"app.kubernetes.io/name": APP}},
        "data": data,
    }


def environment(site: Site) -> dict:
    """`env` and `envFrom` of every Flowcast container."""
    env = [
        {
            "name": name,
            "valueFrom": {
                "secretKeyRef": {"name": site.secret, "key": name, "optional": not required}
            },
        }
        for name, required in SECRET_ENV.items()
    ]
    return {"envFrom": [{"configMapRef": {"name": site.config_map}}], "env": env}


def container(site: Site, name: str, command: list[str], *, env=(), **fields) -> dict:
    """A Flowcast container: the image, its settings, non-root on a read-only filesystem."""
    settings = environment(site)
    return {
        "name": name,
        "image": site.image,
        "command": command,
        "envFrom": settings["envFrom"],
        "env": [*settings["env"], *env],
        **fields,
        "securityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        },
        "volumeMounts": [{"name": "tmp", "mountPath": TMP}],
    }


def migrations_applied(site: Site) -> dict:
    """Init container: the pod starts once the database has every migration (migrate Job)."""
    return container(
        site,
        "migrations-applied",
        ["python", "manage.py", "migrate", "--check"],
        resources={
            "requests": {"cpu": "100m", "memory": "128Mi"},
            "limits": {"cpu": "1000m", "memory": "256Mi"},
        },
    )


def pod_spec(containers: list[dict], *, grace: int, init: list[dict] | None = None) -> dict:
    spec = {
        "automountServiceAccountToken": False,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": UID,
            "runAsGroup": UID,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "terminationGracePeriodSeconds": grace,
        "containers": containers,
        "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "256Mi"}}],
    }
    if init:
        spec["initContainers"] = init
    return spec


def disruption_budget(name: str, labels: dict, selector: dict) -> dict:
    """Voluntary evictions (node drains, upgrades) take one pod of the set at a time."""
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": name, "labels": labels},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector}},
    }


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
