"""DRF throttles over the shared abuse limits (pipelines.security.abuse_limits).

DRF answers a refused request 429 with Retry-After from `wait()`; the counting is Redis's,
so every web process enforces one limit (DRF's own throttles count in a per-process cache).
"""

from __future__ import annotations

from rest_framework.throttling import BaseThrottle

from pipelines.security import abuse_limits


class TokenMinting(BaseThrottle):
    """Short-lived WebSocket tokens minted per user (FLOWCAST_LIMIT_TOKENS_PER_USER)."""

    refusal: abuse_limits.Refusal | None = None

    def allow_request(self, request, view) -> bool:
        self.refusal = abuse_limits.hit(abuse_limits.TOKENS_PER_USER, request.user.pk)
        return self.refusal is None

    def wait(self) -> float | None:
        return None if self.refusal is None else self.refusal.retry_after
