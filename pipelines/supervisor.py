"""The worker supervisor: keeps running instances equal to what active pipelines deploy.

Each reconcile pass compares the wanted instances (deployed components with a runner,
times their instance count) with the children it runs: starts the missing, stops the
ones no longer wanted or on an old version, and restarts crashed ones with exponential
back-off. Several supervisors can run at once: Kafka consumer groups split the work.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from pipelines import deployment, registry
from pipelines.processes import Child, manage_command

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0
HEALTHY_AFTER = 60.0  # an instance up this long has its crash count forgotten

Key = tuple[str, int]  # (guid, instance index)


@dataclass
class Instance:
    guid: str
    index: int
    version: int
    child: Child | None = None
    crashes: int = 0
    started_at: float = 0.0
    next_start: float = 0.0
    exits: list[int] = field(default_factory=list)


def wanted_instances(deployed: deployment.DeployedComponent) -> int:
    low = int(deployed.setting("resources", "min_instances", 1) or 0)
    high = int(deployed.setting("resources", "max_instances", 1) or 1)
    return min(max(low, 1), high)


class Supervisor:
    def __init__(
        self,
        spawn: Callable[[str], Child] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.spawn = spawn or (
            lambda guid: Child(f"component {guid}", manage_command("run_component", guid))
        )
        self.clock = clock
        self.instances: dict[Key, Instance] = {}

    def desired(self) -> dict[Key, int]:
        want: dict[Key, int] = {}
        for d in deployment.active_deployments():
            if registry.get_type(d.type).runner is None:
                continue
            for index in range(wanted_instances(d)):
                want[(d.guid, index)] = d.version
        return want

    def reconcile(self) -> None:
        want = self.desired()
        for key, inst in list(self.instances.items()):
            if want.get(key) != inst.version:
                self._stop(inst, "undeployed" if key not in want else "new version")
                del self.instances[key]
        for key, version in want.items():
            inst = self.instances.setdefault(key, Instance(key[0], key[1], version))
            self._keep_running(inst)

    def _keep_running(self, inst: Instance) -> None:
        now = self.clock()
        if inst.child is not None and inst.child.running():
            if now - inst.started_at > HEALTHY_AFTER:
                inst.crashes = 0
            return
        if inst.child is not None:
            code = inst.child.exit_code()
            inst.exits.append(code)
            inst.crashes += 1
            inst.next_start = now + min(2 ** (inst.crashes - 1), MAX_BACKOFF)
            log.warning(
                "Instance %s/%d exited with %s; restart in %.0f s",
                inst.guid,
                inst.index,
                code,
                inst.next_start - now,
            )
            inst.child = None
        if now >= inst.next_start:
            inst.child = self.spawn(inst.guid).start()
            inst.started_at = now
            log.info(
                "Started %s/%d (version %d, pid %s)",
                inst.guid,
                inst.index,
                inst.version,
                inst.child.pid,
            )

    def _stop(self, inst: Instance, why: str) -> None:
        if inst.child is not None:
            log.info("Stopping %s/%d (%s)", inst.guid, inst.index, why)
            inst.child.stop()

    def stop_all(self) -> None:
        for inst in self.instances.values():
            if inst.child is not None:
                inst.child.terminate()  # all at once, then wait for each
        for inst in self.instances.values():
            self._stop(inst, "supervisor stopping")
        self.instances.clear()
