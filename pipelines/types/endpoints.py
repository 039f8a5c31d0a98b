"""Where clients reach a component: its WebSocket or ingestion URL."""

from __future__ import annotations

from django.http import HttpRequest

from pipelines.models import Component
from pipelines.types.registry import get_type


def component_endpoint(component: Component, request: HttpRequest | None) -> str:
    """The absolute URL for the component's clients, or "" for types clients don't reach."""
    endpoint = get_type(component.type).endpoint
    if endpoint is None:
        return ""
    scheme_kind, path = endpoint
    host = request.get_host() if request else "127.0.0.1:8000"
    secure = bool(request and request.is_secure())
    scheme = {"ws": "wss" if secure else "ws", "http": "https" if secure else "http"}[scheme_kind]
    return f"{scheme}://{host}{path.format(component.ingestion_id)}"
