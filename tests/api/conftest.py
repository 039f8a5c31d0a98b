"""Personas and API clients for the REST API tests."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", password="alice-pass-123")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", password="bob-pass-123")


@pytest.fixture
def api(alice) -> APIClient:
    client = APIClient()
    client.force_authenticate(alice)
    return client


@pytest.fixture
def bob_api(bob) -> APIClient:
    client = APIClient()
    client.force_authenticate(bob)
    return client


class Graph:
    """Builds pipelines through the API, the way the editor does."""

    def __init__(self, api: APIClient):
        self.api = api

    def post(self, url: str, data: dict, expect: int = 201) -> dict:
        response = self.api.post(url, data, format="json")
        assert response.status_code == expect, response.content
        return response.json()

    def pipeline(self, name: str = "Transactions") -> dict:
        return self.post("/api/pipelines/", {"name": name})

    def component(self, pipeline: dict, type: str, name: str, config: dict | None = None) -> dict:
        body = {
            "pipeline": pipeline["id"],
            "type": type,
            "name": name,
            "position": {"x": 0, "y": 0},
        }
        if config is not None:
            body["config"] = config
        return self.post("/api/components/", body)

    def event(self, pipeline: dict, name: str, kind: str = "kafka", **extra) -> dict:
        return self.post(
            "/api/events/", {"pipeline": pipeline["id"], "name": name, "kind": kind, **extra}
        )

    def wire(self, event: dict, component: dict, direction: str, expect: int = 201) -> dict:
        body = {"event": event["id"], "component": component["id"], "direction": direction}
        return self.post("/api/connections/", body, expect=expect)

    def demo(self) -> tuple[dict, dict, dict, dict]:
        """Kafka Consumer → Kafka Event → WebSocket Producer, as in DESIGN §1."""
        pipeline = self.pipeline()
        consumer = self.component(
            pipeline, "kafka_consumer", "Source", {"meta": {"topic": "transactions"}}
        )
        event = self.event(pipeline, "Transactions Event")
        producer = self.component(pipeline, "websocket_producer", "Live Feed")
        self.wire(event, consumer, "output")
        self.wire(event, producer, "input")
        return pipeline, consumer, event, producer


@pytest.fixture
def build(api) -> Graph:
    return Graph(api)
