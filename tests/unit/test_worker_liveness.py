"""A worker's liveness file and the exec probe Kubernetes runs on it (pipelines.runtime.liveness).

The probe runs as Kubernetes runs it: a separate `python -m pipelines.runtime.liveness` process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from pipelines.dev.embedded import find_free_port
from pipelines.runtime import liveness
from pipelines.runtime.runner import Runner
from tests.runtime import deployed_producer


def probe(path, max_age: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, liveness.ENV: str(path)}
    return subprocess.run(
        [sys.executable, "-m", "pipelines.runtime.liveness", "--max-age", str(max_age)],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )


@pytest.fixture
def beat_file(tmp_path, monkeypatch):
    path = tmp_path / "heartbeat"
    monkeypatch.setenv(liveness.ENV, str(path))
    return path


def test_the_probe_fails_before_the_first_beat(beat_file):
    result = probe(beat_file)
    assert result.returncode == 1 and "No beat yet" in result.stderr


def test_a_heartbeat_makes_the_probe_pass_even_while_redis_is_down(beat_file, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{find_free_port()}/0"  # the report fails
    runner = Runner(deployed_producer())
    runner.heartbeat(force=True)
    assert probe(beat_file).returncode == 0


def test_a_back_off_wait_counts_as_alive(beat_file, settings):
    settings.REDIS_URL = ""
    runner = Runner(deployed_producer())
    runner.wait(0)  # waiting for Kafka or Redis to come back
    assert probe(beat_file).returncode == 0


def test_a_stale_beat_fails_the_probe(beat_file, settings):
    settings.REDIS_URL = ""
    Runner(deployed_producer()).heartbeat(force=True)
    an_hour_ago = time.time() - 3600
    os.utime(beat_file, (an_hour_ago, an_hour_ago))
    result = probe(beat_file, max_age=60)
    assert result.returncode == 1 and "more than 60 s" in result.stderr


def test_without_a_configured_file_the_probe_says_so(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != liveness.ENV}
    result = subprocess.run(
        [sys.executable, "-m", "pipelines.runtime.liveness"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and liveness.ENV in result.stderr
