"""ASGI entry point: HTTP through Django, WebSockets through the producer's routes."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from producer.lazy_user import SessionStack  # noqa: E402
from producer.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Sessions for cookie-authenticated dashboards, their user read only when a
        # handshake has no secret or token; Origin is checked per credential in
        # producer.auth (header and token clients need no Origin).
        "websocket": SessionStack(URLRouter(websocket_urlpatterns)),
    }
)
