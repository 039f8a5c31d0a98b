"""Pipelines as a whole: create, rename, delete, Update Pipeline, activate, restore."""

from __future__ import annotations

from confluent_kafka import KafkaException
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Max

from pipelines import signals
from pipelines.exceptions import (
    InvalidChange,
    KafkaUnavailable,
    NotDeployed,
    PipelineInvalid,
    TopicChangeRefused,
)
from pipelines.models import Component, Pipeline, PipelineVersion
from pipelines.rules import graph
from pipelines.rules.names import clean_name
from pipelines.runtime import kafka
from pipelines.runtime.deployed_versions import Topic
from pipelines.security import audit
from pipelines.security.access import Actor, Right, check
from pipelines.services import snapshots
from pipelines.services.common import (
    bump,
    component_node,
    event_nodes,
    lock_pipeline,
    send_on_commit,
    wires,
)
from pipelines.types import configs, registry
from pipelines.types.event_kinds import DERIVED_TOPIC_KINDS


def _check_pipeline_name(owner, name: str, *, exclude: int | None = None) -> str:
    name = clean_name(name)
    taken = Pipeline.objects.filter(owner=owner, name__iexact=name).exclude(pk=exclude)
    if taken.exists():
        raise InvalidChange({"name": [f"You already have a pipeline named {name!r}."]})
    return name


@transaction.atomic
def create_pipeline(owner: AbstractBaseUser, *, name: str, description: str = "") -> Pipeline:
    name = _check_pipeline_name(owner, name)
    try:
        return Pipeline.objects.create(owner=owner, name=name, description=description)
    except IntegrityError:
        raise InvalidChange({"name": [f"You already have a pipeline named {name!r}."]}) from None


@transaction.atomic
def update_pipeline_details(
    pipeline: Pipeline,
    *,
    name: str | None = None,
    description: str | None = None,
    rev: int | None = None,
    by: Actor | None = None,
) -> Pipeline:
    pipeline = lock_pipeline(pipeline.pk, rev)
    check(by, pipeline, Right.EDIT)
    if name is not None:
        pipeline.name = _check_pipeline_name(pipeline.owner, name, exclude=pipeline.pk)
    if description is not None:
        pipeline.description = description
    pipeline.rev += 1
    pipeline.save()
    return pipeline


@transaction.atomic
def delete_pipeline(pipeline: Pipeline, *, rev: int | None = None, by: Actor | None = None) -> None:
    pipeline = lock_pipeline(pipeline.pk, rev)
    check(by, pipeline, Right.DELETE)
    audit.record(
        by,
        "pipeline.delete",
        f"Deleted pipeline {pipeline.name!r}",
        pipeline=pipeline,
        target=pipeline,
    )
    for component in Component.with_removed.filter(pipeline=pipeline):
        send_on_commit(
            signals.component_removed,
            component_id=component.pk,
            ingestion_id=component.ingestion_id,
        )
    pipeline.delete()


def check_graph(pipeline: Pipeline) -> graph.GraphErrors:
    """All rules over the whole graph, including each component's tabs."""
    components = list(Component.objects.filter(pipeline=pipeline))
    events = event_nodes(pipeline)
    errors = graph.validate_graph([component_node(c) for c in components], events, wires(pipeline))
    for component in components:
        _, tab_errors = configs.validate_config(
            registry.get_type(component.type), component.config, events
        )
        for tab, fields in tab_errors.items():
            for field, messages in fields.items():
                for message in messages:
                    errors.add_component(component.pk, f"{tab}.{field}: {message}")
    return errors


@transaction.atomic
def deploy(
    pipeline: Pipeline,
    *,
    user=None,
    message: str = "",
    rev: int | None = None,
    by: Actor | None = None,
) -> PipelineVersion:
    """Update Pipeline: validate everything, assign GUIDs, write an immutable version."""
    pipeline = lock_pipeline(pipeline.pk, rev)
    check(by, pipeline, Right.DEPLOY)
    user = by.user if by is not None else user
    errors = check_graph(pipeline)
    if errors:
        raise PipelineInvalid(graph.errors_as_json(errors))
    for component in Component.objects.filter(pipeline=pipeline, guid__isnull=True):
        component.assign_guid()
        component.save(update_fields=["guid"])
    number = (pipeline.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    snapshot = snapshots.take(pipeline)
    provision_topics(snapshot)
    version = PipelineVersion.objects.create(
        pipeline=pipeline,
        number=number,
        message=message.strip()[:500],
        snapshot=snapshot,
        created_by=user,
    )
    previous = pipeline.current_version_id
    pipeline.current_version = version
    pipeline.save(update_fields=["current_version", "updated_at"])
    # Components deleted in the draft are not in this version: gone for good now.
    Component.with_removed.filter(pipeline=pipeline, removed_at__isnull=False).delete()
    bump(pipeline)
    audit.record(
        by,
        "pipeline.deploy",
        f"Updated pipeline {pipeline.name!r} to version {number}",
        pipeline=pipeline,
        target=pipeline,
        version=number,
    )
    send_on_commit(
        signals.pipeline_deployed,
        pipeline_id=pipeline.pk,
        version_number=number,
        previous_version_id=previous,
    )
    return version


def provision_topics(snapshot: dict) -> None:
    """Create the kafka and failover topics that are missing and bring the others to their
    events' partitions and retention; shared topics belong to someone else, left alone.
    Runs before the version is written: a refusal leaves no version and running
    instances untouched."""
    topics = [
        Topic(e["topic"], e["partitions"], e["retention_hours"], e["kind"])
        for e in snapshot["events"]
        if e["kind"] in DERIVED_TOPIC_KINDS
    ]
    try:
        kafka.ensure_topics(topics)
        kafka.apply_topic_changes(topics)
    except kafka.TopicChangeError as exc:
        raise TopicChangeRefused(f"{exc}. Nothing was applied.") from exc
    except KafkaException as exc:
        raise KafkaUnavailable(f"Could not create the pipeline's topics: {exc}") from exc


@transaction.atomic
def set_active(pipeline: Pipeline, active: bool, *, by: Actor | None = None) -> Pipeline:
    pipeline = lock_pipeline(pipeline.pk)
    check(by, pipeline, Right.DEPLOY)
    if active and pipeline.current_version_id is None:
        raise NotDeployed("Update Pipeline first: there is no deployed version to activate.")
    status = Pipeline.Status.ACTIVE if active else Pipeline.Status.INACTIVE
    if pipeline.status != status:
        pipeline.status = status
        pipeline.save(update_fields=["status", "updated_at"])
        verb = "activate" if active else "deactivate"
        audit.record(
            by,
            f"pipeline.{verb}",
            f"{verb.capitalize()}d pipeline {pipeline.name!r}",
            pipeline=pipeline,
            target=pipeline,
        )
        send_on_commit(signals.pipeline_status_changed, pipeline_id=pipeline.pk, status=status)
    return pipeline


@transaction.atomic
def restore_version(
    pipeline: Pipeline, number: int, *, rev: int | None = None, by: Actor | None = None
) -> Pipeline:
    """Put a version's graph back into the editor; it runs after the next Update Pipeline."""
    pipeline = lock_pipeline(pipeline.pk, rev)
    check(by, pipeline, Right.EDIT)
    version = pipeline.versions.filter(number=number).first()
    if version is None:
        raise InvalidChange({"version": [f"Version {number} does not exist for this pipeline."]})
    snapshots.restore(pipeline, version.snapshot)
    bump(pipeline)
    return pipeline
