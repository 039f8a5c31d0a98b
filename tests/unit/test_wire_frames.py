"""Frames built once per batch for every socket (producer.frames.text_frames).

Checked with `websockets`' own frame parser, as a client would read them: every length
encoding (7-bit, 16-bit, 64-bit) and several frames in one buffer.
"""

from __future__ import annotations

from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from producer.frames import encode_batch, framed, text_frames
from tests.unit.test_frames import message


def parse(data: bytes) -> list[Frame]:
    reader = StreamReader()
    reader.feed_data(data)
    frames = []
    while reader.buffer:
        parser = Frame.parse(reader.read_exact, mask=False)
        try:
            while True:
                next(parser)
        except StopIteration as done:
            frames.append(done.value)
    return frames


def test_payloads_of_every_length_class_come_back_as_final_text_frames():
    payloads = [b"", b"x" * 125, b"y" * 126, b"z" * 65535, b"w" * 65536, '{"é": 1}'.encode()]
    frames = parse(text_frames(payloads))
    assert [f.data for f in frames] == payloads
    assert all(f.opcode is Opcode.TEXT and f.fin for f in frames)


def test_no_payload_is_no_bytes():
    assert text_frames([]) == b""


def test_a_batch_is_framed_once_for_every_client_that_gets_it():
    batch = encode_batch([message("t", 0, 7, None, None, b'{"a": 1}')], "batch", "json")
    assert batch.wire is batch.wire
    assert [f.data for f in parse(batch.wire)] == batch.frames


def test_framed_payloads_are_views_into_the_one_buffer():
    payloads = [b"x" * 125, b"y" * 126, b"z" * 70_000, b"[]"]
    wire, views = framed(payloads)
    assert wire == text_frames(payloads)
    assert [bytes(v) for v in views] == payloads
    assert all(v.obj is wire for v in views)
