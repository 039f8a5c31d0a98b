"""`/healthz` and `/readyz`: what Kubernetes probes, against the real broker and Redis."""

from __future__ import annotations

import pytest
from django.test import Client

from pipelines import redis_keys
from pipelines.dev.embedded import find_free_port
from pipelines.models import AuditEntry
from pipelines.security.abuse_limits import KEY_PREFIX

pytestmark = pytest.mark.integration


def test_healthz_answers_without_touching_any_service(settings):
    # No database either: this test has none (pytest-django refuses any query).
    settings.KAFKA_BOOTSTRAP_SERVERS = f"127.0.0.1:{find_free_port()}"  # nobody listens
    settings.REDIS_URL = f"redis://127.0.0.1:{find_free_port()}/0"
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert "no-cache" in response["Cache-Control"] and not response.cookies


def test_readyz_is_ready_when_database_redis_and_kafka_answer(stack):
    response = Client().get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready" and "failed" not in body
    assert set(body["checks"]) == {"database", "redis", "kafka"}
    assert all(check["ok"] for check in body["checks"].values())


def test_readyz_names_kafka_when_the_broker_does_not_answer(stack, settings):
    settings.KAFKA_BOOTSTRAP_SERVERS = f"127.0.0.1:{find_free_port()}"
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable" and body["failed"] == ["kafka"]
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]
    assert body["checks"]["kafka"]["error"]
    assert body["checks"]["kafka"]["ms"] <= 3000  # the short timeout, not librdkafka's default


def test_readyz_names_redis_when_it_does_not_answer(stack, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{find_free_port()}/0"
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["redis"]
    assert response.json()["checks"]["redis"]["error"] == "ConnectionError"


def test_readyz_says_which_services_are_not_configured(settings, db):
    settings.KAFKA_BOOTSTRAP_SERVERS = ""
    settings.REDIS_URL = ""
    response = Client().get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["redis", "kafka"]
    assert body["checks"]["kafka"]["error"] == "not configured (KAFKA_BOOTSTRAP_SERVERS is empty)"
    assert body["checks"]["redis"]["error"] == "not configured (REDIS_URL is empty)"
    assert body["checks"]["database"]["ok"]


def test_probes_are_anonymous_and_neither_audited_nor_limited(stack):
    redis = redis_keys.client()
    limit_keys = set(redis.scan_iter(match=f"{KEY_PREFIX}*"))
    audit_entries = AuditEntry.objects.count()
    client = Client()
    for _ in range(20):
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
    assert AuditEntry.objects.count() == audit_entries
    # No new limit counter (an earlier test's may expire meanwhile: a subset, not equal).
    assert set(redis.scan_iter(match=f"{KEY_PREFIX}*")) <= limit_keys
