"""The benchmark's second-lap table (benchmarks.second_lap): DESIGN §11's targets as verdicts."""

from __future__ import annotations

from benchmarks.cases import (
    BRIDGE,
    VALUES_BRIDGE,
    VALUES_ONE_HOP,
    VALUES_TWO_HOPS,
    VALUES_VIA_REDIS,
    Case,
    System,
    median_round,
)
from benchmarks.measure import Connect, Measure, connect_phase
from benchmarks.report import notes
from benchmarks.second_lap import lines, table

COLUMNS = System("flowcast columns", "flowcast", "columns")
BATCH = System("flowcast batch", "flowcast", "batch")


def measure(system: System, **figures) -> Measure:
    return Measure(system.name, "", 0, 0, **figures)


def verdicts(case: Case, *measures: Measure) -> list[str]:
    return [line.verdict for line in lines({case: {m.system: m for m in measures}})]


def burst(clients: int) -> Case:
    return Case("burst", clients, 200_000, systems=(COLUMNS, BATCH, VALUES_BRIDGE), parse=True)


def test_the_one_client_burst_is_judged_on_the_fastest_format():
    fast, slow = measure(COLUMNS, delivered=300_000), measure(BATCH, delivered=200_000)
    assert verdicts(burst(1), fast, slow, measure(VALUES_BRIDGE, delivered=290_000)) == ["pass"]
    assert verdicts(burst(1), fast, slow, measure(VALUES_BRIDGE, delivered=310_000)) == ["FAIL"]
    line = lines({burst(1): {m.system: m for m in (slow, fast)}})[0]
    assert line.flowcast.startswith("300,000 rec/s (columns; batch 200,000)")


def test_the_one_client_burst_shows_the_values_bridge_through_redis_beside_the_yardstick():
    fast, yardstick = measure(COLUMNS, delivered=300_000), measure(VALUES_BRIDGE, delivered=400_000)
    via = measure(VALUES_VIA_REDIS, delivered=320_000)
    [line] = lines({burst(1): {m.system: m for m in (fast, yardstick, via)}})
    assert line.values == "400,000; through Redis 320,000 (0.80 x)"
    assert line.ratio == "0.75" and line.verdict == "FAIL"  # judged against the values bridge


def test_the_one_client_burst_shows_each_systems_server_cpu_per_record_redis_included():
    def spent(system: System, delivered: float, servers: dict, redis: float) -> Measure:
        m = Measure(system.name, "", 0, 200_000, delivered=delivered, load_cpu=servers)
        m.load_cpu_shared = {"redis": redis, "broker": 0.4, "clients": 0.1}  # not the server's
        return m

    fast = spent(COLUMNS, 260_000, {"worker": 0.36, "daphne-0": 0.16}, redis=0.06)
    yardstick = spent(VALUES_BRIDGE, 330_000, {"bridge": 0.18}, redis=0.0)
    via = spent(VALUES_VIA_REDIS, 280_000, {"bridge": 0.22, "relay": 0.18}, redis=0.02)
    [line] = lines({burst(1): {m.system: m for m in (fast, yardstick, via)}})
    assert line.flowcast.endswith("; worker 1.8 us CPU per record; servers 2.9 us CPU per record")
    assert line.values == (
        "330,000; servers 0.9 us CPU per record; "
        "through Redis 280,000 (0.85 x; servers 2.1 us CPU per record)"
    )
    assert line.verdict == "FAIL"  # still judged on the rate against the values bridge


def test_the_hundred_client_burst_needs_four_fifths_of_the_values_bridge_and_nothing_missing():
    yardstick = measure(VALUES_BRIDGE, delivered=1_000_000)
    assert verdicts(burst(100), measure(COLUMNS, delivered=800_000), yardstick) == ["pass"]
    assert verdicts(burst(100), measure(COLUMNS, delivered=790_000), yardstick) == ["FAIL"]
    lossy = measure(COLUMNS, delivered=900_000, missing=3)
    assert verdicts(burst(100), lossy, yardstick) == ["FAIL"]


def test_a_measurement_cut_short_or_missing_its_yardstick_is_not_judged():
    cut = measure(COLUMNS, delivered=900_000, note="stopped: fleet deadline")
    assert verdicts(burst(100), cut, measure(VALUES_BRIDGE, delivered=1)) == ["n/a"]
    assert verdicts(burst(100), measure(COLUMNS, delivered=900_000)) == ["n/a"]


def paced(rate: float) -> Case:
    return Case("paced", 100, 0, rate, 15, (COLUMNS, VALUES_BRIDGE, BRIDGE), parse=True)


def test_latency_at_2k_is_held_to_the_values_bridge_on_p50_and_p99():
    yardstick = measure(VALUES_BRIDGE, p50=15.0, p99=30.0)
    assert verdicts(paced(2000), measure(COLUMNS, p50=15.0, p99=29.0), yardstick) == ["pass"]
    assert verdicts(paced(2000), measure(COLUMNS, p50=14.0, p99=31.0), yardstick) == ["FAIL"]


