"""Per-second rates of running totals, measured once per heartbeat, never per record.

A runner only adds to plain integer counters on its hot path; the heartbeat turns the
difference since the previous measurement into a rate. Windows shorter than `window`
seconds (a heartbeat forced by a rebalance right after a regular one) keep the previous
rates instead of dividing a handful of records by a few milliseconds.
"""

from __future__ import annotations


class RateMeter:
    def __init__(self, window: float = 1.0):
        self.window = window
        self._at: float | None = None
        self._totals: dict[str, int] = {}
        self.rates: dict[str, float] = {}

    def update(self, now: float, totals: dict[str, int]) -> dict[str, float]:
        """Rates of each total since the last measurement at least `window` seconds ago."""
        if self._at is None:
            self._at, self._totals = now, dict(totals)
            self.rates = {name: 0.0 for name in totals}
            return self.rates
        elapsed = now - self._at
        if elapsed < self.window:
            return self.rates
        self.rates = {
            # A total that went down was reset (a new counter): count from zero again.
            name: max(value - self._totals.get(name, 0), 0) / elapsed
            for name, value in totals.items()
        }
        self._at, self._totals = now, dict(totals)
        return self.rates
