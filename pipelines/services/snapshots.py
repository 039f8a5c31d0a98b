"""What a PipelineVersion holds: the whole graph as plain data, without secrets."""

from __future__ import annotations

from django.utils import timezone

from pipelines.models import Component, Connection, Event, Pipeline

EVENT_FIELDS = ("id", "name", "kind", "topic", "partitions", "retention_hours", "position")
COMPONENT_FIELDS = ("id", "type", "name", "ingestion_id", "position", "config")


def take(pipeline: Pipeline) -> dict:
    events = Event.objects.filter(pipeline=pipeline).order_by("id")
    components = Component.objects.filter(pipeline=pipeline).order_by("id")
    connections = Connection.objects.filter(pipeline=pipeline).order_by("id")
    return {
        "pipeline": {"id": pipeline.pk, "name": pipeline.name, "description": pipeline.description},
        "events": [{f: getattr(e, f) for f in EVENT_FIELDS} for e in events],
        "components": [
            {
                **{f: getattr(c, f) for f in COMPONENT_FIELDS},
                "guid": str(c.guid) if c.guid else None,
            }
            for c in components
        ],
        "connections": [
            {"event": c.event_id, "component": c.component_id, "direction": c.direction}
            for c in connections
        ],
    }


def restore(pipeline: Pipeline, snapshot: dict) -> None:
    """Make the editable graph equal to the snapshot, keeping ids, GUIDs and secrets.

    Rows that still exist are updated in place so that clients keep their credentials;
    rows the snapshot lacks are removed; missing ones are re-created with their old ids.
    """
    Connection.objects.filter(pipeline=pipeline).delete()
    _sync(Event, pipeline, snapshot["events"], EVENT_FIELDS)
    _sync(Component, pipeline, snapshot["components"], (*COMPONENT_FIELDS, "guid"))
    Connection.objects.bulk_create(
        Connection(
            pipeline=pipeline,
            event_id=c["event"],
            component_id=c["component"],
            direction=c["direction"],
        )
        for c in snapshot["connections"]
    )


def _sync(model, pipeline: Pipeline, rows: list[dict], fields: tuple[str, ...]) -> None:
    wanted = {row["id"]: row for row in rows}
    # A component deleted in the draft but still deployed comes back as it was.
    manager = getattr(model, "with_removed", model.objects)
    existing = manager.filter(pipeline=pipeline)
    unwanted = existing.exclude(pk__in=wanted)
    if model is Component:
        # Still deployed: out of the draft until the next Update Pipeline, as a delete is.
        running = _deployed_ids(pipeline)
        unwanted.filter(pk__in=running).update(removed_at=timezone.now())
        unwanted = unwanted.exclude(pk__in=running)
    unwanted.delete()
    # Park current names first: a restore may swap two names, which the unique index forbids.
    for obj in existing.filter(pk__in=wanted):
        manager.filter(pk=obj.pk).update(name=f"~restoring-{obj.pk}")
    present = set(existing.filter(pk__in=wanted).values_list("pk", flat=True))
    for pk, row in wanted.items():
        values = {f: row[f] for f in fields if f != "id" and f in row}
        if model is Component:
            values["removed_at"] = None
        if pk in present:
            manager.filter(pk=pk).update(**values)
        else:
            model.objects.create(pk=pk, pipeline=pipeline, **values)


def _deployed_ids(pipeline: Pipeline) -> set[int]:
    version = pipeline.current_version
    return {c["id"] for c in version.snapshot["components"]} if version else set()
