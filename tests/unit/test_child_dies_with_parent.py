"""A supervisor's instances end with it, even when it is killed with SIGKILL (Linux)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import psutil
from django.conf import settings

from tests.runtime import wait_for

PARENT = """
import sys, time
from pipelines.runtime.processes import Child
sleeper = [sys.executable, "-c", "import time; time.sleep(120)"]
print(Child("sleeper", sleeper, die_with_parent=True).start().pid, flush=True)
time.sleep(120)
"""


def gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_a_child_that_dies_with_its_parent_gets_sigterm_when_the_parent_is_killed():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT], cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE
    )
    try:
        child = int(parent.stdout.readline())
        assert not gone(child)
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
        wait_for(lambda: gone(child), 10, "the orphan to end")
    finally:
        parent.kill()
        parent.wait()
