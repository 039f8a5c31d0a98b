"""Records to frames (producer.frames): formats, poison records, the frame-size limit."""

from __future__ import annotations

import orjson
import pytest
from confluent_kafka import Message

from producer import frames
from producer.frames import Record, encode_batch, trim


def message(topic: str, partition: int, offset: int, timestamp: int | None, key, value) -> Record:
    """A record as consume() gives it (confluent-kafka builds them for tests too)."""
    stamp = (1, timestamp) if timestamp is not None else (0, 0)
    return Message(topic, partition, offset, key, value, None, None, stamp)


def record(
    offset: int, value: bytes | None, partition: int = 0, key: bytes | None = b"k"
) -> Record:
    return message("orders", partition, offset, 1700000000000 + offset, key, value)


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


def documented_envelope(r: Record, source_format: str) -> bytes:
    """The envelope of DESIGN §6 as a dict, serialised by orjson: what the worker's template
    must give byte for byte."""
    kind, timestamp = r.timestamp()
    key = r.key()
    envelope = {
        "id": f"{r.partition()}-{r.offset()}",
        "topic": r.topic(),
        "partition": r.partition(),
        "offset": r.offset(),
        "timestamp": timestamp if kind else None,
        "key": key.decode() if key is not None else None,
        "value": frames.decode_value(r.value(), source_format),
    }
    return orjson.dumps(envelope)


@pytest.mark.parametrize(
    "source_format, values",
    [
        ("json", [b'{"a": [1, "x"]}', b" 7 ", rb'"\u00e9"']),
        ("json", [b"[]", None, b"null"]),
        ("text", ['\u00e9 "q"\n\\'.encode(), b"", None]),
        ("bytes", [b"\x00\xff", b"", None]),
    ],
)
@pytest.mark.parametrize("keys", [[None, None, None], [b'k"\\', "\u00fc".encode(), b""]])
def test_envelopes_are_the_bytes_orjson_gives_for_the_documented_dict(source_format, values, keys):
    where = [(0, 9), (3, 2**40), (0, 10)]  # three partition runs
    stamps = [1700000000000, None, 0]
    records = [
        message("orders \u00e9", p, o, ts, k, v)
        for (p, o), ts, k, v in zip(where, stamps, keys, values, strict=True)
    ]
    expected = [documented_envelope(r, source_format) for r in records]
    assert encode_batch(records, "envelope", source_format).frames == expected
    assert encode_batch(records, "batch", source_format).frames == [
        b"[" + b",".join(expected) + b"]"
    ]


def test_batch_is_one_array_and_lists_every_record_id():
    batch = encode_batch([record(1, b"1"), record(2, b"2", partition=1)], "batch", "json")
    assert len(batch.frames) == 1
    assert [e["id"] for e in orjson.loads(batch.frames[0])] == ["0-1", "1-2"]
    assert batch.ids == [[0, 1, 1, 2]]


def test_raw_is_the_value_as_is_and_bytes_become_base64():
    assert encode_batch([record(1, b'{"a":  1}')], "raw", "json").frames == [b'{"a":  1}']
    assert encode_batch([record(1, b"\x00\xff")], "raw", "bytes").frames == [b"AP8="]


@pytest.mark.parametrize("frame_format", ["envelope", "batch", "columns", "raw"])
def test_a_poison_record_is_set_aside_with_its_reason_and_the_rest_go_on(frame_format):
    batch = encode_batch(
        [record(1, b"{}"), record(2, b"{nope"), record(3, b"[]")], frame_format, "json"
    )
    assert [r.offset() for r in batch.records] == [1, 3]
    assert [ids[1::2] for ids in batch.ids] in ([[1], [3]], [[1, 3]])
    [(poison, reason)] = batch.poison
    assert poison.offset() == 2 and reason.startswith("value is not JSON")


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
    assert [p.offset() for p, _ in batch.poison] == [9]
    assert sum(len(ids) for ids in batch.ids) == 8


