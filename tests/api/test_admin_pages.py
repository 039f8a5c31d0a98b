"""The admin site renders every model, masks secrets and offers the actions."""

from __future__ import annotations

import pytest

from pipelines.models import Component, Connection, Event, Pipeline, PipelineVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def deployed(build, api):
    pipeline, *_ = build.demo()
    api.post(f"/api/pipelines/{pipeline['id']}/update/", {}, format="json")
    return pipeline


@pytest.mark.parametrize("model", [Pipeline, Event, Component, Connection, PipelineVersion])
def test_changelist_and_change_pages_render(admin_client, deployed, model):
    name = model._meta.model_name
    assert admin_client.get(f"/admin/pipelines/{name}/").status_code == 200
    obj = model.objects.first()
    assert admin_client.get(f"/admin/pipelines/{name}/{obj.pk}/change/").status_code == 200


def test_secrets_are_masked_in_the_admin(admin_client, deployed):
    component = Component.objects.first()
    pages = [
        admin_client.get("/admin/pipelines/component/").content.decode(),
        admin_client.get(f"/admin/pipelines/component/{component.pk}/change/").content.decode(),
        admin_client.get(
            f"/admin/pipelines/pipeline/{component.pipeline_id}/change/"
        ).content.decode(),
    ]
    for page in pages:
        assert component.ingestion_secret not in page
        assert component.ingestion_secret[-4:] in page


def test_regenerate_action_replaces_the_secret(admin_client, deployed):
    component = Component.objects.first()
    old = component.ingestion_secret
    admin_client.post(
        "/admin/pipelines/component/",
        {"action": "regenerate_secret", "_selected_action": [component.pk]},
    )
    component.refresh_from_db()
    assert component.ingestion_secret != old


def test_activate_action(admin_client, deployed):
    admin_client.post(
        "/admin/pipelines/pipeline/", {"action": "activate", "_selected_action": [deployed["id"]]}
    )
    assert Pipeline.objects.get(pk=deployed["id"]).status == "active"
