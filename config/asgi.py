"""ASGI entry point: HTTP through Django, WebSockets through the producer's routes."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from producer.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Sessions and users for cookie-authenticated dashboards; Origin is checked per
        # credential in producer.auth (header and token clients need no Origin).
        "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
    }
)
