"""The demo that `manage.py up` loads: an admin user and the "Transactions" pipeline."""

from __future__ import annotations

import os
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction

from pipelines import services
from pipelines.models import Pipeline

DEMO_PIPELINE = "Transactions"
DEMO_TOPIC = "transactions"


def ensure_admin(username: str = "admin") -> tuple[object, str | None]:
    """Create the admin once; returns the user and the password only when it was generated."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, None
    password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
    generated = None
    if not password:
        password = generated = secrets.token_urlsafe(12)
    user = User.objects.create_superuser(username, email="", password=password)
    return user, generated


@transaction.atomic
def ensure_demo_pipeline(owner) -> Pipeline:
    """Kafka Consumer on `transactions` → Kafka Event → WebSocket Producer, deployed and active."""
    existing = Pipeline.objects.filter(owner=owner, name=DEMO_PIPELINE).first()
    if existing is not None:
        return existing
    pipeline = services.create_pipeline(
        owner, name=DEMO_PIPELINE, description="Demo: live card transactions streamed to dashboards."
    )
    consumer = services.create_component(
        pipeline, type="kafka_consumer", name="Transactions Source", position={"x": 80, "y": 160},
        config={"meta": {"topic": DEMO_TOPIC, "offset_reset": "latest"}},
    )
    event = services.create_event(pipeline, name="Transactions Event", position={"x": 380, "y": 170})
    producer = services.create_component(
        pipeline, type="websocket_producer", name="Transactions Feed", position={"x": 640, "y": 160},
        config={"basic": {"batch_size": 500}, "meta": {"frame_format": "envelope"}},
    )
    services.connect(pipeline, event=event, component=consumer, direction="output")
    services.connect(pipeline, event=event, component=producer, direction="input")
    services.deploy(pipeline, user=owner, message="Demo pipeline")
    return services.set_active(pipeline, True)
