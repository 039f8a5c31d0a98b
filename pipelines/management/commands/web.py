"""Run one web process in the foreground: daphne with Flowcast's options (the image's default)."""

from __future__ import annotations

import os
import sys

from django.core.management.base import BaseCommand

from pipelines.runtime.processes import daphne_command


class Command(BaseCommand):
    help = (
        "Serve the site and the WebSocket streams on one port (daphne with Flowcast's "
        "keepalive, timeouts and 1001/1013 close codes). Replaces this process."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="0.0.0.0", help="Address to bind (0.0.0.0).")
        parser.add_argument("--port", type=int, default=8000, help="Port (8000).")
        parser.add_argument(
            "--proxy-headers",
            action="store_true",
            default=None,
            help="Client addresses from X-Forwarded-For: only behind a proxy that overwrites "
            "it (default: when FLOWCAST_BEHIND_TLS_PROXY is true).",
        )
        parser.add_argument(
            "--access-log", help="File for daphne's access log ('-' for stdout; default none)."
        )

    def handle(self, *args, host: str, port: int, proxy_headers, access_log, **options):
        argv = daphne_command(host, port, access_log=access_log, proxy_headers=proxy_headers)
        sys.stdout.flush()
        sys.stderr.flush()
        # exec, not a child: daphne gets the container's SIGTERM itself and answers with 1001.
        os.execv(argv[0], argv)
