"""The per-process fan-out (producer.hub) with an in-memory channel layer: one framing per
batch, every session served in order, and a bad message or session harms nobody else."""

from __future__ import annotations

import asyncio

import pytest
from channels.layers import channel_layers

from producer.frames import text_frames
from producer.hub import StreamHub


class Session:
    def __init__(self, fail: bool = False, want: int = 0):
        self.got: list[dict] = []
        self.fail = fail
        self.want = want
        self.complete = asyncio.Event()

    def deliver(self, message: dict) -> None:
        if self.fail:
            raise RuntimeError("broken session")
        self.got.append(message)
        if len(self.got) == self.want:
            self.complete.set()


def batch(seq: int, frames: list[bytes], covers: list[list[int]]) -> dict:
    return {"type": "stream.batch", "w": "w1", "seq": seq, "frames": frames, "covers": covers}


@pytest.fixture
def layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


def test_every_session_gets_each_batch_framed_once_and_a_bad_one_harms_nobody(layer):
    async def scenario():
        hub, layer = StreamHub(), channel_layers["default"]
        first, broken, last = Session(), Session(fail=True), Session(want=2)
        for session in (first, broken, last):
            await hub.join("wsp.ing", session)
        await layer.group_send("wsp.ing", {"type": "stream.batch", "frames": None})  # bad
        await layer.group_send("wsp.ing", batch(1, [b"[1]", b"[2]"], [[0, 0, 1]]))
        await layer.group_send("wsp.ing", {"type": "stream.progress", "w": "w1", "last": [[1, 9]]})
        async with asyncio.timeout(5):
            await last.complete.wait()
        edge = await hub.join("wsp.ing", Session())
        for session in (first, broken, last):
            await hub.leave("wsp.ing", session)
        return first, last, edge

    first, last, edge = asyncio.run(scenario())
    assert [m["type"] for m in first.got] == ["stream.batch", "stream.progress"]
    assert first.got[0]["wire"] == text_frames([b"[1]", b"[2]"])
    assert first.got[0] is last.got[0]  # the same message and bytes for every session
    assert edge == {0: 1, 1: 9}
