"""REST API (DESIGN §7): thin viewsets that parse, authorize, call one service, answer."""

from __future__ import annotations

from django.db.models import F
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from pipelines import services
from pipelines.api import responses as r
from pipelines.api import serializers as s
from pipelines.api.connection_validation import run_checks
from pipelines.api.permissions import PipelineRights
from pipelines.api.throttles import TokenMinting
from pipelines.exceptions import InvalidChange
from pipelines.models import Component, Connection, Event, PipelineGrant
from pipelines.monitoring.status import pipeline_status, summaries
from pipelines.rules import graph
from pipelines.security import access, audit
from pipelines.security.access import Actor, Right
from pipelines.types import registry
from pipelines.types.event_kinds import event_kind_specs
from pipelines.types.fieldspecs import component_type_spec
from producer.tokens import mint_token


class AccessMixin:
    """Every action asks pipelines.security.access; services get the caller as `by`."""

    permission_classes = [IsAuthenticated, PipelineRights]

    @property
    def by(self) -> Actor:
        return Actor.of(self.request)


class PipelineViewSet(AccessMixin, viewsets.ModelViewSet):
    serializer_class = s.PipelineSerializer
    filterset_fields = ["status"]
    rights = {
        "deploy": Right.DEPLOY,
        "activate": Right.DEPLOY,
        "deactivate": Right.DEPLOY,
        "restore": Right.EDIT,
        "destroy": Right.DELETE,
    }

    def get_queryset(self):
        qs = (
            access.visible_pipelines(self.request.user)
            .select_related("owner", "current_version")
            .prefetch_related("grants")
        )
        query = self.request.query_params.get("search")
        return qs.filter(name__icontains=query) if query else qs

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.create_pipeline(
            self.request.user, name=data["name"], description=data.get("description", "")
        )

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.update_pipeline_details(
            serializer.instance,
            name=data.get("name"),
            description=data.get("description"),
            rev=data.get("rev"),
            by=self.by,
        )

    def perform_destroy(self, instance):
        services.delete_pipeline(instance, rev=_rev(self.request), by=self.by)

    @extend_schema(
        request=s.DeploySerializer,
        responses={200: r.DeployResult, 400: r.PipelineInvalid, 503: r.Detail},
    )
    @action(detail=True, methods=["post"], url_path="update")
    def deploy(self, request, pk=None):
        """Update Pipeline: validate the whole graph, assign GUIDs, write a version."""
        body = s.DeploySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = services.deploy(
            self.get_object(),
            message=body.validated_data["message"],
            rev=body.validated_data.get("rev"),
            by=self.by,
        )
        pipeline = version.pipeline
        components = Component.objects.filter(pipeline=pipeline).order_by("id")
        return Response(
            {
                "version": s.VersionSerializer(version).data,
                "components": [
                    {"id": c.pk, "name": c.name, "type": c.type, "guid": c.guid} for c in components
                ],
                "rev": pipeline.rev,
            }
        )

    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        pipeline = services.set_active(self.get_object(), True, by=self.by)
        return Response(self.get_serializer(pipeline).data)

    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        pipeline = services.set_active(self.get_object(), False, by=self.by)
        return Response(self.get_serializer(pipeline).data)

    @extend_schema(responses=s.VersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        page = self.paginate_queryset(self.get_object().versions.select_related("created_by"))
        return self.get_paginated_response(s.VersionSerializer(page, many=True).data)

    @extend_schema(responses=s.VersionDetailSerializer)
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>\d+)")
    def version(self, request, pk=None, number=None):
        version = get_object_or_404(self.get_object().versions, number=number)
        return Response(s.VersionDetailSerializer(version).data)

    @extend_schema(request=r.RevRequest)
    @action(detail=True, methods=["post"], url_path=r"versions/(?P<number>\d+)/restore")
    def restore(self, request, pk=None, number=None):
        pipeline = services.restore_version(
            self.get_object(), int(number), rev=_rev(request), by=self.by
        )
        return Response(self.get_serializer(pipeline).data)

    @extend_schema(responses=r.PipelineStatus)
    @action(detail=True, methods=["get"])
    def status(self, request, pk=None):
        """Monitoring figures of every component, read from the instances' live reports."""
        return Response(pipeline_status(self.get_object()))

    @extend_schema(operation_id="pipelines_status_summaries", responses=r.PipelineSummaries)
    @action(detail=False, methods=["get"], url_path="status")
    def status_summaries(self, request):
        """One monitoring line per visible active pipeline, for the pipeline list."""
        return Response({"results": summaries(self.get_queryset())})

    @extend_schema(
        responses=s.ScalingDecisionSerializer(many=True),
        parameters=[OpenApiParameter("component", int, description="Only this component's.")],
    )
    @action(detail=True, methods=["get"])
    def scaling(self, request, pk=None):
        """Intelligent Scaling decisions, newest first; `?component=<id>` narrows them."""
        decisions = self.get_object().scaling_decisions.all()
        component = request.query_params.get("component")
        if component:
            if not component.isdigit():
                raise InvalidChange({"component": [f"{component!r} is not a component id."]})
            decisions = decisions.filter(component_id=int(component))
        page = self.paginate_queryset(decisions)
        return self.get_paginated_response(s.ScalingDecisionSerializer(page, many=True).data)


