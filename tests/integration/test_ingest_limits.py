"""API Ingestion is limited per ingestion id, in requests and in bytes, across web processes."""

from __future__ import annotations

import time

import orjson
import pytest

from tests.integration.loopback import assert_retry_after, new_address, request
from tests.runtime import build_stream

pytestmark = pytest.mark.integration

BODY = orjson.dumps({"pad": "x" * 291})  # 300 bytes


def ingest_on(stack, owner, limits: dict[str, str]):
    """A deployed API Ingestion and two web processes with `limits` in their environment."""
    s = build_stream(owner, source="api")
    hosts = stack.webs(2, env=limits)
    reader = s["reader"]
    path = f"/api/ingest/{reader.ingestion_id}/"
    headers = {"Content-Type": "application/json", "X-Ingestion-Secret": reader.ingestion_secret}
    source = new_address()

    def post(n: int):
        return request(hosts[n % 2], "POST", path, source=source, headers=headers, body=BODY)

    return post


def test_the_request_past_the_limit_is_refused_by_either_process(stack, owner):
    post = ingest_on(stack, owner, {"FLOWCAST_LIMIT_INGEST_REQUESTS": "4/minute"})
    started = time.monotonic()
    accepted = [post(n) for n in range(4)]
    refused = post(4)
    assert [a.status for a in accepted] == [202] * 4
    assert refused.status == 429
    assert_retry_after(refused, 60, started)
    assert "requests to this API Ingestion" in orjson.loads(refused.body)["detail"]
    assert post(5).status == 429  # the other process refuses it too


def test_the_bytes_past_the_budget_are_refused(stack, owner):
    post = ingest_on(stack, owner, {"FLOWCAST_LIMIT_INGEST_BYTES": "1000/minute"})
    started = time.monotonic()
    answers = [post(n) for n in range(4)]  # 300, 600, 900, then 1200 bytes
    assert [a.status for a in answers] == [202, 202, 202, 429]
    assert_retry_after(answers[3], 60, started)
    assert "bytes sent to this API Ingestion" in orjson.loads(answers[3].body)["detail"]
