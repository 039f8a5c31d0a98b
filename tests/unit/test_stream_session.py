"""The per-connection stream rules, table-driven: messages and repair results in, actions out."""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson
import pytest

from producer.cursor import Cursor
from producer.frames import EncodedBatch
from producer.inbox import RELEASED_BYTES, Inbox
from producer.repair import Repair
from producer.session import Close, Read, Recheck, StreamSession, WaitWritable, Write


@dataclass
class Flow:
    """The credit reporter's view of a connection, as far as the session uses it."""

    slow: bool = False
    released: bool = False  # the stream no longer waits for it
    notes: list = field(default_factory=list)  # came in and sent at once
    queued: list = field(default_factory=list)  # came in and waits
    sents: list = field(default_factory=list)  # a waiting one sent or skipped

    def note(self, worker: str, seq: int) -> None:
        self.notes.append((worker, seq))

    def queue(self, worker: str, seq: int) -> None:
        self.queued.append((worker, seq))

    def sent(self, worker: str, seq: int) -> None:
        self.sents.append((worker, seq))


def frame(p: int, o: int) -> bytes:
    return orjson.dumps({"id": f"{p}-{o}", "partition": p, "offset": o})


def batch(p: int, first: int, last: int, *, start: int | None = None, seq: int = 1) -> dict:
    """A batch of records first..last of partition p; `start` continues the previous one."""
    frames = [frame(p, o) for o in range(first, last + 1)]
    return {
        "type": "stream.batch",
        "w": "w1",
        "seq": seq,
        "covers": [[p, first if start is None else start, last]],
        "due": [(p, first if start is None else start)],
        "frames": frames,
        "ids": [[p, o] for o in range(first, last + 1)],
        "wire": b"WIRE" + bytes(f"{p}:{first}-{last}", "ascii"),
    }


def progress(p: int, last: int) -> dict:
    return {"type": "stream.progress", "w": "w1", "last": [[p, last]], "due": [(p, last + 1)]}


def repair(p: int, first: int, last: int, lost_before: int | None = None) -> Repair:
    frames = [frame(p, o) for o in range(first, last + 1)]
    ids = [[p, o] for o in range(first, last + 1)]
    encoded = EncodedBatch(frames, [], [], ids)
    encoded.wire = b"R" + bytes(f"{first}-{last}", "ascii")  # a stand-in for the framed bytes
    return Repair(encoded, lost_before, last)


def session(expected: dict | None = None, *, slow: bool = False, kind: str = "secret"):
    return StreamSession(
        Cursor(dict(expected or {})),
        Flow(slow=slow),
        Inbox(48, 4 * 1024 * 1024),
        auth_kind=kind,
        frame_format="envelope",
        rechecks=kind == "session",
    )


def run(s: StreamSession, blocked: bool = False, results: dict | None = None) -> list:
    """Carry out the session's actions as the adapter would; Reads answered from `results`."""
    done = []
    while (action := s.next_action(blocked)) is not None:
        done.append(action)
        if isinstance(action, Read):
            s.repaired(action, results[(action.partition, action.start)])
        if isinstance(action, WaitWritable):
            break
    return done


def writes(actions: list) -> list:
    out = []
    for a in actions:
        if isinstance(a, Write):
            out.append(a.wire if a.wire is not None else [orjson.loads(f) for f in a.frames])
    return out


# --- Arrival --------------------------------------------------------------------------------

ARRIVALS = [
    # (why, cursor, message, blocked, slow, written on the spot, queued)
    ("in step: written at once", {0: 10}, batch(0, 10, 19), False, False, True, False),
    (
        "new partition: starts where the batch starts",
        {},
        batch(0, 10, 19),
        False,
        False,
        True,
        False,
    ),
    ("a hole: queued for repair", {0: 5}, batch(0, 10, 19), False, False, False, True),
    ("an overlap: queued to drop duplicates", {0: 15}, batch(0, 10, 19), False, False, False, True),
    ("socket full: queued", {0: 10}, batch(0, 10, 19), True, False, False, True),
    ("slow client: queued", {0: 10}, batch(0, 10, 19), False, True, False, True),
    ("progress in step: nothing to do", {0: 20}, progress(0, 19), False, False, False, False),
    ("progress reveals a tail hole", {0: 15}, progress(0, 19), False, False, False, True),
]