def test_latency_is_judged_on_flowcasts_best_format():
    case = Case("paced", 100, 0, 2000, 15, (COLUMNS, BATCH, VALUES_BRIDGE), parse=True)
    yardstick = measure(VALUES_BRIDGE, p50=15.0, p99=30.0)
    slow, fast = measure(COLUMNS, p50=40.0, p99=90.0), measure(BATCH, p50=14.0, p99=28.0)
    line = lines({case: {m.system: m for m in (slow, fast, yardstick)}})[0]
    assert (line.verdict, line.ratio) == ("pass", "0.93 / 0.93")
    assert "(batch frames" in line.measure
    assert line.flowcast == "14.0 / 28.0 ms; columns 40.0 / 90.0 ms"


def test_latency_at_200_has_absolute_limits_whatever_the_values_bridge_did():
    slow_yardstick = measure(VALUES_BRIDGE, p50=50.0, p99=90.0)
    assert verdicts(paced(200), measure(COLUMNS, p50=9.9, p99=25.0), slow_yardstick) == ["pass"]
    assert verdicts(paced(200), measure(COLUMNS, p50=10.1, p99=20.0), slow_yardstick) == ["FAIL"]


def test_two_hops_may_add_three_milliseconds_of_p50():
    two = System("flowcast 2 hops", "flowcast", "columns", hops=2)
    one = System("flowcast 1 hop", "flowcast", "columns")
    case = Case("twohop", 1, 0, 2000, 15, (two, one), parse=True)
    base = measure(one, p50=10.0, p99=20.0)
    assert verdicts(case, measure(two, p50=13.0, p99=20.0), base) == ["pass"]
    assert verdicts(case, measure(two, p50=13.2, p99=20.0), base) == ["FAIL"]


def test_two_hops_show_what_a_bare_forwarder_adds_on_the_same_broker():
    two = System("flowcast 2 hops", "flowcast", "columns", hops=2)
    one = System("flowcast 1 hop", "flowcast", "columns")
    case = Case("twohop", 1, 0, 2000, 15, (two, one, VALUES_TWO_HOPS, VALUES_ONE_HOP), parse=True)
    figures = [
        measure(two, p50=17.0, p99=40.0),
        measure(one, p50=8.0, p99=20.0),
        measure(VALUES_TWO_HOPS, p50=15.5, p99=30.0),
        measure(VALUES_ONE_HOP, p50=8.5, p99=21.0),
    ]
    [line] = lines({case: {m.system: m for m in figures}})
    assert line.values == "2 hops 15.5 / 30.0 ms, 1 hop 8.5 / 21.0 ms: +7.0 ms p50"
    assert line.verdict == "FAIL"  # judged on Flowcast's +9.0 alone


def crowd_measure(**changes) -> Measure:
    figures = {
        "server_pss_mb": 390.0,
        "ready_pss_mb": 150.0,
        "connected_pss_mb": 350.0,
        "connect": Connect(opened=10_000, seconds=19.0),
    }
    return measure(COLUMNS, **{**figures, **changes})


def test_ten_thousand_clients_need_every_record_a_fast_connect_and_little_memory():
    case = Case("crowd", 10_000, 0, 1.0, 30, (COLUMNS, VALUES_BRIDGE), True, 2)
    assert verdicts(case, crowd_measure()) == ["pass"]
    assert verdicts(case, crowd_measure(missing=1, clients_missing=1)) == ["FAIL"]
    assert verdicts(case, crowd_measure(connect=Connect(opened=10_000, seconds=21))) == ["FAIL"]
    assert verdicts(case, crowd_measure(server_pss_mb=401.0)) == ["FAIL"]
    assert verdicts(case, crowd_measure(refusals={"HTTP 429": 1})) == ["FAIL"]
    assert (
        "20 KB per connection" in lines({case: {"flowcast columns": crowd_measure()}})[0].flowcast
    )


def test_handshakes_need_a_thousand_a_second_for_secret_and_token_and_no_refusal():
    secret = System("flowcast secret", "flowcast", "columns")
    token = System("flowcast token", "flowcast", "columns", credential="token")
    case = Case("handshakes", 3000, systems=(secret, token, VALUES_BRIDGE))
    fast = Connect(opened=3000, seconds=2.5, server_cpu=2.4)
    slow = Connect(opened=3000, seconds=3.1)
    assert verdicts(case, measure(secret, connect=fast), measure(token, connect=fast)) == ["pass"]
    assert verdicts(case, measure(secret, connect=fast), measure(token, connect=slow)) == ["FAIL"]
    refused = measure(token, connect=fast, refusals={"HTTP 403": 2})
    assert verdicts(case, measure(secret, connect=fast), refused) == ["FAIL"]
    line = lines({case: {"flowcast secret": measure(secret, connect=fast)}})[0]
    assert "1,200/s, 0 refused, 0.80 ms CPU each" in line.flowcast


