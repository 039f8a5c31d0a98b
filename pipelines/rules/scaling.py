"""Intelligent Scaling as a pure policy: lag observations in, instance-count decisions out.

Lag ratio = consumer lag ÷ the component's lag threshold. Above UP_RATIO one instance
more, below DOWN_RATIO one fewer, within [min, max] instances and never above the input
topic's partition count (an extra consumer would sit idle). A ratio must stay high for
`up_after` seconds before scaling up and low for the longer `down_after` before scaling
down, and no change follows another within `cooldown` seconds: noisy lag never flaps.

No Django and no I/O: the supervisor feeds observations and records the decisions.
"""

from __future__ import annotations

from dataclasses import dataclass

UP_RATIO = 0.6
DOWN_RATIO = 0.1

UP = "up"
DOWN = "down"
HOLD = "hold"
BLOCKED = "blocked"  # the ratio asks for a change the bounds or the partition count forbid
BOUNDS = "bounds"  # the count was outside the bounds (configuration changed) and was clamped


@dataclass(frozen=True)
class Timing:
    """Seconds a ratio must persist before a change, and between two changes."""

    up_after: float = 5.0
    down_after: float = 30.0
    cooldown: float = 15.0


@dataclass(frozen=True)
class Bounds:
    min_instances: int
    max_instances: int
    partitions: int | None = None  # None: unknown, only max_instances caps

    @property
    def high(self) -> int:
        cap = self.max_instances if self.partitions is None else self.partitions
        return max(1, min(self.max_instances, cap))

    @property
    def low(self) -> int:
        # At least one instance: locally the lag is measured by the running instances.
        return min(max(self.min_instances, 1), self.high)

    def clamp(self, count: int) -> int:
        return min(max(count, self.low), self.high)


@dataclass(frozen=True)
class Decision:
    at: float
    lag: int
    threshold: int
    ratio: float
    old: int
    new: int
    action: str
    reason: str

    @property
    def changed(self) -> bool:
        return self.new != self.old


class Scaler:
    """The scaling memory of one component: its count, since when the ratio is high or low."""

    def __init__(self, count: int, timing: Timing | None = None):
        self.count = count
        self.timing = timing or Timing()
        self.high_since: float | None = None
        self.low_since: float | None = None
        self.last_change: float | None = None
        self.last_blocked = ""

    def observe(self, lag: int, threshold: int, bounds: Bounds, now: float) -> Decision:
        """One lag observation; changes `count` by at most one and says why."""
        threshold = max(int(threshold), 1)
        ratio = lag / threshold
        self._track(ratio, now)
        old = self.count
        if not bounds.low <= old <= bounds.high:
            reason = f"{old} instance(s) is outside {bounds.low} to {bounds.high} ({_caps(bounds)})"
            return self._change(now, lag, threshold, ratio, bounds.clamp(old), BOUNDS, reason)
        if self.high_since is not None:
            return self._maybe(now, lag, threshold, ratio, old + 1, bounds, UP)
        if self.low_since is not None:
            return self._maybe(now, lag, threshold, ratio, old - 1, bounds, DOWN)
        self.last_blocked = ""
        reason = f"{_pct(ratio)} of threshold {threshold} is between 10 % and 60 %"
        return Decision(now, lag, threshold, ratio, old, old, HOLD, reason)

    def _track(self, ratio: float, now: float) -> None:
        if ratio > UP_RATIO:
            self.low_since = None
            self.high_since = now if self.high_since is None else self.high_since
        elif ratio < DOWN_RATIO:
            self.high_since = None
            self.low_since = now if self.low_since is None else self.low_since
        else:
            self.high_since = self.low_since = None

    def _maybe(self, now, lag, threshold, ratio, new, bounds: Bounds, action: str) -> Decision:
        up = action == UP
        since = self.high_since if up else self.low_since
        stable = self.timing.up_after if up else self.timing.down_after
        held = now - since
        words = f"{_pct(ratio)} of threshold {threshold} {'>' if up else '<'} "
        words += f"{_pct(UP_RATIO if up else DOWN_RATIO)} for {held:.0f} s"
        old = self.count
        if held < stable:
            reason = f"{words}; waiting for {stable:g} s"
            return Decision(now, lag, threshold, ratio, old, old, HOLD, reason)
        if new != bounds.clamp(new):
            limit = "at the maximum" if up else "at the minimum"
            reason = f"{words}; {limit} of {old} ({_caps(bounds)})"
            return Decision(now, lag, threshold, ratio, old, old, BLOCKED, reason)
        if self.last_change is not None and now - self.last_change < self.timing.cooldown:
            reason = f"{words}; cooling down ({self.timing.cooldown:g} s after the last change)"
            return Decision(now, lag, threshold, ratio, old, old, HOLD, reason)
        return self._change(now, lag, threshold, ratio, new, action, words)

    def _change(self, now, lag, threshold, ratio, new, action, reason) -> Decision:
        old, self.count = self.count, new
        self.last_change = now
        # The next step needs a stable period of its own, measured after this change.
        self.high_since = now if self.high_since is not None else None
        self.low_since = now if self.low_since is not None else None
        self.last_blocked = ""
        return Decision(now, lag, threshold, ratio, old, new, action, reason)

    def worth_recording(self, decision: Decision) -> bool:
        """Every change, and the first of a run of blocked decisions (why it did not scale)."""
        if decision.changed:
            return True
        if decision.action != BLOCKED or decision.reason.split(";")[-1] == self.last_blocked:
            return False
        self.last_blocked = decision.reason.split(";")[-1]
        return True


def _pct(ratio: float) -> str:
    return f"{ratio * 100:.0f} %"


def _caps(bounds: Bounds) -> str:
    caps = f"min {bounds.min_instances}, max {bounds.max_instances}"
    return caps if bounds.partitions is None else f"{caps}, {bounds.partitions} partition(s)"
