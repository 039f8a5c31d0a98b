"""`POST /api/ingest/<id>/` answers every bad request with a clear error and loses nothing."""

from __future__ import annotations

import pytest

from pipelines import services
from tests.integration.clients import post_json
from tests.runtime import build_stream

pytestmark = pytest.mark.integration


@pytest.fixture
def ingest(stack, owner, shared_web):
    s = build_stream(owner, source="api")
    services.update_component(s["reader"], config={"meta": {"max_body_kb": 1}})
    services.deploy(s["pipeline"])
    url = f"http://{shared_web}/api/ingest/{s['reader'].ingestion_id}/"
    return url, {"X-Ingestion-Secret": s["reader"].ingestion_secret}, s


def test_bad_requests_get_clear_errors(ingest):
    url, auth, s = ingest
    cases = {
        "invalid json": post_json(url, None, auth, raw=b"{nope"),
        "not an object": post_json(url, [1, 2], auth),
        "empty array": post_json(url, [], auth),
        "no secret": post_json(url, {"n": 1}),
        "wrong secret": post_json(url, {"n": 1}, {"X-Ingestion-Secret": "fcs_wrong"}),
        "too large": post_json(url, {"blob": "x" * 2000}, auth),
        "unknown id": post_json(url.replace(s["reader"].ingestion_id, "ing_nope"), {"n": 1}, auth),
        "producer id": post_json(
            url.replace(s["reader"].ingestion_id, s["producer"].ingestion_id), {"n": 1}, auth
        ),
    }
    statuses = {name: status for name, (status, _) in cases.items()}
    assert statuses == {
        "invalid json": 400,
        "not an object": 400,
        "empty array": 400,
        "no secret": 401,
        "wrong secret": 403,
        "too large": 413,
        "unknown id": 404,
        "producer id": 404,
    }
    assert "not valid JSON" in cases["invalid json"][1]["detail"]
    assert (
        post_json(url, {"n": 1}, {"Authorization": f"Bearer {s['reader'].ingestion_secret}"})[0]
        == 202
    )


def test_an_inactive_pipeline_refuses_ingestion(ingest):
    url, auth, s = ingest
    services.set_active(s["pipeline"], False)
    status, body = post_json(url, {"n": 1}, auth)
    assert status == 409 and "not active" in body["detail"]
