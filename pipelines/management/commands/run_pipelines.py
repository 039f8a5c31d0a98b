"""The worker supervisor (see pipelines.runtime.supervisor)."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from pipelines.exceptions import KafkaUnavailable
from pipelines.models import Pipeline
from pipelines.runtime.coordination import LEASE_SECONDS
from pipelines.runtime.supervisor import Supervisor
from pipelines.services.lifecycle import provision_topics


class Command(BaseCommand):
    help = "Run the component instances of every active pipeline; stop them on SIGTERM."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help=f"Seconds between reconciles (at most {LEASE_SECONDS / 3:g}).",
        )

    def handle(self, *args, interval: float, **options):
        if not 0 < interval <= LEASE_SECONDS / 3:
            # Every pass renews this supervisor's leases: a few passes must fit in one.
            raise CommandError(
                f"--interval must be above 0 and at most {LEASE_SECONDS / 3:g} s (a third "
                f"of the {LEASE_SECONDS:g} s instance lease), got {interval:g}"
            )
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        supervisor = Supervisor()
        self._provision()
        self.stderr.write("Supervisor running")
        try:
            while not stop.is_set():
                close_old_connections()
                supervisor.reconcile()
                stop.wait(interval)
        finally:
            supervisor.stop_all()
            self.stderr.write("Supervisor stopped")

    def _provision(self) -> None:
        """Re-create the deployed topics a broker lost (the embedded one keeps none across a
        restart); otherwise a runner would auto-create them with the broker's defaults."""
        for pipeline in Pipeline.objects.filter(
            status=Pipeline.Status.ACTIVE, current_version__isnull=False
        ).select_related("current_version"):
            try:
                provision_topics(pipeline.current_version.snapshot)
            except KafkaUnavailable as exc:
                self.stderr.write(f"{pipeline.name}: {exc}")
