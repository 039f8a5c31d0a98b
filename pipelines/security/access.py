"""Who may do what with a pipeline: the one rule every door asks (DESIGN §3).

Roles: the owner and staff may do everything; a grant makes a user, or the members of a
group, a *viewer* (dashboards, monitoring, the editor read-only, Live Tap) or an *editor*
(also edit, deploy, activate, reveal and regenerate secrets). Only owner and staff share
and delete. Someone who cannot see a pipeline is told it does not exist (404); someone who
can see it but lacks the right is refused (403).

REST viewsets, HTML views, dashboards, status, the WebSocket session path and the services
all ask here; nothing else compares owners or staff flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q, QuerySet

from pipelines.exceptions import Forbidden, NotVisible
from pipelines.models import Pipeline, PipelineGrant

OWNER, STAFF = "owner", "staff"
EDITOR, VIEWER = PipelineGrant.Role.EDITOR.value, PipelineGrant.Role.VIEWER.value


class Right(StrEnum):
    VIEW = "view"
    EDIT = "edit"
    DEPLOY = "deploy"  # Update Pipeline, activate, deactivate
    SECRETS = "secrets"  # reveal and regenerate Ingestion Secrets
    SHARE = "share"  # grant and revoke access
    DELETE = "delete"  # the pipeline itself


_EDITOR_RIGHTS = frozenset({Right.VIEW, Right.EDIT, Right.DEPLOY, Right.SECRETS})
RIGHTS: dict[str, frozenset[Right]] = {
    OWNER: frozenset(Right),
    STAFF: frozenset(Right),
    EDITOR: _EDITOR_RIGHTS,
    VIEWER: frozenset({Right.VIEW}),
}
_RANK = {VIEWER: 1, EDITOR: 2}


@dataclass(frozen=True)
class Actor:
    """A person acting through a door: what the services check and the audit log records."""

    user: object
    address: str = ""
    via: str = "api"  # "api" (REST, editor, dashboards), "admin"

    @classmethod
    def of(cls, request, via: str = "api") -> Actor:
        return cls(request.user, request.META.get("REMOTE_ADDR", "") or "", via)


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def sees_everything(user) -> bool:
    """Staff: every pipeline, the admin, and `/metrics` from a browser."""
    return _active(user) and user.is_staff


def _group_ids(user) -> frozenset[int]:
    """The user's groups, read once per user object (a request's user lives one request)."""
    cached = getattr(user, "_flowcast_group_ids", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("id", flat=True))
        user._flowcast_group_ids = cached
    return cached


def visible_pipelines(user) -> QuerySet[Pipeline]:
    """Every pipeline the user may see: staff all, others their own and those shared."""
    pipelines = Pipeline.objects.all()
    if not _active(user):
        return pipelines.none()
    if sees_everything(user):
        return pipelines
    shared = Q(grants__user=user) | Q(grants__group__in=_group_ids(user))
    ids = Pipeline.objects.filter(shared).values("pk")
    return pipelines.filter(Q(owner=user) | Q(pk__in=ids))


def role_of(user, pipeline: Pipeline) -> str | None:
    """owner, staff, editor, viewer, or None (cannot see it). Reads `pipeline.grants`, so a
    list prefetches them once instead of one query per pipeline."""
    if not _active(user):
        return None
    if pipeline.owner_id == user.pk:
        return OWNER
    if sees_everything(user):
        return STAFF
    groups = _group_ids(user)
    roles = [
        grant.role
        for grant in pipeline.grants.all()
        if grant.user_id == user.pk or (grant.group_id is not None and grant.group_id in groups)
    ]
    return max(roles, key=_RANK.__getitem__, default=None)


def may(user, pipeline: Pipeline, right: Right) -> bool:
    role = role_of(user, pipeline)
    return role is not None and right in RIGHTS[role]


def require(user, pipeline: Pipeline, right: Right) -> None:
    """Raise NotVisible (404) or Forbidden (403) unless the user has the right."""
    role = role_of(user, pipeline)
    if role is None:
        raise NotVisible("No such pipeline.")
    if right not in RIGHTS[role]:
        raise Forbidden(f"Your access to {pipeline.name!r} ({role}) does not allow {right.value}.")


def check(by: Actor | None, pipeline: Pipeline, right: Right) -> None:
    """For services: `by` None is the system itself (supervisor, demo, commands)."""
    if by is not None:
        require(by.user, pipeline, right)
