"""WebSocket routes of the producer (DESIGN §6)."""

from django.urls import path

from producer.consumer import ProducerConsumer

websocket_urlpatterns = [
    path("ws/producers/<str:ingestion_id>/", ProducerConsumer.as_asgi()),
]
