"""Intelligent Scaling policy (pipelines.rules.scaling): thresholds, bounds, cool-down, no flaps."""

from __future__ import annotations

import pytest

from pipelines.rules.scaling import BLOCKED, BOUNDS, DOWN, HOLD, UP, Bounds, Scaler, Timing

THRESHOLD = 1000
TIMING = Timing(up_after=5, down_after=30, cooldown=15)
ONE_TO_THREE = Bounds(1, 3, partitions=3)


def run(count: int, bounds: Bounds, observations: list[tuple[float, int]]):
    scaler = Scaler(count, TIMING)
    decisions = [scaler.observe(lag, THRESHOLD, bounds, t) for t, lag in observations]
    return scaler, decisions


def every(seconds: float, until: float, lag: int, start: float = 0) -> list[tuple[float, int]]:
    steps = int((until - start) / seconds) + 1
    return [(start + i * seconds, lag) for i in range(steps)]


CASES = [
    # name, start count, bounds, observations (time, lag), final count, last action
    ("above 60 % for 5 s adds one", 1, ONE_TO_THREE, [(0, 700), (5, 700)], 2, UP),
    ("exactly 60 % holds", 1, ONE_TO_THREE, every(1, 20, 600), 1, HOLD),
    ("above 60 % for under 5 s holds", 1, ONE_TO_THREE, [(0, 900), (4.9, 900)], 1, HOLD),
    ("below 10 % for 30 s removes one", 3, ONE_TO_THREE, [(0, 50), (30, 50)], 2, DOWN),
    ("exactly 10 % holds", 3, ONE_TO_THREE, every(5, 90, 100), 3, HOLD),
    ("below 10 % for under 30 s holds", 3, ONE_TO_THREE, [(0, 0), (29, 0)], 3, HOLD),
    ("at the maximum it stays", 3, ONE_TO_THREE, every(1, 60, 5000), 3, BLOCKED),
    ("never above the partitions", 2, Bounds(1, 10, partitions=2), every(1, 60, 9000), 2, BLOCKED),
    ("never below the minimum", 2, Bounds(2, 4, partitions=8), every(5, 120, 0), 2, BLOCKED),
    ("minimum 0 still keeps one", 1, Bounds(0, 4, partitions=8), every(5, 120, 0), 1, BLOCKED),
    ("unknown partitions: max caps", 4, Bounds(1, 4), every(1, 30, 9000), 4, BLOCKED),
    ("a count above max is clamped at once", 5, ONE_TO_THREE, [(0, 300)], 3, BOUNDS),
    ("fewer partitions clamp at once", 3, Bounds(1, 5, partitions=2), [(0, 300)], 2, BOUNDS),
    ("a count below min is raised at once", 1, Bounds(2, 5, partitions=6), [(0, 0)], 2, BOUNDS),
    (
        "a dip into the middle band restarts the wait",
        1,
        ONE_TO_THREE,
        [(0, 700), (3, 300), (5, 700), (9, 700)],
        1,
        HOLD,
    ),
    ("one step at a time", 1, ONE_TO_THREE, [(0, 50_000), (5, 50_000)], 2, UP),
    ("no change within the cool-down", 1, ONE_TO_THREE, every(1, 19, 5000), 2, HOLD),
    ("after the cool-down the next step", 1, ONE_TO_THREE, every(1, 20, 5000), 3, UP),
    (
        "noisy lag never flaps",
        2,
        ONE_TO_THREE,
        [(t, (700, 50)[t % 2]) for t in range(300)],
        2,
        HOLD,
    ),
]


@pytest.mark.parametrize(
    ("start", "bounds", "observations", "final", "action"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_policy(start, bounds, observations, final, action):
    scaler, decisions = run(start, bounds, observations)
    assert (scaler.count, decisions[-1].action) == (final, action)


def test_it_scales_up_then_down_one_step_per_change():
    observations = every(1, 40, 5000) + every(1, 200, 0, start=41)
    scaler, decisions = run(1, ONE_TO_THREE, observations)
    changes = [(d.at, d.old, d.new) for d in decisions if d.changed]
    assert changes == [(5, 1, 2), (20, 2, 3), (71, 3, 2), (101, 2, 1)]
    assert scaler.count == 1


def test_a_decision_says_why():
    _, decisions = run(1, ONE_TO_THREE, [(0, 700), (5, 700)])
    up = decisions[-1]
    assert (up.lag, up.threshold, up.ratio, up.old, up.new) == (700, 1000, 0.7, 1, 2)
    assert "70 % of threshold 1000 > 60 % for 5 s" in up.reason
    _, decisions = run(3, ONE_TO_THREE, [(0, 5000), (6, 5000)])
    assert "at the maximum of 3 (min 1, max 3, 3 partition(s))" in decisions[-1].reason


def test_changes_and_the_first_blocked_decision_are_worth_recording():
    scaler = Scaler(2, TIMING)
    bounds = Bounds(1, 2, partitions=2)
    recorded = []
    for t, lag in every(1, 30, 5000) + every(1, 100, 0, start=31):
        decision = scaler.observe(lag, THRESHOLD, bounds, t)
        if scaler.worth_recording(decision):
            recorded.append((decision.action, decision.old, decision.new))
    assert recorded == [(BLOCKED, 2, 2), (DOWN, 2, 1), (BLOCKED, 1, 1)]


def test_bounds_cap_at_partitions_and_keep_one_instance():
    assert (Bounds(0, 10, partitions=3).low, Bounds(0, 10, partitions=3).high) == (1, 3)
    assert (Bounds(5, 10, partitions=3).low, Bounds(5, 10, partitions=3).high) == (3, 3)
    assert Bounds(2, 4).clamp(9) == 4
