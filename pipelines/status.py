"""What a pipeline's components are doing, as the editor and list pages show it.

Running instances report to Redis every second (pipelines.instances); a component with no
fresh report is OFF.
"""

from __future__ import annotations

from pipelines import instances
from pipelines.models import Component, Pipeline


def component_status(component: Component) -> dict:
    reports = instances.read(str(component.guid)) if component.guid else []
    rate = sum(r.get("records_per_sec", 0.0) for r in reports)
    return {
        "id": component.pk,
        "guid": component.guid,
        "state": "UP" if reports else "OFF",
        "instances": len(reports),
        "records_per_sec": round(rate, 1),
        "records_in": sum(r.get("records_in", 0) for r in reports),
        "records_out": sum(r.get("records_out", 0) for r in reports),
        "failed": sum(r.get("failed", 0) for r in reports),
        "last_error": next((r["last_error"] for r in reports if r.get("last_error")), ""),
        "last_processed_at": max((r.get("last_processed_at", 0) for r in reports), default=0)
        or None,
        "last_batch_records": max((r.get("last_batch_records", 0) for r in reports), default=0),
        "clients": instances.connected_clients(component.ingestion_id),
    }


def pipeline_status(pipeline: Pipeline) -> dict:
    components = Component.objects.filter(pipeline=pipeline).order_by("id")
    return {"status": pipeline.status, "components": [component_status(c) for c in components]}
