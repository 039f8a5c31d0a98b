"""Two real supervisors on one component (min 2, max 3, Intelligent Scaling): the counts are
totals across them, one decides the scaling, and when it is killed the other takes over.

Instances are counted twice: as run_component processes (every one, also those still
starting or orphaned, sampled all along: never more than the maximum) and as live heartbeats.

The leader is killed while each supervisor runs one instance. With two, both orphans leave
the consumer group at once, and the embedded broker then never finishes the rebalance (a
member leaving while it rebalances is never dropped; plain librdkafka consumers show it too):
the survivor's instances would sit without partitions and no lag could be measured.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator

import psutil
import pytest

from pipelines import redis_keys, services
from pipelines.models import Pipeline, ScalingDecision
from pipelines.runtime import heartbeats
from pipelines.runtime.coordination import LEASE_SECONDS, count_key, holder, leader_key, slot_key
from pipelines.runtime.processes import Child, manage_command
from tests.runtime import FAST_SCALING, build_stream, wait_for

pytestmark = pytest.mark.integration

BURST = 4000
RESOURCES = {"min_instances": 2, "max_instances": 3, "lag_threshold": 200}


def instance_processes(guid: str) -> list[dict]:
    """Every live run_component process of the component (pid, ppid), whoever its parent."""
    found = []
    for process in psutil.process_iter(["pid", "ppid", "cmdline", "status"]):
        cmdline = process.info["cmdline"] or []
        zombie = process.info["status"] == psutil.STATUS_ZOMBIE
        if "run_component" in cmdline and guid in cmdline and not zombie:
            found.append(process.info)
    return found


def run_by(guid: str, supervisor: Child) -> int:
    return sum(1 for p in instance_processes(guid) if p["ppid"] == supervisor.pid)


def reporting(guid: str) -> int:
    """Instances whose heartbeat is fresh and whose process still lives."""
    pids = {_pid(r) for r in heartbeats.read(guid)}
    return sum(1 for pid in pids if psutil.pid_exists(pid))


def wait_stable(guid: str, count: int, timeout: float) -> None:
    """Until `count` live instances each own partitions of their own and have fetched from
    them, unchanged across a fresh heartbeat of each: a rebalance can take several rounds,
    and a report is up to a second old."""
    first: dict[str, dict] = {}

    def stable() -> bool:
        reports = [r for r in heartbeats.read(guid) if psutil.pid_exists(_pid(r))]
        owners = {r["instance"]: tuple(r.get("assigned") or ()) for r in reports}
        owned = [p for partitions in owners.values() for p in partitions]
        if not (
            len(reports) == count
            and all(owners.values())
            and len(owned) == len(set(owned))
            and all(r.get("partition_lag") for r in reports)
        ):
            first.clear()
            return False
        at = {r["instance"]: r["reported_at"] for r in reports}
        if first.get("owners") != owners:
            first.update(owners=owners, at=at)
            return False
        return all(at[i] > first["at"][i] for i in at)

    wait_for(stable, timeout, f"a settled group of {count} instances")


def _pid(report: dict) -> int:
    return int(report["instance"].rsplit("-", 1)[1])


def pid_of(supervisor_id: str | None) -> int | None:
    return None if supervisor_id is None else int(supervisor_id.rsplit("-", 2)[1])


class Census(threading.Thread):
    """Samples the component's instance processes until stopped; remembers the most seen."""

    def __init__(self, guid: str):
        super().__init__(daemon=True)
        self.guid, self.most, self.done = guid, 0, threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.most = max(self.most, len(instance_processes(self.guid)))
            self.done.wait(0.1)


@pytest.fixture
def census(stack) -> Iterator[Callable[[str], Census]]:
    """Watch a component's instances. Afterwards, orphans a failed test left are killed: on
    a stalled group (see above) their graceful stop never ends."""
    watching: list[Census] = []

    def watch(guid: str) -> Census:
        watching.append(Census(guid))
        watching[-1].start()
        return watching[-1]

    yield watch
    supervisors = {child.pid for child in stack.children if child.running()}
    for watched in watching:
        watched.done.set()
        watched.join()
        for process in instance_processes(watched.guid):
            if process["ppid"] not in supervisors:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process["pid"], signal.SIGKILL)


