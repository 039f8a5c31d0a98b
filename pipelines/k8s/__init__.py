"""Kubernetes manifests for the whole system (`manage.py export_k8s`).

- common: the ConfigMap, references to the Secret, and what every pod shares (non-root
  user, read-only root filesystem, the migrations-applied init container);
- web: the migrate Job, the web Deployment (probes on /healthz and /readyz), its Service,
  Ingress and PodDisruptionBudget;
- workers: per deployed component with a runner a Deployment (Resource Configuration as
  requests and limits, probes on the runner's liveness file), a PodDisruptionBudget and,
  with Intelligent Scaling, a KEDA ScaledObject on its consumer group's lag.
"""

from __future__ import annotations

from pipelines.k8s.common import Site, config_map
from pipelines.k8s.web import web_tier
from pipelines.k8s.workers import workers
from pipelines.rules.scaling import Timing
from pipelines.runtime.deployed_versions import DeployedComponent

__all__ = ["Site", "system"]


def system(
    site: Site, pipelines: list[tuple[str, list[DeployedComponent]]], timing: Timing
) -> list[dict]:
    """Every manifest, in the order `kubectl apply` should meet them."""
    documents = [config_map(site), *web_tier(site)]
    for name, components in pipelines:
        documents += workers(site, name, components, timing)
    return documents
