"""Workers: a Deployment per deployed component with a runner, its KEDA ScaledObject, its
PodDisruptionBudget.

Each pod runs `run_component <guid>` with the component's Resource Configuration as
requests and limits. Its probes read the runner's liveness file (pipelines.runtime.liveness),
which the loop touches on every turn and every back-off wait: a stuck worker is
restarted, one that waits for Kafka or Redis to come back is not.

KEDA's Kafka scaler asks for ceil(total lag ÷ lagThreshold) replicas. Our local rule adds
an instance once the lag passes 60 % of the component's lag threshold, so lagThreshold is
60 % of it: one replica stays enough below that, each further 60 % asks for one more. KEDA
never asks for more replicas than partitions (allowIdleConsumers false) and the HPA
behaviour below adds or removes one pod at a time after the same stable periods.
"""

from __future__ import annotations

import math

from django.utils.module_loading import import_string

from pipelines.k8s.common import (
    APP,
    TMP,
    Site,
    container,
    disruption_budget,
    migrations_applied,
    pod_spec,
    slug,
)
from pipelines.rules.scaling import UP_RATIO, Bounds, Timing
from pipelines.runtime import liveness
from pipelines.runtime.deployed_versions import DeployedComponent
from pipelines.runtime.runner import LagSource
from pipelines.runtime.supervisor import scales, wanted_instances
from pipelines.types import registry

HEARTBEAT_FILE = f"{TMP}/flowcast-heartbeat"
VERSION = "flowcast.io/version"  # pod annotation: the pipeline version the pods run
LIVE_SECONDS = 60  # no beat for this long: restart (the longest back-off wait is 5 s)
READY_SECONDS = 15


def workers(
    site: Site, pipeline_name: str, components: list[DeployedComponent], timing: Timing
) -> list[dict]:
    """Deployments, disruption budgets and ScaledObjects of the components with a runner."""
    out: list[dict] = []
    for d in sorted(components, key=lambda c: c.name):
        runner_path = registry.get_type(d.type).runner
        if runner_path is None:
            continue
        name = resource_name(pipeline_name, d)
        source = import_string(runner_path).lag_source(d) if scales(d) else None
        # KEDA's autoscaler owns the replica count of a scaling component: with a count in
        # the manifest every `kubectl apply` would reset it to that.
        replicas = None if source is not None else wanted_instances(d)
        out.append(deployment(site, d, name, replicas))
        out.append(disruption_budget(name, labels(d), selector(d)))
        if source is not None:
            out.append(scaled_object(d, name, source, timing))
    return out


def resource_name(pipeline_name: str, d: DeployedComponent) -> str:
    """A DNS-1123 name: pipeline and component slugs, unique by the GUID's first 8 hex."""
    base = f"{slug(pipeline_name)}-{slug(d.name)}".strip("-")[:50].strip("-")
    return f"{base or 'component'}-{d.guid.replace('-', '')[:8]}"


def labels(d: DeployedComponent) -> dict:
    return {
        "app.kubernetes.io/name": APP,
        "app.kubernetes.io/component": d.type.replace("_", "-"),
        "flowcast.io/pipeline": str(d.pipeline_id),
        "flowcast.io/guid": d.guid,
    }


def selector(d: DeployedComponent) -> dict:
    return {"flowcast.io/guid": d.guid}


def liveness_probe(max_age: int, *, period: int, failures: int) -> dict:
    command = ["python", "-m", "pipelines.runtime.liveness", "--max-age", str(max_age)]
    return {
        "exec": {"command": command},
        "periodSeconds": period,
        "timeoutSeconds": 5,
        "failureThreshold": failures,
    }


def deployment(site: Site, d: DeployedComponent, name: str, replicas: int | None) -> dict:
    worker = container(
        site,
        "worker",
        ["python", "manage.py", "run_component", d.guid],
        env=[{"name": liveness.ENV, "value": HEARTBEAT_FILE}],
        resources=resources(d),
        # The first beat comes once the runner opened its consumer: allow a minute.
        startupProbe=liveness_probe(LIVE_SECONDS, period=3, failures=20),
        livenessProbe=liveness_probe(LIVE_SECONDS, period=15, failures=2),
        readinessProbe=liveness_probe(READY_SECONDS, period=10, failures=1),
    )
    spec = {} if replicas is None else {"replicas": replicas}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels(d)},
        "spec": {
            **spec,
            "selector": {"matchLabels": selector(d)},
            "template": {
                # A new deployed version changes the template: `kubectl apply` after Update
                # Pipeline rolls the pods over to it, as the supervisor restarts instances.
                "metadata": {"labels": labels(d), "annotations": {VERSION: str(d.version)}},
                # SIGTERM finishes the batch and commits (pipelines.runtime.runner).
                "spec": pod_spec([worker], grace=30, init=[migrations_applied(site)]),
            },
        },
    }


def resources(d: DeployedComponent) -> dict:
    r = d.resources  # the form's MB are MiB
    return {
        "requests": {"cpu": f"{r.cpu_request}m", "memory": f"{r.memory_request}Mi"},
        "limits": {"cpu": f"{r.cpu_limit}m", "memory": f"{r.memory_limit}Mi"},
    }


def scaled_object(d: DeployedComponent, name: str, source: LagSource, timing: Timing) -> dict:
    bounds = _bounds(d)
    threshold = d.resources.lag_threshold
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
        d.resources.min_instances,
        max(d.resources.max_instances, 1),
        partitions,
    )