def test_the_fleet_processes_connect_lines_add_up_to_one_phase():
    phase = connect_phase(["connected 500 0 100.0 101.5 0.4", "connected 498 2 100.1 102.0 0.5"])
    assert (phase.opened, phase.failed, phase.seconds, phase.fleet_cpu) == (998, 2, 2.0, 0.9)
    assert phase.rate == 499.0


def test_the_table_has_a_row_per_second_lap_case_and_none_for_the_first_lap():
    first = Case("backlog", 1, 200_000)
    results = {first: {}, burst(1): {"flowcast columns": measure(COLUMNS, delivered=1.0)}}
    assert table(results).count("\n") == 2  # header, rule, one row


def test_a_paced_rate_keeps_its_own_linger_and_the_others_take_the_runs():
    from benchmarks.__main__ import parse, plan

    args = parse(
        ["--shapes", "paced,twohop", "--paced-rates", "2000,200@5,200@0", "--linger-ms", "1"]
    )
    lingers = [(case.shape, case.rate, case.linger_ms) for case in plan(args)]
    assert lingers == [
        ("paced", 2000.0, 1),
        ("paced", 200.0, 5),
        ("paced", 200.0, 0),
        ("twohop", 2000.0, 1),
    ]


def test_large_records_are_one_option_away():
    """The 2 KB records that showed the credit window's byte bound, without editing code."""
    import orjson

    from benchmarks.__main__ import parse, run_options
    from benchmarks.producer import value

    assert run_options(parse([])).value_bytes == 250
    size = run_options(parse(["--value-bytes", "2000"])).value_bytes
    record = value(7, 1.5, size)
    assert len(record) == 2000 and orjson.loads(record)["seq"] == 7


def test_a_repeated_burst_stands_on_its_median_round_and_shows_the_spread():
    rounds = [measure(COLUMNS, delivered=r) for r in (300_000, 250_000, 280_000)]
    median = median_round(rounds)
    assert (median.delivered, median.rounds) == (280_000, [300_000, 250_000, 280_000])
    bridge_rounds = (260_000, 400_000, 330_000)
    yardstick = median_round([measure(VALUES_BRIDGE, delivered=r) for r in bridge_rounds])
    line = lines({burst(1): {m.system: m for m in (median, yardstick)}})[0]
    assert line.flowcast.startswith("280,000 rec/s (columns, median of 3: 250,000-300,000)")
    assert line.values == "330,000, median of 3: 260,000-400,000"
    assert (line.ratio, line.verdict) == ("0.85", "FAIL")


def test_a_round_cut_short_makes_the_repeated_figure_unjudged():
    cut = measure(COLUMNS, delivered=900_000, note="stopped: fleet deadline")
    chosen = median_round([measure(COLUMNS, delivered=300_000), cut])
    yardstick = measure(VALUES_BRIDGE, delivered=1)
    assert chosen.note and verdicts(burst(1), chosen, yardstick) == ["n/a"]


def test_the_notes_give_every_rounds_rate():
    chosen = median_round([measure(COLUMNS, delivered=r) for r in (300_000, 250_000, 280_000)])
    text = notes({burst(1): {chosen.system: chosen}})
    assert "rec/s agg of each round 300,000 / 250,000 / 280,000" in text


def test_a_repeated_paced_case_stands_on_its_median_round_by_p99():
    case = paced(2000)
    rounds = [measure(COLUMNS, p50=p50, p99=p99) for p50, p99 in ((14, 44), (13, 27), (15, 30))]
    chosen = median_round(rounds, case)
    assert (chosen.p50, chosen.p99, chosen.rounds) == (15, 30, [44, 27, 30])
    yardstick = measure(VALUES_BRIDGE, p50=15.0, p99=31.0)
    line = lines({case: {m.system: m for m in (chosen, yardstick)}})[0]
    assert line.flowcast == "15.0 / 30.0 ms, median of 3 by p99: 27.0-44.0"
    assert line.verdict == "pass"
    assert "p99 ms of each round 44.0 / 27.0 / 30.0" in notes({case: {chosen.system: chosen}})


def test_paced_cases_run_rounds_and_a_smoke_run_one():
    from benchmarks.__main__ import parse, plan

    assert {c.repeat for c in plan(parse(["--shapes", "paced"]))} == {3}
    assert {c.repeat for c in plan(parse(["--shapes", "paced", "--quick"]))} == {1}


def test_the_notes_give_a_bursts_cpu_per_record_of_every_process_and_their_sum():
    chosen = Measure(COLUMNS.name, "", 0, 200_000, load_cpu={"worker": 0.38, "daphne-0": 0.16})
    chosen.load_cpu_shared = {"broker": 0.42, "clients": 0.1}
    text = notes({burst(1): {chosen.system: chosen}})
    assert "worker 1.9, daphne-0 0.8, broker 2.1, clients 0.5 = 5.3 us" in text
