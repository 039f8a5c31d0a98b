"""The supervisor re-creates deployed topics a broker lost (the embedded one keeps none)."""

from __future__ import annotations

import pytest
from confluent_kafka.admin import AdminClient

from pipelines.management.commands.run_pipelines import Command
from pipelines.runtime import kafka
from tests.runtime import build_stream, wait_for

pytestmark = pytest.mark.integration


def test_a_lost_event_topic_is_recreated_with_its_partitions_before_workers_start(stack, owner):
    s = build_stream(owner)
    topic = s["producer"].pipeline.current_version.snapshot["events"][0]["topic"]
    admin = AdminClient({"bootstrap.servers": kafka.bootstrap()})
    admin.delete_topics([topic])[topic].result(10)
    wait_for(lambda: topic not in admin.list_topics(timeout=5).topics, 10, "topic deleted")

    Command()._provision()

    metadata = admin.list_topics(timeout=5).topics[topic]
    assert len(metadata.partitions) == 3
