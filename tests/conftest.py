"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.test import override_settings
from django.test.utils import setup_databases, teardown_databases

from config.layers import redis_layers
from pipelines.dev.embedded import start_broker, start_redis
from pipelines.types import api_ingestion
from tests.database import PostgresCluster, database_url, wants_private_cluster
from tests.runtime import Stack

# --- Order -----------------------------------------------------------------------------------
# `make test` runs pytest-xdist with --dist loadfile --no-loadscope-reorder: it hands whole files
# to its processes in collection order. Longest first (LPT), so the short files fill the end
# instead of a long one starting last while the other processes sit idle. The longest, as the
# --durations report shows them (slowest first); then the other files that start real
# processes; then the rest.
SLOWEST = (
    "integration/test_broker_outage.py",
    "integration/test_two_supervisors.py",
    "integration/test_burst_and_nodes.py",
    "integration/test_slow_client.py",
    "integration/test_intelligent_scaling.py",
    "integration/test_frame_formats.py",
    "integration/test_production_layout.py",
    "integration/test_worker_behaviour.py",
    "integration/test_end_to_end_stream.py",
    "integration/test_crash_recovery.py",
    "e2e/test_monitoring_view.py",
    "e2e/test_pages_under_csp.py",
    "e2e/test_seed_story.py",
    "integration/test_graceful_shutdown.py",
    "api/test_route_matrix.py",
    "integration/test_up_command.py",
)
TESTS = Path(__file__).parent


@pytest.hookimpl(trylast=True)  # after pytest-django's, which orders tests by database use
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> tuple[int, int]:
        path = item.path.relative_to(TESTS).as_posix()
        if path in SLOWEST:
            return 0, SLOWEST.index(path)
        real = item.get_closest_marker("integration") or item.get_closest_marker("e2e")
        return (1 if real else 2), 0

    first_seen: dict[Path, int] = {}
    ranks: dict[Path, tuple[int, int]] = {}
    for item in items:
        first_seen.setdefault(item.path, len(first_seen))
        ranks[item.path] = min(ranks.get(item.path, (3, 0)), rank(item))
    # Whole files, each file's tests in the order they had.
    items.sort(key=lambda item: (*ranks[item.path], first_seen[item.path]))


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
def django_db_setup(request, django_db_setup, django_db_blocker) -> Iterator[None]:
    """pytest-django's, which drops the test database at the end. PostgreSQL refuses while
    sessions remain: the per-thread connections of ORM calls that tests made through
    asyncio.to_thread stay open until garbage-collected. They are ended first.

    pytest-django creates the test database only when a test asks for db, transactional_db
    or live_server (or is marked): when only module_db (below) asks for it, it is made here."""
    created = None
    if not any(wants_db(item) for item in request.session.items):
        with django_db_blocker.unblock():
            created = setup_databases(verbosity=0, interactive=False, aliases={DEFAULT_DB_ALIAS})
    yield
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        if created is not None:
            teardown_databases(created, verbosity=0)


def wants_db(item: pytest.Item) -> bool:
    return bool(
        {"db", "transactional_db", "live_server"} & set(item.fixturenames)
        or item.get_closest_marker("django_db")
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
        api_ingestion.release_producers()  # while their broker is still up


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """$REDIS_URL, else the URL of a session-wide embedded Redis."""
    if external := os.environ.get("REDIS_URL"):
        yield external
        return
    with start_redis() as server:
        yield server.url


# --- Real processes ---------------------------------------------------------------------------


def child_env(kafka_bootstrap: str, redis_url: str) -> dict[str, str]:
    """The environment of the daphne, worker and supervisor processes tests start."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "REDIS_URL": redis_url,
        "DATABASE_URL": database_url(connection.settings_dict),
        "SECRET_KEY": django_settings.SECRET_KEY,
        "LOG_LEVEL": "WARNING",
        # Workers join their consumer group in 1 s instead of 3 (see settings).
        "FLOWCAST_KAFKA_SESSION_TIMEOUT_MS": os.environ.get(
            "FLOWCAST_KAFKA_SESSION_TIMEOUT_MS", "2000"
        ),
    }


def services_settings(kafka_bootstrap: str, redis_url: str) -> dict:
    """The settings that point the test process at the same broker and Redis."""
    return {
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "REDIS_URL": redis_url,
        "CHANNEL_LAYERS": redis_layers(redis_url),
    }


@pytest.fixture
def stack(settings, kafka_bootstrap, redis_url, transactional_db) -> Iterator[Stack]:
    for name, value in services_settings(kafka_bootstrap, redis_url).items():
        setattr(settings, name, value)
    stack = Stack(kafka_bootstrap, redis_url, child_env(kafka_bootstrap, redis_url))
    yield stack
    stack.stop()


@pytest.fixture(scope="session")
def shared_web(kafka_bootstrap, redis_url, django_db_setup, django_db_blocker) -> Iterator[str]:
    """host:port of a daphne that lives as long as the session (one per xdist process), for
    the tests that need a web process with nothing special: no settings of their own, never
    stopped or measured. It reads the test database on every request, so what each test
    wrote is what it serves; starting one per test cost a second or more each time."""
    with django_db_blocker.unblock():  # the test database's name, for DATABASE_URL
        env = child_env(kafka_bootstrap, redis_url)
    stack = Stack(kafka_bootstrap, redis_url, env)
    try:
        yield stack.web()
    finally:
        stack.stop()


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user(f"owner-{uuid.uuid4().hex[:6]}", password="x")


# --- Built once per module --------------------------------------------------------------------
# A module whose tests can share a stream, and the daphne and workers that run it, builds them
# once with these instead of stack and owner (each test's own stream costs several seconds of
# process start-ups and consumer-group joins). Its tests then must not ask for db or
# transactional_db: those would wrap a test in a transaction the processes cannot see, or empty
# the tables under the module's stream after the first test.


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The database as transactional_db gives it to a test (writes are committed at once, so
    the processes see them), for a whole module; emptied after it as transactional_db does."""
    with django_db_blocker.unblock():
        try:
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)
            connection.close()


@pytest.fixture(scope="module")
def module_stack(kafka_bootstrap, redis_url, module_db) -> Iterator[Stack]:
    """`stack` for all the tests of a module (see module_db)."""
    with override_settings(**services_settings(kafka_bootstrap, redis_url)):
        stack = Stack(kafka_bootstrap, redis_url, child_env(kafka_bootstrap, redis_url))
        try:
            yield stack
        finally:
            stack.stop()


@pytest.fixture(scope="module")
def module_owner(module_db):
    """`owner` for all the tests of a module (see module_db)."""
    username = f"owner-{uuid.uuid4().hex[:6]}"
    return get_user_model().objects.create_user(username, password="x")
