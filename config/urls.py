"""Top-level URL map: pages, admin, auth, REST API and its docs."""

from __future__ import annotations

from csp.decorators import csp_update
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from config.security import DOCS_POLICY
from pipelines.monitoring.health import healthz, readyz
from pipelines.monitoring.prometheus import metrics_view

# The split view serves Swagger UI's init script from /api/docs/?script=, not inline.
swagger = SpectacularSwaggerSplitView.as_view(url_name="schema")
redoc = SpectacularRedocView.as_view(url_name="schema", template_name="api_docs/redoc.html")


@require_safe
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin, the API docs)."""
    return redirect(static("favicon.svg"))


handler400 = "pipelines.api.errors.bad_request"
handler404 = "pipelines.api.errors.not_found"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", csp_update(DOCS_POLICY)(swagger), name="api-docs"),
    path("api/redoc/", csp_update(DOCS_POLICY)(redoc), name="api-redoc"),
    path("api/", include("pipelines.api.urls")),
    path("metrics", metrics_view, name="metrics"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("favicon.ico", favicon, name="favicon"),
    path("", include("producer.urls")),
    path("", include("pipelines.urls")),
]
