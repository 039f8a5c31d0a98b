"""Run one instance of one deployed component until SIGTERM/SIGINT."""

from __future__ import annotations

import signal

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
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: runner.request_stop())
        self.stderr.write(f"Running {deployed.name} ({guid}) version {deployed.version}")
        runner.run()