@pytest.mark.parametrize(
    ("cursor", "message", "blocked", "slow", "written", "queued"),
    [a[1:] for a in ARRIVALS],
    ids=[a[0] for a in ARRIVALS],
)
def test_arrival(cursor, message, blocked, slow, written, queued):
    s = session(cursor, slow=slow)
    write = s.arrive(message, blocked)
    assert (write is not None, s.pending()) == (written, queued)
    if written:
        assert write == message["wire"] and s.flow.notes == [("w1", 1)]


# --- Draining -------------------------------------------------------------------------------


def test_a_hole_is_repaired_before_the_batch_that_revealed_it():
    s = session({0: 5})
    s.arrive(batch(0, 10, 19), False)
    actions = run(s, results={(0, 5): repair(0, 5, 9)})
    assert actions[0] == Read(0, 5, 9)
    assert writes(actions) == [b"R5-9", b"WIRE0:10-19"]
    assert s.cursor.expected == {0: 20} and not s.pending()


def test_a_hole_read_in_chunks_goes_on_until_its_end():
    s = session({0: 0})
    s.arrive(batch(0, 10, 10), False)
    actions = run(s, results={(0, 0): repair(0, 0, 4), (0, 5): repair(0, 5, 9)})
    assert [a for a in actions if isinstance(a, Read)] == [Read(0, 0, 9), Read(0, 5, 9)]
    assert writes(actions) == [b"R0-4", b"R5-9", b"WIRE0:10-10"]


def test_what_kafka_no_longer_has_becomes_a_gap_notice():
    s = session({0: 0})
    s.arrive(batch(0, 10, 12), False)
    actions = run(s, results={(0, 0): repair(0, 6, 9, lost_before=6)})
    gap, *_ = writes(actions)
    assert gap == [
        {
            "type": "gap",
            "reason": "retention_or_limit",
            "missed": [{"partition": 0, "from": 0, "to": 5}],
            "since": "0--1",
        }
    ]
    assert writes(actions)[1:] == [b"R6-9", b"WIRE0:10-12"]


def test_records_the_client_has_are_dropped_from_an_overlapping_batch():
    s = session({0: 15})
    s.arrive(batch(0, 10, 19), False)
    (written,) = writes(run(s))
    assert [r["offset"] for r in written] == list(range(15, 20))


def test_a_batch_the_client_has_entirely_sends_nothing():
    s = session({0: 30})
    s.arrive(batch(0, 10, 19), False)
    assert writes(run(s)) == []


def test_a_tail_hole_from_progress_is_repaired():
    s = session({0: 15})
    s.arrive(progress(0, 19), False)
    assert writes(run(s, results={(0, 15): repair(0, 15, 19)})) == [b"R15-19"]
    assert s.cursor.expected == {0: 20}


def test_nothing_but_a_close_is_handled_while_the_socket_is_full():
    s = session({0: 10})
    s.arrive(batch(0, 10, 19), True)
    assert run(s, blocked=True) == [WaitWritable()]
    s.arrive({"type": "stream.close", "code": 4001, "reason": "new format"}, True)
    assert run(s, blocked=True) == [Close(4001, "new format")]


@pytest.mark.parametrize(
    ("kinds", "auth_kind", "closed"),
    [
        (None, "session", True),
        (["secret", "token"], "secret", True),
        (["secret"], "session", False),
    ],
)
def test_a_close_applies_to_the_credentials_it_names(kinds, auth_kind, closed):
    s = session({}, kind=auth_kind)
    s.arrive({"type": "stream.close", "code": 4501, "reason": "r", "auth_kinds": kinds}, False)
    assert run(s) == ([Close(4501, "r")] if closed else [])


