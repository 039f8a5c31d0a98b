"""A client's queue of group messages, bounded in number and bytes (producer.inbox)."""

from __future__ import annotations

from producer import metrics
from producer.inbox import Inbox


def batch(seq: int, nbytes: int = 100) -> dict:
    return {"type": "stream.batch", "seq": seq, "wire": b"x" * nbytes}


def seqs(inbox: Inbox) -> list:
    return [m.get("seq", m["type"]) for m in inbox]


def test_the_oldest_batches_make_room_when_the_count_is_reached():
    inbox = Inbox(max_messages=3, max_bytes=10_000)
    for n in range(5):
        inbox.push(batch(n))
    assert seqs(inbox) == [2, 3, 4]
    assert inbox.bytes == 300


def test_every_dropped_batch_is_counted_for_the_metrics():
    before = metrics.snapshot()["batches_dropped"]
    inbox = Inbox(max_messages=2, max_bytes=10_000)
    inbox.push({"type": "stream.progress", "last": {}})
    for n in range(4):
        inbox.push(batch(n))
    assert metrics.snapshot()["batches_dropped"] - before == 2  # the progress notice: not a batch


def test_the_byte_bound_drops_as_many_as_a_big_batch_needs():
    inbox = Inbox(max_messages=48, max_bytes=1000)
    for n in range(4):
        inbox.push(batch(n, 250))
    inbox.push(batch(4, 600))  # 1000 - 250 left would not hold 600: three must go
    assert seqs(inbox) == [3, 4] and inbox.bytes == 850


def test_a_batch_bigger_than_the_bound_still_goes_in_alone():
    inbox = Inbox(max_messages=48, max_bytes=1000)
    inbox.push(batch(0, 10))
    inbox.push(batch(1, 5000))
    assert seqs(inbox) == [1] and inbox.bytes == 5000


def test_notices_are_never_dropped_to_make_room():
    inbox = Inbox(max_messages=2, max_bytes=10_000)
    inbox.push({"type": "stream.close", "code": 4001})
    inbox.push(batch(1))
    inbox.push(batch(2))
    assert seqs(inbox) == ["stream.close", 2]


def test_bytes_follow_what_is_taken_out():
    inbox = Inbox(max_messages=48, max_bytes=10_000)
    for n in range(3):
        inbox.push(batch(n, 100))
    inbox.push({"type": "stream.slow"})
    assert inbox.popleft()["seq"] == 0 and inbox.bytes == 200
    taken = inbox.take_if(lambda m: m["type"] == "stream.batch")
    assert [m["seq"] for m in taken] == [1, 2]
    assert seqs(inbox) == ["stream.slow"] and inbox.bytes == 0


def test_a_smaller_bound_for_one_push_drops_the_oldest_to_fit_it():
    inbox = Inbox(max_messages=48, max_bytes=1000)
    for n in range(4):
        inbox.push(batch(n, 200))
    inbox.push(batch(4, 200), max_bytes=500)
    assert seqs(inbox) == [3, 4] and inbox.bytes == 400
    inbox.push(batch(5, 200), max_bytes=5000)  # never above the inbox's own bound
    inbox.push(batch(6, 200), max_bytes=5000)
    inbox.push(batch(7, 200), max_bytes=5000)
    assert seqs(inbox) == [3, 4, 5, 6, 7] and inbox.bytes == 1000
