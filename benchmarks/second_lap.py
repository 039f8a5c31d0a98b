"""The DESIGN §11 second-lap table: Flowcast against the values bridge, with verdicts.

Each row is built from the case of its shape in the results, at the sizes of the run (a
`--quick` run fills the same rows at small sizes, with the same verdict rules), so a run
of some shapes shows the rows it has. A row whose measurements were cut short, or whose
yardstick is missing, is judged n/a.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from benchmarks import cases, report
from benchmarks.cases import Case
from benchmarks.measure import Measure
from benchmarks.producer import LINGER_MS
from benchmarks.report import Results, num

# The yardsticks' names, as the systems of benchmarks.cases carry them.
VALUES, BRIDGE, VIA_REDIS = cases.VALUES_BRIDGE.name, cases.BRIDGE.name, cases.VALUES_VIA_REDIS.name
BARE_HOPS = cases.VALUES_TWO_HOPS.name, cases.VALUES_ONE_HOP.name
# The paced case that must not saturate the box has absolute targets (p50, p99 ms); any
# other paced rate is held to the values bridge's latency.
ABSOLUTE_MS = {200.0: (10.0, 25.0)}
CROWD_CONNECT_S, CROWD_PSS_MB = 20.0, 400.0
HANDSHAKES_PER_S = 1000.0
TWO_HOPS_MS = 3.0
HEADER = ["measure", "target", "Flowcast", "values bridge", "F/VB", "bridge (envelopes)"]


@dataclass
class Line:
    measure: str
    target: str
    flowcast: str
    values: str = "-"
    ratio: str = ""
    bridge: str = "-"
    verdict: str = "n/a"

    def cells(self) -> list[str]:
        return [self.measure, self.target, self.flowcast, self.values, self.ratio, self.bridge]


def lines(results: Results) -> list[Line]:
    builders: dict[str, Callable[[Case, dict[str, Measure]], Line]] = {
        "burst": burst,
        "paced": paced,
        "twohop": two_hops,
        "crowd": crowd,
        "handshakes": handshakes,
    }
    return [builders[c.shape](c, ms) for c, ms in results.items() if c.shape in builders]


def table(results: Results) -> str:
    rows = ([*line.cells(), line.verdict] for line in lines(results))
    return report.table([*HEADER, "verdict"], rows)


def _clients(case: Case) -> str:
    return f"{case.clients:,} client{'s' if case.clients != 1 else ''}"


def _flowcast(measures: dict[str, Measure]) -> list[Measure]:
    return [m for name, m in measures.items() if name.startswith("flowcast")]


def _judge(ok: bool, *measures: Measure | None) -> str:
    if any(m is None or m.note for m in measures):
        return "n/a"
    return "pass" if ok else "FAIL"


def _missing(m: Measure) -> str:
    return f", missing {m.missing:,}" if m.missing else ""


def _rounds(m: Measure) -> str:
    """A repeated case's spread: the figure shown is the median round's."""
    if len(m.rounds) < 2:
        return ""
    return f", median of {len(m.rounds)}: {num(min(m.rounds))}-{num(max(m.rounds))}"


def _server(m: Measure) -> str:
    """The server side's CPU per record (its processes and Redis): in a burst every core of
    the box is busy, and what the server takes the broker, the load and the clients lack."""
    us = m.server_us_per_record()
    return "" if us is None else f"; servers {us:.1f} us CPU per record"


def burst(case: Case, ms: dict[str, Measure]) -> Line:
    fast = max(_flowcast(ms), key=lambda m: m.delivered)
    vb, br = ms.get(VALUES), ms.get(BRIDGE)
    one = case.clients == 1
    want = 1.0 if one else 0.8
    others = [m for m in _flowcast(ms) if m is not fast]
    text = f"{num(fast.delivered)} rec/s ({fast.system.removeprefix('flowcast ')}{_rounds(fast)}"
    text += "".join(f"; {m.system.removeprefix('flowcast ')} {num(m.delivered)}" for m in others)
    text += ")" + _missing(fast)
    worker = fast.cpu_us_per_record().get("worker")
    if worker is not None:
        text += f"; worker {worker:.1f} us CPU per record"
    text += _server(fast)
    ratio = fast.delivered / vb.delivered if vb and vb.delivered else None
    ok = ratio is not None and ratio >= want and (one or fast.missing == 0)
    values = f"{num(vb.delivered)}{_missing(vb)}{_rounds(vb)}{_server(vb)}" if vb else "-"
    via = ms.get(VIA_REDIS)
    if vb and vb.delivered and via is not None:
        values += f"; through Redis {num(via.delivered)} ({via.delivered / vb.delivered:.2f} x"
        values += f"{_server(via)})"
    return Line(
        f"{case.records:,} burst produced after connect, {_clients(case)}, "
        + ("fastest format" if one else f"{fast.system.removeprefix('flowcast ')} frames")
        + ", parsing clients",
        f">= {want:.1f} x values bridge" + ("" if one else ", 0 missing"),
        text,
        values,
        num(ratio, 2),
        f"{num(br.delivered)}{_missing(br)}" if br else "-",
        _judge(ok, fast, vb),
    )


def _p(m: Measure | None) -> str:
    if m is None:
        return "-"
    spread = ""
    if len(m.rounds) > 1:  # ordered by p99 (cases.round_figure)
        low, high = num(min(m.rounds), 1), num(max(m.rounds), 1)
        spread = f", median of {len(m.rounds)} by p99: {low}-{high}"
    return f"{num(m.p50, 1)} / {num(m.p99, 1)} ms{spread}{_missing(m)}"


def paced(case: Case, ms: dict[str, Measure]) -> Line:
    """Judged on Flowcast's best format here: the one furthest below its targets."""
    vb, br = ms.get(VALUES), ms.get(BRIDGE)
    limits = ABSOLUTE_MS.get(case.rate)
    if limits is None and vb is not None and vb.p50 and vb.p99:
        limits = (vb.p50, vb.p99)

    def worst(m: Measure) -> float:
        if limits is None or m.p50 is None or m.p99 is None or m.missing:
            return float("inf")
        return max(m.p50 / limits[0], m.p99 / limits[1])

    f = min(_flowcast(ms), key=worst)
    others = "".join(
        f"; {m.system.removeprefix('flowcast ')} {_p(m)}" for m in _flowcast(ms) if m is not f
    )
    linger = f", producer linger {case.linger_ms} ms" if case.linger_ms != LINGER_MS else ""
    measure = (
        f"{case.rate:g} records/s{linger}, {_clients(case)}, p50 / p99 "
        f"({f.system.removeprefix('flowcast ')} frames, parsing clients)"
    )
    ratios = [f.p50 / vb.p50, f.p99 / vb.p99] if vb and vb.p50 and vb.p99 and f.p50 else None
    if case.rate in ABSOLUTE_MS:
        target = f"<= {limits[0]:g} ms / <= {limits[1]:g} ms"
        verdict = _judge(worst(f) <= 1.0, f)
    else:
        target = "<= 1.0 x values bridge"
        verdict = _judge(worst(f) <= 1.0, f, vb)
    ratio = " / ".join(f"{r:.2f}" for r in ratios) if ratios else ""
    return Line(measure, target, _p(f) + others, _p(vb), ratio, _p(br), verdict)


