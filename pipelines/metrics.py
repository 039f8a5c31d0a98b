"""`GET /metrics`: Prometheus exposition of what every instance and web process reports.

Numbers come from Redis (instance heartbeats, web-process counters), so any daphne process
answers for the whole deployment. No secrets are exported.
"""

from __future__ import annotations

import orjson
from django.http import HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from pipelines import instances
from pipelines.models import Component, Pipeline

WEB_STATS = "flowcast:webstats"

COMPONENT_COUNTERS = {
    "records_in": "Records read by the component's instances.",
    "records_out": "Records the instances delivered onward.",
    "failed": "Records that could not be handled (sent to failover or logged).",
    "credit_waits": "Batches paced by flow control instead of overflowing a buffer.",
    "credit_timeouts": "Times flow control gave up waiting for a web process.",
}


class DeploymentCollector:
    def collect(self):
        labels = ["pipeline", "component", "guid"]
        up = GaugeMetricFamily(
            "flowcast_component_instances", "Live instances per component.", labels=labels
        )
        rate = GaugeMetricFamily(
            "flowcast_component_records_per_second", "Current output rate.", labels=labels
        )
        counters = {
            key: CounterMetricFamily(f"flowcast_component_{key}", help_text, labels=labels)
            for key, help_text in COMPONENT_COUNTERS.items()
        }
        active = Component.objects.filter(
            pipeline__status=Pipeline.Status.ACTIVE, guid__isnull=False
        )
        for component in active.select_related("pipeline"):
            reports = instances.read(str(component.guid))
            values = [component.pipeline.name, component.name, str(component.guid)]
            up.add_metric(values, len(reports))
            rate.add_metric(values, sum(r.get("records_per_sec", 0) for r in reports))
            for key, family in counters.items():
                family.add_metric(values, sum(r.get(key, 0) for r in reports))
        yield up
        yield rate
        yield from counters.values()
        yield self._stream_events()

    def _stream_events(self):
        family = CounterMetricFamily(
            "flowcast_stream_events",
            "Repairs, gaps, duplicates dropped and slow clients in web processes.",
            labels=["event"],
        )
        totals: dict[str, float] = {}
        client = instances.client()
        for raw in client.hvals(WEB_STATS) if client else []:
            for event, value in orjson.loads(raw).items():
                totals[event] = totals.get(event, 0) + value
        for event, value in sorted(totals.items()):
            family.add_metric([event], value)
        return family


def metrics_view(request) -> HttpResponse:
    registry = CollectorRegistry()
    registry.register(DeploymentCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
