"""`GET /api/pipelines/<id>/scaling/`: the Intelligent Scaling timeline, read only."""

from __future__ import annotations

import pytest

from pipelines import services
from pipelines.models import Component, Pipeline, ScalingDecision
from pipelines.rules.scaling import Decision
from pipelines.runtime import deployed_versions
from pipelines.services.scaling import record_scaling_decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def scaled(build, api):
    pipeline, _, _, producer = build.demo()
    api.post(f"/api/pipelines/{pipeline['id']}/update/", {}, format="json")
    row = Pipeline.objects.get(pk=pipeline["id"])
    services.set_active(row, True)
    component = Component.objects.get(pk=producer["id"])
    deployed = deployed_versions.find(str(component.guid))
    for at, (old, new) in enumerate([(1, 2), (2, 3), (3, 2)]):
        action = "up" if new > old else "down"
        decision = Decision(at, 700 * new, 1000, 0.7 * new, old, new, action, f"step {at}")
        record_scaling_decision(deployed, decision)
    return pipeline, producer


def test_it_lists_decisions_newest_first_with_why(api, scaled):
    pipeline, producer = scaled
    body = api.get(f"/api/pipelines/{pipeline['id']}/scaling/").json()
    assert body["count"] == 3
    assert [(d["old_count"], d["new_count"]) for d in body["results"]] == [(3, 2), (2, 3), (1, 2)]
    newest = body["results"][0]
    assert newest["reason"] == "step 2" and newest["action"] == "down"
    assert newest["component"] == producer["id"] and newest["component_name"] == "Live Feed"
    assert {"decided_at", "lag", "lag_threshold", "ratio", "version"} <= set(newest)


def test_it_pages_and_filters_by_component(api, scaled):
    pipeline, producer = scaled
    url = f"/api/pipelines/{pipeline['id']}/scaling/"
    page = api.get(url, {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"]
    assert api.get(url, {"component": producer["id"]}).json()["count"] == 3
    assert api.get(url, {"component": producer["id"] + 999}).json()["count"] == 0
    assert api.get(url, {"component": "x"}).status_code == 400


def test_it_is_read_only_and_private(api, bob_api, scaled):
    pipeline, _ = scaled
    url = f"/api/pipelines/{pipeline['id']}/scaling/"
    assert api.post(url, {}, format="json").status_code == 405
    assert bob_api.get(url).status_code == 404


def test_the_admin_lists_decisions_without_changing_them(admin_client, scaled):
    assert admin_client.get("/admin/pipelines/scalingdecision/").status_code == 200
    decision = ScalingDecision.objects.first()
    page = admin_client.get(f"/admin/pipelines/scalingdecision/{decision.pk}/change/")
    assert page.status_code == 200
    assert admin_client.get("/admin/pipelines/scalingdecision/add/").status_code == 403
