"""`manage.py up`: the embedded default serves the demo stream and leaves nothing behind."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading

import orjson
import psutil
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from pipelines.dev.embedded import find_free_port
from tests.runtime import wait_for

pytestmark = pytest.mark.integration


def test_up_streams_the_demo_and_stops_every_process_on_sigint(tmp_path):
    port = find_free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("KAFKA_BOOTSTRAP_SERVERS", "REDIS_URL", "DATABASE_URL")
    }
    env.update({"FLOWCAST_DATA_DIR": str(tmp_path), "DJANGO_SUPERUSER_PASSWORD": "demo-pass-123"})
    # The demo's workers join their consumer group in 1 s instead of 3, as the stack's do.
    env.setdefault("FLOWCAST_KAFKA_SESSION_TIMEOUT_MS", "2000")
    up = subprocess.Popen(
        [sys.executable, "manage.py", "up", "--port", str(port), "--demo-rate", "50"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    threading.Thread(target=lambda: output.extend(up.stdout), daemon=True).start()
    try:
        banner = wait_for(
            lambda: re.search(r"producer\.tail (\S+) --secret-file (\S+)", "".join(output)),
            90,
            "the banner",
        )
        tree = psutil.Process(up.pid).children(recursive=True)
        assert len(tree) >= 5  # broker, redis, daphne, supervisor, demo traffic (+ workers)
        url, secret_file = banner.group(1), banner.group(2)
        # A command run beside it without the addresses (a shell revoking a grant) uses
        # the same Redis, so that its changes reach the open streams.
        beside = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", PRINT_REDIS_URL],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        redis_url = re.search(r"Redis:\s+(\S+)", "".join(output)).group(1)
        assert beside.stdout.strip().splitlines()[-1] == redis_url, beside.stderr
        assert "Using the services of `manage.py up`" in beside.stderr
        secret = (tmp_path / "demo-secret").read_text()
        assert secret not in "".join(output), "the banner must not print the secret"
        assert secret_file.endswith("demo-secret")
        with connect(
            url, additional_headers={"Authorization": f"Bearer {secret}"}, open_timeout=10
        ) as ws:
            record = orjson.loads(ws.recv(timeout=60))
            # Ctrl-C: the web process says goodbye (1001) before it exits.
            up.send_signal(signal.SIGINT)
            with pytest.raises(ConnectionClosed):
                while True:
                    ws.recv(timeout=30)
        assert ws.close_code == 1001
        assert {"id", "account", "amount", "currency", "status", "timestamp"} <= set(
            record["value"]
        )
    finally:
        if up.poll() is None:
            up.send_signal(signal.SIGINT)
        code = up.wait(60)
    assert code == 0, "".join(output)[-3000:]
    still_alive = [p for p in tree if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert still_alive == []
    assert not (tmp_path / "embedded" / "up.json").exists()


PRINT_REDIS_URL = "from django.conf import settings; print(settings.REDIS_URL)"
