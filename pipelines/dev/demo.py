"""The demo that `manage.py up` loads: an admin user and the "Transactions" pipeline."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from config.env import env_str
from pipelines import services
from pipelines.models import Pipeline

DEMO_PIPELINE = "Transactions"
DEMO_TOPIC = "transactions"
DEMO_FEED = "Transactions Feed"


def ensure_admin(username: str = "admin") -> tuple[object, str | None]:
    """Create the admin once; returns the user and the password only when it was generated."""
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user, None
    password = env_str("DJANGO_SUPERUSER_PASSWORD")
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
        owner,
        name=DEMO_PIPELINE,
        description="Demo: live card transactions streamed to dashboards.",
    )
    consumer = services.create_component(
        pipeline,
        type="kafka_consumer",
        name="Transactions Source",
        position={"x": 80, "y": 160},
        config={"meta": {"topic": DEMO_TOPIC, "offset_reset": "latest"}},
    )
    event = services.create_event(
        pipeline, name="Transactions Event", position={"x": 380, "y": 170}
    )
    producer = services.create_component(
        pipeline,
        type="websocket_producer",
        name=DEMO_FEED,
        position={"x": 640, "y": 160},
        config={"basic": {"batch_size": 500}, "meta": {"frame_format": "envelope"}},
    )
    services.connect(pipeline, event=event, component=consumer, direction="output")
    services.connect(pipeline, event=event, component=producer, direction="input")
    services.deploy(pipeline, user=owner, message="Demo pipeline")
    return services.set_active(pipeline, True)


def is_demo_feed(component) -> bool:
    """Whether a component is the demo's producer, whose records are card transactions."""
    return component.name == DEMO_FEED and component.pipeline.name == DEMO_PIPELINE


def demo_endpoint(base_url: str) -> dict | None:
    """Where to watch the demo stream; the secret goes to a private file, never to output."""
    pipeline = Pipeline.objects.filter(name=DEMO_PIPELINE).first()
    producer = pipeline and pipeline.components.filter(name=DEMO_FEED).first()
    if producer is None:
        return None
    secret_file = settings.DATA_DIR / "demo-secret"
    secret_file.touch(mode=0o600)
    secret_file.write_text(producer.ingestion_secret)
    ws_base = base_url.replace("http", "ws", 1)
    return {
        "dashboard": f"{base_url}/dashboards/{producer.pk}/transactions/",
        "monitoring": f"{base_url}/pipelines/{pipeline.pk}/monitoring/",
        "endpoint": f"{ws_base}/ws/producers/{producer.ingestion_id}/",
        "secret_file": secret_file.relative_to(settings.BASE_DIR)
        if secret_file.is_relative_to(settings.BASE_DIR)
        else secret_file,
    }
