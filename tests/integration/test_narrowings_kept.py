"""The record of narrowed access in Redis, which every web process reads at a handshake."""

from __future__ import annotations

import pytest

from pipelines import redis_keys
from producer import narrowings

pytestmark = pytest.mark.integration


def test_each_narrowing_is_kept_as_long_as_a_token_lives_then_dropped(
    settings, redis_url, monkeypatch
):
    settings.REDIS_URL = redis_url
    settings.FLOWCAST = {**settings.FLOWCAST, "TOKEN_MAX_AGE": 60}
    ids = [900_001, 900_002]
    redis_keys.client().zrem(redis_keys.NARROWED, *map(str, ids))
    start = 1_000_000_000
    monkeypatch.setattr(narrowings, "now_ms", lambda: start)
    narrowings.record([ids[0]])
    assert narrowings.last(ids[0]) == start
    kept = 60_000 + narrowings.CLOCK_MARGIN_MS
    monkeypatch.setattr(narrowings, "now_ms", lambda: start + kept)
    narrowings.record([ids[1]])  # the first is exactly as old as the oldest token that matters
    assert narrowings.last(ids[0]) == start
    monkeypatch.setattr(narrowings, "now_ms", lambda: start + kept + 1)
    narrowings.record([ids[1]])
    assert (narrowings.last(ids[0]), narrowings.last(ids[1])) == (None, start + kept + 1)
