"""API Ingestion refuses bodies it should not take, each with a clear 4xx, and writes none
of their records: too large (declared or chunked), empty, not JSON, nested too deep, of
another content type, or with more records than the component takes per request."""

from __future__ import annotations

import http.client
import time

import orjson
import pytest
from confluent_kafka import OFFSET_BEGINNING, Consumer, TopicPartition

from pipelines import services
from pipelines.models import Pipeline
from pipelines.types.api_ingestion import DEFAULT_MAX_RECORDS
from tests.runtime import build_stream

pytestmark = pytest.mark.integration


def post(host: str, path: str, body: bytes, headers: dict, *, chunked: bool = False):
    """POST with exactly these headers (urllib would add a Content-Type of its own)."""
    connection = http.client.HTTPConnection(host, timeout=30)
    try:
        if chunked:
            connection.request(
                "POST", path, body=iter([body[i : i + 65536] for i in range(0, len(body), 65536)]),
                headers=headers, encode_chunked=True,
            )  # fmt: skip
        else:
            connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, orjson.loads(response.read() or b"{}")
    finally:
        connection.close()


def records_in(bootstrap: str, topic: str, partitions: int, want: int) -> list[dict]:
    """Every record the event's topic holds: read until `want` arrived, then until a poll
    comes back empty (anything more would be a record that should not be there)."""
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": f"check-{topic}"})
    consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
    found: list[dict] = []
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            batch = [m for m in consumer.consume(500, timeout=1.0) if m.error() is None]
            found += [orjson.loads(m.value()) for m in batch]
            if not batch and len(found) >= want:
                return found
    finally:
        consumer.close()
    return found


@pytest.fixture
def ingest(stack, owner, shared_web):
    s = build_stream(owner, source="api")
    host = shared_web
    path = f"/api/ingest/{s['reader'].ingestion_id}/"
    secret = {"X-Ingestion-Secret": s["reader"].ingestion_secret}
    topic = s["event"].topic, s["event"].partitions

    def stored(want: int) -> list:
        return sorted((r.get("n") for r in records_in(stack.bootstrap, *topic, want)), key=str)

    return host, path, secret, s, stored


def objects(n: int) -> bytes:
    return orjson.dumps([{"n": i} for i in range(n)])


def test_bad_bodies_are_refused_with_clear_errors_and_nothing_reaches_kafka(ingest):
    host, path, secret, _, stored = ingest
    json = {**secret, "Content-Type": "application/json"}
    too_large = orjson.dumps([{"blob": "x" * 1000}] * 1100)  # 1.1 MB > the 1024 KB default
    deep = b"[" * 10_000 + b"]" * 10_000
    cases = {
        "too large": post(host, path, too_large, json),
        "too large, chunked": post(host, path, too_large, json, chunked=True),
        "empty": post(host, path, b"", json),
        "blank": post(host, path, b"  \n", json),
        "malformed": post(host, path, b'{"n": 1', json),
        "not utf-8": post(host, path, b'{"n": "\xff"}', json),
        "nested 10,000 deep": post(host, path, deep, json),
        "text/plain": post(host, path, b'{"n": 1}', {**secret, "Content-Type": "text/plain"}),
        "form": post(
            host, path, b"n=1", {**secret, "Content-Type": "application/x-www-form-urlencoded"}
        ),
        "no content type": post(host, path, b'{"n": 1}', secret),
        "10,000 records": post(host, path, objects(10_000), json),
    }
    assert {name: status for name, (status, _) in cases.items()} == {
        "too large": 413,
        "too large, chunked": 413,
        "empty": 400,
        "blank": 400,
        "malformed": 400,
        "not utf-8": 400,
        "nested 10,000 deep": 400,
        "text/plain": 415,
        "form": 415,
        "no content type": 415,
        "10,000 records": 413,
    }
    detail = {name: body["detail"] for name, (_, body) in cases.items()}
    assert detail["too large"] == f"The body has {len(too_large)} bytes; the limit is 1048576."
    assert detail["too large, chunked"] == detail["too large"]
    assert detail["empty"] == "The body is empty: send a JSON object or an array of them."
    assert detail["malformed"].startswith("The body is not valid JSON:")
    assert detail["nested 10,000 deep"].startswith("The body nests deeper than 1024 levels")
    assert "Content-Type: application/json (got text/plain)" in detail["text/plain"]
    assert detail["no content type"].endswith("(got none).")
    assert detail["10,000 records"] == (
        f"The body has 10000 records; the limit is {DEFAULT_MAX_RECORDS} per request."
    )

    with_charset = {**secret, "Content-Type": "Application/JSON; charset=utf-8"}
    assert post(host, path, objects(DEFAULT_MAX_RECORDS), with_charset) == (
        202,
        {"accepted": DEFAULT_MAX_RECORDS},
    )
    # Exactly the accepted records: none of the refused bodies' reached the topic.
    assert stored(DEFAULT_MAX_RECORDS) == sorted(range(DEFAULT_MAX_RECORDS), key=str)


def test_the_records_per_request_are_configurable_per_component(ingest, owner):
    host, path, secret, s, stored = ingest
    json = {**secret, "Content-Type": "application/json"}
    services.update_component(s["reader"], config={"meta": {"max_records": 10_000}})
    services.deploy(Pipeline.objects.get(pk=s["pipeline"].pk))
    assert post(host, path, objects(10_000), json) == (202, {"accepted": 10_000})
    assert post(host, path, objects(10_001), json)[0] == 413
    assert stored(10_000) == sorted(range(10_000), key=str)
