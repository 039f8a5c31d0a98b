"""What a pipeline's components are doing, as the editor and list pages show it.

Instances report heartbeats to the runtime status store; until one has, a component is OFF.
"""

from __future__ import annotations

from pipelines.models import Component, Pipeline


def pipeline_status(pipeline: Pipeline) -> dict:
    components = Component.objects.filter(pipeline=pipeline).order_by("id")
    return {
        "status": pipeline.status,
        "components": [
            {
                "id": c.pk,
                "guid": c.guid,
                "state": "OFF",
                "instances": 0,
                "records_per_sec": 0.0,
                "clients": 0,
            }
            for c in components
        ],
    }
