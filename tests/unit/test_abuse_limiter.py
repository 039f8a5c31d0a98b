"""The abuse limiter (pipelines.security.abuse_limits) on a real (embedded) Redis."""

from __future__ import annotations

import logging
import time
import uuid

import pytest
import redis

from pipelines.dev.embedded import find_free_port
from pipelines.security import abuse_limits
from pipelines.security.abuse_limits import INGEST_BYTES, INGEST_REQUESTS, TOKENS_PER_USER, hit
from tests.runtime import assert_rest_of_window, wait_for


@pytest.fixture
def limits(settings, redis_url):
    """Sets limits (name → (count, period)) on the real Redis; returns a fresh key."""

    def configure(**rates: tuple[int, int]) -> str:
        settings.REDIS_URL = redis_url
        settings.FLOWCAST = {**settings.FLOWCAST, **rates}
        return f"key-{uuid.uuid4().hex}"

    return configure


def test_it_refuses_the_hit_past_the_limit_until_the_window_ends(limits):
    key = limits(LIMIT_TOKENS_PER_USER=(3, 60))
    started = time.monotonic()
    assert [hit(TOKENS_PER_USER, key) for _ in range(3)] == [None, None, None]
    refusal = hit(TOKENS_PER_USER, key)
    assert refusal is not None
    assert refusal.limit == TOKENS_PER_USER
    assert_rest_of_window(refusal.retry_after, 60, started)
    assert "tokens minted by this user" in refusal.message


def test_it_counts_each_key_apart(limits):
    key = limits(LIMIT_TOKENS_PER_USER=(1, 60))
    assert hit(TOKENS_PER_USER, key) is None
    assert hit(TOKENS_PER_USER, key) is not None
    assert hit(TOKENS_PER_USER, key + "-other") is None


def test_it_counts_each_limit_apart(limits):
    key = limits(LIMIT_INGEST_REQUESTS=(1, 60), LIMIT_TOKENS_PER_USER=(1, 60))
    assert hit(INGEST_REQUESTS, key) is None
    assert hit(TOKENS_PER_USER, key) is None
    assert hit(INGEST_REQUESTS, key) is not None


def test_two_clients_of_redis_share_one_count(limits, redis_url):
    """What two web processes do: each has its own connection pool to the same Redis."""
    key = limits(LIMIT_TOKENS_PER_USER=(2, 60))
    assert hit(TOKENS_PER_USER, key) is None
    abuse_limits._limiter.cache_clear()  # the next hit comes through a new pool
    assert hit(TOKENS_PER_USER, key) is None
    assert hit(TOKENS_PER_USER, key) is not None


def test_costs_are_counted_whole_and_a_cost_over_the_window_fills_it(limits):
    key = limits(LIMIT_INGEST_BYTES=(1000, 60))
    assert hit(INGEST_BYTES, key, cost=600) is None
    assert hit(INGEST_BYTES, key, cost=400) is None
    assert hit(INGEST_BYTES, key, cost=1) is not None
    fresh = key + "-big"
    assert hit(INGEST_BYTES, fresh, cost=5000) is None  # an empty window takes it
    assert hit(INGEST_BYTES, fresh, cost=1) is not None


def test_the_window_opens_again_when_its_period_is_over(limits):
    key = limits(LIMIT_INGEST_REQUESTS=(1, 1))
    assert hit(INGEST_REQUESTS, key) is None
    refusal = hit(INGEST_REQUESTS, key)
    assert refusal is not None and refusal.retry_after == 1
    wait_for(lambda: hit(INGEST_REQUESTS, key) is None, 5, "the one-second window to end")


def test_the_window_is_redis_s_and_ends_with_the_key(limits, redis_url):
    key = limits(LIMIT_TOKENS_PER_USER=(1, 60))
    hit(TOKENS_PER_USER, key)
    client = redis.Redis.from_url(redis_url)
    (stored,) = client.keys(f"{abuse_limits.KEY_PREFIX}:*{key}*")
    assert 0 < client.ttl(stored) <= 60


def test_limits_are_off_without_redis(settings):
    settings.REDIS_URL = ""
    settings.FLOWCAST = {**settings.FLOWCAST, "LIMIT_TOKENS_PER_USER": (1, 60)}
    assert [hit(TOKENS_PER_USER, "someone") for _ in range(3)] == [None, None, None]


def test_a_redis_outage_lets_requests_through_and_says_so(settings, caplog):
    settings.REDIS_URL = f"redis://127.0.0.1:{find_free_port()}/0"  # nothing listens there
    settings.FLOWCAST = {**settings.FLOWCAST, "LIMIT_TOKENS_PER_USER": (1, 60)}
    caplog.set_level(logging.WARNING, logger="pipelines.security.abuse_limits")
    assert hit(TOKENS_PER_USER, "someone") is None
    assert hit(TOKENS_PER_USER, "someone") is None
    assert "LIMIT_TOKENS_PER_USER not checked" in caplog.text
