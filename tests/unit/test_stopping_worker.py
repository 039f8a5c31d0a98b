"""A worker asked to stop ends, even when what it would wait on is gone."""

from __future__ import annotations

import subprocess
import sys
import time

from producer.runner import ProducerRunner
from tests.runtime import deployed_producer


class Consumer:
    """Pure logic: counts the synchronous commits asked of it."""

    def __init__(self):
        self.commits = 0

    def commit(self, asynchronous: bool = True):
        self.commits += 1


def test_a_revoke_while_stopping_does_not_commit_again():
    runner = ProducerRunner(deployed_producer())
    consumer = Consumer()
    runner._on_revoke(consumer, [])
    assert consumer.commits == 1  # a rebalance: commit before another member takes over
    runner.request_stop()
    runner._on_revoke(consumer, [])  # from close(), which has just committed
    assert consumer.commits == 1


def test_a_stop_that_overstays_its_deadline_ends_the_process():
    script = (
        "import os, time, django\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings')\n"
        "django.setup()\n"
        "from pipelines.management.commands.run_component import _exit_after\n"
        "_exit_after(0.3)\n"
        "time.sleep(30)  # a stop stuck on an unreachable broker\n"
    )
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=20, check=False
    )
    assert done.returncode == 1 and "exiting" in done.stderr
    assert time.monotonic() - started < 15  # not the 30 s it was stuck for
