"""Pipelines, their events, components and wires, and the versions Update Pipeline writes.

Rows here are the editable graph. Workers never read them: they run PipelineVersion
snapshots, so an edit in progress never changes what is streaming.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from pipelines.rules import credentials

RETENTION_CHOICES = [
    (4, "Short (4 h)"),
    (8, "Medium (8 h)"),
    (12, "Half Day (12 h)"),
    (24, "Full Day (24 h)"),
    (48, "Long (48 h)"),
    (168, "Week (168 h)"),
]
DEFAULT_RETENTION_HOURS = 168
DEFAULT_PARTITIONS = 3
MAX_PARTITIONS = 100


class Pipeline(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"

    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pipelines"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    rev = models.PositiveIntegerField(default=1, help_text="Bumped by every change to the graph.")
    current_version = models.ForeignKey(
        "PipelineVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="pipeline_name_unique_per_owner")
        ]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    class Kind(models.TextChoices):
        KAFKA = "kafka", "Kafka Event"
        SHARED = "shared", "Shared Event"
        FAILOVER = "failover", "Failover Event"

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="events")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.KAFKA)
    topic = models.CharField(max_length=249)
    partitions = models.PositiveSmallIntegerField(default=DEFAULT_PARTITIONS)
    retention_hours = models.PositiveSmallIntegerField(
        "Event Duration", choices=RETENTION_CHOICES, default=DEFAULT_RETENTION_HOURS
    )
    position = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pipeline", "name"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "name"], name="event_name_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.topic})"


class InDraft(models.Manager):
    """Components the editor shows: not removed from the draft."""

    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True)


class Component(models.Model):
    """A component of the editable graph.

    Deleting a deployed component only marks it removed from the draft (`removed_at`): its
    deployed version keeps streaming with the same credentials until Update Pipeline writes
    a version without it, and an undo brings it back with its GUID, Ingestion ID and
    Secret. `objects` is the draft; `with_removed` also has those, for the runtime doors.
    """

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="components")
    type = models.CharField(max_length=40)
    name = models.CharField(max_length=120)
    position = models.JSONField(default=dict, blank=True)
    config = models.JSONField(default=dict, blank=True)
    ingestion_id = models.CharField(
        "Ingestion ID", max_length=40, unique=True, default=credentials.new_ingestion_id
    )
    ingestion_secret = models.CharField(
        "Ingestion Secret", max_length=128, default=credentials.new_secret
    )
    guid = models.UUIDField("GUID", null=True, blank=True, unique=True, editable=False)
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InDraft()
    with_removed = models.Manager()  # noqa: DJ012 (a manager, not a field)

    class Meta:
        ordering = ["pipeline", "name"]
        base_manager_name = "with_removed"
        constraints = [
            models.UniqueConstraint(
                fields=["pipeline", "name"],
                condition=models.Q(removed_at__isnull=True),
                name="component_name_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def assign_guid(self) -> bool:
        """Give the component its GUID once; returns whether it was new."""
        if self.guid:
            return False
        self.guid = uuid.uuid4()
        return True


class Connection(models.Model):
    class Direction(models.TextChoices):
        INPUT = "input", "event → component"
        OUTPUT = "output", "component → event"

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="connections")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="connections")
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="connections")
    direction = models.CharField(max_length=6, choices=Direction.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pipeline", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "component", "direction"], name="connection_unique"
            )
        ]

    def __str__(self) -> str:
        if self.direction == self.Direction.INPUT:
            return f"{self.event.name} → {self.component.name}"
        return f"{self.component.name} → {self.event.name}"


class PipelineVersion(models.Model):
    """An immutable snapshot of the whole graph; what the workers run."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    message = models.CharField(max_length=500, blank=True)
    snapshot = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pipeline", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "number"], name="version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.pipeline.name} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("A pipeline version is immutable once written.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if Pipeline.objects.filter(current_version=self).exists():
            raise ValueError("The current version of a pipeline cannot be deleted.")
        return super().delete(*args, **kwargs)


class ScalingDecision(models.Model):
    """Why Intelligent Scaling changed (or could not change) a component's instance count."""

    pipeline = models.ForeignKey(
        Pipeline, on_delete=models.CASCADE, related_name="scaling_decisions"
    )
    component = models.ForeignKey(
        Component, null=True, on_delete=models.SET_NULL, related_name="scaling_decisions"
    )
    component_guid = models.UUIDField("GUID", db_index=True)
    component_name = models.CharField(max_length=120)
    version = models.PositiveIntegerField(help_text="The pipeline version that was running.")
    decided_at = models.DateTimeField(db_index=True)
    action = models.CharField(max_length=10)
    lag = models.BigIntegerField()
    lag_threshold = models.PositiveIntegerField()
    ratio = models.FloatField()
    old_count = models.PositiveSmallIntegerField()
    new_count = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.component_name}: {self.old_count} → {self.new_count} ({self.action})"


class PipelineGrant(models.Model):
    """A share: a user or a group may view (viewer) or also change (editor) a pipeline."""

    class Role(models.TextChoices):
        VIEWER = "viewer", "Viewer"
        EDITOR = "editor", "Editor"

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pipeline_grants",
    )
    group = models.ForeignKey(
        "auth.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pipeline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=False, group__isnull=True)
                | models.Q(user__isnull=True, group__isnull=False),
                name="grant_names_user_or_group",
            ),
            models.UniqueConstraint(fields=["pipeline", "user"], name="grant_unique_user"),
            models.UniqueConstraint(fields=["pipeline", "group"], name="grant_unique_group"),
        ]

    def __str__(self) -> str:
        who = self.user.get_username() if self.user_id else f"group {self.group.name}"
        return f"{who}: {self.role} of {self.pipeline.name}"


class AuditEntry(models.Model):
    """Who did what to which pipeline, when and from where. Written once, never a secret.

    Names are copied, not only linked: the entry of a deleted pipeline, component or user
    still says what it was about.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40, db_index=True)
    pipeline = models.ForeignKey(
        Pipeline, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit_entries"
    )
    pipeline_name = models.CharField(max_length=120, blank=True)
    target_type = models.CharField(max_length=20, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    target_name = models.CharField(max_length=200, blank=True)
    summary = models.CharField(max_length=500)
    detail = models.JSONField(default=dict, blank=True)
    address = models.CharField(max_length=64, blank=True)
    via = models.CharField(max_length=10)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name or 'system'}: {self.summary}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("An audit entry is immutable once written.")
        super().save(*args, **kwargs)
