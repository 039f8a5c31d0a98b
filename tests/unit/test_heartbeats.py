"""An instance shows in monitoring while it runs and not a moment after it stopped cleanly."""

from __future__ import annotations

from pipelines.runtime import heartbeats
from pipelines.runtime.runner import Runner
from tests.runtime import deployed_producer


class TwoSteps(Runner):
    """Pure loop logic around a real Redis: reads nothing, stops after its second step."""

    def __init__(self, deployed):
        super().__init__(deployed)
        self.seen: list[list[dict]] = []

    def step(self) -> None:
        self.seen.append(heartbeats.read(self.deployed.guid))
        if len(self.seen) == 2:
            self.request_stop()


def test_a_stopped_instance_leaves_the_status_at_once(settings, redis_url):
    settings.REDIS_URL = redis_url
    runner = TwoSteps(deployed_producer())
    runner.run()
    assert [r["instance"] for r in runner.seen[1]] == [runner.instance_id]  # reported while up
    assert heartbeats.read(runner.deployed.guid) == []  # gone without waiting for the TTL
