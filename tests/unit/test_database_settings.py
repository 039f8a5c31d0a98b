"""DATABASES from the environment (config.database): SQLite by default, PostgreSQL pooled."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.database import default_database

POSTGRES = "postgres://flowcast:secret@db.internal:5432/flowcast"
SETTINGS = (
    "DATABASE_URL",
    "DATABASE_CONN_MAX_AGE",
    "DATABASE_POOL_MIN_SIZE",
    "DATABASE_POOL_MAX_SIZE",
    "DATABASE_POOL_TIMEOUT",
)


@pytest.fixture
def env(monkeypatch):
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_unset_means_a_sqlite_file_in_the_data_dir_without_a_pool(env, tmp_path):
    database = default_database(tmp_path)
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "flowcast.sqlite3")
    assert "pool" not in database["OPTIONS"]


def test_postgresql_gets_a_pool_sized_from_the_environment(env, tmp_path):
    env.setenv("DATABASE_URL", POSTGRES)
    env.setenv("DATABASE_POOL_MIN_SIZE", "2")
    env.setenv("DATABASE_POOL_MAX_SIZE", "20")
    env.setenv("DATABASE_POOL_TIMEOUT", "5")
    database = default_database(tmp_path)
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 20, "timeout": 5}
    assert database["CONN_MAX_AGE"] == 0 and database["CONN_HEALTH_CHECKS"] is True


def test_the_pool_has_defaults(env, tmp_path):
    env.setenv("DATABASE_URL", POSTGRES)
    pool = default_database(tmp_path)["OPTIONS"]["pool"]
    assert pool == {"min_size": 1, "max_size": 10, "timeout": 10}


def test_a_max_size_of_0_turns_the_pool_off_for_persistent_connections(env, tmp_path):
    env.setenv("DATABASE_URL", POSTGRES)
    env.setenv("DATABASE_POOL_MAX_SIZE", "0")
    env.setenv("DATABASE_CONN_MAX_AGE", "60")
    database = default_database(tmp_path)
    assert "pool" not in database.get("OPTIONS", {}) and database["CONN_MAX_AGE"] == 60


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"DATABASE_CONN_MAX_AGE": "60"}, "DATABASE_CONN_MAX_AGE"),
        ({"DATABASE_POOL_MIN_SIZE": "11"}, "DATABASE_POOL_MIN_SIZE"),
        ({"DATABASE_POOL_MAX_SIZE": "-1"}, "DATABASE_POOL_MAX_SIZE"),
        ({"DATABASE_POOL_MAX_SIZE": "many"}, "DATABASE_POOL_MAX_SIZE"),
        ({"DATABASE_POOL_TIMEOUT": "0"}, "DATABASE_POOL_TIMEOUT"),
    ],
)
def test_it_refuses_a_bad_combination_naming_the_variable(env, tmp_path, settings, named):
    env.setenv("DATABASE_URL", POSTGRES)
    for name, value in settings.items():
        env.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=named):
        default_database(tmp_path)
