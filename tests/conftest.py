"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from django.db import connection

from config.layers import redis_layers
from pipelines.embedded import start_broker, start_redis
from tests.runtime import Stack

# --- Embedded services ---------------------------------------------------------------------
# One broker and one Redis per test session, started on free loopback ports by the same code
# as `manage.py up`. Set KAFKA_BOOTSTRAP_SERVERS / REDIS_URL to run against existing ones.


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """`bootstrap.servers` of $KAFKA_BOOTSTRAP_SERVERS, else of a session-wide embedded broker."""
    if external := os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield external
        return
    with start_broker() as broker:
        yield broker.bootstrap_servers


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """$REDIS_URL, else the URL of a session-wide embedded Redis."""
    if external := os.environ.get("REDIS_URL"):
        yield external
        return
    with start_redis() as server:
        yield server.url


# --- Real processes ---------------------------------------------------------------------------


@pytest.fixture
def stack(settings, kafka_bootstrap, redis_url, transactional_db) -> Iterator[Stack]:
    settings.KAFKA_BOOTSTRAP_SERVERS = kafka_bootstrap
    settings.REDIS_URL = redis_url
    settings.CHANNEL_LAYERS = redis_layers(redis_url)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "REDIS_URL": redis_url,
        "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
        "SECRET_KEY": settings.SECRET_KEY,
        "LOG_LEVEL": "WARNING",
    }
    stack = Stack(kafka_bootstrap, redis_url, env)
    yield stack
    for child in reversed(stack.children):
        child.stop(grace=10)


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user(f"owner-{uuid.uuid4().hex[:6]}", password="x")