def test_columns_is_one_object_per_partition_run_with_equal_length_columns():
    records = [record(5, b'{"n": 5}'), record(6, b"[1]", key=None), record(2, b'"x"', 1)]
    batch = encode_batch(records, "columns", "json")
    assert [orjson.loads(f) for f in batch.frames] == [
        {
            "topic": "orders",
            "partition": 0,
            "offsets": [5, 6],
            "timestamps": [1700000000005, 1700000000006],
            "keys": ["k", None],
            "values": [{"n": 5}, [1]],
        },
        {
            "topic": "orders",
            "partition": 1,
            "offsets": [2],
            "timestamps": [1700000000002],
            "keys": ["k"],
            "values": ["x"],
        },
    ]
    assert batch.ids == [[0, 5, 0, 6], [1, 2]]


def test_a_json_value_is_embedded_byte_for_byte():
    value = b'{"b": 1.50, "a": "\\u00e9"}'
    [frame] = encode_batch([record(1, value)], "columns", "json").frames
    assert value in frame


def test_a_columns_run_past_the_frame_limit_is_split_and_an_oversized_record_is_poison(
    monkeypatch,
):
    monkeypatch.setattr(frames, "MAX_FRAME_BYTES", 400)
    records = [record(i, b'"' + b"x" * 100 + b'"') for i in range(5)] + [
        record(9, b'"' + b"y" * 500 + b'"')
    ]
    batch = encode_batch(records, "columns", "json")
    assert all(len(f) <= 400 for f in batch.frames) and len(batch.frames) >= 2
    assert [o for f in batch.frames for o in orjson.loads(f)["offsets"]] == [0, 1, 2, 3, 4]
    assert [p.offset() for p, _ in batch.poison] == [9]


@pytest.mark.parametrize(
    ("source_format", "value", "key", "reason"),
    [
        ("json", b"1,2", b"k", "value is not JSON"),
        ("json", b'"\xff"', b"k", "value is not JSON"),
        ("json", b'{"a": "\xed\xa0\x80"}', b"k", "value is not JSON"),  # a UTF-8 surrogate
        ("json", b'"\x01"', b"k", "value is not JSON"),  # a control character in a string
        ("json", b"[1,]", b"k", "value is not JSON"),
        ("json", b"01", b"k", "value is not JSON"),
        ("json", b"", b"k", "value is not JSON"),
        ("json", b'"\\ud800"', b"k", "value is not JSON"),  # an escaped lone surrogate
        ("json", b'{"a":1}}', b"k", "value is not JSON (trailing characters"),
        ("json", b"NaN", b"k", "value is not JSON"),
        ("json", b"[" * 5000 + b"]" * 5000, b"k", "value is not JSON (nested too deep)"),
        ("json", b'["\xc3\xa9", "\xff"]', b"k", "value is not JSON (not UTF-8 at byte 8)"),
        ("json", b"{}", b"\xff", "key is not UTF-8 text"),
        ("text", b"\xfe", b"k", "value is not UTF-8 text"),
    ],
)
def test_each_kind_of_poison_is_found_in_every_format(source_format, value, key, reason):
    for frame_format in ("envelope", "batch", "columns", "raw"):
        if frame_format == "raw" and "key" in reason:
            continue  # raw frames carry no key
        records = [
            record(1, b'"a"' if source_format == "json" else b"a"),
            record(2, value, key=key),
        ]
        batch = encode_batch(records, frame_format, source_format)
        assert [r.offset() for r in batch.records] == [1], frame_format
        assert batch.poison[0][1].startswith(reason), frame_format


def test_json_values_of_every_shape_pass_as_they_came():
    values = [
        b'"\xc3\xa9t\xc3\xa9"',
        b" 1 ",
        b"-0.5e+3",
        b'{"a": [null, true]}',
        b"[" * 400 + b"]" * 400,
    ]
    batch = encode_batch([record(i, v) for i, v in enumerate(values)], "columns", "json")
    assert not batch.poison
    assert orjson.loads(batch.frames[0])["values"] == [orjson.loads(v) for v in values]


def test_trim_drops_what_the_client_has_from_batch_and_columns_frames():
    records = [record(1, b"1"), record(2, b"2"), record(3, b"3")]
    keep = [False, True, True]
    [batch] = encode_batch(records, "batch", "json").frames
    assert [e["offset"] for e in orjson.loads(trim(batch, keep, "batch"))] == [2, 3]
    [columns] = encode_batch(records, "columns", "json").frames
    trimmed = orjson.loads(trim(columns, keep, "columns"))
    assert trimmed["offsets"] == [2, 3] and trimmed["values"] == [2, 3]
    assert len(trimmed["keys"]) == len(trimmed["timestamps"]) == 2
