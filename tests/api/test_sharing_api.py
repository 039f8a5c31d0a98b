"""Sharing a pipeline: viewers look, editors change, only the owner shares; the
connections door no longer lets a stranger wire someone else's pipeline."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from pipelines.models import Connection, Pipeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def carol(django_user_model):
    return django_user_model.objects.create_user("carol", password="carol-pass-123")


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def share(api, pipeline: dict, expect: int = 201, **who) -> dict:
    response = api.post("/api/grants/", {"pipeline": pipeline["id"], **who}, format="json")
    assert response.status_code == expect, response.content
    return response.json()


def test_a_stranger_cannot_wire_someone_elses_event_and_component(build, bob_api):
    _, _, event, producer = build.demo()
    Connection.objects.filter(component_id=producer["id"]).delete()
    body = {"source": f"event:{event['id']}", "target": f"component:{producer['id']}"}
    response = bob_api.post("/api/connections/", body, format="json")
    assert response.status_code == 400
    assert "does not exist" in str(response.json())
    assert not Connection.objects.filter(component_id=producer["id"]).exists()


def test_a_viewer_sees_but_cannot_change(build, api, bob, bob_api):
    pipeline, _, event, producer = build.demo()
    grant = share(api, pipeline, user="bob", role="viewer")
    assert grant["user"] == "bob" and grant["group"] is None and grant["role"] == "viewer"
    listed = bob_api.get("/api/pipelines/").json()["results"]
    assert [(p["id"], p["access"], p["owner"]) for p in listed] == [
        (pipeline["id"], "viewer", "alice")
    ]
    assert bob_api.get(f"/api/components/{producer['id']}/").status_code == 200
    refused = bob_api.patch(f"/api/components/{producer['id']}/", {"name": "X"}, format="json")
    assert refused.status_code == 403
    assert "viewer" in refused.json()["detail"]
    assert bob_api.get(f"/api/components/{producer['id']}/secret/").status_code == 403
    assert bob_api.post(f"/api/pipelines/{pipeline['id']}/update/").status_code == 403
    assert bob_api.post(f"/api/components/{producer['id']}/token/").status_code == 200
    assert bob_api.delete(f"/api/events/{event['id']}/").status_code == 403


def test_an_editor_changes_and_deploys_but_does_not_share_or_delete(build, api, bob, bob_api):
    pipeline, _, _, producer = build.demo()
    share(api, pipeline, user="bob", role="editor")
    renamed = bob_api.patch(f"/api/components/{producer['id']}/", {"name": "Y"}, format="json")
    assert renamed.status_code == 200
    assert bob_api.post(f"/api/pipelines/{pipeline['id']}/update/").status_code == 200
    assert bob_api.get(f"/api/components/{producer['id']}/secret/").status_code == 200
    share(bob_api, pipeline, expect=403, user="alice", role="viewer")
    assert bob_api.delete(f"/api/pipelines/{pipeline['id']}/").status_code == 403
    assert Pipeline.objects.filter(pk=pipeline["id"]).exists()


def test_a_group_grant_reaches_its_members_and_the_higher_role_wins(build, api, bob, bob_api):
    pipeline, *_ = build.demo()
    Group.objects.create(name="ops").user_set.add(bob)
    share(api, pipeline, group="ops", role="viewer")
    assert bob_api.get(f"/api/pipelines/{pipeline['id']}/").json()["access"] == "viewer"
    grant = share(api, pipeline, user="bob", role="editor")
    assert bob_api.get(f"/api/pipelines/{pipeline['id']}/").json()["access"] == "editor"
    api.delete(f"/api/grants/{grant['id']}/")
    assert bob_api.get(f"/api/pipelines/{pipeline['id']}/").json()["access"] == "viewer"


def test_revoking_a_grant_hides_the_pipeline_again(build, api, bob_api):
    pipeline, *_ = build.demo()
    grant = share(api, pipeline, user="bob", role="viewer")
    assert api.delete(f"/api/grants/{grant['id']}/").status_code == 204
    assert bob_api.get(f"/api/pipelines/{pipeline['id']}/").status_code == 404


def test_changing_a_role(build, api, bob_api):
    pipeline, *_ = build.demo()
    grant = share(api, pipeline, user="bob", role="viewer")
    changed = api.patch(f"/api/grants/{grant['id']}/", {"role": "editor"}, format="json")
    assert changed.status_code == 200 and changed.json()["role"] == "editor"
    assert bob_api.get(f"/api/pipelines/{pipeline['id']}/").json()["access"] == "editor"


@pytest.mark.parametrize(
    ("who", "field", "message"),
    [
        ({"user": "nobody", "role": "viewer"}, "user", "No user named 'nobody'."),
        ({"group": "nobody", "role": "viewer"}, "group", "No group named 'nobody'."),
        ({"user": "alice", "role": "viewer"}, "user", "owns this pipeline"),
        ({"user": "bob", "role": "admin"}, "role", "not a valid choice"),
        ({"role": "viewer"}, "non_field_errors", "either a user or a group"),
        ({"user": "bob", "group": "ops", "role": "viewer"}, "non_field_errors", "either"),
    ],
)
def test_bad_grants_are_refused_by_field(build, api, bob, who, field, message):
    Group.objects.create(name="ops")
    pipeline, *_ = build.demo()
    body = share(api, pipeline, expect=400, **who)
    assert message in str(body[field])


def test_sharing_twice_is_refused(build, api, bob):
    pipeline, *_ = build.demo()
    share(api, pipeline, user="bob", role="viewer")
    assert "Already shared" in str(share(api, pipeline, expect=400, user="bob", role="editor"))


def test_the_list_counts_grants_in_a_fixed_number_of_queries(
    build, api, bob, carol, django_assert_max_num_queries
):
    for n in range(5):
        share(api, build.pipeline(f"P{n}"), user="bob", role="viewer")
    with django_assert_max_num_queries(8):
        listed = api.get("/api/pipelines/").json()["results"]
    assert [p["grant_count"] for p in listed] == [1] * 5
    assert {p["access"] for p in listed} == {"owner"}


def test_a_session_on_a_shared_pipeline_reaches_the_dashboard(build, api, bob, client):
    pipeline, _, _, producer = build.demo()
    client.force_login(bob)
    assert client.get(f"/dashboards/{producer['id']}/").status_code == 404
    assert client.get(f"/pipelines/{pipeline['id']}/editor/").status_code == 404
    share(api, pipeline, user="bob", role="viewer")
    assert client.get(f"/dashboards/{producer['id']}/").status_code == 200
    assert client.get(f"/pipelines/{pipeline['id']}/editor/").status_code == 200
    assert client.get(f"/pipelines/{pipeline['id']}/monitoring/").status_code == 200


def test_a_patch_without_a_role_keeps_the_grant_as_it_was(build, api, bob):
    """Found by schemathesis: an empty PATCH was a 500 (the role was read unconditionally)."""
    pipeline = build.pipeline()
    grant = share(api, pipeline, user="bob", role="viewer")
    response = api.patch(f"/api/grants/{grant['id']}/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "viewer"
