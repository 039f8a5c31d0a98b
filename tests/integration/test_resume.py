"""Resume with `?since=` (DESIGN §6), table-driven in the style of Centrifugo's recovery tests."""

from __future__ import annotations

import asyncio
import contextlib

import orjson
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.integration.clients import bearer, ws_url
from tests.runtime import build_stream

pytestmark = pytest.mark.integration

FIRST = 30  # records in the partition before the first test
LATER = 5  # records produced after a resuming client connected


async def frames_until(ws, last: int, timeout: float = 20) -> list[dict]:
    """Frames (records and control messages) until the record at offset `last` arrived or
    the server closed. One key: every record is in one partition, in offset order."""
    out: list[dict] = []

    async def loop():
        async for frame in ws:
            out.append(orjson.loads(frame))
            if out[-1].get("offset") == last:
                return

    with contextlib.suppress(TimeoutError, ConnectionClosed):
        await asyncio.wait_for(loop(), timeout)
    return out


@pytest.fixture(scope="module")
def history(module_stack, module_owner):
    """A stream whose partition holds FIRST records (offsets 0..FIRST-1), built once: each
    test resumes relative to `end`, the offset the next record gets."""
    stack = module_stack
    s = build_stream(module_owner, frame_format="envelope", batch_size=10)
    s["stack"] = stack
    s["host"] = stack.serve(s)
    # A daphne that repairs at most 8 records per hole.
    s["bounded_host"] = stack.web(env={"FLOWCAST_MAX_REPAIR": "8"})

    async def fill():
        async with connect(
            ws_url(s["host"], s["producer"]), additional_headers=bearer(s["producer"])
        ) as ws:
            await asyncio.to_thread(
                stack.produce, s["topic"], [{"n": i} for i in range(FIRST)], key=lambda i: b"k"
            )
            return await frames_until(ws, FIRST - 1)

    seen = [f for f in asyncio.run(fill()) if "type" not in f]
    s["partition"] = seen[0]["partition"]
    assert [f["offset"] for f in seen] == list(range(FIRST))
    s["end"] = FIRST
    return s


def resume(s, since: str, *, host: str | None = None) -> tuple[list[dict], int | None]:
    """Connect with since, then produce LATER records; returns the frames until the last of
    them (or the close) and the close code. A second client without since watches the
    records go through."""
    url = ws_url(host or s["host"], s["producer"], f"?since={since}")
    last = s["end"] + LATER - 1

    async def scenario():
        live = ws_url(s["host"], s["producer"])
        async with (
            connect(url, additional_headers=bearer(s["producer"])) as ws,
            connect(live, additional_headers=bearer(s["producer"])) as watcher,
        ):
            await asyncio.sleep(0)  # the handshakes are done: produce what comes "later"
            values = [{"n": s["end"] + i} for i in range(LATER)]
            await asyncio.to_thread(s["stack"].produce, s["topic"], values, key=lambda i: b"k")
            s["end"] += LATER
            frames = await frames_until(ws, last, timeout=8)
            # Through the stream even if `ws` was closed: the next test starts from `end`.
            assert offsets(await frames_until(watcher, last))[-1:] == [last]
            return frames, ws.close_code

    return asyncio.run(scenario())


def offsets(frames: list[dict]) -> list[int]:
    return [f["offset"] for f in frames if "type" not in f]


def test_since_current_replays_nothing(history):
    end = history["end"]
    frames, _ = resume(history, f"{history['partition']}-{end - 1}")
    assert offsets(frames) == list(range(end, end + LATER))


def test_since_older_replays_the_missed_records_then_goes_live_without_duplicates(history):
    end = history["end"]
    frames, _ = resume(history, f"{history['partition']}-{end - 11}")
    assert offsets(frames) == list(range(end - 10, end + LATER))


def test_since_beyond_what_can_be_replayed_sends_a_gap_then_the_rest(history):
    end = history["end"]
    frames, _ = resume(history, f"{history['partition']}--1", host=history["bounded_host"])
    [gap] = [f for f in frames if f.get("type") == "gap"]
    assert gap["missed"] == [{"partition": history["partition"], "from": 0, "to": end - 9}]
    assert gap["since"] == f"{history['partition']}--1"
    assert offsets(frames) == list(range(end - 8, end + LATER))


def test_since_a_partition_that_does_not_exist_is_reported_and_ignored(history):
    end = history["end"]
    frames, code = resume(history, "99-5")
    assert frames[0] == {"type": "error", "message": "No partition [99] in the stream; ignored."}
    assert offsets(frames) == list(range(end, end + LATER))
    assert code is None


MALFORMED = [
    *("abc", "0-", "0-1,0-2"),  # not <partition>-<offset>; a partition named twice
    *("-1-5", "0--7"),  # negative partition; offset below -1
    *("0-" + "9" * 5000, "2147483648-0", "0-\u00b2"),  # beyond Kafka's range; not ASCII digits
]


def test_malformed_since_gets_an_error_and_close_4400(history):
    for since in MALFORMED:
        frames, code = resume(history, since)
        assert frames[0]["type"] == "error" and frames[0]["message"].startswith("Bad since")
        assert offsets(frames) == []
        assert code == 4400


def test_a_client_is_told_its_position_and_resuming_from_it_misses_what_it_never_saw(history):
    """A client that got no record yet still learns where it stands (a `position` notice),
    so records produced while it was away are replayed when it comes back."""
    url = ws_url(history["host"], history["producer"])

    async def first_visit() -> dict:
        async with connect(url, additional_headers=bearer(history["producer"])) as ws:
            async with asyncio.timeout(20):
                async for frame in ws:
                    message = orjson.loads(frame)
                    if message.get("type") == "position":
                        return message
        raise AssertionError("no position notice")

    end = history["end"]
    position = asyncio.run(first_visit())
    assert f"{history['partition']}-{end - 1}" in position["since"].split(",")
    frames, _ = resume(history, position["since"])
    assert offsets(frames) == list(range(end, end + LATER))
