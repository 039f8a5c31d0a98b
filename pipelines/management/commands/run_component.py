"""Run one instance of one deployed component until SIGTERM/SIGINT."""

from __future__ import annotations

import os
import signal
import sys
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string

from pipelines.runtime import deployed_versions
from pipelines.runtime.malloc import limit_arenas
from pipelines.runtime.runner import apply_memory_limit
from pipelines.types import registry


class Command(BaseCommand):
    help = "Run one instance of a deployed component (by GUID) until SIGTERM."

    def add_arguments(self, parser):
        parser.add_argument("guid")

    def handle(self, *args, guid: str, **options):
        deployed = deployed_versions.find(guid)
        if deployed is None:
            raise CommandError(f"No active pipeline deploys a component with GUID {guid}.")
        runner_path = registry.get_type(deployed.type).runner
        if runner_path is None:
            raise CommandError(f"{deployed.name} ({deployed.type}) has no worker to run.")
        apply_memory_limit(deployed)
        limit_arenas()  # before librdkafka starts its threads
        runner = import_string(runner_path)(deployed)

        def stop(*_) -> None:
            runner.request_stop()
            _exit_after(settings.FLOWCAST["STOP_DEADLINE_SECONDS"])

        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, stop)
        self.stderr.write(f"Running {deployed.name} ({guid}) version {deployed.version}")
        runner.run()


def _exit_after(seconds: float) -> None:
    """A stop that has not ended by then ends here. A supervisor kills a child that
    overstays its grace; an orphan (its supervisor killed) has nobody to, and a graceful stop
    that waits on an unreachable broker would keep it alive for good."""

    def leave() -> None:
        sys.stderr.write(f"Stop took over {seconds:g} s; exiting\n")
        os._exit(1)

    timer = threading.Timer(seconds, leave)
    timer.daemon = True
    timer.start()
