"""Child processes that the supervisor and `up` start and stop as whole process groups."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from daphne.endpoints import build_endpoint_description_strings
from django.conf import settings

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def manage_command(*args: str) -> list[str]:
    return [sys.executable, MANAGE, *args]


KEEPALIVE = (20, 30)  # daphne's ping interval and pong timeout, seconds


def daphne_command(
    host: str,
    port: int,
    *,
    access_log: str | None = None,
    ping: tuple[int, int] = KEEPALIVE,
    proxy_headers: bool | None = None,
) -> list[str]:
    """daphne (with Flowcast's slow-client hook) serving the ASGI app.

    Keepalive pings detect dead peers; streams have no time limit (daphne's default
    closes every WebSocket after a day).
    """
    options = ["--ping-interval", str(ping[0]), "--ping-timeout", str(ping[1])]
    options += ["--websocket_timeout", "-1"]
    # A storm of handshakes on a busy host can queue longer than daphne's 5 s default.
    options += ["--websocket_connect_timeout", "30"]
    if proxy_headers is None:
        proxy_headers = settings.BEHIND_TLS_PROXY
    if proxy_headers:
        # Client addresses from the proxy's X-Forwarded-For. Only behind it: daphne believes
        # the header from anyone, and the proxy must overwrite it.
        options += ["--proxy-headers"]
    # Twisted listens with a backlog of 50: a storm of reconnecting clients (a web process
    # restarted under 10,000 of them) overflowed it and each dropped client waited 1-3 s
    # to retry (the benchmark counted 520 overflows). The kernel caps it at somaxconn.
    [endpoint] = build_endpoint_description_strings(host=host, port=port)
    return [
        *(sys.executable, "-m", "producer.web", "-e", f"{endpoint}:backlog={LISTEN_BACKLOG}"),
        *options,
        *("--access-log", access_log or os.devnull),
        "config.asgi:application",
    ]


LISTEN_BACKLOG = 1024
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _term_when_parent_dies() -> Callable[[], None] | None:
    """Linux: a preexec_fn after which the child gets SIGTERM when its parent dies, even by
    SIGKILL. Elsewhere None (nothing does it)."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)  # loaded before the fork, not in the child
    parent = os.getpid()

    def arm() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # died before prctl: no signal would ever come
            os.kill(os.getpid(), signal.SIGTERM)

    return arm


class Child:
    """One child in its own session, so a terminal's Ctrl-C reaches only its parent.

    `die_with_parent`: SIGTERM it when the parent dies (a supervisor's instances: another
    supervisor takes their slots over, and must not find them still running).
    """

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        env: Mapping[str, str] | None = None,
        *,
        die_with_parent: bool = False,
    ):
        self.name = name
        self.argv = list(argv)
        self.env = dict(env) if env is not None else None
        self.die_with_parent = die_with_parent
        self.process: subprocess.Popen | None = None

    def start(self) -> Child:
        arm = _term_when_parent_dies() if self.die_with_parent else None
        self.process = subprocess.Popen(
            self.argv, env=self.env, start_new_session=True, preexec_fn=arm
        )
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
