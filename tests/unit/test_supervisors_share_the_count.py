"""Two supervisors on one Redis: counts are totals, one decides the scaling, the other follows.

Fake children and a fake clock for the scaling policy; real Redis leases (real time).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from pipelines.models import ScalingDecision
from pipelines.rules.scaling import Timing
from pipelines.runtime.coordination import RedisCoordinator, holder, leader_key
from pipelines.runtime.supervisor import Supervisor
from tests.runtime import scaled_feed, wait_for
from tests.unit.test_supervisor import Clock, FakeChild
from tests.unit.test_supervisor_leases import LEASES_DB
from tests.unit.test_supervisor_scaling import Lag

pytestmark = pytest.mark.django_db

TIMING = Timing(up_after=2, down_after=6, cooldown=3)
RESOURCES = {"min_instances": 2, "max_instances": 3, "lag_threshold": 1000}
TTL = 2.0  # real seconds: every pass renews well within it, a dead one's lapse soon


@pytest.fixture
def client(redis_url) -> Iterator[redis.Redis]:
    client = redis.Redis(**{**redis.connection.parse_url(redis_url), "db": LEASES_DB})
    client.flushdb()
    yield client
    client.flushdb()


class Host:
    """One supervisor and the fake children it started."""

    def __init__(self, name: str, client: redis.Redis, clock: Clock, lag: Lag):
        self.children: list[FakeChild] = []
        coordinator = RedisCoordinator(client, ttl=TTL, me=f"{name}-{uuid.uuid4().hex[:4]}")
        self.supervisor = Supervisor(
            spawn=self.spawn,
            clock=clock,
            measure=lag,
            timing=TIMING,
            scale_interval=1,
            coordinator=coordinator,
        )

    def spawn(self, guid: str) -> FakeChild:
        self.children.append(FakeChild(guid))
        return self.children[-1]

    @property
    def alive(self) -> int:
        return sum(c.alive for c in self.children)

    def die(self) -> None:
        """SIGKILL: nothing renews its leases; its instances get SIGTERM from the kernel."""
        for child in self.children:
            child.alive = False


@pytest.fixture
def hosts(django_user_model, client):
    owner = django_user_model.objects.create_user("twin")
    _, feed = scaled_feed(owner, "Refunds", RESOURCES)
    clock, lag = Clock(), Lag()
    alice, bob = Host("alice", client, clock, lag), Host("bob", client, clock, lag)
    return str(feed.guid), alice, bob, clock, lag


def run_for(hosts: list[Host], clock: Clock, seconds: float, step: float = 0.5) -> None:
    for _ in range(int(seconds / step)):
        clock.now += step
        for host in hosts:
            host.supervisor.reconcile()
            assert sum(h.alive for h in hosts) <= RESOURCES["max_instances"]


def changes() -> list[tuple[str, int, int]]:
    rows = ScalingDecision.objects.order_by("decided_at", "id")
    return [(d.action, d.old_count, d.new_count) for d in rows if d.old_count != d.new_count]


def test_two_supervisors_run_the_wanted_count_between_them(hosts):
    _, alice, bob, clock, _ = hosts
    run_for([alice, bob], clock, 2)
    assert (alice.alive, bob.alive) == (1, 1)  # min 2 in total, one each
    stopped = [c for c in alice.children if c.stopped]
    assert len(stopped) == 1  # alice started both, then handed one over to bob


def test_one_supervisor_decides_the_scaling_and_the_other_follows(hosts, client):
    guid, alice, bob, clock, lag = hosts
    run_for([alice, bob], clock, 2)
    lag.value = 5000
    run_for([alice, bob], clock, 30)
    assert alice.alive + bob.alive == 3  # max 3 in total, not 3 each
    assert changes() == [("up", 2, 3)]  # recorded once
    assert holder(leader_key(guid), client) == alice.supervisor.coordinator.me
    assert bob.supervisor.scalers == {}


def test_when_the_leader_dies_the_other_takes_its_slots_and_the_scaling_over(hosts, client):
    guid, alice, bob, clock, lag = hosts
    lag.value = 5000
    run_for([alice, bob], clock, 6)
    assert (alice.alive + bob.alive, changes()) == (3, [("up", 2, 3)])
    alice.die()
    lag.value = 0

    def bob_runs_everything() -> bool:
        run_for([bob], clock, 0.5)
        return bob.alive == 3 and holder(leader_key(guid), client) == bob.supervisor.coordinator.me

    wait_for(bob_runs_everything, 3 * TTL, "bob to take alice's slots and the scaling over")
    run_for([bob], clock, 12)
    assert bob.alive == 2  # drained: down to the minimum, not below
    assert changes() == [("up", 2, 3), ("down", 3, 2)]
