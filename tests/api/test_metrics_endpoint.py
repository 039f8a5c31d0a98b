"""`/metrics` speaks the Prometheus text format and exports no secrets."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_metrics_lists_active_components_without_secrets(build, api):
    pipeline, _, _, producer = build.demo()
    api.post(f"/api/pipelines/{pipeline['id']}/update/", {}, format="json")
    api.post(f"/api/pipelines/{pipeline['id']}/activate/")
    response = Client().get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'flowcast_component_instances{component="Live Feed"' in text
    secret = api.get(f"/api/components/{producer['id']}/secret/").json()["ingestion_secret"]
    assert secret not in text
