"""Admin site: every model, with secrets masked and changes made through the services."""

from __future__ import annotations

from django.contrib import admin, messages

from pipelines import credentials, services
from pipelines.exceptions import PipelineError
from pipelines.models import (
    Component,
    Connection,
    Event,
    Pipeline,
    PipelineVersion,
    ScalingDecision,
)


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


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "status", "current_version", "rev", "updated_at"]
    list_filter = ["status", "owner"]
    search_fields = ["name", "description", "owner__username"]
    readonly_fields = ["status", "rev", "current_version", "created_at", "updated_at"]
    inlines = [EventInline, ComponentInline]
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
                services.set_active(pipeline, active)
            except PipelineError as exc:
                self.message_user(request, f"{pipeline.name}: {exc}", messages.ERROR)
            else:
                self.message_user(
                    request, f"{pipeline.name} is now {'active' if active else 'inactive'}."
                )

    def save_model(self, request, obj, form, change):
        if change:
            services.update_pipeline_details(obj, name=obj.name, description=obj.description)
        else:
            created = services.create_pipeline(
                obj.owner, name=obj.name, description=obj.description
            )
            obj.pk = created.pk


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
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
        services.update_event(Event.objects.get(pk=obj.pk), changes=changes)


@admin.register(Component)
class ComponentAdmin(admin.ModelAdmin):
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
            services.regenerate_secret(component)
        self.message_user(request, f"Regenerated {queryset.count()} secret(s).")

    def save_model(self, request, obj, form, change):
        services.update_component(
            Component.objects.get(pk=obj.pk), name=obj.name, config=obj.config
        )


@admin.register(Connection)
class ConnectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "pipeline", "direction", "created_at"]
    list_filter = ["direction"]
    search_fields = ["pipeline__name", "event__name", "component__name"]
    readonly_fields = ["pipeline", "event", "component", "direction", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
