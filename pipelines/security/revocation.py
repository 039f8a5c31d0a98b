"""When someone may have lost the right to view a pipeline, the runtime hears of it.

A user's stream (a page's token or a cookie session) was allowed at its handshake; a grant
removed later, its user taken out of a granted group, deactivated, no longer staff or
deleted, or the pipeline given to another owner, must end it too, and so must a new
password (Django signs out the user's other sessions then): `access_narrowed` is sent on
commit and producer.notify asks each such session to check again. Model signals, so the
admin counts as well as the sharing service.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from pipelines import signals
from pipelines.models import Pipeline, PipelineGrant


def connect() -> None:
    post_delete.connect(_grant_deleted, sender=PipelineGrant, dispatch_uid="flowcast.revoke")
    m2m_changed.connect(
        _membership_changed,
        sender=get_user_model().groups.through,
        dispatch_uid="flowcast.membership",
    )
    user_model = get_user_model()
    pre_save.connect(_user_saving, sender=user_model, dispatch_uid="flowcast.was_staff")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="flowcast.deactivated")
    pre_delete.connect(_user_deleting, sender=user_model, dispatch_uid="flowcast.user_deleted")
    pre_save.connect(_pipeline_saving, sender=Pipeline, dispatch_uid="flowcast.owner_was")
    post_save.connect(_pipeline_saved, sender=Pipeline, dispatch_uid="flowcast.owner_changed")


def _narrowed(pipeline_ids) -> None:
    ids = sorted(set(pipeline_ids))
    if ids:
        transaction.on_commit(lambda: signals.access_narrowed.send(sender=None, pipeline_ids=ids))


def _grant_deleted(sender, instance: PipelineGrant, **kwargs) -> None:
    _narrowed([instance.pipeline_id])


def _membership_changed(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    """user.groups.remove(...) / group.user_set.remove(...), and their clear()s."""
    if action not in ("post_remove", "pre_clear"):
        return
    if reverse:  # instance is a group
        groups = [instance.pk]
    elif action == "pre_clear":  # instance is a user, about to leave every group
        groups = list(instance.groups.values_list("pk", flat=True))
    else:
        groups = list(pk_set or ())
    grants = PipelineGrant.objects.filter(group_id__in=groups)
    _narrowed(grants.values_list("pipeline_id", flat=True))


def _stored(sender, instance, fields: tuple[str, ...], update_fields) -> dict:
    """The values in the database, before this save, of those `fields` it saves (none for a
    new row): post_save cannot tell what changed otherwise. One query."""
    saved = [f for f in fields if not update_fields or f in update_fields]
    if instance.pk is None or not saved:
        return {}
    return sender.objects.filter(pk=instance.pk).values(*saved).first() or {}


def _user_saving(sender, instance, update_fields=None, **kwargs) -> None:
    stored = _stored(sender, instance, ("is_staff", "password"), update_fields)
    instance._flowcast_was_staff = bool(stored.get("is_staff"))
    instance._flowcast_password_was = stored.get("password")


def _user_saved(sender, instance, created: bool, update_fields=None, **kwargs) -> None:
    """A deactivated user, or one with a new password: every pipeline they could see; a
    user no longer staff: every pipeline they do not own (staff saw them all). A login's
    save of last_login alone is skipped."""
    demoted = getattr(instance, "_flowcast_was_staff", False) and not instance.is_staff
    deactivated = not instance.is_active and not (
        update_fields and "is_active" not in update_fields
    )
    password_was = getattr(instance, "_flowcast_password_was", None)
    new_password = password_was is not None and password_was != instance.password
    if created or not (demoted or deactivated or new_password):
        return
    reach = Q(pk__in=[])
    if demoted or (new_password and instance.is_staff):
        reach |= ~Q(owner=instance)
    if deactivated or new_password:
        reach |= _shared_with(instance)
    _narrowed(Pipeline.objects.filter(reach).values_list("pk", flat=True))


def _user_deleting(sender, instance, **kwargs) -> None:
    """A deleted user: what they could see, read before the deletion cascades to their
    grants and group memberships (staff: every pipeline)."""
    pipelines = Pipeline.objects.all()
    if not instance.is_staff:
        pipelines = pipelines.filter(_shared_with(instance))
    _narrowed(pipelines.values_list("pk", flat=True))


def _pipeline_saving(sender, instance: Pipeline, update_fields=None, **kwargs) -> None:
    instance._flowcast_owner_was = _stored(sender, instance, ("owner",), update_fields).get("owner")


def _pipeline_saved(sender, instance: Pipeline, created: bool, **kwargs) -> None:
    """The old owner may no longer see a pipeline given away (unless staff or granted):
    the admin's change form can do that."""
    was = getattr(instance, "_flowcast_owner_was", None)
    if not created and was is not None and was != instance.owner_id:
        _narrowed([instance.pk])


def _shared_with(user) -> Q:
    """The pipelines a user owns or was granted, directly or through a group."""
    groups = user.groups.values_list("pk", flat=True)
    return Q(owner=user) | Q(grants__user=user) | Q(grants__group__in=groups)
