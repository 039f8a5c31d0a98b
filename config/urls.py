"""Top-level URL map: pages, admin, auth, REST API and its docs."""

from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from pipelines.metrics import metrics_view

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/", include("pipelines.api.urls")),
    path("metrics", metrics_view, name="metrics"),
    path("", include("producer.urls")),
    path("", include("pipelines.urls")),
]
