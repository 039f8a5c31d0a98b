"""The lease and fencing rules that let several supervisors share work, on a real Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis
from django.core.management import call_command
from django.core.management.base import CommandError

from pipelines.runtime.coordination import (
    FENCES,
    SUPERVISORS,
    RedisCoordinator,
    count_key,
    holder,
    leader_key,
    slot_key,
)
from tests.runtime import wait_for

LEASES_DB = 11  # its own database, flushed per test: membership counts are global
SHORT = 0.3  # seconds: a lease that lapses within a test


@pytest.fixture
def client(redis_url) -> Iterator[redis.Redis]:
    options = redis.connection.parse_url(redis_url)
    client = redis.Redis(**{**options, "db": LEASES_DB})
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def guid() -> str:
    return str(uuid.uuid4())


def supervisor(client: redis.Redis, name: str, ttl: float = 5.0) -> RedisCoordinator:
    return RedisCoordinator(client, ttl=ttl, me=f"{name}-{uuid.uuid4().hex[:4]}")


def slots(guid: str, count: int) -> dict[tuple[str, int], int]:
    return {(guid, index): 1 for index in range(count)}


def test_a_lone_supervisor_claims_every_slot_under_a_lease_of_the_ttl(client, guid):
    alice = supervisor(client, "alice", ttl=5.0)
    assert alice.claim(slots(guid, 2)) == {(guid, 0), (guid, 1)}
    assert holder(slot_key(guid, 0), client) == alice.me
    assert 4000 < client.pttl(slot_key(guid, 1)) <= 5000


def test_a_held_slot_is_not_claimed_renewed_or_released_by_another(client, guid):
    alice, bob = supervisor(client, "alice"), supervisor(client, "bob")
    alice.claim(slots(guid, 1))
    assert bob.claim(slots(guid, 1)) == set()
    bob.held = {(guid, 0)}  # as if bob thought he had it
    assert bob.claim(slots(guid, 1)) == set() and bob.held == set()
    bob.held = {(guid, 0)}
    bob.settle(set())
    assert holder(slot_key(guid, 0), client) == alice.me


def test_a_dead_supervisors_slots_lapse_after_the_ttl_and_another_claims_them(client, guid):
    alice, bob = supervisor(client, "alice", ttl=SHORT), supervisor(client, "bob")
    assert alice.claim(slots(guid, 2)) == {(guid, 0), (guid, 1)}
    # alice dies here: nothing renews her leases nor her membership.
    taken = wait_for(lambda: bob.claim(slots(guid, 2)) == {(guid, 0), (guid, 1)}, 5, "lapse")
    assert taken and holder(slot_key(guid, 1), client) == bob.me


def test_a_lapsed_slot_nobody_claimed_is_taken_back_by_its_holder(client, guid):
    alice = supervisor(client, "alice")
    alice.claim(slots(guid, 1))
    client.delete(slot_key(guid, 0))  # lapsed while alice could not reach Redis
    assert alice.claim(slots(guid, 1)) == {(guid, 0)}
    assert holder(slot_key(guid, 0), client) == alice.me


def test_a_joining_supervisor_gets_its_fair_share_once_the_other_hands_it_over(client, guid):
    alice, bob = supervisor(client, "alice"), supervisor(client, "bob")
    assert alice.claim(slots(guid, 3)) == {(guid, 0), (guid, 1), (guid, 2)}
    assert bob.claim(slots(guid, 3)) == set()  # all held; bob is a member now
    keep = alice.claim(slots(guid, 3))
    assert keep == {(guid, 0), (guid, 1)}  # ceil(3 / 2); (guid, 2) is still hers…
    assert holder(slot_key(guid, 2), client) == alice.me
    alice.settle(keep)  # …until its instance stopped
    assert bob.claim(slots(guid, 3)) == {(guid, 2)}
    assert client.zcard(SUPERVISORS) == 2


def test_slots_no_longer_wanted_are_released_and_leave_hands_everything_over(client, guid):
    alice, bob = supervisor(client, "alice"), supervisor(client, "bob")
    alice.claim(slots(guid, 3))
    keep = alice.claim(slots(guid, 2))  # scaled down
    alice.settle(keep)
    assert not client.exists(slot_key(guid, 2))
    alice.lead(guid)
    alice.leave()
    assert bob.claim(slots(guid, 2)) == {(guid, 0), (guid, 1)}  # no wait for a TTL
    assert bob.lead(guid) is not None
    assert client.zrange(SUPERVISORS, 0, -1) == [bob.me.encode()]


def test_one_supervisor_leads_and_renewing_keeps_its_token(client, guid):
    alice, bob = supervisor(client, "alice"), supervisor(client, "bob")
    token = alice.lead(guid)
    assert token is not None and bob.lead(guid) is None
    assert alice.lead(guid) == token  # renewed, not re-acquired
    assert holder(leader_key(guid), client) == alice.me
    assert 4000 < client.pttl(leader_key(guid)) <= 5000


def test_a_leader_past_its_lease_cannot_overwrite_its_successors_count(client, guid):
    alice, bob = supervisor(client, "alice", ttl=SHORT), supervisor(client, "bob")
    old = alice.lead(guid)
    assert alice.publish(guid, 2, old)
    # alice pauses past her lease; bob takes over with a newer token.
    new = wait_for(lambda: bob.lead(guid), 5, "bob to lead")
    assert new > old
    assert not alice.publish(guid, 3, old)  # refused even before bob stored anything
    assert bob.publish(guid, 3, new)
    assert not alice.publish(guid, 1, old)
    assert bob.stored_count(guid) == alice.stored_count(guid) == 3
    assert alice.lead(guid) is None  # and she follows from now on


@pytest.mark.parametrize(
    ("stored", "latest", "token", "accepted"),
    [
        (None, 1, 1, True),  # the first leader's first count
        (4, 4, 4, True),  # the leader again
        (4, 5, 5, True),  # a new leader, before anything of its own is stored
        (5, 5, 4, False),  # the previous leader, after its successor stored a count
        (4, 5, 4, False),  # the previous leader, after its successor took the lease
        (6, 6, 7, False),  # a token no acquisition handed out
    ],
)
def test_a_count_is_stored_only_with_the_latest_leaders_token(
    client, guid, stored, latest, token, accepted
):
    client.hset(FENCES, guid, latest)
    if stored is not None:
        client.hset(count_key(guid), mapping={"count": 2, "token": stored})
    alice = supervisor(client, "alice")
    assert alice.publish(guid, 3, token) is accepted
    assert alice.stored_count(guid) == (3 if accepted else 2 if stored is not None else None)


def test_each_acquisition_takes_a_new_token(client, guid):
    alice, bob = supervisor(client, "alice"), supervisor(client, "bob")
    first = alice.lead(guid)
    alice.resign(guid)
    second = bob.lead(guid)
    bob.resign(guid)
    third = alice.lead(guid)
    assert first < second < third
    assert int(client.hget(FENCES, guid)) == third


@pytest.mark.parametrize("interval", ["0", "2", "10"])
def test_run_pipelines_refuses_an_interval_its_leases_would_not_outlive(interval):
    with pytest.raises(CommandError, match=f"--interval must be .* got {interval}"):
        call_command("run_pipelines", "--interval", interval)
