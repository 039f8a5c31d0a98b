"""Child processes that the supervisor and `up` start and stop as whole process groups."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from django.conf import settings

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def manage_command(*args: str) -> list[str]:
    return [sys.executable, MANAGE, *args]


KEEPALIVE = (20, 30)  # daphne's ping interval and pong timeout, seconds


def daphne_command(
    host: str, port: int, *, access_log: str | None = None, ping: tuple[int, int] = KEEPALIVE
) -> list[str]:
    """daphne (with Flowcast's slow-client hook) serving the ASGI app.

    Keepalive pings detect dead peers; streams have no time limit (daphne's default
    closes every WebSocket after a day).
    """
    options = ["--ping-interval", str(ping[0]), "--ping-timeout", str(ping[1])]
    options += ["--websocket_timeout", "-1"]
    # A storm of handshakes on a busy host can queue longer than daphne's 5 s default.
    options += ["--websocket_connect_timeout", "30"]
    if settings.BEHIND_TLS_PROXY:
        # Client addresses from the proxy's X-Forwarded-For. Only behind it: daphne believes
        # the header from anyone, and the proxy must overwrite it.
        options += ["--proxy-headers"]
    return [
        *(sys.executable, "-m", "producer.web", "-b", host, "-p", str(port)),
        *options,
        *("--access-log", access_log or os.devnull),
        "config.asgi:application",
    ]


class Child:
    """One child in its own session, so a terminal's Ctrl-C reaches only its parent."""

    def __init__(self, name: str, argv: Sequence[str], env: Mapping[str, str] | None = None):
        self.name = name
        self.argv = list(argv)
        self.env = dict(env) if env is not None else None
        self.process: subprocess.Popen | None = None

    def start(self) -> Child:
        self.process = subprocess.Popen(self.argv, env=self.env, start_new_session=True)
        return self

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def exit_code(self) -> int | None:
        return self.process.poll() if self.process else None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def terminate(self) -> None:
        """Ask the whole group to stop (SIGTERM)."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGTERM)

    def stop(self, grace: float = 15.0) -> int | None:
        """SIGTERM, wait up to `grace` seconds, then SIGKILL whatever is left of the group."""
        if self.process is None:
            return None
        self.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(grace)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        return self.process.wait()
