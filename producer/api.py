"""`/api/producers/`: the WebSocket Producers a user may watch, with their live status."""

from __future__ import annotations

from rest_framework import serializers, viewsets

from pipelines.models import Component
from pipelines.runtime import heartbeats
from pipelines.types.endpoints import component_endpoint
from producer.dashboards import summary, visible_producers


class PipelineRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    status = serializers.CharField()


class StreamStatusSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["UP", "OFF"])
    instances = serializers.IntegerField()
    clients = serializers.IntegerField()
    records_per_sec = serializers.FloatField()
    last_processed_at = serializers.FloatField(allow_null=True)


class DashboardLinkSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    url = serializers.CharField()


class ProducerSerializer(serializers.ModelSerializer):
    pipeline = PipelineRefSerializer()
    endpoint = serializers.SerializerMethodField()
    # From producer.dashboards.summary(), computed once per producer in to_representation.
    streaming = serializers.BooleanField(source="summary.streaming")
    frame_format = serializers.CharField(source="summary.frame_format")
    partitions = serializers.IntegerField(source="summary.partitions", allow_null=True)
    status = StreamStatusSerializer(source="summary.status")
    dashboards = DashboardLinkSerializer(source="summary.dashboards", many=True)

    class Meta:
        model = Component
        fields = [
            "id",
            "name",
            "type",
            "pipeline",
            "ingestion_id",
            "endpoint",
            "streaming",
            "frame_format",
            "partitions",
            "status",
            "dashboards",
        ]
        read_only_fields = fields

    def get_endpoint(self, obj: Component) -> str:
        return component_endpoint(obj, self.context.get("request"))

    def to_representation(self, obj: Component) -> dict:
        obj.summary = summary(obj, self.context.get("reports"))
        return super().to_representation(obj)


class ProducerViewSet(viewsets.ReadOnlyModelViewSet):
    """Read-only: producers change through `/api/components/`; this adds how each streams
    (`streaming`, `frame_format`, `partitions`), its live status and its dashboard pages."""

    serializer_class = ProducerSerializer
    queryset = Component.objects.none()  # the model for the schema; get_queryset() scopes it
    filterset_fields = ["pipeline"]

    def get_queryset(self):
        return visible_producers(self.request.user)

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if self.action == "list":
            context["reports"] = heartbeats.read_all()  # one scan for the page
        return context
