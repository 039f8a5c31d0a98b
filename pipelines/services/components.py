"""Create, change and remove components, their credentials and their wires."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from pipelines import signals
from pipelines.exceptions import InvalidChange
from pipelines.models import Component, Connection, Event, Pipeline
from pipelines.rules import graph
from pipelines.rules.names import clean_name
from pipelines.security import audit
from pipelines.security.access import Actor, Right, check
from pipelines.services.common import (
    bump,
    component_node,
    event_nodes,
    lock_pipeline,
    node_names,
    send_on_commit,
    wires,
)
from pipelines.types import configs, registry


def _checked_config(component: Component, incoming: Mapping, *, partial: bool = False) -> dict:
    """The merged, validated config; `partial` (a new component) only judges what was sent,
    so a component can be dropped on the canvas before its required fields are filled in.
    Save Component and Update Pipeline judge every field."""
    ctype = registry.get_type(component.type)
    shape = configs.shape_errors(ctype, incoming)
    if shape:
        raise InvalidChange({"config": shape})
    merged = configs.merge_config(ctype, component.config, incoming)
    cleaned, errors = configs.validate_config(ctype, merged, event_nodes(component.pipeline))
    if partial:
        errors = _only_sent(errors, incoming)
    if errors:
        raise InvalidChange({"config": errors})
    return {tab.key: cleaned.get(tab.key, merged[tab.key]) for tab in ctype.tabs}


def _only_sent(errors: dict, incoming: Mapping) -> dict:
    kept = {
        tab: {name: msgs for name, msgs in fields.items() if name in (incoming.get(tab) or {})}
        for tab, fields in errors.items()
    }
    return {tab: fields for tab, fields in kept.items() if fields}


def _check_name(pipeline: Pipeline, name: str, *, exclude: object | None = None) -> str:
    name = clean_name(name)
    problem = graph.check_unique_name(name, node_names(pipeline, exclude=exclude))
    if problem:
        raise InvalidChange({"name": [problem]})
    return name


@transaction.atomic
def create_component(
    pipeline: Pipeline,
    *,
    type: str,
    name: str,
    position: Mapping | None = None,
    config: Mapping | None = None,
    rev: int | None = None,
    by: Actor | None = None,
) -> Component:
    pipeline = lock_pipeline(pipeline.pk, rev)
    check(by, pipeline, Right.EDIT)
    ctype = registry.get_type(type)
    component = Component(pipeline=pipeline, type=ctype.key, position=dict(position or {}))
    component.name = _check_name(pipeline, name)
    component.config = configs.default_config(ctype)
    component.config = _checked_config(component, config or {}, partial=True)
    component.save()
    bump(pipeline)
    return component


@transaction.atomic
def update_component(
    component: Component,
    *,
    name: str | None = None,
    position: Mapping | None = None,
    config: Mapping | None = None,
    rev: int | None = None,
    by: Actor | None = None,
) -> Component:
    pipeline = lock_pipeline(component.pipeline_id, rev)
    check(by, pipeline, Right.EDIT)
    component = Component.objects.select_for_update().get(pk=component.pk)
    if name is not None:
        component.name = _check_name(pipeline, name, exclude=component)
    if position is not None:
        component.position = dict(position)
    if config is not None:
        component.config = _checked_config(component, config)
    component.save()
    bump(pipeline)
    return component


@transaction.atomic
def delete_component(
    component: Component, *, rev: int | None = None, by: Actor | None = None
) -> None:
    pipeline = lock_pipeline(component.pipeline_id, rev)
    check(by, pipeline, Right.EDIT)
    audit.record(
        by,
        "component.delete",
        f"Deleted component {component.name!r}",
        pipeline=pipeline,
        target=component,
        ingestion_id=component.ingestion_id,
    )
    if _deployed(component, pipeline):
        # Still running: out of the draft only, until Update Pipeline writes a version
        # without it (its clients get 4502 then); an undo restores it as it was.
        Connection.objects.filter(component=component).delete()
        Component.with_removed.filter(pk=component.pk).update(removed_at=timezone.now())
    else:
        component.delete()
    bump(pipeline)


def _deployed(component: Component, pipeline: Pipeline) -> bool:
    version = pipeline.current_version
    return version is not None and any(
        c["id"] == component.pk for c in version.snapshot["components"]
    )


@transaction.atomic
def restore_component(
    component: Component, *, rev: int | None = None, by: Actor | None = None
) -> Component:
    """Undo a delete that Update Pipeline has not applied yet: the same component, with its
    GUID, Ingestion ID and Secret (its wires are drawn again by the editor)."""
    pipeline = lock_pipeline(component.pipeline_id, rev)
    check(by, pipeline, Right.EDIT)
    component = Component.with_removed.select_for_update().get(pk=component.pk)
    if component.removed_at is None:
        return component
    component.name = _check_name(pipeline, component.name)
    component.removed_at = None
    component.save(update_fields=["name", "removed_at", "updated_at"])
    bump(pipeline)
    return component


@transaction.atomic
def regenerate_secret(component: Component, *, by: Actor | None = None) -> str:
    """Replace the Ingestion Secret; sessions that used the old one are closed (4501)."""
    component = Component.with_removed.select_for_update().get(pk=component.pk)
    check(by, component.pipeline, Right.SECRETS)
    audit.record(
        by,
        "component.secret_regenerate",
        f"Regenerated the Ingestion Secret of {component.name!r}",
        pipeline=component.pipeline,
        target=component,
    )
    component.ingestion_secret = Component._meta.get_field("ingestion_secret").get_default()
    component.save(update_fields=["ingestion_secret", "updated_at"])
    send_on_commit(
        signals.secret_regenerated, component_id=component.pk, ingestion_id=component.ingestion_id
    )
    return component.ingestion_secret


@transaction.atomic
def reveal_secret(component: Component, *, by: Actor | None = None) -> str:
    """The unmasked Ingestion Secret, for the editor's reveal and copy; every reveal is
    in the audit log (without the value)."""
    check(by, component.pipeline, Right.SECRETS)
    audit.record(
        by,
        "component.secret_reveal",
        f"Revealed the Ingestion Secret of {component.name!r}",
        pipeline=component.pipeline,
        target=component,
    )
    return component.ingestion_secret


@transaction.atomic
def connect(
    pipeline: Pipeline,
    *,
    event: Event,
    component: Component,
    direction: str,
    rev: int | None = None,
    by: Actor | None = None,
) -> Connection:
    pipeline = lock_pipeline(pipeline.pk, rev)
    check(by, pipeline, Right.EDIT)
    if event.pipeline_id != pipeline.pk or component.pipeline_id != pipeline.pk:
        raise InvalidChange("An event and a component can only be wired within one pipeline.")
    wire = graph.Wire(event.pk, component.pk, direction)
    try:
        graph.check_new_wire(wire, component_node(component), wires(pipeline))
    except graph.WiringError as exc:
        raise InvalidChange(str(exc)) from None
    connection = Connection.objects.create(
        pipeline=pipeline, event=event, component=component, direction=direction
    )
    bump(pipeline)
    return connection


@transaction.atomic
def disconnect(connection: Connection, *, rev: int | None = None, by: Actor | None = None) -> None:
    pipeline = lock_pipeline(connection.pipeline_id, rev)
    check(by, pipeline, Right.EDIT)
    connection.delete()
    bump(pipeline)
