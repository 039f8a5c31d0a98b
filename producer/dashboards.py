"""Which WebSocket Producers a user may watch, and what their dashboards say about them.

The /dashboards/ list and each dashboard page read these summaries through the API
(`/api/producers/`), so the pages poll one small resource instead of every pipeline's status.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from pipelines.dev import demo
from pipelines.models import Component
from pipelines.monitoring.status import component_status, statuses_of
from pipelines.runtime import deployed_versions
from pipelines.security.access import visible_pipelines
from pipelines.types import registry

STATUS_FIELDS = ("state", "instances", "clients", "records_per_sec", "last_processed_at")


def visible_producers(user) -> QuerySet[Component]:
    return (
        # The deployed version's id and time find its parsed snapshot
        # (pipelines.runtime.deployed_versions) without a query per producer; the snapshot
        # itself is read once per process.
        Component.with_removed.select_related("pipeline__current_version")
        .defer("pipeline__current_version__snapshot")
        .filter(type__in=registry.streaming_types(), pipeline__in=visible_pipelines(user))
        .order_by("pipeline__name", "name", "pk")
    )


def summary(component: Component, reports: dict[str, list[dict]] | None = None) -> dict:
    """How a producer streams and how it is doing; `reports` are instances.read_all()'s, when
    a page lists many producers (one Redis scan instead of one per producer)."""
    deployed = deployed_versions.of_pipeline(component.pipeline).get(component.pk)
    meta = component.config.get("meta") or {}
    frame_format = (deployed.setting("meta", "frame_format", None) if deployed else None) or (
        meta.get("frame_format", "envelope")
    )
    status = (
        component_status(component)
        if reports is None
        else statuses_of(component.pipeline, [component], reports)[0]
    )
    return {
        # The handshake refuses any other case (producer.auth), so the page doesn't try.
        "streaming": bool(deployed and deployed.inputs),
        "frame_format": frame_format,
        "partitions": deployed.inputs[0].partitions if deployed and deployed.inputs else None,
        "status": {name: status.get(name) for name in STATUS_FIELDS},
        "dashboards": dashboards_for(component),
    }


def dashboards_for(component: Component) -> list[dict]:
    """The dashboard pages offered for a producer: every one has the live records page."""
    links = [
        {
            "kind": "live",
            "label": "Live records",
            "url": reverse("dashboard-live", args=[component.pk]),
        }
    ]
    if demo.is_demo_feed(component):
        links.append(
            {
                "kind": "transactions",
                "label": "Transactions",
                "url": reverse("dashboard-transactions", args=[component.pk]),
            }
        )
    return links


def demo_feed_for(user) -> Component | None:
    """The demo's producer, if it is loaded and the user may see it."""
    return (
        visible_producers(user)
        .filter(name=demo.DEMO_FEED, pipeline__name=demo.DEMO_PIPELINE)
        .order_by("pk")
        .first()
    )
