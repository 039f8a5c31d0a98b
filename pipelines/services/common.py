"""What every service needs: row locks, revision checks, graph loading, after-commit sends."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from pipelines.exceptions import StaleRevision
from pipelines.models import Component, Connection, Event, Pipeline
from pipelines.rules import graph
from pipelines.types import registry


def lock_pipeline(pipeline_id: int, rev: int | None = None) -> Pipeline:
    """Lock the pipeline row for this transaction; refuse a stale revision."""
    pipeline = Pipeline.objects.select_for_update().get(pk=pipeline_id)
    if rev is not None and rev != pipeline.rev:
        raise StaleRevision(rev, pipeline.rev)
    return pipeline


def bump(pipeline: Pipeline) -> int:
    pipeline.rev += 1
    pipeline.updated_at = timezone.now()
    Pipeline.objects.filter(pk=pipeline.pk).update(rev=pipeline.rev, updated_at=pipeline.updated_at)
    return pipeline.rev


def send_on_commit(signal: Signal, **kwargs) -> None:
    transaction.on_commit(lambda: signal.send(sender=Pipeline, **kwargs))


def event_nodes(pipeline: Pipeline) -> list[graph.EventNode]:
    return [graph.EventNode(e.id, e.name, e.kind) for e in Event.objects.filter(pipeline=pipeline)]


def component_node(component: Component) -> graph.ComponentNode:
    ctype = registry.get_type(component.type)
    failover = (component.config.get("basic") or {}).get("failover_event")
    return graph.ComponentNode(
        id=component.id,
        name=component.name,
        type_label=ctype.label,
        wiring=ctype.wiring,
        failover_event=failover,
    )


def wires(pipeline: Pipeline) -> list[graph.Wire]:
    rows = Connection.objects.filter(pipeline=pipeline).values_list(
        "event_id", "component_id", "direction"
    )
    return [graph.Wire(e, c, d) for e, c, d in rows]


def node_names(pipeline: Pipeline, *, exclude: object | None = None) -> list[str]:
    names = [
        (obj, obj.name)
        for obj in [
            *Event.objects.filter(pipeline=pipeline),
            *Component.objects.filter(pipeline=pipeline),
        ]
    ]
    return [name for obj, name in names if not _same(obj, exclude)]


def _same(a: object, b: object | None) -> bool:
    return b is not None and type(a) is type(b) and a.pk == b.pk  # type: ignore[attr-defined]
