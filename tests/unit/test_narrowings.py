"""Which user tokens a handshake checks again after access to their pipeline narrowed."""

from __future__ import annotations

from pipelines import redis_keys
from producer import narrowings
from producer.narrowings import CLOCK_MARGIN_MS, predates


def test_a_users_token_minted_before_the_narrowing_or_just_after_is_checked():
    at = 1_000_000
    assert predates({"u": 7, "t": at - 60_000}, at)
    assert predates({"u": 7, "t": at + CLOCK_MARGIN_MS}, at)  # another host's clock
    assert not predates({"u": 7, "t": at + CLOCK_MARGIN_MS + 1}, at)


def test_tokens_of_no_user_and_pipelines_never_narrowed_are_not_checked():
    assert not predates({"t": 0}, 1_000_000)  # minted for a service, not a user
    assert not predates({"u": 7, "t": 0}, None)


def test_a_token_without_a_mint_time_counts_as_older():
    assert predates({"u": 7}, 1_000_000)


def test_without_redis_the_process_keeps_the_record(settings, monkeypatch):
    settings.REDIS_URL = ""
    monkeypatch.setattr(narrowings, "_local", {})
    assert narrowings.last(3) is None
    before = narrowings.now_ms()
    narrowings.record([3, 4])
    assert before <= narrowings.last(3) == narrowings.last(4) <= narrowings.now_ms()
    assert narrowings.last(5) is None


def test_redis_unreachable_reads_as_narrowed_now(settings):
    """Failing open would let old tokens in while Redis is away; every stream needs it
    anyway, so a user's token is checked against the database meanwhile."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    redis_keys._client.cache_clear()
    try:
        before = narrowings.now_ms()
        assert narrowings.last(3) >= before
        narrowings.record([3])  # logged, not raised: the change is committed already
    finally:
        redis_keys._client.cache_clear()
