"""Shapes of the answers no model serializer describes, for the OpenAPI schema only.

The views build these bodies as plain dicts (pipelines.monitoring.status, producer.tokens, …); these
serializers only tell the schema what they hold, so a generated client can trust it.
"""

from __future__ import annotations

from rest_framework import serializers

from pipelines.api.serializers import VersionSerializer


class Detail(serializers.Serializer):
    """A refusal that concerns the request as a whole."""

    detail = serializers.CharField()


class Conflict(Detail):
    """The write named a stale pipeline revision: reload, then apply it again."""

    rev = serializers.IntegerField(help_text="The pipeline's current revision.")


class PipelineInvalid(Detail):
    """Update Pipeline refused: every rule the graph breaks, by node."""

    errors = serializers.DictField(child=serializers.JSONField())


class RevRequest(serializers.Serializer):
    rev = serializers.IntegerField(
        required=False, help_text="The pipeline revision the change is based on (409 if stale)."
    )


class DeployedComponent(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.CharField()
    guid = serializers.UUIDField()


class DeployResult(serializers.Serializer):
    version = VersionSerializer()
    components = DeployedComponent(many=True)
    rev = serializers.IntegerField()


class IngestionSecret(serializers.Serializer):
    ingestion_secret = serializers.CharField()


class StreamToken(serializers.Serializer):
    token = serializers.CharField(help_text="Pass as `?token=` on the WebSocket URL.")
    expires_in = serializers.IntegerField(help_text="Seconds the token stays valid.")


class CheckResult(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    ok = serializers.BooleanField()
    duration_ms = serializers.FloatField()
    message = serializers.CharField(allow_blank=True)


class CheckResults(serializers.Serializer):
    checks = CheckResult(many=True)


class InstanceFigures(serializers.Serializer):
    instance = serializers.CharField(allow_blank=True)
    version = serializers.IntegerField(allow_null=True)
    started_at = serializers.FloatField(allow_null=True)
    reported_at = serializers.FloatField(allow_null=True)
    assigned = serializers.ListField(child=serializers.JSONField())
    records_in_per_sec = serializers.FloatField()
    records_out_per_sec = serializers.FloatField()
    records_in = serializers.IntegerField()
    records_out = serializers.IntegerField()
    failed = serializers.IntegerField()
    lag = serializers.IntegerField(allow_null=True)
    cpu_percent = serializers.FloatField(allow_null=True)
    cpu_millicores = serializers.FloatField(allow_null=True)
    rss_mb = serializers.FloatField(allow_null=True)
    resources = serializers.DictField(child=serializers.IntegerField())
    last_error = serializers.CharField(allow_blank=True)
    last_error_at = serializers.FloatField(allow_null=True)


class ScalingBounds(serializers.Serializer):
    intelligent = serializers.BooleanField()
    min_instances = serializers.IntegerField(allow_null=True)
    max_instances = serializers.IntegerField(allow_null=True)
    lag_threshold = serializers.IntegerField(allow_null=True)


class ComponentStatus(serializers.Serializer):
    id = serializers.IntegerField()
    guid = serializers.UUIDField(allow_null=True)
    name = serializers.CharField()
    type = serializers.CharField()
    type_label = serializers.CharField()
    runs_in = serializers.ChoiceField(choices=["workers", "web"])
    deployed = serializers.BooleanField()
    state = serializers.ChoiceField(choices=["UP", "OFF"])
    instances = serializers.IntegerField()
    records_in_per_sec = serializers.FloatField()
    records_out_per_sec = serializers.FloatField()
    records_per_sec = serializers.FloatField()
    records_in = serializers.IntegerField()
    records_out = serializers.IntegerField()
    failed = serializers.IntegerField()
    lag = serializers.IntegerField(allow_null=True)
    last_processed_at = serializers.FloatField(allow_null=True)
    last_batch_records = serializers.IntegerField()
    last_batch_bytes = serializers.IntegerField(allow_null=True)
    last_error = serializers.CharField(allow_blank=True)
    last_error_at = serializers.FloatField(allow_null=True)
    instance_details = InstanceFigures(many=True)
    clients = serializers.IntegerField(allow_null=True, help_text="Null: not a stream.")
    scaling = ScalingBounds(allow_null=True)
    resources = serializers.DictField(child=serializers.IntegerField(), allow_null=True)
    failover_event = serializers.CharField(allow_null=True)


class PipelineSummary(serializers.Serializer):
    components = serializers.IntegerField()
    up = serializers.IntegerField()
    records_per_sec = serializers.FloatField()
    lag = serializers.IntegerField(allow_null=True)
    clients = serializers.IntegerField()
    failed = serializers.IntegerField()
    errors = serializers.IntegerField()


class PipelineStatus(serializers.Serializer):
    status = serializers.ChoiceField(choices=["draft", "active", "inactive"])
    components = ComponentStatus(many=True)
    summary = PipelineSummary()


class PipelineSummaryLine(PipelineSummary):
    id = serializers.IntegerField()


class PipelineSummaries(serializers.Serializer):
    results = PipelineSummaryLine(many=True)


class FieldSpec(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=["secret", "readonly", "event", "boolean", "integer", "choice", "password", "text"]
    )
    required = serializers.BooleanField()
    read_only = serializers.BooleanField()
    default = serializers.JSONField(allow_null=True)
    choices = serializers.ListField(child=serializers.DictField(), allow_null=True)
    min = serializers.IntegerField(allow_null=True)
    max = serializers.IntegerField(allow_null=True)
    help = serializers.CharField(allow_blank=True)
    source = serializers.ChoiceField(choices=["config", "component", "event"])
    event_kind = serializers.CharField(required=False)


class TabSpec(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    fields = FieldSpec(many=True)
    checks = serializers.ListField(child=serializers.CharField(), required=False)


class Bounds(serializers.Serializer):
    min = serializers.IntegerField()
    max = serializers.IntegerField(allow_null=True, help_text="Null: no limit.")


class ComponentTypeSpec(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    group = serializers.CharField()
    description = serializers.CharField()
    inputs = Bounds()
    outputs = Bounds()
    tabs = TabSpec(many=True)


class PaletteItem(serializers.Serializer):
    item = serializers.ChoiceField(choices=["component", "event"])
    label = serializers.CharField()
    type = serializers.CharField(required=False)
    kind = serializers.CharField(required=False)


class PaletteGroup(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    items = PaletteItem(many=True)


class EventKindSpec(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    fields = FieldSpec(many=True)


class ComponentTypes(serializers.Serializer):
    palette = PaletteGroup(many=True)
    component_types = ComponentTypeSpec(many=True)
    event_kinds = EventKindSpec(many=True)
