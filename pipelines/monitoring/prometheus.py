"""`GET /metrics`: Prometheus exposition of the monitoring figures of every active component.

The numbers are the status API's (pipelines.monitoring.status), read from Redis (instance
heartbeats, API Ingestion counters, web-process counters), so any daphne process answers for
the whole deployment and a scrape costs no Kafka call and no write. No secrets are exported; who may
scrape is decided by pipelines.monitoring.scrape_access.
"""

from __future__ import annotations

import orjson
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from pipelines import redis_keys
from pipelines.models import Pipeline
from pipelines.monitoring import scrape_access
from pipelines.monitoring.status import statuses_of
from pipelines.runtime import heartbeats

LABELS = ["pipeline", "component", "guid"]
INSTANCE_LABELS = [*LABELS, "instance"]

# name → (help, key in the component status); counters get Prometheus' `_total` suffix.
COUNTERS = {
    "records_in": ("Records read by the component.", "records_in"),
    "records_out": ("Records the component delivered onward.", "records_out"),
    "failed": ("Records that could not be handled (sent to failover or logged).", "failed"),
}
GAUGES = {
    "instances": ("Live instances per component.", "instances"),
    "up": ("1 when the component is running (UP), else 0.", None),
    # The output rate under its first name, for dashboards built before in/out were split.
    "records_per_second": ("Current output rate.", "records_out_per_sec"),
    "records_in_per_second": ("Records read per second.", "records_in_per_sec"),
    "records_out_per_second": ("Records delivered per second.", "records_out_per_sec"),
    "consumer_lag": ("Records waiting in the input topic (summed over partitions).", "lag"),
    "connected_clients": ("Open WebSocket sessions (producers only).", "clients"),
    "last_processed_timestamp_seconds": ("When the last batch was read.", "last_processed_at"),
    "last_batch_records": ("Records in the last batch.", "last_batch_records"),
    "last_batch_bytes": ("Value bytes in the last batch.", "last_batch_bytes"),
    "lag_threshold": ("The lag Intelligent Scaling counts as 100 %.", None),
}
# Counters of the flow control only runners keep, summed over instances like the others.
RUNNER_COUNTERS = {
    "credit_waits": ("Batches paced by flow control instead of overflowing a buffer.", None),
    "credit_timeouts": ("Times flow control gave up waiting for a web process.", None),
}
INSTANCE_GAUGES = {
    "cpu_millicores": ("CPU use of the instance (1000 = one core).", "cpu_millicores", 1),
    "memory_rss_bytes": ("Resident memory of the instance.", "rss_mb", 2**20),
    "consumer_lag": ("Records waiting on the instance's partitions.", "lag", 1),
    "records_in_per_second": ("Records read per second.", "records_in_per_sec", 1),
    "records_out_per_second": ("Records delivered per second.", "records_out_per_sec", 1),
}
# Resource Configuration next to the use above: (help, resources key, unit multiplier).
RESOURCES = {
    "cpu_request_millicores": ("CPU request per instance.", "cpu_request", 1),
    "cpu_limit_millicores": ("CPU limit per instance.", "cpu_limit", 1),
    "memory_request_bytes": ("Memory request per instance.", "memory_request", 2**20),
    "memory_limit_bytes": ("Memory limit per instance.", "memory_limit", 2**20),
}


def _gauge(name: str, help_text: str, labels: list[str]) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, help_text, labels=labels)


class DeploymentCollector:
    def collect(self):
        info = _gauge("flowcast_component_info", "Component type, value 1.", [*LABELS, "type"])
        gauges = {k: _gauge(f"flowcast_component_{k}", h, LABELS) for k, (h, _) in GAUGES.items()}
        counters = {
            k: CounterMetricFamily(f"flowcast_component_{k}", h, labels=LABELS)
            for k, (h, _) in {**COUNTERS, **RUNNER_COUNTERS}.items()
        }
        resources = {
            k: _gauge(f"flowcast_component_{k}", h, LABELS) for k, (h, _, _) in RESOURCES.items()
        }
        per_instance = {
            k: _gauge(f"flowcast_instance_{k}", h, INSTANCE_LABELS)
            for k, (h, _, _) in INSTANCE_GAUGES.items()
        }
        reports = heartbeats.read_all()
        active = Pipeline.objects.filter(status=Pipeline.Status.ACTIVE).select_related(
            "current_version"
        )
        for pipeline in active:
            components = [c for c in pipeline.components.order_by("id") if c.guid]
            for status in statuses_of(pipeline, components, reports):
                values = [pipeline.name, status["name"], str(status["guid"])]
                info.add_metric([*values, status["type"]], 1)
                _component(values, status, gauges, counters)
                if status["runs_in"] == "workers":
                    for key in RUNNER_COUNTERS:
                        own = reports.get(str(status["guid"]), [])
                        counters[key].add_metric(values, sum(r.get(key, 0) for r in own))
                _scaled(values, status["resources"] or {}, RESOURCES, resources)
                for figures in status["instance_details"]:
                    _scaled([*values, figures["instance"]], figures, INSTANCE_GAUGES, per_instance)
        yield info
        yield from gauges.values()
        yield from counters.values()
        yield from resources.values()
        yield from per_instance.values()
        yield _stream_events()


def _component(values: list[str], status: dict, gauges: dict, counters: dict) -> None:
    for key, (_, field) in GAUGES.items():
        if key == "up":
            value = 1 if status["state"] == "UP" else 0
        elif key == "lag_threshold":
            value = (status["scaling"] or {}).get("lag_threshold")
        else:
            value = status.get(field)
        if value is not None:  # unmeasured (no lag yet, not a producer): no sample
            gauges[key].add_metric(values, value)
    for key, (_, field) in COUNTERS.items():
        counters[key].add_metric(values, status[field])


def _scaled(values: list[str], figures: dict, spec: dict, families: dict) -> None:
    """One sample per family whose figure is known, converted to the metric's base unit."""
    for key, (_, field, unit) in spec.items():
        if figures.get(field) is not None:
            families[key].add_metric(values, figures[field] * unit)


def _stream_events() -> CounterMetricFamily:
    family = CounterMetricFamily(
        "flowcast_stream_events",
        "Repairs, gaps, duplicates dropped and slow clients in web processes.",
        labels=["event"],
    )
    totals: dict[str, float] = {}
    client = redis_keys.client()
    for raw in client.hvals(redis_keys.WEB_STATS) if client else []:
        for event, value in orjson.loads(raw).items():
            totals[event] = totals.get(event, 0) + value
    for event, value in sorted(totals.items()):
        family.add_metric([event], value)
    return family


@require_safe
@never_cache
def metrics_view(request) -> HttpResponse:
    refused = scrape_access.refusal(request)
    if refused is not None:
        return refused
    registry = CollectorRegistry()
    registry.register(DeploymentCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
