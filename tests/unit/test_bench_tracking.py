"""The benchmark fleet's record counting (benchmarks.tracking): exact, and cheap for batches."""

from __future__ import annotations

import orjson

from benchmarks.tracking import Tracker
from tests.bench_frames import batch_frame

VALUE = orjson.Fragment(orjson.dumps({"seq": 1, "sent": 1700000000.123, "pad": "x" * 200}))


def frame(records: list[tuple[int, int]]) -> bytes:
    return batch_frame(records, lambda p, o: VALUE)


def run(partition: int, first: int, last: int) -> list[tuple[int, int]]:
    return [(partition, o) for o in range(first, last + 1)]


def counted(*frames: bytes) -> Tracker:
    tracker = Tracker(3)
    for f in frames:
        tracker.batch_frame(f)
    return tracker


def test_a_run_or_two_runs_of_partitions_are_counted_without_reading_each_record():
    tracker = counted(frame(run(0, 0, 104) + run(2, 0, 5)), frame(run(1, 0, 0)))
    assert (tracker.unique, tracker.received, tracker.sliced) == (105 + 6 + 1, 112, 0)
    assert tracker.since() == "0-104,1-0,2-5"


def test_frames_that_are_not_plain_runs_are_read_record_by_record_and_counted_exactly():
    gapped = frame(run(0, 0, 3) + run(0, 5, 9) + run(1, 0, 1))  # offset 4 missing
    repeated = frame(run(2, 0, 1) + run(2, 1, 2))  # a repair's overlap
    interleaved = frame(run(1, 2, 3) + run(2, 3, 4) + run(1, 4, 5))
    three = frame(run(0, 10, 11) + run(1, 6, 7) + run(2, 5, 6))
    tracker = counted(gapped, repeated, interleaved, three)
    assert tracker.sliced == 4
    assert (tracker.unique, tracker.received) == (9 + 2 + 3 + 6 + 6, 11 + 4 + 6 + 6)
    assert tracker.since() == "0-3,1-7,2-6"  # resumes before the hole at offset 4


def test_an_empty_batch_counts_nothing():
    tracker = counted(b"[]")
    assert (tracker.unique, tracker.sliced) == (0, 0)
