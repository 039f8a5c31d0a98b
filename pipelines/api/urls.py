from django.urls import include, path
from rest_framework.routers import DefaultRouter

from pipelines.api import views
from pipelines.api.ingest import ingest_view
from producer.api import ProducerViewSet

router = DefaultRouter()
router.register("pipelines", views.PipelineViewSet, basename="pipeline")
router.register("events", views.EventViewSet, basename="event")
router.register("components", views.ComponentViewSet, basename="component")
router.register("connections", views.ConnectionViewSet, basename="connection")
router.register("producers", ProducerViewSet, basename="producer")
router.register("grants", views.GrantViewSet, basename="grant")
router.register("audit", views.AuditViewSet, basename="audit")

urlpatterns = [
    path("ingest/<str:ingestion_id>/", ingest_view, name="ingest"),
    path("component-types/", views.ComponentTypesView.as_view(), name="component-types"),
    path("", include(router.urls)),
]