def test_a_slow_client_skips_batches_and_is_told_once_it_reads_again():
    s = session({0: 10}, slow=True)
    s.arrive(batch(0, 10, 19), True)
    s.arrive(batch(0, 20, 29, seq=2), True)
    assert s.cursor.expected == {0: 30}  # skipped, not queued
    assert run(s, blocked=False) and s.flow.slow is False
    s2 = session({0: 10}, slow=True)
    s2.arrive(batch(0, 10, 19), True)
    s2.arrive(batch(0, 20, 29, seq=2), True)
    (gap,) = writes(run(s2, blocked=False))
    assert gap[0]["reason"] == "slow_client"
    assert gap[0]["missed"] == [{"partition": 0, "from": 10, "to": 29}]


def test_a_queued_batch_is_acknowledged_when_it_is_sent_not_when_it_comes_in():
    s = session({0: 10})
    s.arrive(batch(0, 10, 19, seq=1), True)
    s.arrive(batch(0, 20, 29, start=20, seq=2), True)
    assert (s.flow.queued, s.flow.sents, s.flow.notes) == ([("w1", 1), ("w1", 2)], [], [])
    assert run(s, blocked=True) == [WaitWritable()]
    assert s.flow.sents == []  # still waiting for the socket: the worker is held back
    run(s)
    assert s.flow.sents == [("w1", 1), ("w1", 2)]


def test_a_batch_behind_a_hole_is_acknowledged_once_the_repair_sent_it():
    s = session({0: 5})
    s.arrive(batch(0, 10, 19), False)
    assert s.next_action(False) == Read(0, 5, 9)
    assert s.flow.sents == []
    s.repaired(Read(0, 5, 9), repair(0, 5, 9))
    run(s)
    assert s.flow.sents == [("w1", 1)]


def test_batches_skipped_for_a_slow_client_count_as_sent():
    s = session({0: 10})
    s.arrive(batch(0, 10, 19, seq=1), True)  # queued while not yet slow
    s.flow.slow = True
    s.arrive(batch(0, 20, 29, start=20, seq=2), True)
    assert s.flow.sents == [("w1", 1)] and s.flow.notes == [("w1", 2)]


@pytest.mark.parametrize("rechecked", [True, False], ids=["a user's session", "a secret's"])
def test_only_a_users_session_checks_its_access_again_even_with_a_full_socket(rechecked):
    s = session({0: 10}, kind="session" if rechecked else "secret")
    s.arrive({"type": "stream.recheck"}, True)  # the socket is full: not a reason to wait
    assert run(s, blocked=True) == ([Recheck()] if rechecked else [])
    s.arrive(batch(0, 10, 19), True)
    s.arrive({"type": "stream.recheck"}, True)
    assert run(s)[1:] == ([Recheck()] if rechecked else [])  # in turn, after the batch


def test_a_repair_stops_when_the_client_is_found_slow():
    s = session({0: 0})
    s.arrive(batch(0, 10, 10), False)
    first = s.next_action(False)
    assert first == Read(0, 0, 9)
    s.repaired(first, repair(0, 0, 4))
    s.flow.slow = True
    rest = run(s)
    assert not any(isinstance(a, Read) for a in rest)


def test_the_position_notice_names_each_partition_once():
    s = session({})
    s.arrive(batch(1, 0, 4), False)
    assert orjson.loads(s.position_notice()) == {"type": "position", "since": "1-4"}
    assert s.position_notice() is None
    s.arrive(batch(2, 7, 7), False)
    assert orjson.loads(s.position_notice())["since"] == "1-4,2-7"


def test_a_client_the_stream_no_longer_waits_for_keeps_a_smaller_inbox():
    s = session({0: 0})
    big = 1024 * 1024
    for n in range(4):  # 4 MB queued behind a full socket: the inbox's own bound holds them
        s.arrive({**batch(0, n, n, start=n, seq=n + 1), "wire": b"x" * big}, True)
    assert s.inbox.bytes == 4 * big
    s.flow.released = True
    s.arrive({**batch(0, 4, 4, start=4, seq=5), "wire": b"x" * big}, True)
    assert s.inbox.bytes <= RELEASED_BYTES  # the oldest went: Kafka gives them back
    assert [m["seq"] for m in s.inbox] == [4, 5]
