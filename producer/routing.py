"""WebSocket routes of the producer (DESIGN §6)."""

from __future__ import annotations

from django.urls import path

websocket_urlpatterns: list = []

try:
    from producer.consumer import ProducerConsumer
except ImportError:  # pragma: no cover - the consumer lands with the live-stream issue
    ProducerConsumer = None
else:
    websocket_urlpatterns.append(
        path("ws/producers/<str:ingestion_id>/", ProducerConsumer.as_asgi())
    )
