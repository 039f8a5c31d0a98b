"""The supervisor's reconcile rules, with fake children and a fake clock (no processes)."""

from __future__ import annotations

import pytest

from pipelines import services
from pipelines.runtime.supervisor import Supervisor

pytestmark = pytest.mark.django_db


class FakeChild:
    def __init__(self, guid: str):
        self.guid, self.alive, self.stopped, self.pid = guid, False, False, 1

    def start(self):
        self.alive = True
        return self

    def running(self) -> bool:
        return self.alive

    def exit_code(self):
        return None if self.alive else -9

    def terminate(self) -> None:
        self.alive = False

    def stop(self, grace: float = 15.0):
        self.alive, self.stopped = False, True
        return 0


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def world(django_user_model):
    owner = django_user_model.objects.create_user("sup")
    pipeline = services.create_pipeline(owner, name="Orders")
    reader = services.create_component(pipeline, type="api_ingestion", name="In")
    event = services.create_event(pipeline, name="Orders")
    feed = services.create_component(pipeline, type="websocket_producer", name="Feed")
    services.connect(pipeline, event=event, component=reader, direction="output")
    services.connect(pipeline, event=event, component=feed, direction="input")
    services.deploy(pipeline)
    spawned: list[FakeChild] = []
    clock = Clock()

    def spawn(guid: str) -> FakeChild:
        spawned.append(FakeChild(guid))
        return spawned[-1]

    return pipeline, feed, Supervisor(spawn=spawn, clock=clock), spawned, clock


def test_it_starts_instances_only_for_active_pipelines_and_types_with_a_runner(world):
    pipeline, feed, supervisor, spawned, _ = world
    supervisor.reconcile()
    assert spawned == []  # deployed but not active
    services.set_active(pipeline, True)
    supervisor.reconcile()
    feed.refresh_from_db()
    assert [c.guid for c in spawned] == [str(feed.guid)]  # API Ingestion has no worker


def test_it_restarts_on_a_new_version_and_stops_on_deactivate(world):
    pipeline, _, supervisor, spawned, _ = world
    services.set_active(pipeline, True)
    supervisor.reconcile()
    services.deploy(pipeline)
    supervisor.reconcile()
    assert spawned[0].stopped and spawned[1].alive
    services.set_active(pipeline, False)
    supervisor.reconcile()
    assert spawned[1].stopped and supervisor.instances == {}


def test_a_crashed_instance_restarts_with_exponential_back_off(world):
    pipeline, _, supervisor, spawned, clock = world
    services.set_active(pipeline, True)
    supervisor.reconcile()
    delays = []
    for _ in range(4):
        spawned[-1].alive = False  # crash
        supervisor.reconcile()
        started = len(spawned)
        waited = 0
        while len(spawned) == started:
            clock.now += 0.5
            waited += 0.5
            supervisor.reconcile()
        delays.append(waited)
    assert delays == [1.0, 2.0, 4.0, 8.0]


def test_it_runs_the_minimum_instance_count(world):
    pipeline, feed, supervisor, spawned, _ = world
    services.update_component(feed, config={"resources": {"min_instances": 2, "max_instances": 3}})
    services.deploy(pipeline)
    services.set_active(pipeline, True)
    supervisor.reconcile()
    assert len(spawned) == 2


def test_stop_all_stops_every_child(world):
    pipeline, _, supervisor, spawned, _ = world
    services.set_active(pipeline, True)
    supervisor.reconcile()
    supervisor.stop_all()
    assert all(c.stopped for c in spawned)
