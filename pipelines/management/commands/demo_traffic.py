"""Write demo transactions to a topic at a modest rate until SIGTERM/SIGINT."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand

from pipelines.dev import demo_traffic
from pipelines.dev.demo import DEMO_TOPIC


class Command(BaseCommand):
    help = "Produce realistic card transactions to a topic (the demo's traffic source)."

    def add_arguments(self, parser):
        parser.add_argument("--topic", default=DEMO_TOPIC)
        parser.add_argument("--rate", type=float, default=5.0, help="Records per second.")

    def handle(self, *args, topic: str, rate: float, **options):
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        sent = demo_traffic.run(topic, rate, stop)
        self.stderr.write(f"Demo traffic stopped after {sent} records")
