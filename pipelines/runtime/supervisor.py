"""The worker supervisor: keeps running instances equal to what active pipelines deploy.

Each reconcile pass compares the wanted instances (deployed components with a runner,
times their instance count) with the children it runs: starts the missing, stops the
ones no longer wanted or on an old version, and restarts crashed ones with exponential
back-off.

Several supervisors can run at once (pipelines.runtime.coordination): counts are totals across
them. Each instance slot (GUID, index) runs under the one supervisor holding its lease, and
each component's Intelligent Scaling is decided by the one holding its leader lease; the
others run the count that leader stored. Without Redis a lone supervisor owns everything.

A component with Intelligent Scaling gets its count from pipelines.rules.scaling, fed every
SCALE_INTERVAL seconds with the lag its instances report; every change is recorded.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import redis
from django.conf import settings

from pipelines.monitoring import aggregate
from pipelines.rules.scaling import Bounds, Decision, Scaler, Timing
from pipelines.runtime import coordination, deployed_versions, heartbeats
from pipelines.runtime.coordination import Coordinator
from pipelines.runtime.processes import Child, manage_command
from pipelines.services.scaling import record_scaling_decision
from pipelines.types import registry

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


@dataclass(frozen=True)
class Observation:
    lag: int
    partitions: int | None  # of the input topic, as the instances see it


def configured_bounds(
    deployed: deployed_versions.DeployedComponent, partitions: int | None = None
) -> Bounds:
    resources = deployed.resources
    return Bounds(resources.min_instances, max(resources.max_instances, 1), partitions)


def wanted_instances(deployed: deployed_versions.DeployedComponent) -> int:
    bounds = configured_bounds(deployed)
    return min(max(bounds.min_instances, 1), bounds.max_instances)


def scales(deployed: deployed_versions.DeployedComponent) -> bool:
    return bool(deployed.setting("basic", "intelligent_scaling", False))


def observed_lag(deployed: deployed_versions.DeployedComponent) -> Observation | None:
    """The component's lag: per partition, the freshest report of any instance, summed.

    None: nothing reported, or some partitions are in no report (a rebalance is moving
    them), which is no measurement rather than a low one.
    """
    reports = [r for r in heartbeats.read(deployed.guid) if "partition_lag" in r]
    if not reports:
        return None
    lags = aggregate.freshest_partition_lag(reports)
    partitions = next((r["partitions"] for r in reversed(reports) if "partitions" in r), None)
    if partitions is None and deployed.inputs:
        partitions = deployed.inputs[0].partitions
    if partitions is not None and len(lags) < partitions:
        return None
    return Observation(sum(lags.values()), partitions)


def default_timing() -> Timing:
    config = settings.FLOWCAST
    return Timing(
        up_after=config["SCALE_UP_AFTER"],
        down_after=config["SCALE_DOWN_AFTER"],
        cooldown=config["SCALE_COOLDOWN"],
    )


class Supervisor:
    def __init__(
        self,
        spawn: Callable[[str], Child] | None = None,
        clock: Callable[[], float] = time.monotonic,
        *,
        measure: Callable[[deployed_versions.DeployedComponent], Observation | None] = observed_lag,
        record: Callable[[deployed_versions.DeployedComponent, Decision], object] = (
            record_scaling_decision
        ),
        timing: Timing | None = None,
        scale_interval: float | None = None,
        coordinator: Coordinator | None = None,
    ):
        self.spawn = spawn or (
            lambda guid: Child(
                f"component {guid}", manage_command("run_component", guid), die_with_parent=True
            )
        )
        self.clock = clock
        self.measure = measure
        self.record = record
        self.timing = timing or default_timing()
        self.scale_interval = (
            settings.FLOWCAST["SCALE_INTERVAL"] if scale_interval is None else scale_interval
        )
        self.coordinator = coordinator or coordination.for_settings()
        self.instances: dict[Key, Instance] = {}
        self.scalers: dict[str, Scaler] = {}  # of the components whose scaling this one leads
        self._tokens: dict[str, int] = {}  # their fencing tokens
        self._counts: dict[str, int] = {}  # last count of every scaling component
        self._measured_at: dict[str, float] = {}

    def desired(self) -> dict[Key, int]:
        want: dict[Key, int] = {}
        scaled: set[str] = set()
        for d in deployed_versions.active_deployments():
            if registry.get_type(d.type).runner is None:
                continue
            if scales(d):
                scaled.add(d.guid)
                count = self.scaled_count(d)
            else:
                count = wanted_instances(d)
            for index in range(count):
                want[(d.guid, index)] = d.version
        for guid in set(self._counts) - scaled:
            self._forget(guid)
        return want

    def scaled_count(self, d: deployed_versions.DeployedComponent) -> int:
        """The count Intelligent Scaling chooses: decided here while this supervisor leads
        the component's scaling (re-decided every scale_interval seconds), else its leader's."""
        try:
            token = self.coordinator.lead(d.guid)
            count = self._follow(d) if token is None else self._decide(d, token)
        except redis.RedisError as exc:  # keep the last count; instances keep running
            log.warning("Scaling of %s not coordinated: %s", d.name, exc)
            count = self._counts.get(d.guid, wanted_instances(d))
        self._counts[d.guid] = count
        return count

    def _follow(self, d: deployed_versions.DeployedComponent) -> int:
        if self.scalers.pop(d.guid, None) is not None:
            log.info("Scaling of %s is decided by another supervisor now", d.name)
        self._tokens.pop(d.guid, None)
        stored = self.coordinator.stored_count(d.guid)
        return wanted_instances(d) if stored is None else configured_bounds(d).clamp(stored)

    def _decide(self, d: deployed_versions.DeployedComponent, token: int) -> int:
        scaler = self.scalers.get(d.guid)
        if scaler is None or self._tokens.get(d.guid) != token:
            # A new leader goes on from the stored count; the scaling memory starts afresh.
            stored = self.coordinator.stored_count(d.guid)
            start = wanted_instances(d) if stored is None else configured_bounds(d).clamp(stored)
            scaler = self.scalers[d.guid] = Scaler(start, self.timing)
            self._tokens[d.guid] = token
            if not self.coordinator.publish(d.guid, start, token):
                return self._follow(d)
        decision = self._observe(d, scaler)
        if decision is None:
            return scaler.count
        if not self.coordinator.publish(d.guid, scaler.count, token):
            log.warning("Scaling of %s was taken over; %s dropped", d.name, decision.action)
            return self._follow(d)
        if scaler.worth_recording(decision):
            log.info("Scaling %s %d → %d: %s", d.name, decision.old, decision.new, decision.reason)
            try:
                self.record(d, decision)
            except Exception as exc:  # the timeline is best effort; scaling goes on
                log.warning("Scaling decision for %s not recorded: %s", d.name, exc)
        return scaler.count

    def _observe(self, d: deployed_versions.DeployedComponent, scaler: Scaler) -> Decision | None:
        """One lag observation every scale_interval seconds; None between them."""
        now = self.clock()
        if now - self._measured_at.get(d.guid, float("-inf")) < self.scale_interval:
            return None
        self._measured_at[d.guid] = now
        try:
            observation = self.measure(d)
        except Exception as exc:  # Redis away: keep the count, instances keep running
            log.warning("Lag of %s not read: %s", d.name, exc)
            return None
        if observation is None:  # nothing reported yet, or a rebalance in progress
            return None
        threshold = max(d.resources.lag_threshold, 1)
        bounds = configured_bounds(d, observation.partitions)
        return scaler.observe(observation.lag, threshold, bounds, now)

    def _forget(self, guid: str) -> None:
        """A component that no longer scales: hand its leadership back at once."""
        self.scalers.pop(guid, None)
        self._measured_at.pop(guid, None)
        self._counts.pop(guid, None)
        if self._tokens.pop(guid, None) is not None:
            self._quietly(self.coordinator.resign, guid)

    def reconcile(self) -> None:
        want = self.desired()
        mine = self._claim(want)
        leaving = {
            key: inst
            for key, inst in self.instances.items()
            if key not in mine or want[key] != inst.version
        }
        for inst in leaving.values():
            if inst.child is not None:
                inst.child.terminate()  # all at once, then wait for each
        for key, inst in leaving.items():
            self._stop(inst, self._why_stopped(key, want, mine))
            del self.instances[key]
        # Handed over only now that their instances stopped: never two at once.
        self._quietly(self.coordinator.settle, mine)
        for key in sorted(mine):
            inst = self.instances.setdefault(key, Instance(key[0], key[1], want[key]))
            self._keep_running(inst)

    def _claim(self, want: dict[Key, int]) -> set[Key]:
        """The slots this supervisor runs; while Redis is away, the ones it runs already."""
        try:
            return self.coordinator.claim(want)
        except redis.RedisError as exc:
            log.warning("Instance leases not renewed, nothing new started: %s", exc)
            return {key for key in self.instances if key in want}

    @staticmethod
    def _why_stopped(key: Key, want: dict[Key, int], mine: set[Key]) -> str:
        if key in mine:
            return "new version"
        if key in want:
            return "run by another supervisor"
        return "scaled down" if any(guid == key[0] for guid, _ in want) else "undeployed"

    @staticmethod
    def _quietly(action: Callable[..., object], *args: object) -> None:
        """Best effort: a lease not handed over lapses by itself after its TTL."""
        try:
            action(*args)
        except redis.RedisError as exc:
            log.warning("Leases not updated: %s", exc)

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
        self._quietly(self.coordinator.leave)
