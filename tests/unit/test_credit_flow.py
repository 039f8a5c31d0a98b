"""Flow control on the daphne side (credit_reporter, slow_clients): acks, slow clients, crowds."""

from __future__ import annotations

import asyncio
import time

import pytest
import redis as sync_redis
import redis.asyncio as aioredis

from pipelines.redis_keys import credit_key
from producer import metrics
from producer.credit_reporter import PROCESS, CreditReporter
from producer.slow_clients import CROWD, PACE_SECONDS, Connection


@pytest.fixture(autouse=True)
def grace(settings):
    settings.FLOWCAST = {**settings.FLOWCAST, "SLOW_CLIENT_GRACE": 2}


def connection(stuck_since: list[float | None]) -> Connection:
    return Connection("ing_a", lambda: stuck_since[0])


def test_a_socket_with_room_acknowledges_what_it_handled():
    c = connection([None])
    c.note("w1", 7)
    c.evaluate(100.0)
    assert c.acked == {"w1": 7} and not c.slow


def test_a_stuck_socket_paces_the_stream_briefly_then_turns_slow_after_the_grace():
    t0 = time.monotonic()
    c = connection([t0])
    c.note("w1", 6)  # sent before the socket filled
    c.queue("w1", 7)
    c.evaluate(t0 + PACE_SECONDS - 0.1)
    assert c.acked == {"w1": 6} and not c.slow  # the worker waits for it: pacing
    c.evaluate(t0 + PACE_SECONDS + 0.1)
    assert c.acked == {"w1": 7} and not c.slow  # holds nobody back, keeps its place
    c.queue("w1", 9)
    c.evaluate(t0 + 1.9)
    assert c.acked == {"w1": 9} and not c.slow
    c.evaluate(t0 + 2.1)
    assert c.slow  # given up on: skipped, then told with a gap


def test_a_client_is_released_once_the_stream_stops_waiting_for_it_and_back_once_it_reads():
    t0 = time.monotonic()
    stuck_since: list[float | None] = [t0]
    c = connection(stuck_since)
    c.queue("w1", 7)
    c.evaluate(t0 + PACE_SECONDS - 0.1)
    assert not c.released  # still pacing the stream: its whole inbox is worth keeping
    c.evaluate(t0 + PACE_SECONDS + 0.1)
    assert c.released
    stuck_since[0] = None
    c.sent("w1", 7)
    c.evaluate(t0 + PACE_SECONDS + 0.2)
    assert not c.released


def test_a_crowd_is_paced_not_released():
    t0 = time.monotonic()
    c = connection([t0])
    c.queue("w1", 7)
    c.judge(t0 + 5 * PACE_SECONDS, t0, crowded=True)
    assert not c.released


def test_a_socket_that_drains_between_batches_is_never_slow():
    t0 = time.monotonic()
    stuck_since: list[float | None] = [t0]
    c = connection(stuck_since)
    c.queue("w1", 7)
    c.evaluate(t0 + 1.5)
    assert c.acked == {"w1": 7}
    stuck_since[0] = t0 + 1.8  # drained everything, then the next batch filled it again
    c.sent("w1", 7)
    c.queue("w1", 8)
    c.queued_since = t0 + 1.8  # queued when it filled again
    c.evaluate(t0 + 2.2)
    assert not c.slow and c.acked == {"w1": 7}  # paced again for the new batch
    stuck_since[0] = None
    c.sent("w1", 8)
    c.evaluate(t0 + 2.3)
    assert c.acked == {"w1": 8}


def test_batches_waiting_behind_a_socket_that_just_drained_are_not_acknowledged():
    """The 1-client burst: the socket drains, but what came in meanwhile is still queued."""
    t0 = time.monotonic()
    c = connection([None])
    c.note("w1", 3)
    for seq in range(4, 20):
        c.queue("w1", seq)
    c.sent("w1", 4)
    c.evaluate(t0 + 0.1)
    assert c.acked == {"w1": 4}  # the window counts from what was sent
    c.sent("w1", 19)
    assert c.queued_since is None
    c.evaluate(t0 + 0.2)
    assert c.acked == {"w1": 19}


def test_a_queue_that_does_not_drain_holds_the_stream_back_only_briefly():
    t0 = time.monotonic()
    c = connection([None])
    c.queue("w1", 5)  # e.g. a long repair from Kafka ahead of it
    c.evaluate(t0 + PACE_SECONDS - 0.1)
    assert c.acked == {"w1": 4}
    c.evaluate(t0 + PACE_SECONDS + 0.1)
    assert c.acked == {"w1": 5} and not c.slow  # the others go on; it is not slow


def test_a_queue_that_moves_keeps_pacing_the_stream():
    """A client working through a burst: never empty, but sending all the time."""
    c = connection([None])
    c.queue("w1", 1)
    c.queue("w1", 2)
    c.queued_since -= PACE_SECONDS + 0.1  # queued a while ago...
    c.sent("w1", 1)  # ...and sending now
    c.queue("w1", 3)
    c.evaluate(time.monotonic())
    assert c.acked == {"w1": 1}  # still paced to what it sent


def test_batches_skipped_with_what_waited_leave_nothing_queued():
    c = connection([None])
    c.queue("w1", 1)
    c.queue("w1", 2)
    c.note("w1", 3)  # found slow: 3 skipped on arrival, and the queued ones with it
    assert c.queued_since is None and c.handled == c.arrived == {"w1": 3}


def test_in_a_crowd_of_stuck_sockets_nobody_turns_slow():
    c = connection([100.0])
    c.queue("w1", 7)
    c.evaluate(100.0, crowded=True)
    c.evaluate(130.0, crowded=True)
    assert not c.slow and c.acked == {"w1": 6}  # held at what came before its first batch


