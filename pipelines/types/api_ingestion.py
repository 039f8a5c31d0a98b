"""API Ingestion: clients POST JSON to its URL; the records go to its output events."""

from __future__ import annotations

import functools
import gc

import orjson
from confluent_kafka import KafkaException, Producer
from django import forms

from pipelines.exceptions import KafkaUnavailable
from pipelines.rules.graph import Wiring
from pipelines.runtime import kafka
from pipelines.runtime.deployed_versions import DeployedComponent
from pipelines.types import registry
from pipelines.types.tabs import BasicForm, MetaForm, ResourcesForm

DEFAULT_MAX_RECORDS = 1000
MAX_RECORDS_LIMIT = 10_000
JSON_MAX_DEPTH = 1024  # orjson's limit: a body nested deeper is refused


class ApiIngestionMetaForm(MetaForm):
    max_body_kb = forms.IntegerField(
        label="Maximum Request Size (KB)",
        min_value=1,
        max_value=10_240,
        initial=1024,
        help_text="Larger requests are refused with 413.",
    )
    max_records = forms.IntegerField(
        label="Maximum Records per Request",
        min_value=1,
        max_value=MAX_RECORDS_LIMIT,
        initial=DEFAULT_MAX_RECORDS,
        help_text="Requests with more records are refused with 413: send them in several.",
    )


API_INGESTION = registry.register(
    registry.ComponentType(
        key="api_ingestion",
        label="API Ingestion",
        group="readers",
        description="Accepts JSON records over HTTP POST, authenticated by its Ingestion Secret.",
        tabs=(
            registry.Tab("basic", "Basic Information", BasicForm),
            registry.Tab("meta", "Meta Information", ApiIngestionMetaForm),
            registry.Tab("resources", "Resource Configuration", ResourcesForm),
        ),
        wiring=Wiring(min_inputs=0, max_inputs=0, min_outputs=1, max_outputs=None),
        endpoint=("http", "/api/ingest/{}/"),
        connection_checks=("kafka", "output_topics"),
    )
)


class BadPayload(ValueError):
    """The request body is not a JSON object or an array of them."""


class TooManyRecords(BadPayload):
    """More records in one request than the component accepts."""


def parse_records(body: bytes, *, max_records: int = DEFAULT_MAX_RECORDS) -> list[bytes]:
    """One record per JSON object: an object, or an array of at most `max_records` objects."""
    if not body.strip():
        raise BadPayload("The body is empty: send a JSON object or an array of them.")
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        if exc.msg == "depth limit exceeded":
            raise BadPayload(
                f"The body nests deeper than {JSON_MAX_DEPTH} levels (at byte {exc.pos})."
            ) from None
        raise BadPayload(f"The body is not valid JSON: {exc.msg} at byte {exc.pos}.") from None
    items = payload if isinstance(payload, list) else [payload]
    if not items:
        raise BadPayload("The array is empty: send at least one record.")
    if len(items) > max_records:
        raise TooManyRecords(
            f"The body has {len(items)} records; the limit is {max_records} per request."
        )
    bad = next((i for i, item in enumerate(items) if not isinstance(item, dict)), None)
    if bad is not None:
        raise BadPayload(f"Record {bad} is not a JSON object.")
    return [orjson.dumps(item) for item in items]


@functools.cache
def _producer(servers: str) -> Producer:
    return Producer(kafka.producer_config(servers))


def release_producers() -> None:
    """Let the process's producers go (a test session, before its broker stops: a producer
    left behind logs refused connections until the interpreter exits)."""
    _producer.cache_clear()
    gc.collect()  # librdkafka's handle goes with the last reference


def ingest(deployed: DeployedComponent, records: list[bytes], *, timeout: float = 10.0) -> int:
    """Write the records to every output event; return only once Kafka has them."""
    producer = _producer(kafka.bootstrap())
    failures: list[str] = []

    def delivered(err, msg) -> None:
        if err is not None:
            failures.append(str(err))

    try:
        for value in records:
            for topic in deployed.outputs:
                producer.produce(topic.name, value=value, on_delivery=delivered)
    except (BufferError, KafkaException) as exc:
        raise KafkaUnavailable(f"Kafka refused the records: {exc}") from exc
    if producer.flush(timeout) > 0 or failures:
        raise KafkaUnavailable(f"Kafka did not confirm the records: {failures[:1] or 'timeout'}")
    return len(records)