def _hops(two: Measure | None, one: Measure | None) -> tuple[float | None, str]:
    """What the second hop added to p50, and the text that shows it."""
    added = two.p50 - one.p50 if two and one and two.p50 is not None and one.p50 else None
    sign = "+" if (added or 0) >= 0 else ""
    return added, f"2 hops {_p(two)}, 1 hop {_p(one)}: {sign}{num(added, 1)} ms p50"


def two_hops(case: Case, ms: dict[str, Measure]) -> Line:
    two, one = ms.get("flowcast 2 hops"), ms.get("flowcast 1 hop")
    added, text = _hops(two, one)
    bare = tuple(map(ms.get, BARE_HOPS))
    return Line(
        f"Kafka Consumer -> event -> producer vs one hop, p50 at {case.rate:g} records/s, "
        f"{_clients(case)}",
        f"+ <= {TWO_HOPS_MS:g} ms",
        text,
        _hops(*bare)[1] if any(bare) else "-",
        verdict=_judge(added is not None and added <= TWO_HOPS_MS, two, one),
    )


def _crowd_text(m: Measure | None) -> str:
    if m is None:
        return "-"
    c = m.connect
    added = m.connected_pss_mb - m.ready_pss_mb
    each = f", {1024 * added / c.opened:,.0f} KB per connection" if c.opened else ""
    return (
        f"missing {m.missing:,} ({m.clients_missing:,} clients); {c.opened:,} connected in "
        f"{c.seconds:.1f} s, {c.failed:,} failed; PSS peak {m.server_pss_mb:,.0f} MB{each}"
    )


def crowd(case: Case, ms: dict[str, Measure]) -> Line:
    f, vb = _flowcast(ms)[0], ms.get(VALUES)
    c = f.connect
    ok = (
        f.missing == 0
        and c.failed == 0
        and not f.refusals
        and c.seconds <= CROWD_CONNECT_S
        and f.server_pss_mb <= CROWD_PSS_MB
    )
    return Line(
        f"{case.clients:,} clients over {case.daphnes} web processes, {case.rate:g} record/s "
        f"for {case.seconds:g} s",
        f"every record to every client; all connected in <= {CROWD_CONNECT_S:g} s, none "
        f"refused; server PSS <= {CROWD_PSS_MB:g} MB",
        _crowd_text(f),
        _crowd_text(vb),
        verdict=_judge(ok, f),
    )


def _rate(m: Measure | None) -> str:
    if m is None:
        return "-"
    c, refused = m.connect, sum(m.refusals.values())
    return f"{num(c.rate)}/s, {refused:,} refused, {num(c.server_ms_each, 2)} ms CPU each"


def handshakes(case: Case, ms: dict[str, Measure]) -> Line:
    fs, vb = _flowcast(ms), ms.get(VALUES)
    text = "; ".join(f"{m.system.removeprefix('flowcast ')} {_rate(m)}" for m in fs)
    slowest = min(fs, key=lambda m: m.connect.rate)
    ok = all(
        m.connect.rate >= HANDSHAKES_PER_S and not m.refusals and not m.connect.failed for m in fs
    )
    ratio = slowest.connect.rate / vb.connect.rate if vb and vb.connect.rate else None
    return Line(
        f"handshakes per web process, {case.clients:,} clients at once (issue 19), secret and "
        "token",
        f">= {HANDSHAKES_PER_S:,.0f}/s, none refused",
        text,
        _rate(vb),
        num(ratio, 2),
        verdict=_judge(ok, *fs),
    )
