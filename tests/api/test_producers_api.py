"""/api/producers/ and the dashboard pages: who may watch which producer, and how it streams."""

from __future__ import annotations

import pytest
from django.test import Client

from pipelines.dev import demo

pytestmark = pytest.mark.django_db


def deploy_and_activate(api, pipeline: dict) -> None:
    url = f"/api/pipelines/{pipeline['id']}"
    assert api.post(f"{url}/update/", {}, format="json").status_code == 200
    assert api.post(f"{url}/activate/").status_code == 200


def test_it_lists_the_websocket_producers_of_visible_pipelines_only(build, api, bob_api):
    _, consumer, _, producer = build.demo()
    listing = api.get("/api/producers/").json()
    assert [p["id"] for p in listing["results"]] == [producer["id"]]
    assert bob_api.get("/api/producers/").json()["count"] == 0
    assert bob_api.get(f"/api/producers/{producer['id']}/").status_code == 404
    assert api.get(f"/api/producers/{consumer['id']}/").status_code == 404


def test_a_draft_producer_is_not_streaming_and_offers_its_live_page(build, api):
    pipeline, _, _, producer = build.demo()
    body = api.get(f"/api/producers/{producer['id']}/").json()
    assert body["pipeline"] == {"id": pipeline["id"], "name": pipeline["name"], "status": "draft"}
    assert body["endpoint"] == producer["endpoint"]
    assert body["streaming"] is False and body["partitions"] is None
    assert body["frame_format"] == "envelope"
    assert body["status"]["state"] == "OFF"
    assert body["dashboards"] == [
        {"kind": "live", "label": "Live records", "url": f"/dashboards/{producer['id']}/"}
    ]
    assert "ingestion_secret" not in body


def test_an_active_producer_streams_in_its_deployed_frame_format(build, api):
    pipeline, _, _, producer = build.demo()
    api.patch(
        f"/api/components/{producer['id']}/",
        {"config": {"meta": {"frame_format": "batch"}}},
        format="json",
    )
    deploy_and_activate(api, pipeline)
    api.patch(  # saved but not deployed: the stream keeps the deployed format
        f"/api/components/{producer['id']}/",
        {"config": {"meta": {"frame_format": "raw"}}},
        format="json",
    )
    body = api.get(f"/api/producers/{producer['id']}/").json()
    assert body["streaming"] is True and body["partitions"] >= 1
    assert body["frame_format"] == "batch"


def test_the_demo_feed_also_offers_the_transactions_dashboard(alice, api):
    pipeline = demo.ensure_demo_pipeline(alice)
    feed = pipeline.components.get(name=demo.DEMO_FEED)
    body = api.get(f"/api/producers/{feed.pk}/").json()
    assert [d["kind"] for d in body["dashboards"]] == ["live", "transactions"]
    assert body["dashboards"][1]["url"] == f"/dashboards/{feed.pk}/transactions/"


def test_the_old_live_address_and_the_demo_address_redirect_to_the_dashboards(alice, client):
    feed = demo.ensure_demo_pipeline(alice).components.get(name=demo.DEMO_FEED)
    client.force_login(alice)
    old = client.get(f"/producers/{feed.pk}/live/")
    assert old.status_code == 302 and old["Location"] == f"/dashboards/{feed.pk}/"
    shortcut = client.get("/dashboards/transactions/")
    assert shortcut.status_code == 302
    assert shortcut["Location"] == f"/dashboards/{feed.pk}/transactions/"


def test_dashboard_pages_are_for_logged_in_users_who_may_see_the_producer(build, bob):
    _, _, _, producer = build.demo()
    anonymous = Client().get(f"/dashboards/{producer['id']}/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    client = Client()
    client.force_login(bob)
    assert client.get(f"/dashboards/{producer['id']}/").status_code == 404
    assert client.get(f"/dashboards/{producer['id']}/transactions/").status_code == 404
    assert client.get("/dashboards/transactions/").status_code == 404
