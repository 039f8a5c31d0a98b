"""Kafka clients as Flowcast configures them, and topic provisioning."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from confluent_kafka import KafkaException
from confluent_kafka.admin import (
    AdminClient,
    AlterConfigOpType,
    ConfigEntry,
    ConfigResource,
    NewPartitions,
    NewTopic,
)
from django.conf import settings

from pipelines.runtime.deployed_versions import Topic

log = logging.getLogger(__name__)


def bootstrap() -> str:
    return settings.KAFKA_BOOTSTRAP_SERVERS


def consumer_config(
    group_id: str, *, offset_reset: str = "latest", servers: str | None = None, **extra
) -> dict:
    """At-least-once: offsets are stored by hand after a batch is delivered, then auto-committed."""
    return {
        "bootstrap.servers": servers or bootstrap(),
        "group.id": group_id,
        "auto.offset.reset": offset_reset,
        "enable.auto.offset.store": False,
        "enable.auto.commit": True,
        "auto.commit.interval.ms": 1000,
        # The embedded broker holds a fetch for the whole wait: short, for latency (settings).
        "fetch.wait.max.ms": settings.FLOWCAST["KAFKA_FETCH_WAIT_MS"],
        # The embedded broker answers JoinGroup after session.timeout.ms / 2; 6 s is also
        # the smallest a default Kafka broker allows.
        "session.timeout.ms": settings.FLOWCAST["KAFKA_SESSION_TIMEOUT_MS"],
        "heartbeat.interval.ms": min(1000, settings.FLOWCAST["KAFKA_SESSION_TIMEOUT_MS"] // 3),
        # Notice a source topic created after the consumer started within seconds.
        "topic.metadata.refresh.interval.ms": 10_000,
        # librdkafka prefetches up to 64 MB per consumer by default, and once its queue is
        # full it waits fetch.queue.backoff.ms (1 s by default) before fetching again: that
        # pause, not the queue's size, was what starved a backlog. With a 5 ms back-off a
        # 4 MB queue still fills every batch to 500 records (200k backlog, 100 and 1000
        # clients) and the worker peaks at 100 MB (8 MB: 112, 24 MB: 146). 2 MB ran dry
        # between fetches with 100 clients: smaller batches, more frames, 0.74 of the bridge.
        "queued.max.messages.kbytes": 4096,
        "fetch.queue.backoff.ms": 5,
        **extra,
    }


def producer_config(servers: str | None = None, **extra) -> dict:
    return {
        "bootstrap.servers": servers or bootstrap(),
        "linger.ms": 2,
        "enable.idempotence": False,
        "acks": "all",
        **extra,
    }


def source_security(meta: dict) -> dict:
    """librdkafka settings for a Kafka Consumer's source cluster security."""
    protocol = meta.get("security_protocol") or "PLAINTEXT"
    config = {"security.protocol": protocol}
    if protocol.startswith("SASL"):
        config.update(
            {
                "sasl.mechanism": meta.get("sasl_mechanism"),
                "sasl.username": meta.get("sasl_username", ""),
                "sasl.password": meta.get("sasl_password", ""),
            }
        )
    return config


def ensure_topics(topics: Iterable[Topic], *, timeout: float = 10.0) -> list[str]:
    """Create the topics that are missing, with their partitions and retention; return them."""
    wanted = {t.name: t for t in topics}
    if not wanted or not bootstrap():
        return []
    admin = AdminClient({"bootstrap.servers": bootstrap()})
    present = admin.list_topics(timeout=timeout).topics
    missing = [t for name, t in wanted.items() if name not in present]
    if not missing:
        return []
    futures = admin.create_topics(
        [
            NewTopic(
                t.name,
                num_partitions=t.partitions,
                replication_factor=-1,
                config={"retention.ms": str(t.retention_hours * 3600 * 1000)},
            )
            for t in missing
        ],
        operation_timeout=timeout,
    )
    created = []
    for name, future in futures.items():
        try:
            future.result()
            created.append(name)
        except KafkaException as exc:
            if exc.args[0].name() != "TOPIC_ALREADY_EXISTS":
                raise
    log.info("Created topics: %s", ", ".join(created) or "none")
    return created


class TopicChangeError(Exception):
    """The broker refused a change an Update Pipeline asked for; nothing after it ran."""


def apply_topic_changes(topics: Iterable[Topic], *, timeout: float = 10.0) -> list[str]:
    """Bring existing topics to their events' partitions and retention; return what changed.

    Partitions first: they are what a broker may refuse (the embedded broker cannot add
    any), and nothing else has been changed when it does. Fewer partitions than the topic
    has is never asked for (refused when the event is saved).
    """
    wanted = {t.name: t for t in topics}
    if not wanted or not bootstrap():
        return []
    admin = AdminClient({"bootstrap.servers": bootstrap()})
    present = admin.list_topics(timeout=timeout).topics
    counts = {name: len(present[name].partitions) for name in wanted if name in present}
    grow = [NewPartitions(name, count) for name, count in partitions_to_add(wanted, counts)]
    changes = [f"{p.topic}: {p.new_total_count} partitions" for p in grow]
    _wait(admin.create_partitions(grow, operation_timeout=timeout) if grow else {}, "partitions")
    retention = _retention_changes(admin, [t for n, t in wanted.items() if n in present], timeout)
    if retention:
        _wait(admin.incremental_alter_configs(retention), "retention")
        changes += [f"{r.name}: retention {r.incremental_configs[0].value} ms" for r in retention]
    if changes:
        log.info("Changed topics: %s", "; ".join(changes))
    return changes


def partitions_to_add(wanted: dict[str, Topic], present: dict[str, int]) -> list[tuple[str, int]]:
    """(topic, new partition count) for existing topics their events want more of."""
    return [
        (name, topic.partitions)
        for name, topic in wanted.items()
        if name in present and topic.partitions > present[name]
    ]


def _retention_changes(admin: AdminClient, topics: list[Topic], timeout: float) -> list:
    if not topics:
        return []
    resources = [ConfigResource("topic", t.name) for t in topics]
    described = admin.describe_configs(resources, request_timeout=timeout)
    changes = []
    for topic, resource in zip(topics, resources, strict=True):
        wanted = str(topic.retention_hours * 3600 * 1000)
        current = described[resource].result().get("retention.ms")
        if current is None or current.value != wanted:
            entry = ConfigEntry("retention.ms", wanted, incremental_operation=AlterConfigOpType.SET)
            changes.append(ConfigResource("topic", topic.name, incremental_configs=[entry]))
    return changes


def _wait(futures: dict, what: str) -> None:
    for name, future in futures.items():
        try:
            future.result()
        except KafkaException as exc:
            raise TopicChangeError(
                f"The broker refused to change the {what} of topic {name}: {exc.args[0].str()}"
            ) from exc
