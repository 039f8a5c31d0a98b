"""Which existing topics Update Pipeline grows (the broker call itself is integration-tested)."""

from __future__ import annotations

import pytest

from pipelines.runtime.deployed_versions import Topic
from pipelines.runtime.kafka import partitions_to_add

CASES = [
    ("more partitions wanted", {"a": 6}, {"a": 3}, [("a", 6)]),
    ("as many as present", {"a": 3}, {"a": 3}, []),
    ("fewer (refused at Save, never asked here)", {"a": 2}, {"a": 3}, []),
    ("a topic not created yet is created, not grown", {"a": 6}, {}, []),
    ("only the ones that grow", {"a": 6, "b": 3}, {"a": 3, "b": 3}, [("a", 6)]),
]


@pytest.mark.parametrize(
    ("wanted", "present", "grown"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_partitions_to_add(wanted, present, grown):
    topics = {name: Topic(name, count, 168, "kafka") for name, count in wanted.items()}
    assert partitions_to_add(topics, present) == grown
