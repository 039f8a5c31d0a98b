"""Create, change and remove events (the Kafka topics between components)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping

from django.db import transaction

from pipelines.exceptions import InvalidChange
from pipelines.models import (
    DEFAULT_PARTITIONS,
    DEFAULT_RETENTION_HOURS,
    Component,
    Event,
    Pipeline,
)
from pipelines.rules import graph
from pipelines.security import audit
from pipelines.security.access import Actor, Right, check
from pipelines.services.common import bump, lock_pipeline, node_names
from pipelines.types.event_kinds import DERIVED_TOPIC_KINDS, EventForm, derived_topic


def _clean(pipeline: Pipeline, kind: str, data: Mapping, *, exclude: Event | None = None) -> dict:
    if kind not in Event.Kind.values:
        raise InvalidChange(
            {"kind": [f"Unknown event kind {kind!r}; use one of {Event.Kind.values}."]}
        )
    form = EventForm(data=dict(data), kind=kind)
    if not form.is_valid():
        raise InvalidChange({field: list(msgs) for field, msgs in form.errors.items()})
    cleaned = form.cleaned_data
    problem = graph.check_unique_name(cleaned["name"], node_names(pipeline, exclude=exclude))
    if problem:
        raise InvalidChange({"name": [problem]})
    return cleaned


@transaction.atomic
def create_event(
    pipeline: Pipeline,
    *,
    name: str,
    kind: str = Event.Kind.KAFKA,
    topic: str = "",
    partitions: int | None = None,
    retention_hours: int | None = None,
    position: Mapping | None = None,
    rev: int | None = None,
    by: Actor | None = None,
) -> Event:
    pipeline = lock_pipeline(pipeline.pk, rev)
    check(by, pipeline, Right.EDIT)
    data = {
        "name": name,
        "topic": topic,
        "partitions": DEFAULT_PARTITIONS if partitions is None else partitions,
        "retention_hours": DEFAULT_RETENTION_HOURS if retention_hours is None else retention_hours,
    }
    cleaned = _clean(pipeline, kind, data)
    if kind in DERIVED_TOPIC_KINDS:
        cleaned["topic"] = derived_topic(pipeline.pk, cleaned["name"], secrets.token_hex(3))
    event = Event.objects.create(
        pipeline=pipeline, kind=kind, position=dict(position or {}), **cleaned
    )
    bump(pipeline)
    return event


@transaction.atomic
def update_event(
    event: Event, *, changes: Mapping, rev: int | None = None, by: Actor | None = None
) -> Event:
    """Rename, re-partition or change retention; a derived topic never changes."""
    pipeline = lock_pipeline(event.pipeline_id, rev)
    check(by, pipeline, Right.EDIT)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if "kind" in changes and changes["kind"] != event.kind:
        raise InvalidChange({"kind": ["An event's kind cannot change; add a new event instead."]})
    current = {f: getattr(event, f) for f in ("name", "topic", "partitions", "retention_hours")}
    data = {**current, **{k: v for k, v in changes.items() if k in current}}
    cleaned = _clean(pipeline, event.kind, data, exclude=event)
    if event.kind in DERIVED_TOPIC_KINDS:
        cleaned["topic"] = event.topic
    if cleaned["partitions"] < event.partitions and pipeline.current_version_id:
        raise InvalidChange(
            {"partitions": ["Kafka cannot reduce a topic's partitions; add a new event instead."]}
        )
    for attr, value in cleaned.items():
        setattr(event, attr, value)
    if "position" in changes:
        event.position = dict(changes["position"] or {})
    event.save()
    bump(pipeline)
    return event


@transaction.atomic
def delete_event(event: Event, *, rev: int | None = None, by: Actor | None = None) -> None:
    pipeline = lock_pipeline(event.pipeline_id, rev)
    check(by, pipeline, Right.EDIT)
    users = [
        c.name
        for c in Component.objects.filter(pipeline=pipeline)
        if (c.config.get("basic") or {}).get("failover_event") == event.pk
    ]
    if users:
        raise InvalidChange(
            f"{event.name} is the Failover Event of {', '.join(users)}; change that first."
        )
    audit.record(
        by, "event.delete", f"Deleted event {event.name!r}", pipeline=pipeline, target=event
    )
    event.delete()
    bump(pipeline)
