"""The audit log: one entry per security-relevant act, written in the act's transaction.

Written by the services (and the admin for models no service owns), so an entry exists
exactly when the change committed. Entries name things, never carry a secret value.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from pipelines.models import AuditEntry, Pipeline
from pipelines.security.access import Actor, visible_pipelines

SYSTEM = "system"
_TARGET_TYPES = {"PipelineGrant": "grant"}


def record(
    by: Actor | None,
    action: str,
    summary: str,
    *,
    pipeline: Pipeline | None = None,
    target: object | None = None,
    target_name: str | None = None,
    **detail,
) -> AuditEntry:
    user = by.user if by is not None and by.user.is_authenticated else None
    if target_name is None and target is not None:
        target_name = str(getattr(target, "name", target))
    return AuditEntry.objects.create(
        actor=user,
        actor_name=user.get_username() if user else "",
        action=action,
        pipeline=pipeline,
        pipeline_name=pipeline.name if pipeline else "",
        target_type=_TARGET_TYPES.get(type(target).__name__, type(target).__name__.lower())
        if target is not None
        else "",
        target_id=getattr(target, "pk", None),
        target_name=(target_name or "")[:200],
        summary=summary[:500],
        detail=detail,
        address=(by.address if by else "")[:64],
        via=by.via if by else SYSTEM,
    )


def visible_entries(user) -> QuerySet[AuditEntry]:
    """Staff see every entry; others those of pipelines they may see, and their own acts
    (e.g. deleting a pipeline, which leaves no pipeline to see)."""
    entries = AuditEntry.objects.select_related("actor")
    if user.is_staff:
        return entries
    return entries.filter(Q(pipeline__in=visible_pipelines(user)) | Q(actor=user))
