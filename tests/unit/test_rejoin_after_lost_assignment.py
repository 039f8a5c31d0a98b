"""After a lost assignment a worker resumes where it was, commits nothing, and its
monitoring keeps the last lag it measured (pipelines.runtime.rejoin, pipelines.runtime.runner)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest
from confluent_kafka import OFFSET_INVALID, KafkaError, TopicPartition

from pipelines.runtime.deployed_versions import Topic
from pipelines.runtime.rejoin import resume, resume_points
from producer.runner import ProducerRunner
from tests.runtime import deployed_producer

T = "events"


@pytest.mark.parametrize(
    ("committed", "done", "expected"),
    [
        pytest.param({(T, 0): 40}, {(T, 0): 55}, {(T, 0): 55}, id="ours-ahead-of-the-commit"),
        pytest.param({(T, 0): 55}, {(T, 0): 55}, {}, id="the-commit-caught-up"),
        pytest.param({(T, 0): 90}, {(T, 0): 55}, {}, id="another-member-went-further"),
        pytest.param({(T, 0): OFFSET_INVALID}, {(T, 0): 7}, {(T, 0): 7}, id="nothing-committed"),
        pytest.param({}, {(T, 0): 7}, {}, id="commit-unknown-left-to-the-group"),
        pytest.param({(T, 1): 3}, {}, {}, id="a-partition-new-to-this-instance"),
        pytest.param(
            {(T, 0): 10, (T, 1): 30},
            {(T, 0): 20, (T, 1): 25},
            {(T, 0): 20},
            id="each-partition-on-its-own",
        ),
    ],
)
def test_a_partition_resumes_at_the_later_of_the_commit_and_its_own_position(
    committed, done, expected
):
    assert resume_points(committed, done) == expected


class FakeConsumer:
    """What resume() and a runner's callbacks touch of a confluent_kafka Consumer."""

    def __init__(self, committed: dict[int, int], errors: frozenset[int] = frozenset()):
        self.committed_offsets = committed
        self.errors = errors
        self.asked: list[list[int]] = []
        self.assigned: list[TopicPartition] | None = None

    def committed(self, partitions, timeout=None):
        self.asked.append([tp.partition for tp in partitions])
        return [
            SimpleNamespace(
                topic=tp.topic,
                partition=tp.partition,
                offset=self.committed_offsets[tp.partition],
                error=KafkaError(KafkaError._TIMED_OUT) if tp.partition in self.errors else None,
            )
            for tp in partitions
        ]

    def assign(self, partitions):
        self.assigned = list(partitions)

    def commit(self, *args, **kwargs):
        raise AssertionError("nothing may be committed for a lost assignment")


def given(*partitions: int) -> list[TopicPartition]:
    return [TopicPartition(T, p, OFFSET_INVALID) for p in partitions]


def test_a_first_assignment_asks_the_broker_nothing():
    consumer = FakeConsumer({0: 5})
    assert resume(consumer, given(0, 1), done={}) == {}
    assert consumer.asked == [] and consumer.assigned is None


def test_partitions_it_had_worked_on_start_where_it_was_the_others_at_the_commit():
    consumer = FakeConsumer({0: 40, 1: 80})
    assert resume(consumer, given(0, 1, 2), done={(T, 0): 55, (T, 1): 60}) == {(T, 0): 55}
    assert consumer.asked == [[0, 1]]
    assert [(tp.partition, tp.offset) for tp in consumer.assigned] == [
        (0, 55),
        (1, OFFSET_INVALID),
        (2, OFFSET_INVALID),
    ]


def test_when_the_commit_is_unknown_the_group_decides():
    consumer = FakeConsumer({0: 40}, errors=frozenset({0}))
    assert resume(consumer, given(0), done={(T, 0): 55}) == {}
    assert consumer.assigned is None


@pytest.fixture
def feed(settings) -> ProducerRunner:
    settings.REDIS_URL = ""  # heartbeats go nowhere
    deployed = dataclasses.replace(deployed_producer(), inputs=(Topic(T, 3, 24, "kafka"),))
    return ProducerRunner(deployed)


def test_a_lost_assignment_commits_nothing_and_shows_as_the_last_error(feed):
    feed.position = {0: 12, 1: 30}
    feed.assigned = [0, 1]
    feed._on_lost(FakeConsumer({}), given(0, 1))
    assert feed.position == {} and feed.assigned == []
    assert "assignment lost" in feed.stats["last_error"]


def test_while_the_assignment_is_lost_the_last_measured_lag_stands(feed, monkeypatch):
    measured = {"lag": 120, "partition_lag": {f"{T}:0": 120}, "partitions": 3}
    monkeypatch.setattr(feed, "_measure_lag", lambda source: measured)
    feed.consumer = FakeConsumer({})
    assert feed.lag() == measured
    feed._on_lost(feed.consumer, given(0))
    monkeypatch.setattr(feed, "_measure_lag", lambda source: {"lag": 0, "partition_lag": {}})
    assert feed.lag() == measured, "an outage is not 'no lag'"


def test_a_lag_that_cannot_be_measured_keeps_the_last_one(feed, monkeypatch):
    measured = {"lag": 7, "partition_lag": {f"{T}:1": 7}, "partitions": 3}
    monkeypatch.setattr(feed, "_measure_lag", lambda source: measured)
    feed.consumer = FakeConsumer({})
    feed.lag()
    monkeypatch.setattr(feed, "_measure_lag", lambda source: None)
    assert feed.lag() == measured


def test_kafka_client_errors_become_the_last_error(feed):
    feed._on_kafka_error(KafkaError(KafkaError._ALL_BROKERS_DOWN, "1/1 brokers are down"))
    assert feed.stats["last_error"] == "Kafka: 1/1 brokers are down"
