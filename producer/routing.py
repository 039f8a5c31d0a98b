"""WebSocket routes of the producer (DESIGN §6), and the application that serves them.

A handshake with a secret or a token, which decides alone (producer.auth), goes straight to
its consumer: the scope gets its route in place and the consumer's coroutine is returned,
not awaited, so no router or middleware keeps a frame and a copy of the scope for the
connection's life (Channels' ProtocolTypeRouter, the session middleware and URLRouter held
~1.7 KB per connection). Cookie sessions (dashboards) and anything unmatched take Channels'
own path.
"""

from channels.routing import URLRouter
from django.urls import path

from producer.auth import presents_credential
from producer.consumer import ProducerConsumer
from producer.lazy_user import SessionStack

websocket_urlpatterns = [
    path("ws/producers/<str:ingestion_id>/", ProducerConsumer.as_asgi()),
]


def websocket_application(patterns=websocket_urlpatterns):
    with_session = SessionStack(URLRouter(patterns))

    def application(scope, receive, send):
        if presents_credential(scope):
            consumer = _route(patterns, scope)
            if consumer is not None:
                return consumer(scope, receive, send)
        return with_session(scope, receive, send)

    return application


def _route(patterns, scope):
    """URLRouter's match for an outermost router, written into the scope itself: the
    consumer for its path, or None."""
    path_ = scope["path"]
    root_path = scope.get("root_path", "")
    if root_path:
        if not path_.startswith(root_path):
            return None
        path_ = path_[len(root_path) :]
    for route in patterns:
        match = route.pattern.match(path_.lstrip("/"))
        if match:
            remaining, args, kwargs = match
            scope["path_remaining"] = remaining
            scope["url_route"] = {"args": args, "kwargs": {**kwargs, **route.default_args}}
            return route.callback.consumer_class(**route.callback.consumer_initkwargs)
    return None