def _rev(request) -> int | None:
    if not hasattr(request.data, "get"):  # a JSON array or scalar
        raise InvalidChange('The body is a JSON object, e.g. {"rev": 3}, or empty.')
    raw = request.data.get("rev")
    raw = raw if raw is not None else request.query_params.get("rev")
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise InvalidChange({"rev": [f"{raw!r} is not a revision number."]}) from None


class PipelineChildViewSet(AccessMixin, viewsets.ModelViewSet):
    """Events, components and connections: scoped to visible pipelines, filterable by pipeline."""

    filterset_fields = ["pipeline"]

    def get_queryset(self):
        queryset = self.queryset.filter(pipeline__in=access.visible_pipelines(self.request.user))
        if self.action == "list":  # pipeline_rev in the page's query, not one query per row
            queryset = queryset.annotate(listed_pipeline_rev=F("pipeline__rev"))
        return queryset

    def perform_destroy(self, instance):
        self.remove(instance, rev=_rev(self.request), by=self.by)


class EventViewSet(PipelineChildViewSet):
    queryset = Event.objects.all()
    serializer_class = s.EventSerializer
    filterset_fields = ["pipeline", "kind"]
    remove = staticmethod(services.delete_event)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        pipeline, rev = data.pop("pipeline"), data.pop("rev", None)
        serializer.instance = services.create_event(pipeline, rev=rev, by=self.by, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("pipeline", None)
        rev = data.pop("rev", None)
        serializer.instance = services.update_event(
            serializer.instance, changes=data, rev=rev, by=self.by
        )


class ComponentViewSet(PipelineChildViewSet):
    queryset = Component.objects.select_related("pipeline")
    serializer_class = s.ComponentSerializer
    filterset_fields = ["pipeline", "type"]
    remove = staticmethod(services.delete_component)
    rights = {
        "secret": Right.SECRETS,
        "regenerate_secret": Right.SECRETS,
        "validate": Right.EDIT,
        "token": Right.VIEW,  # viewers watch dashboards, which connect with a token
        "restore": Right.EDIT,
    }

    def get_queryset(self):
        if self.action == "restore":  # the one action on components deleted in the draft
            visible = access.visible_pipelines(self.request.user)
            return Component.with_removed.filter(pipeline__in=visible, removed_at__isnull=False)
        return super().get_queryset()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.create_component(
            data["pipeline"],
            type=data["type"],
            name=data.get("name", ""),
            position=data.get("position"),
            config=data.get("config"),
            rev=data.get("rev"),
            by=self.by,
        )

    def perform_update(self, serializer):
        data = serializer.validated_data
        instance = serializer.instance
        if "type" in data and data["type"] != instance.type:
            raise InvalidChange(
                {"type": ["A component's type cannot change; add a new component."]}
            )
        if "pipeline" in data and data["pipeline"].pk != instance.pipeline_id:
            raise InvalidChange({"pipeline": ["A component cannot move to another pipeline."]})
        serializer.instance = services.update_component(
            instance,
            name=data.get("name"),
            position=data.get("position"),
            config=data.get("config"),
            rev=data.get("rev"),
            by=self.by,
        )

    @extend_schema(responses=r.IngestionSecret)
    @action(detail=True, methods=["get"])
    def secret(self, request, pk=None):
        """The unmasked Ingestion Secret, for the editor's reveal and copy buttons."""
        return Response({"ingestion_secret": services.reveal_secret(self.get_object(), by=self.by)})

    @extend_schema(responses=r.IngestionSecret)
    @action(detail=True, methods=["post"], url_path="regenerate-secret")
    def regenerate_secret(self, request, pk=None):
        secret = services.regenerate_secret(self.get_object(), by=self.by)
        return Response({"ingestion_secret": secret})

    @extend_schema(responses=r.CheckResults)
    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        return Response({"checks": run_checks(self.get_object(), request)})

    @extend_schema(responses=r.StreamToken)
    @action(detail=True, methods=["post"], throttle_classes=[TokenMinting])
    def token(self, request, pk=None):
        # request.auth: the API token, when that (not the session) authenticated the call.
        session = request.auth is None
        return Response(mint_token(self.get_object(), viewer=request.user, from_session=session))

    @extend_schema(request=r.RevRequest)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        """Undo a delete that Update Pipeline has not applied: the same component, with its
        GUID, Ingestion ID and Secret, still streaming all along."""
        component = services.restore_component(self.get_object(), rev=_rev(request), by=self.by)
        return Response(self.get_serializer(component).data)


class ConnectionViewSet(PipelineChildViewSet):
    queryset = Connection.objects.select_related("event", "component")
    serializer_class = s.ConnectionSerializer
    http_method_names = ["get", "post", "delete", "head", "options"]
    remove = staticmethod(services.disconnect)

    def perform_create(self, serializer):
        data = serializer.validated_data
        event, component, direction = _wire_ends(data, self.request.user)
        pipeline = data.get("pipeline") or component.pipeline
        serializer.instance = services.connect(
            pipeline,
            event=event,
            component=component,
            direction=direction,
            rev=data.get("rev"),
            by=self.by,
        )


def _wire_ends(data: dict, user) -> tuple[Event, Component, str]:
    """Accept either event/component/direction or a drawn wire's source and target."""
    if "source" in data or "target" in data:
        source, target = _node(data.get("source")), _node(data.get("target"))
        try:
            direction = graph.wire_direction(source[0], target[0])
        except graph.WiringError as exc:
            raise InvalidChange(str(exc)) from None
        event_id, component_id = (
            (target[1], source[1]) if direction == graph.OUTPUT else (source[1], target[1])
        )
        visible = access.visible_pipelines(user)
        event = Event.objects.filter(pk=event_id, pipeline__in=visible).first()
        component = Component.objects.filter(pk=component_id, pipeline__in=visible).first()
        if event is None or component is None:
            raise InvalidChange("The wire names an event or component that does not exist.")
        return event, component, direction
    missing = [f for f in ("event", "component", "direction") if f not in data]
    if missing:
        raise InvalidChange({f: ["This field is required."] for f in missing})
    return data["event"], data["component"], data["direction"]


def _node(ref: str | None) -> tuple[str, int]:
    kind, _, raw_id = (ref or "").partition(":")
    if kind not in (graph.COMPONENT, graph.EVENT) or not raw_id.isdigit():
        raise InvalidChange(
            {"source": [f'{ref!r} is not a node reference like "component:12" or "event:4".']}
        )
    return kind, int(raw_id)


class ComponentTypesView(APIView):
    """The palette and every tab's field specs, derived from the tab forms."""

    @extend_schema(responses=r.ComponentTypes)
    def get(self, request):
        types = registry.all_types()
        palette = [
            {
                "key": key,
                "label": label,
                "items": [
                    {"item": "component", "type": t.key, "label": t.label}
                    for t in types
                    if t.group == key
                ],
            }
            for key, label in registry.PALETTE_GROUPS
        ]
        events = event_kind_specs()
        palette.append(
            {
                "key": "events",
                "label": "Events",
                "items": [{"item": "event", "kind": e["key"], "label": e["label"]} for e in events],
            }
        )
        return Response(
            {
                "palette": palette,
                "component_types": [component_type_spec(t) for t in types],
                "event_kinds": events,
            },
            status=status.HTTP_200_OK,
        )


class GrantViewSet(AccessMixin, viewsets.ModelViewSet):
    """Sharing: who else may view or edit a pipeline. Listed to anyone who may see the
    pipeline; only its owner and staff change it."""

    serializer_class = s.GrantSerializer
    filterset_fields = ["pipeline"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    rights = {"partial_update": Right.SHARE, "destroy": Right.SHARE}

    def get_queryset(self):
        return PipelineGrant.objects.select_related("user", "group").filter(
            pipeline__in=access.visible_pipelines(self.request.user)
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.grant_access(
            data["pipeline"],
            user=data.get("user") or None,
            group=data.get("group") or None,
            role=data["role"],
            by=self.by,
        )

    def perform_update(self, serializer):
        serializer.instance = services.change_grant(
            serializer.instance,
            role=serializer.validated_data.get("role", serializer.instance.role),
            by=self.by,
        )

    def perform_destroy(self, instance):
        services.revoke_grant(instance, by=self.by)


class AuditViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit entries the caller may see, newest first; `?pipeline=<id>` narrows them."""

    serializer_class = s.AuditEntrySerializer
    filterset_fields = ["pipeline", "action", "actor"]

    def get_queryset(self):
        return audit.visible_entries(self.request.user)
