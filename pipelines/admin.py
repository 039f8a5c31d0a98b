"""Admin site: every model, with secrets masked and changes made through the services.

Saves, deletes and actions call the same services as the API, so an admin delete closes
the component's sessions and bumps the revision, and every change is in the audit log.
"""

from __future__ import annotations

from django.contrib import admin, messages

from pipelines import services
from pipelines.exceptions import PipelineError
from pipelines.models import (
    AuditEntry,
    Component,
    Connection,
    Event,
    Pipeline,
    PipelineGrant,
    PipelineVersion,
    ScalingDecision,
)
from pipelines.rules import credentials
from pipelines.security import audit
from pipelines.security.access import Actor


def _by(request) -> Actor:
    return Actor.of(request, via="admin")


class ThroughServices(admin.ModelAdmin):
    """Deletes go through `remove(obj, by)` (a service); a refusal is shown, not a 500."""

    def remove(self, obj, by: Actor) -> None:
        raise NotImplementedError

    def delete_model(self, request, obj):
        try:
            self.remove(obj, _by(request))
        except PipelineError as exc:
            self.message_user(request, f"{obj}: {exc}", messages.ERROR)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        audit.record(
            _by(request),
            "admin.change",
            f"Changed {obj._meta.verbose_name} {obj} in the admin",
            pipeline=obj if isinstance(obj, Pipeline) else getattr(obj, "pipeline", None),
            target=obj,
            change=entry.get_change_message() if entry else "",
        )
        return entry


def _masked_secret(obj: Component) -> str:
    return credentials.mask(obj.ingestion_secret)


_masked_secret.short_description = "Ingestion Secret"  # type: ignore[attr-defined]


