"""A delete is a draft change: a deployed component leaves the editor at once and the
runtime only at the next Update Pipeline; undo brings back the very same component."""

from __future__ import annotations

import pytest

from pipelines.models import Component
from pipelines.runtime import deployed_versions

pytestmark = pytest.mark.django_db


@pytest.fixture
def deployed(build, api):
    pipeline, _, event, producer = build.demo()
    url = f"/api/pipelines/{pipeline['id']}"
    assert api.post(f"{url}/update/", {}, format="json").status_code == 200
    assert api.post(f"{url}/activate/").status_code == 200
    return pipeline, event, api.get(f"/api/components/{producer['id']}/").json()


def test_a_deployed_component_leaves_the_draft_but_keeps_running(deployed, api):
    pipeline, _, producer = deployed
    assert api.delete(f"/api/components/{producer['id']}/").status_code == 204
    assert api.get(f"/api/components/{producer['id']}/").status_code == 404
    listed = api.get(f"/api/components/?pipeline={pipeline['id']}").json()["results"]
    assert producer["id"] not in [c["id"] for c in listed]
    row = Component.with_removed.get(pk=producer["id"])
    assert deployed_versions.of_component(row) is not None  # still in the running version
    assert api.get(f"/api/producers/{producer['id']}/").json()["streaming"] is True


def test_undo_restores_guid_ingestion_id_and_secret(deployed, api):
    _, _, producer = deployed
    secret = Component.objects.get(pk=producer["id"]).ingestion_secret
    api.delete(f"/api/components/{producer['id']}/")
    restored = api.post(f"/api/components/{producer['id']}/restore/")
    assert restored.status_code == 200
    body = restored.json()
    assert (body["id"], body["guid"], body["ingestion_id"]) == (
        producer["id"],
        producer["guid"],
        producer["ingestion_id"],
    )
    assert Component.objects.get(pk=producer["id"]).ingestion_secret == secret


def test_update_pipeline_removes_it_for_good(deployed, api):
    pipeline, _, producer = deployed
    api.delete(f"/api/components/{producer['id']}/")
    api.post(f"/api/pipelines/{pipeline['id']}/update/", {}, format="json")
    assert not Component.with_removed.filter(pk=producer["id"]).exists()
    assert api.post(f"/api/components/{producer['id']}/restore/").status_code == 404


def test_a_component_never_deployed_is_deleted_at_once(build, api):
    pipeline = build.pipeline()
    draft = build.component(pipeline, "websocket_producer", "Draft")
    assert api.delete(f"/api/components/{draft['id']}/").status_code == 204
    assert not Component.with_removed.filter(pk=draft["id"]).exists()


def test_its_name_is_free_for_a_new_component_and_undo_then_needs_another(deployed, api, build):
    pipeline, _, producer = deployed
    api.delete(f"/api/components/{producer['id']}/")
    build.component(pipeline, "websocket_producer", producer["name"])
    refused = api.post(f"/api/components/{producer['id']}/restore/")
    assert refused.status_code == 400 and "name" in refused.json()


def test_restoring_a_version_brings_a_deleted_component_back(deployed, api):
    pipeline, _, producer = deployed
    api.delete(f"/api/components/{producer['id']}/")
    restored = api.post(f"/api/pipelines/{pipeline['id']}/versions/1/restore/")
    assert restored.status_code == 200
    assert Component.objects.get(pk=producer["id"]).guid is not None