def test_a_crowd_behind_from_its_first_batch_paces_the_worker_from_the_start():
    """A burst into clients that have just connected: every one of them is behind from
    its first batch on. Their acks are held, and still reported: no ack at all would
    read as "nobody to wait for" at the worker (producer.credit_gate)."""
    reporter = CreditReporter()
    for _ in range(5):
        c = reporter.add(Connection("ing_a", lambda: None, lambda: True))
        c.queue("w1", 1)
        c.queue("w1", 2)
    assert reporter.acks() == {("ing_a", "w1"): 0}


def test_a_crowd_that_sent_its_first_batch_before_it_stuck_reports_what_it_sent():
    reporter = CreditReporter()
    for _ in range(5):
        c = reporter.add(Connection("ing_a", lambda: 1.0, lambda: True))
        c.note("w1", 3)  # written inline, then the socket filled
        c.queue("w1", 4)
    assert reporter.acks() == {("ing_a", "w1"): 3}


def reporter_with(stuck_flags: list[bool]) -> CreditReporter:
    reporter = CreditReporter()
    for stuck in stuck_flags:
        reporter.add(Connection("ing_a", lambda s=stuck: 1.0 if s else None))
    return reporter


def test_a_producer_is_crowded_when_most_of_its_connections_here_are_stuck():
    assert reporter_with([True] * 3 + [False] * 2)._crowded() == {"ing_a"}
    assert reporter_with([True] * 2 + [False] * 3)._crowded() == set()


def test_one_stuck_client_among_few_is_never_a_crowd():
    assert reporter_with([True] * (CROWD - 1))._crowded() == set()


def test_a_stuck_client_is_judged_at_the_report_even_with_nothing_new_to_ack():
    reporter = CreditReporter()
    stuck = Connection("ing_a", lambda: time.monotonic() - 5.0)  # past the 2 s grace
    stuck.note("w1", 3)
    stuck.acked["w1"] = 3  # the stream has gone quiet
    for c in [stuck] + [Connection("ing_a", lambda: None) for _ in range(4)]:
        reporter.add(c)
    reporter.acks()
    assert stuck.slow


def test_when_most_connections_work_through_a_backlog_the_stream_waits_for_them():
    backlog = [False]
    reporter = CreditReporter()
    repairing = [Connection("ing_a", lambda: None, lambda: backlog[0]) for _ in range(3)]
    reading = [Connection("ing_a", lambda: None) for _ in range(2)]
    for c in repairing + reading:
        reporter.add(c)
    for c in repairing + reading:
        c.note("w1", 5)
    assert reporter.acks() == {("ing_a", "w1"): 5}
    backlog[0] = True  # three of five now repair holes; batches 6-9 wait in their inboxes
    for c in repairing + reading:
        c.note("w1", 9)
    assert reporter.acks() == {("ing_a", "w1"): 5}  # the worker waits for them
    assert all(c.acked == {"w1": 9} for c in reading)
    backlog[0] = False
    assert reporter.acks() == {("ing_a", "w1"): 9}


def test_one_connection_working_through_a_backlog_holds_the_others_back_only_briefly():
    reporter = CreditReporter()
    repairing = Connection("ing_a", lambda: None, lambda: True)
    for c in [repairing] + [Connection("ing_a", lambda: None) for _ in range(4)]:
        reporter.add(c)
        c.note("w1", 5)
    for c in reporter.connections - {repairing}:
        c.note("w1", 9)
    repairing.queue("w1", 9)  # 6-9 wait behind its repair
    assert reporter.acks() == {("ing_a", "w1"): 5}
    repairing.queued_since -= PACE_SECONDS + 0.1
    released = metrics.snapshot()["pace_released"]
    assert reporter.acks() == {("ing_a", "w1"): 9}
    repairing.queue("w1", 10)  # still behind at the next report: the same release
    reporter.acks()
    assert repairing.acked == {"w1": 10}
    assert metrics.snapshot()["pace_released"] == released + 1  # once per release, on /metrics


def test_an_idle_process_reuses_its_last_acks_until_a_connection_notes_a_batch():
    reporter = CreditReporter()
    looked = []
    connections = [Connection("ing_a", lambda: looked.append(1)) for _ in range(3)]
    for c in connections:
        reporter.add(c)
        c.note("w1", 4)
    assert reporter.acks() == {("ing_a", "w1"): 4} and len(looked) == 3
    assert reporter.acks() == {("ing_a", "w1"): 4} and len(looked) == 3  # nothing read again
    connections[0].note("w1", 5)
    assert reporter.acks() == {("ing_a", "w1"): 4} and len(looked) == 6
    reporter.leave(connections[1])
    reporter.leave(connections[2])
    assert reporter.acks() == {("ing_a", "w1"): 5}


def test_a_producers_acks_leave_redis_with_its_last_client_here(redis_url):
    """Left to expire, a gone client's ack held the stream until a client of the same
    producer, back within the minute, acknowledged its first batch (the ack far behind)."""

    async def scenario() -> list[dict]:
        reporter = CreditReporter()
        reporter.client = aioredis.Redis.from_url(redis_url)
        c = reporter.add(Connection("ing_gone", lambda: None))
        c.note("w1", 7)
        seen = []
        await reporter._report(0.0)
        seen.append(sync_redis.Redis.from_url(redis_url).hgetall(credit_key("ing_gone", "w1")))
        reporter.leave(c)
        await reporter._report(0.0)
        seen.append(sync_redis.Redis.from_url(redis_url).hgetall(credit_key("ing_gone", "w1")))
        await reporter.client.aclose()
        return seen

    with_client, without = asyncio.run(scenario())
    assert with_client == {PROCESS.encode(): b"7"} and without == {}
