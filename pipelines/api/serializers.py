"""API representations. Writes are parsed here and carried out by pipelines.services."""

from __future__ import annotations

from rest_framework import serializers

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
from pipelines.security import access
from pipelines.security.access import visible_pipelines
from pipelines.types import configs, registry
from pipelines.types.endpoints import component_endpoint


class OwnedPipelineField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return visible_pipelines(self.context["request"].user)


class OwnedRelatedField(serializers.PrimaryKeyRelatedField):
    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        user = self.context["request"].user
        return self.model.objects.filter(pipeline__in=visible_pipelines(user))


class PositionField(serializers.JSONField):
    def to_internal_value(self, data):
        if not isinstance(data, dict) or not all(
            isinstance(data.get(axis), int | float) for axis in ("x", "y")
        ):
            raise serializers.ValidationError('A position is {"x": number, "y": number}.')
        return {"x": float(data["x"]), "y": float(data["y"])}


class RevMixin(serializers.Serializer):
    """`rev` names the pipeline revision a write is based on; stale ones get 409."""

    rev = serializers.IntegerField(write_only=True, required=False)
    pipeline_rev = serializers.SerializerMethodField()

    def get_pipeline_rev(self, obj) -> int:
        listed = getattr(obj, "listed_pipeline_rev", None)  # see PipelineChildViewSet
        if listed is not None:
            return listed
        # After a write, the rev that write made.
        return Pipeline.objects.values_list("rev", flat=True).get(pk=obj.pipeline_id)


class PipelineSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.get_username", read_only=True)
    current_version = serializers.IntegerField(
        source="current_version.number", read_only=True, allow_null=True
    )
    rev = serializers.IntegerField(required=False)
    access = serializers.SerializerMethodField(
        help_text="The caller's role: owner, staff, editor or viewer."
    )
    grant_count = serializers.SerializerMethodField(help_text="How many grants share it.")

    class Meta:
        model = Pipeline
        fields = [
            "id",
            "name",
            "description",
            "status",
            "rev",
            "current_version",
            "created_at",
            "updated_at",
            "owner",
            "access",
            "grant_count",
        ]
        read_only_fields = ["status"]

    def get_access(self, obj: Pipeline) -> str:
        return access.role_of(self.context["request"].user, obj) or ""

    def get_grant_count(self, obj: Pipeline) -> int:
        return len(obj.grants.all())  # prefetched by the viewset


class EventSerializer(RevMixin, serializers.ModelSerializer):
    pipeline = OwnedPipelineField()
    position = PositionField(required=False)
    kind = serializers.ChoiceField(choices=Event.Kind.choices, default=Event.Kind.KAFKA)
    topic = serializers.CharField(required=False, allow_blank=True, max_length=249)

    class Meta:
        model = Event
        fields = [
            "id",
            "pipeline",
            "name",
            "kind",
            "topic",
            "partitions",
            "retention_hours",
            "position",
            "rev",
            "pipeline_rev",
        ]
        extra_kwargs = {
            "name": {"validators": []},
            # The column's range, stated: the database's own (which the schema would take)
            # differs between SQLite and PostgreSQL. Kafka's limit is the event form's.
            "partitions": {"required": False, "min_value": 0, "max_value": 32767},
            "retention_hours": {"required": False},
        }
        validators: list = []


class ComponentSerializer(RevMixin, serializers.ModelSerializer):
    pipeline = OwnedPipelineField()
    type = serializers.ChoiceField(choices=[])
    position = PositionField(required=False)
    config = serializers.JSONField(required=False)
    ingestion_secret = serializers.SerializerMethodField()
    endpoint = serializers.SerializerMethodField()

    class Meta:
        model = Component
        fields = [
            "id",
            "pipeline",
            "type",
            "name",
            "position",
            "config",
            "guid",
            "ingestion_id",
            "ingestion_secret",
            "endpoint",
            "created_at",
            "updated_at",
            "rev",
            "pipeline_rev",
        ]
        read_only_fields = ["guid", "ingestion_id"]
        extra_kwargs = {"name": {"validators": []}}
        validators: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = registry.type_choices()

    def validate_config(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError(
                'config is {"basic": {...}, "meta": {...}, "resources": {...}}.'
            )
        return value

    def get_ingestion_secret(self, obj: Component) -> str:
        return credentials.mask(obj.ingestion_secret)

    def get_endpoint(self, obj: Component) -> str:
        return component_endpoint(obj, self.context.get("request"))

    def to_representation(self, obj: Component):
        data = super().to_representation(obj)
        data["config"] = configs.mask_passwords(registry.get_type(obj.type), obj.config)
        return data


class ConnectionSerializer(RevMixin, serializers.ModelSerializer):
    pipeline = OwnedPipelineField(required=False)
    event = OwnedRelatedField(Event, required=False)
    component = OwnedRelatedField(Component, required=False)
    direction = serializers.ChoiceField(choices=Connection.Direction.choices, required=False)
    source = serializers.CharField(
        write_only=True, required=False, help_text='"component:<id>" or "event:<id>"'
    )
    target = serializers.CharField(
        write_only=True, required=False, help_text='"component:<id>" or "event:<id>"'
    )

    class Meta:
        model = Connection
        fields = [
            "id",
            "pipeline",
            "event",
            "component",
            "direction",
            "source",
            "target",
            "rev",
            "pipeline_rev",
        ]
        validators: list = []


class VersionSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(
        source="created_by.get_username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = PipelineVersion
        fields = ["number", "message", "created_at", "created_by"]
        extra_kwargs = {"number": {"min_value": 0, "max_value": 2**31 - 1}}  # as partitions


class VersionDetailSerializer(VersionSerializer):
    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "snapshot"]


class DeploySerializer(serializers.Serializer):
    message = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")
    rev = serializers.IntegerField(required=False)


class ScalingDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScalingDecision
        fields = [
            "id",
            "decided_at",
            "component",
            "component_guid",
            "component_name",
            "version",
            "action",
            "lag",
            "lag_threshold",
            "ratio",
            "old_count",
            "new_count",
            "reason",
        ]
        read_only_fields = fields


class GrantSerializer(serializers.ModelSerializer):
    """A grant names a user or a group by name; after creation only its role changes."""

    pipeline = OwnedPipelineField()
    user = serializers.CharField(required=False, allow_null=True, max_length=150, default=None)
    group = serializers.CharField(required=False, allow_null=True, max_length=150, default=None)
    role = serializers.ChoiceField(choices=PipelineGrant.Role.choices)

    class Meta:
        model = PipelineGrant
        fields = ["id", "pipeline", "user", "group", "role", "created_at"]


class AuditEntrySerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_name", allow_null=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "at",
            "actor",
            "action",
            "pipeline",
            "pipeline_name",
            "target_type",
            "target_id",
            "target_name",
            "summary",
            "address",
            "via",
        ]
        read_only_fields = fields
