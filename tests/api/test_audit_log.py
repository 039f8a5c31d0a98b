"""The audit log: who did what, when and from where; never a secret value."""

from __future__ import annotations

import pytest

from pipelines.models import AuditEntry, Component, PipelineVersion

pytestmark = pytest.mark.django_db


def actions(**filters) -> list[str]:
    return list(
        AuditEntry.objects.filter(**filters).order_by("id").values_list("action", flat=True)
    )


def test_security_acts_are_recorded_with_who_and_where(build, api):
    pipeline, _, _, producer = build.demo()
    url = f"/api/pipelines/{pipeline['id']}"
    api.post(f"{url}/update/", {"message": "first"}, format="json", REMOTE_ADDR="10.1.2.3")
    api.post(f"{url}/activate/")
    secret = api.get(f"/api/components/{producer['id']}/secret/").json()["ingestion_secret"]
    new_secret = api.post(f"/api/components/{producer['id']}/regenerate-secret/").json()
    api.post(f"{url}/deactivate/")
    api.delete(f"/api/components/{producer['id']}/")
    assert actions(pipeline_id=pipeline["id"]) == [
        "pipeline.deploy",
        "pipeline.activate",
        "component.secret_reveal",
        "component.secret_regenerate",
        "pipeline.deactivate",
        "component.delete",
    ]
    deploy = AuditEntry.objects.get(action="pipeline.deploy")
    assert (deploy.actor_name, deploy.address, deploy.via) == ("alice", "10.1.2.3", "api")
    assert deploy.detail == {"version": 1}
    dumped = str(list(AuditEntry.objects.values()))
    assert secret not in dumped and new_secret["ingestion_secret"] not in dumped


def test_the_api_lists_entries_of_visible_pipelines_only(build, api, bob_api):
    pipeline, *_ = build.demo()
    api.post(f"/api/pipelines/{pipeline['id']}/update/", {}, format="json")
    mine = api.get(f"/api/audit/?pipeline={pipeline['id']}").json()
    assert [e["action"] for e in mine["results"]] == ["pipeline.deploy"]
    entry = mine["results"][0]
    assert entry["actor"] == "alice" and entry["pipeline_name"] == "Transactions"
    assert "version 1" in entry["summary"]
    assert bob_api.get("/api/audit/").json()["count"] == 0
    assert bob_api.get(f"/api/audit/{entry['id']}/").status_code == 404
    api.post("/api/grants/", {"pipeline": pipeline["id"], "user": "bob", "role": "viewer"})
    listed = [e["action"] for e in bob_api.get("/api/audit/").json()["results"]]
    assert listed == ["grant.create", "pipeline.deploy"]


def test_a_deleted_pipeline_stays_in_its_owners_log(build, api):
    pipeline, *_ = build.demo()
    api.delete(f"/api/pipelines/{pipeline['id']}/")
    entry = api.get("/api/audit/").json()["results"][0]
    assert (entry["action"], entry["pipeline"], entry["pipeline_name"]) == (
        "pipeline.delete",
        None,
        "Transactions",
    )


def test_refused_acts_leave_no_entry(build, api, bob_api):
    pipeline, _, _, producer = build.demo()
    api.post("/api/grants/", {"pipeline": pipeline["id"], "user": "bob", "role": "viewer"})
    before = AuditEntry.objects.count()
    assert bob_api.get(f"/api/components/{producer['id']}/secret/").status_code == 403
    assert bob_api.post(f"/api/pipelines/{pipeline['id']}/update/").status_code == 403
    assert AuditEntry.objects.count() == before


def test_the_admin_shows_entries_read_only(admin_client, build, api):
    pipeline, *_ = build.demo()
    api.post(f"/api/pipelines/{pipeline['id']}/update/", {}, format="json")
    entry = AuditEntry.objects.get()
    assert admin_client.get("/admin/pipelines/auditentry/").status_code == 200
    page = admin_client.get(f"/admin/pipelines/auditentry/{entry.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert admin_client.post(f"/admin/pipelines/auditentry/{entry.pk}/delete/").status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_admin_changes_are_recorded(admin_client, build, api):
    pipeline, *_ = build.demo()
    admin_client.post(
        f"/admin/pipelines/pipeline/{pipeline['id']}/change/",
        {
            "name": "Renamed in admin",
            "description": "",
            "owner": admin_client.get("/admin/").wsgi_request.user.pk,
            **_empty_inlines(),
        },
    )
    entry = AuditEntry.objects.filter(action="admin.change").get()
    assert entry.via == "admin" and entry.pipeline_id == pipeline["id"]
    assert "Renamed in admin" in entry.summary


def _empty_inlines() -> dict:
    return {
        f"{prefix}-{field}": value
        for prefix in ("events", "components", "grants")
        for field, value in (
            ("TOTAL_FORMS", "0"),
            ("INITIAL_FORMS", "0"),
            ("MIN_NUM_FORMS", "0"),
            ("MAX_NUM_FORMS", "1000"),
        )
    }


def test_the_current_version_cannot_be_deleted_in_the_admin(admin_client, build, api):
    pipeline, *_ = build.demo()
    url = f"/api/pipelines/{pipeline['id']}/update/"
    api.post(url, {}, format="json")
    api.post(url, {}, format="json")
    old, current = PipelineVersion.objects.order_by("number")
    page = admin_client.post(f"/admin/pipelines/pipelineversion/{current.pk}/delete/")
    assert page.status_code == 403
    for selected in ([old.pk, current.pk], [old.pk]):
        admin_client.post(
            "/admin/pipelines/pipelineversion/",
            {"action": "delete_selected", "_selected_action": selected, "post": "yes"},
        )
    assert list(PipelineVersion.objects.values_list("number", flat=True)) == [2]
    with pytest.raises(ValueError, match="current version"):
        current.delete()


def test_an_admin_delete_goes_through_the_services(admin_client, build, api):
    pipeline, _, _, producer = build.demo()
    rev = api.get(f"/api/pipelines/{pipeline['id']}/").json()["rev"]
    admin_client.post(f"/admin/pipelines/component/{producer['id']}/delete/", {"post": "yes"})
    assert not Component.objects.filter(pk=producer["id"]).exists()
    assert api.get(f"/api/pipelines/{pipeline['id']}/").json()["rev"] == rev + 1
    entry = AuditEntry.objects.get(action="component.delete")
    assert entry.via == "admin" and entry.target_name == "Live Feed"
