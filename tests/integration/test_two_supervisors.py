"""Two real supervisors on one component (min 2, max 3, Intelligent Scaling): the counts are
totals across them, one decides the scaling, and when it is killed the other takes over.

Instances are counted twice: as run_component processes (every one, also those still
starting or orphaned, sampled all along: never more than the count) and as live heartbeats.
"""

from __future__ import annotations

import itertools
import os
import signal
import threading
import time

import psutil
import pytest

from pipelines import instances, services
from pipelines.coordination import LEASE_SECONDS, count_key, holder, leader_key, slot_key
from pipelines.models import Pipeline, ScalingDecision
from pipelines.processes import Child, manage_command
from pipelines.runner import TEST_DELAY_ENV
from tests.runtime import build_stream, wait_for

pytestmark = pytest.mark.integration

# Instances take at most ~400 records/s each: 12000 keep the lag up for ~10 s after the
# scale-up to 3, long enough to kill the leader before it would scale down again.
TOTAL = 12_000
RESOURCES = {"min_instances": 2, "max_instances": 3, "lag_threshold": 200}
FAST_SCALING = {
    "FLOWCAST_SCALE_INTERVAL": "1",
    "FLOWCAST_SCALE_UP_AFTER": "1",
    "FLOWCAST_SCALE_DOWN_AFTER": "4",
    "FLOWCAST_SCALE_COOLDOWN": "3",
    TEST_DELAY_ENV: "0.05",  # batches of 20: at most ~400 records/s per instance
}


def instance_processes(guid: str) -> list[dict]:
    """Every live run_component process of the component (pid, ppid), whoever its parent."""
    found = []
    for process in psutil.process_iter(["cmdline", "status", "ppid"]):
        cmdline = process.info["cmdline"] or []
        zombie = process.info["status"] == psutil.STATUS_ZOMBIE
        if "run_component" in cmdline and guid in cmdline and not zombie:
            found.append(process.info)
    return found


def run_by(guid: str, supervisor: Child) -> int:
    return sum(1 for p in instance_processes(guid) if p["ppid"] == supervisor.pid)


def reporting(guid: str) -> int:
    """Instances whose heartbeat is fresh and whose process still lives."""
    pids = {int(r["instance"].rsplit("-", 1)[1]) for r in instances.read(guid)}
    return sum(1 for pid in pids if psutil.pid_exists(pid))


def assigned(guid: str) -> int:
    """Partitions assigned to live instances (3 once a rebalance has settled)."""
    reports = instances.read(guid)
    live = [r for r in reports if psutil.pid_exists(int(r["instance"].rsplit("-", 1)[1]))]
    return sum(len(r.get("assigned") or []) for r in live)


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


def changes(pipeline) -> list[tuple[str, int, int]]:
    rows = ScalingDecision.objects.filter(pipeline=pipeline).order_by("decided_at", "id")
    return [(d.action, d.old_count, d.new_count) for d in rows if d.old_count != d.new_count]


def test_two_supervisors_share_the_count_and_one_takes_over_when_the_leader_dies(stack, owner):
    s = build_stream(owner, source="api", frame_format="batch", batch_size=20)
    producer, pipeline = s["producer"], s["pipeline"]
    basic = {**producer.config.get("basic", {}), "intelligent_scaling": True}
    services.update_component(
        producer, config={**producer.config, "basic": basic, "resources": RESOURCES}
    )
    services.deploy(Pipeline.objects.get(pk=pipeline.pk))
    guid = str(producer.guid)
    redis = instances.client()
    census = Census(guid)
    census.start()
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

    # A burst behind slow instances: the leader scales up to the maximum, once.
    stack.produce(s["event"].topic, [{"n": i} for i in range(TOTAL)], key=lambda i: str(i).encode())
    wait_for(lambda: ("up", 2, 3) in changes(pipeline), 30, "a scale-up to 3")
    wait_for(lambda: len(instance_processes(guid)) == reporting(guid) == 3, 30, "3 instances")
    # Killed mid-rebalance, the embedded broker's group would stall: members that leave
    # while it rebalances are never dropped (plain librdkafka consumers do the same to it).
    wait_for(lambda: assigned(guid) == 3, 30, "the 3 partitions assigned")
    assert int(redis.hget(count_key(guid), "count")) == 3

    os.kill(leader.pid, signal.SIGKILL)
    killed_at = time.monotonic()
    slots = [slot_key(guid, index) for index in range(3)]

    def survivor_holds_everything() -> bool:
        owners = {pid_of(holder(key, redis)) for key in slots}
        return owners == {survivor.pid} and pid_of(holder(leader_key(guid), redis)) == survivor.pid

    wait_for(survivor_holds_everything, LEASE_SECONDS + 5, "the survivor to take every lease")
    took = time.monotonic() - killed_at
    assert took <= LEASE_SECONDS + 1.5, f"took over after {took:.1f} s"
    wait_for(
        lambda: run_by(guid, survivor) == len(instance_processes(guid)) == reporting(guid) >= 2,
        30,
        "the survivor to run every instance, the orphans gone",
    )

    # Drained, the new leader scales down to the minimum and not below.
    wait_for(lambda: changes(pipeline)[-1:] == [("down", 3, 2)], 40, "a scale-down to 2")
    wait_for(lambda: run_by(guid, survivor) == reporting(guid) == 2, 30, "2 instances")
    census.done.set()
    census.join()
    assert census.most <= RESOURCES["max_instances"]
    history = changes(pipeline)
    assert history.count(("up", 2, 3)) == 1, history  # one decider, not one per supervisor
    assert all(prev[2] == nxt[1] for prev, nxt in itertools.pairwise(history)), history
    assert all(2 <= new <= 3 for _, _, new in history), history
