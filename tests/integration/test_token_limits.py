"""Minting WebSocket tokens is limited per user, across web processes (DRF token auth)."""

from __future__ import annotations

import time

import orjson
import pytest
from rest_framework.authtoken.models import Token

from pipelines import services
from tests.integration.loopback import assert_retry_after, new_address, request

pytestmark = pytest.mark.integration


def test_the_token_past_the_limit_is_refused_for_that_user_only(stack, owner, django_user_model):
    limits = {"FLOWCAST_LIMIT_TOKENS_PER_USER": "3/minute"}
    hosts = stack.webs(2, env=limits)
    other = django_user_model.objects.create_user("other-minter", password="x")
    source = new_address()

    def mint(user, n: int):
        pipeline = services.create_pipeline(user, name=f"Tokens of {user.username}")
        producer = services.create_component(pipeline, type="websocket_producer", name="Feed")
        key = Token.objects.create(user=user).key
        path = f"/api/components/{producer.pk}/token/"
        headers = {"Authorization": f"Token {key}"}
        return lambda i: request(hosts[(n + i) % 2], "POST", path, source=source, headers=headers)

    by_owner, by_other = mint(owner, 0), mint(other, 1)
    started = time.monotonic()
    minted = [by_owner(i) for i in range(3)]
    refused = by_owner(3)
    assert [a.status for a in minted] == [200, 200, 200]
    assert all(orjson.loads(a.body)["token"] for a in minted)
    assert refused.status == 429
    assert_retry_after(refused, 60, started)
    assert by_owner(4).status == 429
    assert by_other(0).status == 200
