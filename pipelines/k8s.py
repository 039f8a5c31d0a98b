"""Kubernetes manifests for a deployed pipeline version (`manage.py export_k8s`).

A Deployment per component with a runner, running `run_component <guid>` with its
Resource Configuration as requests and limits; for a component with Intelligent Scaling a
KEDA ScaledObject on the lag of the instances' consumer group.

KEDA's Kafka scaler asks for ceil(total lag ÷ lagThreshold) replicas. Our local rule adds
an instance once the lag passes 60 % of the component's lag threshold, so lagThreshold is
60 % of it: one replica stays enough below that, each further 60 % asks for one more. KEDA
never asks for more replicas than partitions (allowIdleConsumers false) and the HPA
behaviour below adds or removes one pod at a time after the same stable periods.
"""

from __future__ import annotations

import math
import re

from django.utils.module_loading import import_string

from pipelines import registry
from pipelines.deployment import DeployedComponent
from pipelines.runner import LagSource
from pipelines.scaling import UP_RATIO, Bounds, Timing
from pipelines.supervisor import scales, wanted_instances

APP = "flowcast"
ENV_SOURCE = "flowcast"  # ConfigMap and Secret with DATABASE_URL, REDIS_URL, SECRET_KEY, …


def manifests(
    components: list[DeployedComponent],
    *,
    pipeline_name: str,
    image: str,
    bootstrap: str,
    timing: Timing | None = None,
) -> list[dict]:
    """Deployments (and ScaledObjects) for the components that have a runner."""
    out: list[dict] = []
    for d in sorted(components, key=lambda c: c.name):
        runner_path = registry.get_type(d.type).runner
        if runner_path is None:
            continue
        name = resource_name(pipeline_name, d)
        source = import_string(runner_path).lag_source(d) if scales(d) else None
        replicas = _bounds(d).low if source is not None else wanted_instances(d)
        out.append(deployment(d, name, image, bootstrap, replicas))
        if source is not None:
            out.append(scaled_object(d, name, source, timing or Timing()))
    return out


def resource_name(pipeline_name: str, d: DeployedComponent) -> str:
    """A DNS-1123 name: pipeline and component slugs, unique by the GUID's first 8 hex."""
    base = f"{_slug(pipeline_name)}-{_slug(d.name)}".strip("-")[:50].strip("-")
    return f"{base or 'component'}-{d.guid.replace('-', '')[:8]}"


def labels(d: DeployedComponent) -> dict:
    return {
        "app.kubernetes.io/name": APP,
        "app.kubernetes.io/component": d.type.replace("_", "-"),
        "flowcast.io/pipeline": str(d.pipeline_id),
        "flowcast.io/guid": d.guid,
    }


def deployment(d: DeployedComponent, name: str, image: str, bootstrap: str, replicas: int) -> dict:
    selector = {"flowcast.io/guid": d.guid}
    container = {
        "name": "worker",
        "image": image,
        "command": ["python", "manage.py", "run_component", d.guid],
        "env": [{"name": "KAFKA_BOOTSTRAP_SERVERS", "value": bootstrap}],
        "envFrom": [
            {"configMapRef": {"name": ENV_SOURCE, "optional": True}},
            {"secretRef": {"name": ENV_SOURCE, "optional": True}},
        ],
        "resources": resources(d),
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels(d)},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": selector},
            "template": {
                "metadata": {"labels": labels(d)},
                "spec": {
                    # SIGTERM finishes the batch and commits (pipelines.runner).
                    "terminationGracePeriodSeconds": 30,
                    "containers": [container],
                },
            },
        },
    }


def resources(d: DeployedComponent) -> dict:
    def cpu(key: str, default: int) -> str:
        return f"{int(d.setting('resources', key, default))}m"

    def memory(key: str, default: int) -> str:
        return f"{int(d.setting('resources', key, default))}Mi"  # the form's MB are MiB

    return {
        "requests": {"cpu": cpu("cpu_request", 250), "memory": memory("memory_request", 256)},
        "limits": {"cpu": cpu("cpu_limit", 1000), "memory": memory("memory_limit", 512)},
    }


def scaled_object(d: DeployedComponent, name: str, source: LagSource, timing: Timing) -> dict:
    bounds = _bounds(d)
    threshold = int(d.setting("resources", "lag_threshold", 10_000))
    one_pod = {"type": "Pods", "value": 1, "periodSeconds": max(int(timing.cooldown), 1)}
    return {
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "ScaledObject",
        "metadata": {"name": name, "labels": labels(d)},
        "spec": {
            "scaleTargetRef": {"name": name},
            "minReplicaCount": bounds.low,
            "maxReplicaCount": bounds.high,
            "pollingInterval": 5,
            "cooldownPeriod": int(timing.down_after),
            "advanced": {
                "horizontalPodAutoscalerConfig": {
                    "behavior": {
                        "scaleUp": {
                            "stabilizationWindowSeconds": int(timing.up_after),
                            "policies": [one_pod],
                        },
                        "scaleDown": {
                            "stabilizationWindowSeconds": int(timing.down_after),
                            "policies": [one_pod],
                        },
                    }
                }
            },
            "triggers": [
                {
                    "type": "kafka",
                    "metadata": {
                        "bootstrapServers": source.servers,
                        "consumerGroup": source.group,
                        "topic": source.topic,
                        "lagThreshold": str(max(math.ceil(threshold * UP_RATIO), 1)),
                        "offsetResetPolicy": source.offset_reset,
                        "allowIdleConsumers": "false",
                    },
                }
            ],
        },
    }


def _bounds(d: DeployedComponent) -> Bounds:
    """Replica bounds: min/max instances, capped by the input event's partitions if known."""
    partitions = d.inputs[0].partitions if d.inputs else None
    return Bounds(
        int(d.setting("resources", "min_instances", 1) or 0),
        int(d.setting("resources", "max_instances", 1) or 1),
        partitions,
    )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
