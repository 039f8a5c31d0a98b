"""DATABASES["default"] from the environment: a SQLite file by default, PostgreSQL pooled.

See DESIGN §8 and README "Environment". Every process reads the same DATABASE_URL; on
PostgreSQL each one gets a psycopg connection pool, which is what the web processes need.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_int, env_str


def default_database(data_dir: Path) -> dict:
    """The `default` entry of DATABASES for $DATABASE_URL (unset: SQLite in `data_dir`)."""
    url = env_str("DATABASE_URL", f"sqlite:///{data_dir / 'flowcast.sqlite3'}")
    conn_max_age = env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0)
    database = dj_database_url.parse(url, conn_max_age=conn_max_age)
    if database["ENGINE"].endswith("sqlite3"):
        # Worker and daphne processes share the database file: wait for locks, don't fail.
        database.setdefault("OPTIONS", {})["timeout"] = 20
        # Tests run real daphne and worker processes, which need a file, not :memory:.
        # One file per test run, so parallel runs never share (or delete) each other's.
        database["TEST"] = {"NAME": str(data_dir / f"test-{os.getpid()}.sqlite3")}
    elif database["ENGINE"].endswith("postgresql"):
        pool = pool_options()
        if pool:
            # daphne runs sync ORM code (views, database_sync_to_async) in executor threads,
            # often a fresh one per request, and Django's connections are per thread: kept
            # open (CONN_MAX_AGE > 0) they would pile up in threads that never run again.
            # With CONN_MAX_AGE = 0 Django closes a request's connection when it ends, and
            # closing a pooled one hands it back to the pool for the next thread: no connect
            # per request, at most max_size per process. Django refuses both at once.
            if conn_max_age:
                raise ImproperlyConfigured(
                    "DATABASE_CONN_MAX_AGE must be 0 while the connection pool is on "
                    f"(DATABASE_POOL_MAX_SIZE={pool['max_size']}), got {conn_max_age}; "
                    "set DATABASE_POOL_MAX_SIZE=0 to use persistent connections instead"
                )
            database.setdefault("OPTIONS", {})["pool"] = pool
            # A connection the server dropped (restart, failover) is replaced on checkout.
            database["CONN_HEALTH_CHECKS"] = True
    return database


def pool_options() -> dict | None:
    """psycopg_pool.ConnectionPool arguments from the environment; None: no pool."""
    max_size = env_int("DATABASE_POOL_MAX_SIZE", 10, minimum=0)
    if max_size == 0:
        return None
    min_size = env_int("DATABASE_POOL_MIN_SIZE", 1, minimum=0)
    if min_size > max_size:
        raise ImproperlyConfigured(
            f"DATABASE_POOL_MIN_SIZE must be at most DATABASE_POOL_MAX_SIZE ({max_size}), "
            f"got {min_size}"
        )
    timeout = env_int("DATABASE_POOL_TIMEOUT", 10, minimum=1)
    return {"min_size": min_size, "max_size": max_size, "timeout": timeout}
