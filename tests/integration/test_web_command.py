"""`manage.py web`: the image's web process is daphne itself, with Flowcast's options."""

from __future__ import annotations

import urllib.request

import psutil
import pytest

from pipelines.dev.embedded import find_free_port
from pipelines.runtime.processes import manage_command
from tests.runtime import wait_for

pytestmark = pytest.mark.integration


def test_web_replaces_itself_with_daphne_and_serves_the_site(stack):
    port = find_free_port()
    argv = manage_command("web", "--host", "127.0.0.1", "--port", str(port), "--proxy-headers")
    child = stack.start("web", argv)

    def healthy():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                return r.status == 200
        except OSError:
            return not child.running()

    wait_for(healthy, 60, "manage.py web to answer /healthz")
    assert child.running()
    # The same process, now daphne: SIGTERM reaches it directly (a container's PID 1).
    cmdline = psutil.Process(child.pid).cmdline()
    assert cmdline[1:3] == ["-m", "producer.web"]
    assert "--proxy-headers" in cmdline and "--websocket_timeout" in cmdline
    assert child.stop(grace=20) == 0