def changes(pipeline) -> list[tuple[str, int, int]]:
    rows = ScalingDecision.objects.filter(pipeline=pipeline).order_by("decided_at", "id")
    return [(d.action, d.old_count, d.new_count) for d in rows if d.old_count != d.new_count]


def test_two_supervisors_share_the_count_and_one_takes_over_when_the_leader_dies(
    stack, owner, census
):
    s = build_stream(owner, source="api", frame_format="batch", batch_size=20)
    producer, pipeline = s["producer"], s["pipeline"]
    basic = {**producer.config.get("basic", {}), "intelligent_scaling": True}
    services.update_component(
        producer, config={**producer.config, "basic": basic, "resources": RESOURCES}
    )
    services.deploy(Pipeline.objects.get(pk=pipeline.pk))
    guid = str(producer.guid)
    redis = redis_keys.client()
    watched = census(guid)
    stack.env.update(FAST_SCALING)
    argv = manage_command("run_pipelines", "--interval", "0.3")
    supervisors = [stack.start("supervisor alice", argv), stack.start("supervisor bob", argv)]

    # Min 2 in total: one instance each once the first to start handed one over.
    wait_for(
        lambda: [run_by(guid, x) for x in supervisors] == [1, 1] and reporting(guid) == 2,
        60,
        "one instance under each supervisor",
    )
    leader_pid = wait_for(lambda: pid_of(holder(leader_key(guid), redis)), 10, "a leader")
    [leader] = [x for x in supervisors if x.pid == leader_pid]
    [survivor] = [x for x in supervisors if x is not leader]

    def burst() -> None:
        values = [{"n": i} for i in range(BURST)]
        stack.produce(s["event"].topic, values, key=lambda i: str(i).encode())  # 3 partitions

    # A burst behind slow instances: the leader scales up to the maximum, then back down.
    burst()
    wait_for(lambda: changes(pipeline) == [("up", 2, 3)], 30, "a scale-up to 3")
    wait_for(lambda: len(instance_processes(guid)) == reporting(guid) == 3, 30, "3 instances")
    wait_for(lambda: changes(pipeline)[-1:] == [("down", 3, 2)], 40, "a scale-down to 2")
    wait_for(
        lambda: [run_by(guid, x) for x in supervisors] == [1, 1] and reporting(guid) == 2,
        30,
        "one instance under each supervisor again",
    )
    wait_stable(guid, 2, 30)  # a member leaving mid-rebalance stalls the embedded broker

    os.kill(leader.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    slots = [slot_key(guid, index) for index in range(2)]

    def survivor_holds_everything() -> bool:
        owners = {pid_of(holder(key, redis)) for key in slots}
        return owners == {survivor.pid} and pid_of(holder(leader_key(guid), redis)) == survivor.pid

    wait_for(survivor_holds_everything, LEASE_SECONDS + 5, "the survivor to take every lease")
    took = time.monotonic() - killed_at
    assert took <= LEASE_SECONDS + 1.5, f"took over after {took:.1f} s"
    wait_for(
        lambda: run_by(guid, survivor) == len(instance_processes(guid)) == reporting(guid) == 2,
        30,
        "the survivor to run both instances, the orphan gone",
    )
    wait_stable(guid, 2, 30)

    # The new leader goes on from the stored count and scales up on the next burst.
    burst()
    wait_for(lambda: changes(pipeline)[2:3] == [("up", 2, 3)], 30, "the survivor's scale-up")
    wait_for(lambda: run_by(guid, survivor) == reporting(guid) == 3, 30, "3 instances again")
    assert int(redis.hget(count_key(guid), "count")) == 3
    assert watched.most <= RESOURCES["max_instances"]
    history = changes(pipeline)
    # One decider: with one per supervisor every change would be recorded twice.
    assert history[:3] == [("up", 2, 3), ("down", 3, 2), ("up", 2, 3)], history
    assert all(prev[2] == nxt[1] for prev, nxt in itertools.pairwise(history)), history