class EventInline(admin.TabularInline):
    model = Event
    fields = ["name", "kind", "topic", "partitions", "retention_hours"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


class ComponentInline(admin.TabularInline):
    model = Component
    fields = ["name", "type", "guid", "ingestion_id", _masked_secret]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


class GrantInline(admin.TabularInline):
    model = PipelineGrant
    fields = ["user", "group", "role", "created_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False  # sharing changes in the editor or the API, audited there


@admin.register(Pipeline)
class PipelineAdmin(ThroughServices):
    list_display = ["name", "owner", "status", "current_version", "rev", "updated_at"]
    list_filter = ["status", "owner"]
    search_fields = ["name", "description", "owner__username"]
    readonly_fields = ["status", "rev", "current_version", "created_at", "updated_at"]
    inlines = [EventInline, ComponentInline, GrantInline]
    actions = ["activate", "deactivate"]

    @admin.action(description="Activate the selected pipelines")
    def activate(self, request, queryset):
        self._set_active(request, queryset, True)

    @admin.action(description="Deactivate the selected pipelines")
    def deactivate(self, request, queryset):
        self._set_active(request, queryset, False)

    def _set_active(self, request, queryset, active: bool) -> None:
        for pipeline in queryset:
            try:
                services.set_active(pipeline, active, by=_by(request))
            except PipelineError as exc:
                self.message_user(request, f"{pipeline.name}: {exc}", messages.ERROR)
            else:
                self.message_user(
                    request, f"{pipeline.name} is now {'active' if active else 'inactive'}."
                )

    def remove(self, obj, by):
        services.delete_pipeline(obj, by=by)

    def save_model(self, request, obj, form, change):
        if change:
            services.update_pipeline_details(
                obj, name=obj.name, description=obj.description, by=_by(request)
            )
        else:
            created = services.create_pipeline(
                obj.owner, name=obj.name, description=obj.description
            )
            obj.pk = created.pk


@admin.register(Event)
class EventAdmin(ThroughServices):
    list_display = ["name", "pipeline", "kind", "topic", "partitions", "retention_hours"]
    list_filter = ["kind", "retention_hours"]
    search_fields = ["name", "topic", "pipeline__name"]
    readonly_fields = ["pipeline", "kind", "topic", "created_at", "updated_at"]
    fields = [
        "pipeline",
        "name",
        "kind",
        "topic",
        "partitions",
        "retention_hours",
        "created_at",
        "updated_at",
    ]

    def has_add_permission(self, request):
        return False  # events are created in the editor or the API, where the topic is derived

    def save_model(self, request, obj, form, change):
        changes = {f: getattr(obj, f) for f in ("name", "partitions", "retention_hours")}
        services.update_event(Event.objects.get(pk=obj.pk), changes=changes, by=_by(request))

    def remove(self, obj, by):
        services.delete_event(obj, by=by)


@admin.register(Component)
class ComponentAdmin(ThroughServices):
    list_display = [
        "name",
        "pipeline",
        "type",
        "guid",
        "ingestion_id",
        _masked_secret,
        "updated_at",
    ]
    list_filter = ["type"]
    search_fields = ["name", "pipeline__name", "ingestion_id", "guid"]
    readonly_fields = [
        "pipeline",
        "type",
        "guid",
        "ingestion_id",
        _masked_secret,
        "created_at",
        "updated_at",
    ]
    fields = [
        "pipeline",
        "type",
        "name",
        "config",
        "guid",
        "ingestion_id",
        _masked_secret,
        "created_at",
        "updated_at",
    ]
    actions = ["regenerate_secret"]

    def has_add_permission(self, request):
        return False  # components are created in the editor or the API, with their credentials

    @admin.action(description="Regenerate the Ingestion Secret (closes open sessions)")
    def regenerate_secret(self, request, queryset):
        for component in queryset:
            services.regenerate_secret(component, by=_by(request))
        self.message_user(request, f"Regenerated {queryset.count()} secret(s).")

    def save_model(self, request, obj, form, change):
        services.update_component(
            Component.objects.get(pk=obj.pk), name=obj.name, config=obj.config, by=_by(request)
        )

    def remove(self, obj, by):
        services.delete_component(obj, by=by)


@admin.register(Connection)
class ConnectionAdmin(ThroughServices):
    list_display = ["__str__", "pipeline", "direction", "created_at"]
    list_filter = ["direction"]
    search_fields = ["pipeline__name", "event__name", "component__name"]
    readonly_fields = ["pipeline", "event", "component", "direction", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def remove(self, obj, by):
        services.disconnect(obj, by=by)


@admin.register(PipelineVersion)
class PipelineVersionAdmin(admin.ModelAdmin):
    list_display = ["pipeline", "number", "message", "created_by", "created_at"]
    list_filter = ["pipeline"]
    search_fields = ["pipeline__name", "message"]
    readonly_fields = ["pipeline", "number", "message", "snapshot", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # The running version is what the workers and clients use: never deleted.
        return obj is None or obj.pipeline.current_version_id != obj.pk

    def delete_queryset(self, request, queryset):
        current = queryset.filter(pk__in=Pipeline.objects.values("current_version"))
        for version in current:
            self.message_user(
                request, f"{version} is the pipeline's current version: kept.", messages.ERROR
            )
        queryset.exclude(pk__in=current.values("pk")).delete()


@admin.register(ScalingDecision)
class ScalingDecisionAdmin(admin.ModelAdmin):
    list_display = [
        "decided_at",
        "pipeline",
        "component_name",
        "action",
        "old_count",
        "new_count",
        "lag",
        "ratio",
    ]
    list_filter = ["action", "pipeline"]
    search_fields = ["pipeline__name", "component_name", "component_guid", "reason"]
    date_hierarchy = "decided_at"

    def has_add_permission(self, request):
        return False  # written by the supervisor only

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: entries are written by the services, never edited or removed."""

    list_display = ["at", "actor_name", "action", "pipeline_name", "target_name", "address", "via"]
    list_filter = ["action", "via"]
    search_fields = ["actor_name", "pipeline_name", "target_name", "summary", "address"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
