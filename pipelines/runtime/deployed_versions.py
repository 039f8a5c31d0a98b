"""What is deployed: components as their PipelineVersion snapshot describes them.

Workers, the ingest endpoint and the WebSocket consumer read these, never the editor rows,
so an edit in progress changes nothing until the next Update Pipeline.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

from pipelines.models import Pipeline, PipelineVersion
from pipelines.types.resources import Resources


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int
    retention_hours: int
    kind: str


@dataclass(frozen=True)
class DeployedComponent:
    guid: str
    type: str
    name: str
    component_id: int
    pipeline_id: int
    version: int
    ingestion_id: str
    config: dict
    inputs: tuple[Topic, ...]
    outputs: tuple[Topic, ...]
    failover: Topic | None
    source_format: str  # how records on the inputs are encoded: json, text or bytes

    def setting(self, tab: str, name: str, default=None):
        return (self.config.get(tab) or {}).get(name, default)

    @property
    def resources(self) -> Resources:
        """Resource Configuration with the tab's defaults (the one reader of that tab)."""
        return Resources.of(self.config.get("resources"))


def from_snapshot(snapshot: dict, pipeline_id: int, version: int) -> list[DeployedComponent]:
    events = {e["id"]: e for e in snapshot["events"]}
    components = {c["id"]: c for c in snapshot["components"]}
    wires = snapshot["connections"]

    def topics(component_id: int, direction: str) -> tuple[Topic, ...]:
        return tuple(
            _topic(events[w["event"]])
            for w in wires
            if w["component"] == component_id and w["direction"] == direction
        )

    deployed = []
    for c in components.values():
        failover_id = (c["config"].get("basic") or {}).get("failover_event")
        inputs = topics(c["id"], "input")
        deployed.append(
            DeployedComponent(
                guid=c["guid"],
                type=c["type"],
                name=c["name"],
                component_id=c["id"],
                pipeline_id=pipeline_id,
                version=version,
                ingestion_id=c["ingestion_id"],
                config=c["config"],
                inputs=inputs,
                outputs=topics(c["id"], "output"),
                failover=_topic(events[failover_id]) if failover_id in events else None,
                source_format=_source_format(inputs, events, components, wires),
            )
        )
    return deployed


def _topic(event: dict) -> Topic:
    return Topic(event["topic"], event["partitions"], event["retention_hours"], event["kind"])


def _source_format(inputs, events, components, wires) -> str:
    """The record format of whatever writes into the input events (JSON unless told)."""
    input_topics = {t.name for t in inputs}
    for w in wires:
        if w["direction"] == "output" and events[w["event"]]["topic"] in input_topics:
            meta = components[w["component"]]["config"].get("meta") or {}
            if meta.get("record_format"):
                return meta["record_format"]
    return "json"


def active_deployments() -> Iterator[DeployedComponent]:
    pipelines = Pipeline.objects.filter(
        status=Pipeline.Status.ACTIVE, current_version__isnull=False
    )
    for pipeline in pipelines.select_related("current_version"):
        version = pipeline.current_version
        yield from from_snapshot(version.snapshot, pipeline.pk, version.number)


def of_component(component) -> DeployedComponent | None:
    """The deployed form of an editor component, if its pipeline is active and includes it."""
    pipeline = component.pipeline
    if pipeline.status != Pipeline.Status.ACTIVE or pipeline.current_version_id is None:
        return None
    stamp = PipelineVersion.objects.filter(pk=pipeline.current_version_id).values_list(
        "created_at", flat=True
    )
    deployed = _version_deployments(pipeline.current_version_id, stamp.first())
    return next((d for d in deployed if d.component_id == component.pk), None)


def of_pipeline(pipeline: Pipeline) -> dict[int, DeployedComponent]:
    """The deployed components of an active pipeline by editor component id; {} otherwise."""
    if pipeline.status != Pipeline.Status.ACTIVE or pipeline.current_version_id is None:
        return {}
    version = pipeline.current_version
    deployed = _version_deployments(version.pk, version.created_at)
    return {d.component_id: d for d in deployed}


@functools.lru_cache(maxsize=256)
def _version_deployments(version_id: int, created_at) -> tuple[DeployedComponent, ...]:
    """Versions never change, so a handshake storm parses each snapshot once per process.

    The creation time is part of the key: a rolled-back test may hand the same id out again.
    """
    version = PipelineVersion.objects.get(pk=version_id)
    return tuple(from_snapshot(version.snapshot, version.pipeline_id, version.number))


def find(guid: str) -> DeployedComponent | None:
    return next((d for d in active_deployments() if d.guid == str(guid)), None)
