"""What a pipeline's components are doing: the monitoring view, the editor and the list.

Running instances report to Redis every second (pipelines.runtime.heartbeats); a component
with no fresh report is OFF. A component without a runner is served by the web processes
(API Ingestion): it is UP while its pipeline runs it, with the counters its requests keep
(pipelines.monitoring.ingest_counters). Everything here reads Redis only: no database write,
no Kafka call.
"""

from __future__ import annotations

from collections.abc import Iterable

from pipelines.models import Component, Pipeline
from pipelines.monitoring import aggregate, clients, ingest_counters
from pipelines.runtime import deployed_versions, heartbeats
from pipelines.runtime.deployed_versions import DeployedComponent
from pipelines.types import registry


def component_status(component: Component) -> dict:
    """One component's monitoring figures (a page of many reads them with statuses_of)."""
    guid = str(component.guid) if component.guid else ""
    reports = {guid: heartbeats.read(guid)} if guid else {}
    return statuses_of(component.pipeline, [component], reports)[0]


def _figures(
    component: Component, reports: list[dict], clients: int, deployed: DeployedComponent | None
) -> dict:
    """The status API's shape of one component; `deployed` None: not running in any version."""
    ctype = registry.get_type(component.type)
    if ctype.runner is None:
        figures = _served_by_web(str(component.guid or ""), deployed)
    else:
        figures = aggregate.summarize(reports)
    streams = ctype.streams == "ws"
    return {
        "id": component.pk,
        "guid": component.guid,
        "name": component.name,
        "type": component.type,
        "type_label": ctype.label,
        "runs_in": "workers" if ctype.runner else "web",
        "deployed": deployed is not None,
        **figures,
        "clients": clients if streams else None,
        "scaling": _scaling(deployed),
        "resources": _resources(deployed),
        "failover_event": deployed.failover.name if deployed and deployed.failover else None,
    }


def _served_by_web(guid: str, deployed: DeployedComponent | None) -> dict:
    served = {**aggregate.summarize([]), **(ingest_counters.read(guid) if guid else {})}
    served["state"] = "UP" if deployed is not None else "OFF"
    return served


def _scaling(deployed: DeployedComponent | None) -> dict | None:
    """The deployed instance bounds and lag threshold, to read the lag and count against."""
    if deployed is None:
        return None
    return {
        "intelligent": bool(deployed.setting("basic", "intelligent_scaling", False)),
        "min_instances": deployed.resources.min_instances,
        "max_instances": deployed.resources.max_instances,
        "lag_threshold": deployed.resources.lag_threshold,
    }


def _resources(deployed: DeployedComponent | None) -> dict | None:
    """What Resource Configuration asks for each instance (CPU millicores, memory MB)."""
    if deployed is None:
        return None
    keys = aggregate.RESOURCE_KEYS
    return {k: deployed.setting("resources", k) for k in keys if deployed.setting("resources", k)}


def pipeline_status(pipeline: Pipeline) -> dict:
    components = list(Component.objects.filter(pipeline=pipeline).order_by("id"))
    statuses = statuses_of(pipeline, components)
    return {
        "status": pipeline.status,
        "components": statuses,
        "summary": aggregate.pipeline_summary(statuses, _sinks(pipeline)),
    }


def _sinks(pipeline: Pipeline) -> set[int]:
    """Deployed components with no output event: where records leave the pipeline."""
    return {pk for pk, d in deployed_versions.of_pipeline(pipeline).items() if not d.outputs}


def statuses_of(
    pipeline: Pipeline,
    components: list[Component],
    instances_by_guid: dict[str, list[dict]] | None = None,
) -> list[dict]:
    """Every component's status from one scan of the heartbeats (or the reports given)."""
    deployed = deployed_versions.of_pipeline(pipeline)
    if instances_by_guid is None:
        instances_by_guid = heartbeats.read_all()
    sessions = clients.connected_clients_of([str(c.ingestion_id) for c in components])
    return [
        _figures(
            c,
            instances_by_guid.get(str(c.guid), []) if c.guid else [],
            sessions.get(str(c.ingestion_id), 0),
            deployed.get(c.pk),
        )
        for c in components
    ]


def summaries(pipelines: Iterable[Pipeline]) -> list[dict]:
    """One line per active pipeline for the pipeline list (aggregate.pipeline_summary)."""
    active = [p for p in pipelines if p.status == Pipeline.Status.ACTIVE]
    reports = heartbeats.read_all() if active else {}
    found = []
    for pipeline in active:
        components = list(pipeline.components.order_by("id"))
        statuses = statuses_of(pipeline, components, reports)
        found.append({"id": pipeline.pk, **aggregate.pipeline_summary(statuses, _sinks(pipeline))})
    return found
