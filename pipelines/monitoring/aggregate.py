"""Monitoring figures of a component from its instances' heartbeats.

Pure functions over the plain dicts that runners report every second (pipelines.runtime.runner):
no Django, no I/O, so the status API, `/metrics` and the supervisor's lag measurement
share one reading of the reports and a unit test can feed them directly.
"""

from __future__ import annotations

from collections.abc import Iterable

RESOURCE_KEYS = ("cpu_request", "cpu_limit", "memory_request", "memory_limit")


def freshest_partition_lag(reports: Iterable[dict]) -> dict[str, int]:
    """Lag per partition ("topic:partition"), each from the freshest report that has it.

    After a rebalance a stopped instance's last report lives on for a few seconds: taking
    the freshest value per partition counts each partition once.
    """
    freshest: dict[str, tuple[float, int]] = {}
    for report in reports:
        at = report.get("reported_at", 0.0)
        for key, lag in (report.get("partition_lag") or {}).items():
            if key not in freshest or freshest[key][0] < at:
                freshest[key] = (at, int(lag))
    return {key: lag for key, (_, lag) in sorted(freshest.items())}


def consumer_lag(reports: list[dict]) -> int | None:
    """Records waiting on the component's input, summed over partitions; None if unmeasured."""
    if not any("partition_lag" in r for r in reports):
        return None
    return sum(freshest_partition_lag(reports).values())


def instance_figures(report: dict) -> dict:
    """What the monitoring view shows per instance: throughput, lag, CPU and memory."""
    resources = report.get("resources") or {}
    return {
        "instance": report.get("instance", ""),
        "version": report.get("version"),
        "started_at": report.get("started_at"),
        "reported_at": report.get("reported_at"),
        "assigned": report.get("assigned") or [],
        "records_in_per_sec": _in_rate(report),
        "records_out_per_sec": _out_rate(report),
        "records_in": report.get("records_in", 0),
        "records_out": report.get("records_out", 0),
        "failed": report.get("failed", 0),
        "lag": report.get("lag"),
        "cpu_percent": report.get("cpu_percent"),
        "cpu_millicores": report.get("cpu_millicores"),
        "rss_mb": report.get("rss_mb"),
        "resources": {k: resources[k] for k in RESOURCE_KEYS if k in resources},
        "last_error": report.get("last_error", ""),
        "last_error_at": report.get("last_error_at"),
    }


def summarize(reports: list[dict]) -> dict:
    """A component's figures: sums of its instances' counters and rates, the latest batch."""
    ordered = sorted(reports, key=lambda r: r.get("reported_at", 0.0), reverse=True)
    latest = max(ordered, key=lambda r: r.get("last_processed_at") or 0, default={})
    out_rate = round(sum(_out_rate(r) for r in ordered), 1)
    erring = next((r for r in ordered if r.get("last_error")), {})
    return {
        "state": "UP" if ordered else "OFF",
        "instances": len(ordered),
        "records_in_per_sec": round(sum(_in_rate(r) for r in ordered), 1),
        "records_out_per_sec": out_rate,
        "records_per_sec": out_rate,
        "records_in": sum(r.get("records_in", 0) for r in ordered),
        "records_out": sum(r.get("records_out", 0) for r in ordered),
        "failed": sum(r.get("failed", 0) for r in ordered),
        "lag": consumer_lag(ordered),
        "last_processed_at": latest.get("last_processed_at") or None,
        "last_batch_records": latest.get("last_batch_records", 0),
        "last_batch_bytes": latest.get("last_batch_bytes"),
        "last_error": erring.get("last_error", ""),
        "last_error_at": erring.get("last_error_at"),
        "instance_details": [instance_figures(r) for r in sorted(ordered, key=_by_instance)],
    }


def pipeline_summary(statuses: list[dict], sinks: set[int]) -> dict:
    """A pipeline in one line: components up, the rate it delivers, lag, clients, failures.

    The delivered rate is what leaves the pipeline: the output of the components with no
    output event (`sinks`, by id). Summing every component would count each record once
    per hop; without a sink the busiest component stands for the pipeline.
    """
    ends = [s["records_out_per_sec"] for s in statuses if s["id"] in sinks]
    rates = ends or [s["records_out_per_sec"] for s in statuses]
    lags = [s["lag"] for s in statuses if s.get("lag") is not None]
    return {
        "components": len(statuses),
        "up": sum(1 for s in statuses if s["state"] == "UP"),
        "records_per_sec": round(sum(ends) if ends else max(rates, default=0.0), 1),
        "lag": sum(lags) if lags else None,
        "clients": sum(s.get("clients") or 0 for s in statuses),
        "failed": sum(s.get("failed", 0) for s in statuses),
        "errors": sum(1 for s in statuses if s.get("last_error")),
    }


def _in_rate(report: dict) -> float:
    return float(report.get("records_in_per_sec", 0.0))


def _out_rate(report: dict) -> float:
    # Instances started before in/out rates were reported only sent the output rate.
    return float(report.get("records_out_per_sec", report.get("records_per_sec", 0.0)))


def _by_instance(report: dict) -> str:
    return str(report.get("instance", ""))
