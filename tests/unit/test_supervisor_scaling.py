"""The supervisor runs Intelligent Scaling: fake children, a fake clock, lag the test sets."""

from __future__ import annotations

import pytest

from pipelines import services
from pipelines.models import ScalingDecision
from pipelines.rules.scaling import Timing
from pipelines.runtime import deployed_versions, heartbeats
from pipelines.runtime.supervisor import Observation, Supervisor, observed_lag
from tests.runtime import scaled_feed
from tests.unit.test_supervisor import Clock, FakeChild

pytestmark = pytest.mark.django_db

TIMING = Timing(up_after=5, down_after=30, cooldown=10)
RESOURCES = {"min_instances": 1, "max_instances": 3, "lag_threshold": 1000}


class Lag:
    """What the instances report: the test sets `value`; None means no report yet."""

    def __init__(self):
        self.value: int | None = 0
        self.partitions = 3
        self.calls = 0

    def __call__(self, deployed):
        self.calls += 1
        return None if self.value is None else Observation(self.value, self.partitions)


@pytest.fixture
def scaled(django_user_model):
    owner = django_user_model.objects.create_user("scaler")
    pipeline, feed = scaled_feed(owner, "Payments", RESOURCES)
    spawned: list[FakeChild] = []
    clock, lag = Clock(), Lag()

    def spawn(guid: str) -> FakeChild:
        spawned.append(FakeChild(guid))
        return spawned[-1]

    supervisor = Supervisor(spawn=spawn, clock=clock, measure=lag, timing=TIMING, scale_interval=1)
    return pipeline, feed, supervisor, spawned, clock, lag


def run_for(supervisor: Supervisor, clock: Clock, seconds: float, step: float = 0.5) -> None:
    for _ in range(int(seconds / step)):
        clock.now += step
        supervisor.reconcile()


def alive(spawned: list[FakeChild]) -> int:
    return sum(c.alive for c in spawned)


def test_high_lag_adds_instances_one_at_a_time_up_to_the_partition_count(scaled):
    _, _, supervisor, spawned, clock, lag = scaled
    supervisor.reconcile()
    assert alive(spawned) == 1
    lag.value = 5000
    run_for(supervisor, clock, 4)
    assert alive(spawned) == 1  # not yet stable for 5 s
    run_for(supervisor, clock, 2)
    assert alive(spawned) == 2
    run_for(supervisor, clock, 9)
    assert alive(spawned) == 2  # cool-down
    run_for(supervisor, clock, 30)
    assert alive(spawned) == 3  # max 3, 3 partitions


def test_drained_lag_stops_the_newest_instance_after_the_longer_wait(scaled):
    _, _, supervisor, spawned, clock, lag = scaled
    supervisor.reconcile()
    lag.value = 5000
    run_for(supervisor, clock, 6)
    assert [c.alive for c in spawned] == [True, True]
    lag.value = 0
    run_for(supervisor, clock, 25)
    assert alive(spawned) == 2
    run_for(supervisor, clock, 10)
    assert [c.alive for c in spawned] == [True, False] and spawned[1].stopped
    assert sorted(supervisor.instances) == [(spawned[0].guid, 0)]


def test_every_change_is_recorded_with_lag_ratio_counts_and_reason(scaled):
    pipeline, feed, supervisor, _, clock, lag = scaled
    supervisor.reconcile()
    lag.value = 800
    run_for(supervisor, clock, 6)
    [decision] = ScalingDecision.objects.filter(pipeline=pipeline)
    feed.refresh_from_db()
    assert (decision.component, decision.component_guid, decision.component_name) == (
        feed,
        feed.guid,
        "Feed",
    )
    assert (decision.action, decision.old_count, decision.new_count) == ("up", 1, 2)
    assert (decision.lag, decision.lag_threshold, decision.ratio) == (800, 1000, 0.8)
    assert "80 % of threshold 1000 > 60 %" in decision.reason


def test_the_partition_count_caps_the_instances(scaled):
    _, _, supervisor, spawned, clock, lag = scaled
    lag.partitions = 1
    lag.value = 9000
    run_for(supervisor, clock, 60)
    assert alive(spawned) == 1
    [blocked] = ScalingDecision.objects.all()
    assert blocked.action == "blocked" and "1 partition(s)" in blocked.reason


def test_without_reports_the_count_stays(scaled):
    _, _, supervisor, spawned, clock, lag = scaled
    lag.value = None
    run_for(supervisor, clock, 60)
    assert alive(spawned) == 1 and not ScalingDecision.objects.exists()


def test_without_intelligent_scaling_the_configured_count_runs_whatever_the_lag(scaled):
    pipeline, feed, supervisor, spawned, clock, lag = scaled
    resources = {**RESOURCES, "min_instances": 2}
    services.update_component(
        feed, config={"basic": {"intelligent_scaling": False}, "resources": resources}
    )
    services.deploy(pipeline)
    lag.value = 50_000
    run_for(supervisor, clock, 60)
    assert alive(spawned) == 2 and lag.calls == 0
    assert supervisor.scalers == {}


def test_the_lag_counts_each_partition_once_from_its_freshest_report_or_not_at_all(
    scaled, monkeypatch
):
    _, feed, *_ = scaled
    reports = [
        {"reported_at": 10.0, "partition_lag": {"t:0": 500, "t:1": 300}, "partitions": 3},
        # A newer instance took partition 1 over; the old report has not expired yet.
        {"reported_at": 12.0, "partition_lag": {"t:1": 40, "t:2": 60}, "partitions": 3},
        {"reported_at": 12.0},  # an instance that has no consumer assignment yet
    ]
    monkeypatch.setattr(heartbeats, "read", lambda guid: reports)
    feed.refresh_from_db()
    deployed = deployed_versions.find(str(feed.guid))
    assert observed_lag(deployed) == Observation(600, 3)
    monkeypatch.setattr(heartbeats, "read", lambda guid: [{"reported_at": 1.0}])
    assert observed_lag(deployed) is None
    # Partition 2 is being moved by a rebalance: no measurement rather than a low one.
    monkeypatch.setattr(heartbeats, "read", lambda guid: reports[:1])
    assert observed_lag(deployed) is None


def test_an_unreadable_lag_keeps_the_count_and_the_supervisor_running(scaled):
    _, _, supervisor, spawned, clock, _ = scaled

    def broken(deployed):
        raise ConnectionError("Redis is away")

    supervisor.measure = broken
    run_for(supervisor, clock, 10)
    assert alive(spawned) == 1
