"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections

from config.layers import redis_layers
from pipelines.dev.embedded import start_broker, start_redis
from tests.database import PostgresCluster, database_url, wants_private_cluster
from tests.runtime import Stack

# --- The test database ------------------------------------------------------------------------
# PostgreSQL on a private cluster whenever Debian's server binaries are installed, else the
# SQLite default (tests/database.py; FLOWCAST_TEST_DATABASE=postgres|sqlite forces one).


def pytest_report_header() -> str:
    engine = django_settings.DATABASES["default"]["ENGINE"]
    private = wants_private_cluster(engine)
    return f"database: {'PostgreSQL, private cluster' if private else engine.rsplit('.', 1)[-1]}"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> Iterator[None]:
    """Point the default database at a session-wide private cluster before pytest-django
    creates the test database in it; the cluster stops after that database is dropped."""
    default = django_settings.DATABASES["default"]
    if not wants_private_cluster(default["ENGINE"]):
        yield
        return
    with PostgresCluster() as cluster:
        # In place: django.db.connections reads this very dict. No pool in this process:
        # the daphne and worker processes that tests start use the one of config.database.
        test = {**default.get("TEST", {}), "NAME": None}  # Django's test_<NAME>
        default.update(cluster.settings(), OPTIONS={}, TEST=test)
        with contextlib.suppress(AttributeError):
            del connections["default"]  # a SQLite connection made before this point
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> Iterator[None]:
    """pytest-django's, which drops the test database at the end. PostgreSQL refuses while
    sessions remain: the per-thread connections of ORM calls that tests made through
    asyncio.to_thread stay open until garbage-collected. They are ended first."""
    yield
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


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
        "DATABASE_URL": database_url(connection.settings_dict),
        "SECRET_KEY": settings.SECRET_KEY,
        "LOG_LEVEL": "WARNING",
        # Workers join their consumer group in 1 s instead of 3 (see settings).
        "FLOWCAST_KAFKA_SESSION_TIMEOUT_MS": os.environ.get(
            "FLOWCAST_KAFKA_SESSION_TIMEOUT_MS", "2000"
        ),
    }
    stack = Stack(kafka_bootstrap, redis_url, env)
    yield stack
    for child in reversed(stack.children):
        child.stop(grace=10)


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user(f"owner-{uuid.uuid4().hex[:6]}", password="x")
