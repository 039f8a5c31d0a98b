"""A client's position per partition: holes, duplicates, resume (producer.cursor)."""

from __future__ import annotations

import pytest

from producer.cursor import BadSince, Cursor, Hole, parse_since


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        (None, {}),
        ("", {}),
        ("0-41", {0: 41}),
        ("0-41,1-17", {0: 41, 1: 17}),
        (" 2-0 , 3--1", {2: 0, 3: -1}),
        ("2147483647-9223372036854775807", {2**31 - 1: 2**63 - 1}),  # Kafka's largest
    ],
)
def test_since_parses_partition_offset_pairs(raw, parsed):
    assert parse_since(raw) == parsed


@pytest.mark.parametrize(
    "raw",
    [
        *("x", "0", "0-", "-3", "a-1", "0-1,0-2", "0-x", "0--5", "-1-0", "0-+1", "0-1 1"),
        *("0-\u00b2", "\u0661-0", "0-\uff11"),  # digits int() reads but Kafka ids are not
        *("2147483648-0", "0-9223372036854775808", "0-" + "9" * 5000, "1" * 5000 + "-1"),
    ],
)
def test_malformed_since_is_refused_with_the_bad_part(raw):
    with pytest.raises(BadSince):
        parse_since(raw)


def test_a_refusal_quotes_at_most_forty_characters_of_the_bad_part():
    with pytest.raises(BadSince) as refused:
        parse_since("0-" + "9" * 100_000)
    assert str(refused.value) == f"'0-{'9' * 38}'… is beyond Kafka's partitions and offsets."


def test_a_new_client_joins_at_the_first_batch_it_sees():
    cursor = Cursor()
    cursor.place([(0, 100)])
    assert cursor.holes([[0, 100, 149]]) == []
    cursor.advance_all([[0, 100, 149]])
    assert cursor.expected == {0: 150}


def test_extend_takes_only_a_batch_that_continues_every_partition():
    cursor = Cursor({0: 100})
    assert cursor.extend([[0, 100, 149], [1, 7, 9]])  # partition 1 is new: it starts here
    assert cursor.expected == {0: 150, 1: 10}
    assert not cursor.extend([[0, 160, 199], [1, 10, 12]])  # a hole in partition 0
    assert not cursor.extend([[0, 140, 199]])  # overlaps what the client has
    assert cursor.expected == {0: 150, 1: 10}  # unchanged by a refused batch


def test_a_batch_dropped_after_the_first_arrived_is_a_hole_not_a_new_start():
    cursor = Cursor()
    for first in (0, 50, 100):  # three batches arrive; the first two are dropped unsent
        cursor.place([(1, first)])
    assert cursor.holes([[1, 100, 149]]) == [Hole(1, 0, 99)]


def test_a_skipped_range_is_a_hole_to_repair():
    cursor = Cursor({0: 150, 1: 7})
    holes = cursor.holes([[0, 200, 249], [1, 7, 9]])
    assert holes == [Hole(0, 150, 199)]


def test_progress_reveals_a_hole_at_the_tail():
    cursor = Cursor({0: 150})
    cursor.place([(0, 161), (1, 5)])  # a partition first seen in progress starts after it
    assert cursor.tail_holes([[0, 160], [1, 4]]) == [Hole(0, 150, 160)]
    assert cursor.expected[1] == 5


def test_resume_marks_what_the_client_already_has():
    cursor = Cursor.resuming({0: 41})
    assert cursor.expected == {0: 42}
    assert cursor.fresh([0, 40, 0, 41, 0, 42, 1, 0]) == [False, False, True, True]


def test_advance_never_moves_backwards():
    cursor = Cursor({0: 100})
    cursor.advance(0, 50)
    assert cursor.expected[0] == 100


def test_overlap_is_only_reported_when_a_batch_starts_before_the_client():
    cursor = Cursor({0: 100})
    assert not cursor.overlaps([[0, 100, 150], [1, 0, 10]])
    assert cursor.overlaps([[0, 90, 150]])
