from django.urls import include, path
from rest_framework.routers import DefaultRouter

from pipelines.api import views

router = DefaultRouter()
router.register("pipelines", views.PipelineViewSet, basename="pipeline")
router.register("events", views.EventViewSet, basename="event")
router.register("components", views.ComponentViewSet, basename="component")
router.register("connections", views.ConnectionViewSet, basename="connection")

urlpatterns = [
    path("component-types/", views.ComponentTypesView.as_view(), name="component-types"),
    path("", include(router.urls)),
]
