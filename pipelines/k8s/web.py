"""The web tier: daphne processes behind a Service and an Ingress, and the migrate Job.

Clients keep their WebSockets for hours, so the Ingress must not time them out (nginx's
default closes a quiet proxied connection after 60 s); ingress-nginx passes the Upgrade
handshake on by itself. A web process that stops sends every client 1001 (producer.web),
and clients reconnect through the Service to the others: the preStop pause lets the
endpoints drop the pod before that, so reconnects never land on it.
"""

from __future__ import annotations

import hashlib

from pipelines.k8s.common import (
    APP,
    WEB,
    Site,
    container,
    disruption_budget,
    migrations_applied,
    pod_spec,
)

PORT = 8000
WEB_LABELS = {"app.kubernetes.io/name": APP, "app.kubernetes.io/component": "web"}
WEB_RESOURCES = {
    "requests": {"cpu": "500m", "memory": "256Mi"},
    "limits": {"cpu": "2000m", "memory": "1024Mi"},
}
STREAM_SECONDS = "3600"  # proxy read/send timeouts; daphne's 20 s pings keep streams busier
# Bodies up to API Ingestion's own 10 MB limit (it answers 413 above; settings).
BODY_LIMIT = "11m"


def web_tier(site: Site) -> list[dict]:
    return [
        migrate_job(site),
        web_deployment(site),
        service(),
        ingress(site),
        disruption_budget(WEB, WEB_LABELS, WEB_LABELS),
    ]


def web_command() -> list[str]:
    """The image's web process (`manage.py web`), trusting the Ingress' forwarded headers."""
    return ["python", "manage.py", "web", "--port", str(PORT), "--proxy-headers"]


def probe(path: str, site: Site, *, period: int, timeout: int, failures: int) -> dict:
    # The kubelet's Host would be the pod's address, which ALLOWED_HOSTS refuses (400).
    return {
        "httpGet": {
            "path": path,
            "port": "http",
            "httpHeaders": [{"name": "Host", "value": site.host}],
        },
        "periodSeconds": period,
        "timeoutSeconds": timeout,
        "failureThreshold": failures,
    }


def web_deployment(site: Site) -> dict:
    web = container(
        site,
        "web",
        web_command(),
        ports=[{"name": "http", "containerPort": PORT}],
        resources=WEB_RESOURCES,
        # Up to a minute to import and bind; then restarted only if the process stops
        # answering itself, never for an outage of a service it uses (/readyz).
        startupProbe=probe("/healthz", site, period=2, timeout=2, failures=30),
        livenessProbe=probe("/healthz", site, period=10, timeout=3, failures=3),
        readinessProbe=probe("/readyz", site, period=10, timeout=5, failures=2),
        lifecycle={"preStop": {"exec": {"command": ["sleep", "5"]}}},
    )
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": WEB, "labels": WEB_LABELS},
        "spec": {
            "replicas": site.web_replicas,
            "selector": {"matchLabels": WEB_LABELS},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1},
            },
            "template": {
                "metadata": {"labels": WEB_LABELS},
                # preStop 5 s, then daphne closes every socket with 1001 and exits.
                "spec": pod_spec([web], grace=30, init=[migrations_applied(site)]),
            },
        },
    }


def service() -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": WEB, "labels": WEB_LABELS},
        "spec": {
            "selector": WEB_LABELS,
            "ports": [{"name": "http", "port": 80, "targetPort": "http"}],
        },
    }


def ingress(site: Site) -> dict:
    annotations = {
        "nginx.ingress.kubernetes.io/proxy-read-timeout": STREAM_SECONDS,
        "nginx.ingress.kubernetes.io/proxy-send-timeout": STREAM_SECONDS,
        "nginx.ingress.kubernetes.io/proxy-http-version": "1.1",  # WebSocket upgrades
        "nginx.ingress.kubernetes.io/proxy-body-size": BODY_LIMIT,
        "nginx.ingress.kubernetes.io/ssl-redirect": "true",
    }
    backend = {"service": {"name": WEB, "port": {"name": "http"}}}
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": APP, "labels": WEB_LABELS, "annotations": annotations},
        "spec": {
            "ingressClassName": site.ingress_class,
            "tls": [{"hosts": [site.host], "secretName": site.tls_secret}],
            "rules": [
                {
                    "host": site.host,
                    "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]},
                }
            ],
        },
    }


def migrate_job(site: Site) -> dict:
    """`manage.py migrate` once per image: a Job's pod template cannot change, so a new
    image gets a new Job (named by the image) and `kubectl apply` never meets an old one."""
    digest = hashlib.sha256(site.image.encode()).hexdigest()[:10]
    labels = {"app.kubernetes.io/name": APP, "app.kubernetes.io/component": "migrate"}
    migrate = container(
        site, "migrate", ["python", "manage.py", "migrate", "--no-input"], resources=WEB_RESOURCES
    )
    pod = pod_spec([migrate], grace=30)
    pod["restartPolicy"] = "OnFailure"
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": f"{APP}-migrate-{digest}", "labels": labels},
        "spec": {
            "backoffLimit": 6,
            "ttlSecondsAfterFinished": 7 * 24 * 3600,
            "template": {"metadata": {"labels": labels}, "spec": pod},
        },
    }
