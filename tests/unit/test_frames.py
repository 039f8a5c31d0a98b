"""Records to frames (producer.frames): formats, poison records, the frame-size limit."""

from __future__ import annotations

import orjson
import pytest

from producer import frames
from producer.frames import Record, encode_batch


def record(
    offset: int, value: bytes | None, partition: int = 0, key: bytes | None = b"k"
) -> Record:
    return Record("orders", partition, offset, 1700000000000 + offset, key, value)


def test_envelope_is_one_object_per_record_with_the_documented_fields():
    batch = encode_batch([record(7, b'{"n": 1}')], "envelope", "json")
    assert [orjson.loads(f) for f in batch.frames] == [
        {
            "id": "0-7",
            "topic": "orders",
            "partition": 0,
            "offset": 7,
            "timestamp": 1700000000007,
            "key": "k",
            "value": {"n": 1},
        }
    ]
    assert batch.ids == [[0, 7]]


def test_batch_is_one_array_and_lists_every_record_id():
    batch = encode_batch([record(1, b"1"), record(2, b"2", partition=1)], "batch", "json")
    assert len(batch.frames) == 1
    assert [e["id"] for e in orjson.loads(batch.frames[0])] == ["0-1", "1-2"]
    assert batch.ids == [[0, 1, 1, 2]]


def test_raw_is_the_value_as_is_and_bytes_become_base64():
    assert encode_batch([record(1, b'{"a":  1}')], "raw", "json").frames == [b'{"a":  1}']
    assert encode_batch([record(1, b"\x00\xff")], "raw", "bytes").frames == [b"AP8="]


@pytest.mark.parametrize("frame_format", ["envelope", "batch", "raw"])
def test_a_poison_record_is_set_aside_with_its_reason_and_the_rest_go_on(frame_format):
    batch = encode_batch(
        [record(1, b"{}"), record(2, b"{nope"), record(3, b"[]")], frame_format, "json"
    )
    assert [r.offset for r in batch.records] == [1, 3]
    [(poison, reason)] = batch.poison
    assert poison.offset == 2 and reason.startswith("value is not JSON")


def test_text_that_is_not_utf8_is_poison():
    batch = encode_batch([record(1, b"\xff\xfe")], "envelope", "text")
    assert batch.poison[0][1] == "value is not UTF-8 text"


def test_a_batch_past_the_frame_limit_is_split_and_an_oversized_record_is_poison(monkeypatch):
    monkeypatch.setattr(frames, "MAX_FRAME_BYTES", 400)
    records = [record(i, b'"' + b"x" * 100 + b'"') for i in range(4)] + [
        record(9, b'"' + b"y" * 500 + b'"')
    ]
    batch = encode_batch(records, "batch", "json")
    assert all(len(f) <= 400 for f in batch.frames) and len(batch.frames) >= 2
    assert sum(len(orjson.loads(f)) for f in batch.frames) == 4
    assert [p.offset for p, _ in batch.poison] == [9]
    assert sum(len(ids) for ids in batch.ids) == 8
