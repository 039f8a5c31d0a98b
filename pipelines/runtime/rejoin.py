"""Back in the consumer group after losing it: resume where this instance had got to.

When the broker is away for longer than the session timeout, librdkafka declares the
assignment lost and, once the coordinator answers again, rejoins the group by itself. The
group then hands out its committed offsets, which trail what the instance had finished by
up to the auto-commit interval (more if the broker lost its last commits with it). From
there a Kafka Consumer would forward records a second time, under new ids a client cannot
tell apart. The instance knows where it was: a partition it gets back starts at the later
of the two positions. A commit beyond its own means another member went further meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping

from confluent_kafka import Consumer, TopicPartition

Key = tuple[str, int]  # (topic, partition)

COMMITTED_TIMEOUT = 5.0  # the coordinator has just answered the join: it is there


def resume_points(committed: Mapping[Key, int], done: Mapping[Key, int]) -> dict[Key, int]:
    """Partitions to start at this instance's own next offset rather than the group's.

    `committed`: the group's next offset per partition (negative: nothing committed);
    a partition missing from it is unknown, and left to the group. `done`: the next offset
    after what this instance finished (forwarded or published, and stored).
    """
    return {
        key: offset for key, offset in done.items() if key in committed and offset > committed[key]
    }


def resume(consumer: Consumer, partitions: list[TopicPartition], done: Mapping[Key, int]) -> dict:
    """In on_assign: start the partitions this instance had worked on at resume_points.

    Returns the partitions moved (none: the assignment goes on as the group has it). The
    first assignment of an instance costs nothing: it has done nothing yet.
    """
    known = [TopicPartition(tp.topic, tp.partition) for tp in partitions if _key(tp) in done]
    if not known:
        return {}
    committed = {
        _key(tp): tp.offset
        for tp in consumer.committed(known, timeout=COMMITTED_TIMEOUT)
        if tp.error is None
    }
    points = resume_points(committed, done)
    if points:
        for tp in partitions:
            tp.offset = points.get(_key(tp), tp.offset)
        consumer.assign(partitions)  # within on_assign: replaces the group's start offsets
    return points


def _key(tp: TopicPartition) -> Key:
    return (tp.topic, tp.partition)
