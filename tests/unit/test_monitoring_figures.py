"""A component's monitoring figures are its live instances' heartbeats, added up correctly."""

from __future__ import annotations

import pytest

from pipelines.monitoring.aggregate import (
    consumer_lag,
    freshest_partition_lag,
    instance_figures,
    pipeline_summary,
    summarize,
)
from pipelines.rules.rates import RateMeter

RESOURCES = {"cpu_request": 250, "cpu_limit": 1000, "memory_request": 256, "memory_limit": 512}


def report(instance: str, at: float, **figures) -> dict:
    return {"instance": instance, "reported_at": at, "resources": RESOURCES, **figures}


def test_a_component_without_reports_is_off_with_nothing_measured():
    figures = summarize([])
    assert figures["state"] == "OFF" and figures["instances"] == 0
    assert figures["lag"] is None and figures["last_processed_at"] is None
    assert figures["records_in_per_sec"] == figures["records_out_per_sec"] == 0
    assert figures["instance_details"] == []


def test_rates_and_counters_are_summed_over_instances():
    figures = summarize(
        [
            report("b", 10.0, records_in_per_sec=120.5, records_out_per_sec=120.0, records_in=900),
            report("a", 11.0, records_in_per_sec=80.0, records_out_per_sec=79.5, records_in=100),
        ]
    )
    assert figures["state"] == "UP" and figures["instances"] == 2
    assert figures["records_in_per_sec"] == 200.5
    assert figures["records_out_per_sec"] == figures["records_per_sec"] == 199.5
    assert figures["records_in"] == 1000
    assert [i["instance"] for i in figures["instance_details"]] == ["a", "b"]


def test_an_instance_that_reports_only_the_old_output_rate_still_counts():
    figures = summarize([report("old", 1.0, records_per_sec=42.0)])
    assert figures["records_out_per_sec"] == 42.0 and figures["records_in_per_sec"] == 0


def test_failover_count_adds_every_instance_failures():
    figures = summarize([report("a", 1.0, failed=3), report("b", 1.0, failed=4), report("c", 1.0)])
    assert figures["failed"] == 7


def test_the_last_processed_batch_is_the_most_recent_one_of_any_instance():
    figures = summarize(
        [
            report(
                "a", 9.0, last_processed_at=100.0, last_batch_records=500, last_batch_bytes=9000
            ),
            report("b", 9.0, last_processed_at=105.0, last_batch_records=7, last_batch_bytes=300),
        ]
    )
    assert figures["last_processed_at"] == 105.0
    assert (figures["last_batch_records"], figures["last_batch_bytes"]) == (7, 300)


def test_the_last_error_is_taken_from_the_freshest_report_that_has_one():
    figures = summarize(
        [
            report("a", 1.0, last_error="old trouble"),
            report("b", 3.0, last_error=""),
            report("c", 2.0, last_error="Broker: not leader"),
        ]
    )
    assert figures["last_error"] == "Broker: not leader"


@pytest.mark.parametrize(
    ("reports", "expected"),
    [
        ([], None),
        ([report("a", 1.0)], None),  # no consumer assignment yet: unmeasured, not zero
        ([report("a", 1.0, partition_lag={})], 0),
        ([report("a", 1.0, partition_lag={"t:0": 5, "t:1": 7})], 12),
        # A newer instance took partition 1 over; the stopped one's report has not expired.
        (
            [
                report("a", 1.0, partition_lag={"t:0": 500, "t:1": 300}),
                report("b", 2.0, partition_lag={"t:1": 40, "t:2": 60}),
            ],
            600,
        ),
    ],
)
def test_consumer_lag_counts_each_partition_once_from_its_freshest_report(reports, expected):
    assert consumer_lag(reports) == expected


def test_partition_lag_is_keyed_and_ordered_by_partition():
    lag = freshest_partition_lag(
        [report("a", 2.0, partition_lag={"t:2": 1, "t:0": 3}), report("b", 1.0)]
    )
    assert list(lag.items()) == [("t:0", 3), ("t:2", 1)]


def test_instance_figures_put_cpu_and_memory_next_to_the_request_and_limit():
    figures = instance_figures(
        report(
            "host-1",
            5.0,
            cpu_percent=18.2,
            cpu_millicores=182,
            rss_mb=96.5,
            lag=12,
            assigned=[0, 2],
            version=3,
            started_at=1.0,
        )
    )
    assert figures["cpu_millicores"] == 182 and figures["rss_mb"] == 96.5
    assert figures["resources"] == RESOURCES
    assert figures["assigned"] == [0, 2] and figures["lag"] == 12 and figures["version"] == 3


def status(pk: int, state: str = "UP", out: float = 0.0, **extra) -> dict:
    base = {"failed": 0, "last_error": "", "lag": None, "clients": None}
    return {"id": pk, "state": state, "records_out_per_sec": out, **base, **extra}


def test_a_pipeline_delivers_what_leaves_its_last_components_not_every_hop():
    statuses = [
        status(1, out=300.0, lag=5),  # Kafka Consumer → event
        status(2, out=290.0, lag=40, clients=3, failed=2),  # event → WebSocket Producer
        status(3, state="OFF", last_error="stopped"),
    ]
    summary = pipeline_summary(statuses, sinks={2, 3})
    assert summary == {
        "components": 3,
        "up": 2,
        "records_per_sec": 290.0,
        "lag": 45,
        "clients": 3,
        "failed": 2,
        "errors": 1,
    }


def test_a_pipeline_without_a_sink_shows_its_busiest_component():
    summary = pipeline_summary([status(1, out=10.0), status(2, out=30.0)], sinks=set())
    assert summary["records_per_sec"] == 30.0 and summary["lag"] is None


def test_rates_are_measured_over_whole_windows_not_per_call():
    meter = RateMeter(window=1.0)
    assert meter.update(100.0, {"records_in": 0}) == {"records_in": 0.0}
    assert meter.update(101.0, {"records_in": 250}) == {"records_in": 250.0}
    # A heartbeat forced 0.1 s later (a rebalance) keeps the last rate: no tenfold spike.
    assert meter.update(101.1, {"records_in": 300}) == {"records_in": 250.0}
    assert meter.update(103.0, {"records_in": 700}) == {"records_in": 225.0}


def test_a_counter_that_restarts_from_zero_gives_no_negative_rate():
    meter = RateMeter(window=1.0)
    meter.update(0.0, {"records_out": 1000})
    assert meter.update(2.0, {"records_out": 10}) == {"records_out": 0.0}
