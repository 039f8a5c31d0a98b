"""ASGI entry point: HTTP through Django, WebSockets through the producer's routes."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from producer.routing import websocket_application  # noqa: E402

# Sessions for cookie-authenticated dashboards, their user read only when a handshake has no
# secret or token; Origin is checked per credential in producer.auth (header and token
# clients need no Origin).
_websocket = websocket_application()


def application(scope, receive, send):
    """Channels' ProtocolTypeRouter, as a function that returns the route's coroutine
    instead of awaiting it: one frame less for every open WebSocket (producer.routing)."""
    if scope["type"] == "websocket":
        return _websocket(scope, receive, send)
    if scope["type"] == "http":
        return django_asgi_app(scope, receive, send)
    raise ValueError(f"No application configured for scope type {scope['type']!r}")


# A plain function would pass for an ASGI 2 application (asgiref guesses by its kind).
application._asgi_single_callable = True
