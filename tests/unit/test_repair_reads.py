"""How the repair reader asks Kafka for a hole's records.

librdkafka's consume(n, timeout) returns early only once it has n messages: asking for
more than are left costs the whole timeout on every read, and a process's repairs queue
behind each other. The fake below keeps that one rule and counts the timeouts waited out.
"""

from __future__ import annotations

from confluent_kafka import Message

from producer.repair import CHUNK, RepairReader


def record(offset: int) -> Message:
    return Message("t", 0, offset, None, b"{}", None, None, (1, 0))


class Consumer:
    """A partition holding offsets 0..last, read from `at`."""

    def __init__(self, at: int, last: int):
        self.at, self.last = at, last
        self.timeouts = 0

    def consume(self, num_messages: int, timeout: float) -> list[Message]:
        end = min(self.at + num_messages, self.last + 1)
        out = [record(o) for o in range(self.at, end)]
        self.at = end
        self.timeouts += len(out) < num_messages
        return out

    def position(self, partitions):
        return [type("TP", (), {"offset": self.at})()]


def test_a_tail_read_asks_for_what_is_left_and_never_waits_out_the_timeout():
    reader = RepairReader("t", "batch", "json")
    consumer = Consumer(at=1000, last=5000)  # more records follow the hole in the topic
    records = reader._consume_until(consumer, 0, 1000, 1000 + CHUNK + 199)
    assert [r.offset() for r in records] == list(range(1000, 1000 + CHUNK + 200))
    assert consumer.timeouts == 0


def test_a_hole_at_the_end_of_the_topic_ends_on_its_last_offset():
    reader = RepairReader("t", "batch", "json")
    consumer = Consumer(at=10, last=209)
    records = reader._consume_until(consumer, 0, 10, 209)
    assert len(records) == 200 and consumer.timeouts == 0


class WholeTopic(Consumer):
    """The repair reader's own consumer: a partition of offsets 0..last, assignable."""

    def get_watermark_offsets(self, partition, timeout):
        return 0, self.last + 1

    def assign(self, partitions):
        [tp] = partitions
        self.at = tp.offset

    def unassign(self):
        pass


def test_a_long_hole_is_read_a_chunk_at_a_time_and_the_chunks_after_it_are_kept():
    reader = RepairReader("t", "batch", "json")
    reader._consumer = WholeTopic(at=0, last=4 * CHUNK)
    repair = reader._read(0, 0, 3 * CHUNK + 5)
    assert repair.last == CHUNK - 1
    [ids] = repair.batch.ids
    assert ids[1::2] == list(range(CHUNK))  # every offset of the first chunk, once
    assert (0, 1) in reader._chunks  # the next chunk came with it, encoded once
    assert reader._chunks[(0, 1)].ids[0][1::2] == list(range(CHUNK, 2 * CHUNK))
