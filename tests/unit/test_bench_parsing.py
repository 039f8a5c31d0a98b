"""The benchmark's parsing clients (benchmarks.parsing): every format's records counted exactly."""

from __future__ import annotations

import orjson
import pytest

from benchmarks import producer
from benchmarks.parsing import is_control, walk
from benchmarks.tracking import Tracker, step_runs
from tests.bench_frames import batch_frame


def value(seq: int) -> orjson.Fragment:
    return orjson.Fragment(producer.value(seq, 1700000000000.5))


def columns(partition: int, offsets: list[int]) -> bytes:
    """A `columns` frame as Flowcast writes it; the values carry seq = offset * 3 + partition."""
    return orjson.dumps(
        {
            "topic": "bench",
            "partition": partition,
            "offsets": offsets,
            "timestamps": [1700000000000] * len(offsets),
            "keys": ["k"] * len(offsets),
            "values": [value(o * 3 + partition) for o in offsets],
        }
    )


def batch(records: list[tuple[int, int]]) -> bytes:
    """The values carry seq = offset * 3 + partition."""
    return batch_frame(records, lambda p, o: value(o * 3 + p))


def values(seqs: list[int]) -> bytes:
    """A frame of the values bridge: one JSON array of the bare values."""
    return b"[" + b",".join(producer.value(s, 1.0) for s in seqs) + b"]"


def counted(*frames: bytes) -> tuple[Tracker, list]:
    tracker, seen = Tracker(3), []
    for frame in frames:
        seen += walk(orjson.loads(frame), tracker)
    return tracker, seen


def test_columns_frames_are_counted_by_partition_and_offsets():
    tracker, seen = counted(columns(0, list(range(0, 100))), columns(2, [0, 1, 2]))
    assert (tracker.unique, tracker.received, len(seen)) == (103, 103, 103)
    assert tracker.since() == "0-99,1--1,2-2"


def test_columns_frames_with_holes_and_repeats_are_counted_offset_by_offset():
    tracker, _ = counted(columns(1, [0, 1, 3, 4]), columns(1, [2, 3, 5]), columns(1, [5]))
    assert (tracker.unique, tracker.received) == (6, 8)
    assert tracker.since() == "0--1,1-5,2--1"


def test_a_batch_of_envelopes_is_counted_by_its_partition_runs():
    mixed = batch([(0, 0), (0, 1), (2, 0), (2, 1), (2, 2), (0, 2)])
    repeat = batch([(2, 2), (2, 3)])
    tracker, seen = counted(mixed, repeat)
    assert (tracker.unique, tracker.received, len(seen)) == (7, 8, 8)
    assert tracker.since() == "0-2,1--1,2-3"


def test_one_envelope_per_frame_is_counted():
    frame = orjson.dumps({"id": "1-0", "partition": 1, "offset": 0, "value": value(1)})
    tracker, _ = counted(frame, frame)
    assert (tracker.unique, tracker.received, tracker.since()) == (1, 2, "0--1,1-0,2--1")


def test_values_of_the_values_bridge_are_counted_by_their_seq():
    # A consume() batch: runs of partitions 0, 1 and 2 (seq % 3), then the next batch.
    first = [0, 3, 6, 1, 4, 2, 5, 8]
    second = [9, 12, 7, 10, 13, 8]  # 8 again: a duplicate
    tracker, seen = counted(values(first), values(second))
    assert (tracker.unique, tracker.received, len(seen)) == (13, 14, 14)
    assert tracker.since() == "0-4,1-4,2-2"


def test_a_missing_value_leaves_the_count_short():
    tracker, _ = counted(values([0, 3, 9, 12]))  # seq 6 never came
    assert tracker.unique == 4
    assert tracker.since() == "0-1,1--1,2--1"  # resume before the hole


def test_raw_frames_are_counted_by_their_seq():
    tracker, _ = counted(producer.value(1, 1.0), producer.value(4, 1.0))
    assert (tracker.unique, tracker.since()) == (2, "0--1,1-1,2--1")


def test_control_messages_are_told_apart_from_records():
    assert is_control(orjson.loads(b'{"type":"gap","reason":"slow_client"}'))
    assert not is_control(orjson.loads(columns(0, [1])))
    assert not is_control(orjson.loads(values([1])))


@pytest.mark.parametrize(
    ("seqs", "runs"),
    [
        ([], []),
        ([5], [(5, 5)]),
        ([0, 3, 6, 9], [(0, 9)]),
        ([0, 3, 6, 1, 4, 2], [(0, 6), (1, 4), (2, 2)]),
        ([0, 3, 3, 6], [(0, 3), (3, 6)]),
        ([0, 6, 9], [(0, 0), (6, 9)]),
        ([9, 6, 3], [(9, 9), (6, 6), (3, 3)]),
    ],
)
def test_step_runs_splits_seqs_into_maximal_runs(seqs, runs):
    assert step_runs(seqs, 3) == runs
