"""Share a pipeline: grant, change and revoke a user's or a group's access."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from pipelines.exceptions import InvalidChange
from pipelines.models import Pipeline, PipelineGrant
from pipelines.security import audit
from pipelines.security.access import Actor, Right, check
from pipelines.services.common import lock_pipeline

ROLES = PipelineGrant.Role.values


def _role(role: str) -> str:
    if role not in ROLES:
        raise InvalidChange({"role": [f"{role!r} is not a role; use one of {ROLES}."]})
    return role


def _principal(pipeline: Pipeline, username: str | None, group_name: str | None):
    if bool(username) == bool(group_name):
        raise InvalidChange({"non_field_errors": ["Name either a user or a group."]})
    if username:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise InvalidChange({"user": [f"No user named {username!r}."]})
        if user.pk == pipeline.owner_id:
            raise InvalidChange({"user": [f"{username!r} owns this pipeline already."]})
        return user, None
    group = Group.objects.filter(name=group_name).first()
    if group is None:
        raise InvalidChange({"group": [f"No group named {group_name!r}."]})
    return None, group


def _who(grant: PipelineGrant) -> str:
    return grant.user.get_username() if grant.user_id else f"group {grant.group.name}"


@transaction.atomic
def grant_access(
    pipeline: Pipeline,
    *,
    user: str | None = None,
    group: str | None = None,
    role: str,
    by: Actor | None = None,
) -> PipelineGrant:
    pipeline = lock_pipeline(pipeline.pk)
    check(by, pipeline, Right.SHARE)
    role = _role(role)
    grantee, team = _principal(pipeline, user, group)
    if PipelineGrant.objects.filter(pipeline=pipeline, user=grantee, group=team).exists():
        field = "user" if grantee else "group"
        raise InvalidChange({field: ["Already shared; change the existing grant's role."]})
    grant = PipelineGrant.objects.create(
        pipeline=pipeline,
        user=grantee,
        group=team,
        role=role,
        created_by=by.user if by else None,
    )
    audit.record(
        by,
        "grant.create",
        f"Shared {pipeline.name!r} with {_who(grant)} as {role}",
        pipeline=pipeline,
        target=grant,
        target_name=_who(grant),
        role=role,
    )
    return grant


@transaction.atomic
def change_grant(grant: PipelineGrant, *, role: str, by: Actor | None = None) -> PipelineGrant:
    pipeline = lock_pipeline(grant.pipeline_id)
    check(by, pipeline, Right.SHARE)
    grant = PipelineGrant.objects.select_for_update().get(pk=grant.pk)
    old, grant.role = grant.role, _role(role)
    grant.save(update_fields=["role"])
    audit.record(
        by,
        "grant.update",
        f"{_who(grant)} is now {grant.role} of {pipeline.name!r} (was {old})",
        pipeline=pipeline,
        target=grant,
        target_name=_who(grant),
        role=grant.role,
        previous=old,
    )
    return grant


@transaction.atomic
def revoke_grant(grant: PipelineGrant, *, by: Actor | None = None) -> None:
    pipeline = lock_pipeline(grant.pipeline_id)
    check(by, pipeline, Right.SHARE)
    audit.record(
        by,
        "grant.delete",
        f"Stopped sharing {pipeline.name!r} with {_who(grant)}",
        pipeline=pipeline,
        target=grant,
        target_name=_who(grant),
        role=grant.role,
    )
    grant.delete()
