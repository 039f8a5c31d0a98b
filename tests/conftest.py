"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from pipelines.embedded import start_broker, start_redis

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
