"""The offsets a batch covers per partition, from its runs (producer.runner.offset_spans)."""

from __future__ import annotations

from confluent_kafka import Message

from producer.runner import offset_spans


def record(partition: int, offset: int) -> Message:
    return Message("orders", partition, offset, None, b"{}", None, None, (1, 0))


def test_interleaved_runs_of_a_partition_make_one_span_from_its_first_to_its_last():
    batch = [record(0, 5), record(0, 6), record(1, 2), record(0, 7), record(1, 3), record(2, 9)]
    assert offset_spans(batch) == {
        ("orders", 0): [5, 7],
        ("orders", 1): [2, 3],
        ("orders", 2): [9, 9],
    }


def test_an_empty_batch_covers_nothing():
    assert offset_spans([]) == {}
