"""Turn measurements into the DESIGN §11 verdicts: Flowcast / bridge ratios next to targets.

Targets are ratios to the bridge measured in the same run (or absolute, for latency and
memory), so a slower or busier machine moves both sides and the verdict stays meaningful.
The first lap's table is here; the second lap's (against the values bridge) is
benchmarks.second_lap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from benchmarks.cases import Case
from benchmarks.measure import Measure
from benchmarks.producer import LINGER_MS

Results = dict[Case, dict[str, Measure]]
FIRST_LAP = ("backlog", "latency", "stall")


def label(case: Case) -> str:
    """What a case is, in a line: shape, clients, load."""
    if case.load == "paced":
        linger = f", producer linger {case.linger_ms} ms" if case.linger_ms != LINGER_MS else ""
        load = f"{case.rate:g} rec/s for {case.seconds:g} s{linger}"
        return f"{case.shape} K={case.clients:,}: {load}"
    if case.load == "none":
        return f"{case.shape} K={case.clients:,}: connect only"
    extra = " + 1 stalled" if case.stalled else ""
    after = " produced after connect" if case.load == "burst" else ""
    rounds = f", median of {case.repeat} rounds" if case.repeat > 1 else ""
    return f"{case.shape} K={case.clients:,}{extra}: {case.records:,} records{after}{rounds}"


def ordered(results: Results) -> list[tuple[Case, dict[str, Measure]]]:
    """First-lap cases by K then shape (as before), then the second lap's in plan order."""
    first = sorted(
        ((c, r) for c, r in results.items() if c.shape in FIRST_LAP),
        key=lambda item: (item[0].clients, item[0].shape),
    )
    return first + [(c, r) for c, r in results.items() if c.shape not in FIRST_LAP]


@dataclass
class Row:
    shape: str
    clients: int
    measure: str
    flowcast: str
    bridge: str
    ratio: str = ""
    target: str = ""
    verdict: str = ""


def num(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "-"
    return f"{value:,.{digits}f}"


def _ratio(f: float | None, b: float | None) -> float | None:
    return f / b if f is not None and b else None


def _verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("pass" if ok else "FAIL")


def _cut(*measures: Measure) -> bool:
    return any(m.note for m in measures)


def rows(results: Results) -> list[Row]:
    out: list[Row] = []
    for case, pair in ordered(results):
        shape, k = case.shape, case.clients
        if shape not in FIRST_LAP or not {"flowcast", "bridge"} <= pair.keys():
            continue
        f, b = pair["flowcast"], pair["bridge"]
        add = _adder(out, shape, k)
        if shape in ("backlog", "latency"):
            ratio = _ratio(f.delivered, b.delivered)
            want = {1: 0.5, 100: 0.9, 1000: 0.9}.get(k) if shape == "backlog" else None
            ok = None if want is None or ratio is None or _cut(f, b) else ratio >= want
            target = f">= {want} x bridge" if want else ""
            add("delivered rec/s", num(f.delivered), num(b.delivered), ratio, target, ok)
            add("per-client median rec/s", num(f.client_median), num(b.client_median), None)
            missing_ok = f.missing == 0 if shape == "backlog" and k == 100 else None
            target = "0 (after resume)" if missing_ok is not None else ""
            add("records missing", num(f.missing), num(b.missing), None, target, missing_ok)
            add("duplicates", num(f.duplicates), num(b.duplicates), None)
        if shape == "latency":
            for q, limit in (("p50", 15.0), ("p95", None), ("p99", 40.0)):
                fv, bv = getattr(f, q), getattr(b, q)
                ok = fv <= limit if limit and k in (1, 100) and fv is not None else None
                target = f"<= {limit:g} ms" if ok is not None else ""
                add(f"latency {q} ms", num(fv, 1), num(bv, 1), _ratio(fv, bv), target, ok)
        add("server RSS peak MB (summed)", num(f.server_mb), num(b.server_mb), None)
        mem_ok = f.server_pss_mb <= 300 if k >= 1000 else None
        mem_target = "<= 300 MB" if mem_ok is not None else ""
        pss = (num(f.server_pss_mb), num(b.server_pss_mb))
        add("server PSS peak MB", *pss, None, mem_target, mem_ok)
        add("box TCP buffers peak MB", num(f.tcp_mb), num(b.tcp_mb), None)
        if shape == "stall":
            base = next((r for c, r in results.items() if (c.shape, c.clients) == BASE), None)
            fa = f.server_mb - base["flowcast"].server_mb if base else None
            ba = b.server_mb - base["bridge"].server_mb if base else None
            ok = fa <= 10 if fa is not None else None
            add("stalled client adds MB", num(fa), num(ba), None, "<= 10 MB", ok)
    return out


BASE = ("backlog", 1)  # what a stalled client's memory is compared with


def _adder(out: list[Row], shape: str, k: int):
    def add(measure, f, b, ratio, target="", ok=None):
        ratio_text = f"{ratio:.2f}" if ratio is not None else ""
        verdict = _verdict(ok) if target else ""
        out.append(Row(shape, k, measure, f, b, ratio_text, target, verdict))

    return add


def table(header: list[str], lines: Iterable[list[str]]) -> str:
    body = [header, ["---"] * len(header), *lines]
    return "\n".join("| " + " | ".join(str(c) for c in line) + " |" for line in body)


def comparison(results: Results) -> str:
    header = ["shape", "K", "measure", "Flowcast", "bridge", "F/B", "target", "verdict"]
    return table(
        header,
        (
            [r.shape, r.clients, r.measure, r.flowcast, r.bridge, r.ratio, r.target, r.verdict]
            for r in rows(results)
        ),
    )


def details(results: Results) -> str:
    header = [
        "case", "system", "rec/s agg", "since load rec/s", "load rec/s", "rec/s client med/min",
        "frames/client",
        "p50/p95/p99 ms",
        "missing (clients)", "dups", "resumes / gaps", "RSS MB ready / connected / peak",
        "server CPU s", "burst: server CPU us/record", "fleet CPU s", "other CPU s",
        "drain s",
        "by process: peak RSS, CPU (of it kernel)",
        "client endings", "note",
    ]  # fmt: skip
    lines = []
    for case, pair in ordered(results):
        for m in pair.values():
            lat = "/".join(num(v, 1) for v in (m.p50, m.p95, m.p99)) if m.p50 is not None else "-"
            lines.append(
                [
                    label(case) + (", parsing" if case.parse else ""),
                    m.system,
                    num(m.delivered),
                    num(m.since_load),
                    num(m.load_rate),
                    f"{num(m.client_median)} / {num(m.client_min)}",
                    num(m.frames_median),
                    lat,
                    f"{num(m.missing)} ({m.clients_missing})",
                    num(m.duplicates),
                    f"{m.resumes} / {m.gaps}",
                    f"{num(m.ready_mb)} / {num(m.connected_mb)} / {num(m.server_mb)}",
                    num(m.server_cpu, 1),
                    ", ".join(f"{k} {v:.1f}" for k, v in m.cpu_us_per_record().items()) or "-",
                    num(m.fleet_cpu, 1),
                    num(m.other_cpu, 1),
                    num(m.seconds, 1),
                    ", ".join(f"{k} {v}" for k, v in m.by_process.items()),
                    ", ".join(f"{k}: {v}" for k, v in m.endings.items()),
                    "; ".join(
                        filter(
                            None,
                            [
                                m.note,
                                m.events,
                                f"close codes {m.close_codes}" if m.close_codes else "",
                            ],
                        )
                    ),
                ]
            )
    return table(header, lines)


PER_CONNECTION_FROM = 100  # fewer connections are lost in the memory's noise


def connects(results: Results) -> str:
    """Every measurement's connect phase: how fast the clients got in, at what server cost."""
    header = [
        "case", "system", "connected", "failed", "refused attempts", "connect s",
        "handshakes/s", "server CPU s (ms each)", "fleet CPU s", "listen overflows",
        "PSS MB ready / connected", "KB per connection",
    ]  # fmt: skip
    lines = []
    for case, pair in ordered(results):
        for m in pair.values():
            c = m.connect
            added = m.connected_pss_mb - m.ready_pss_mb
            per = 1024 * added / c.opened if c.opened >= PER_CONNECTION_FROM else None
            lines.append(
                [
                    label(case),
                    m.system,
                    num(c.opened),
                    num(c.failed),
                    ", ".join(f"{k}: {v:,}" for k, v in sorted(m.refusals.items())) or "0",
                    num(c.seconds, 2),
                    num(c.rate),
                    f"{num(c.server_cpu, 2)} ({num(c.server_ms_each, 2)})",
                    num(c.fleet_cpu, 2),
                    num(c.overflows),
                    f"{num(m.ready_pss_mb)} / {num(m.connected_pss_mb)}",
                    num(per, 1),
                ]
            )
    return table(header, lines)


def notes(results: Results) -> str:
    """What a reader should not miss: cut runs, loss, resumes, refused or closed clients,
    and the spread of a case run in rounds."""
    lines = []
    for case, pair in ordered(results):
        for m in pair.values():
            where = f"{m.system}, {label(case)}"
            if m.note:
                lines.append(f"{where}: {m.note}.")
            if len(m.rounds) > 1 and case.load == "paced":
                each = " / ".join(f"{r:,.1f}" for r in m.rounds)
                lines.append(f"{where}: p99 ms of each round {each} (the median's row shown).")
            elif len(m.rounds) > 1:
                each = " / ".join(f"{r:,.0f}" for r in m.rounds)
                lines.append(f"{where}: rec/s agg of each round {each} (the median's row shown).")
            if m.load_cpu_shared:
                lines.append(
                    f"{where}: CPU per record from the load's start (bench: the load "
                    f"generator): {m.cpu_budget()}."
                )
            if m.other_cpu > 1.0:
                span = f"{m.seconds:.0f} s of delivery" if m.seconds else "the case"
                lines.append(
                    f"{where}: processes outside the benchmark used {m.other_cpu:.1f} CPU-s "
                    f"meanwhile (over {span}): figures are noisy."
                )
            if m.missing:
                lines.append(
                    f"{where}: {m.missing:,} records never reached {m.clients_missing} "
                    f"client(s), resumes included."
                )
            if m.resumes or m.gaps:
                lines.append(f"{where}: {m.resumes} resume(s), {m.gaps} gap notice(s).")
            if m.connect_failed:
                lines.append(f"{where}: {m.connect_failed} client(s) could not connect.")
            if m.refusals:
                refused = ", ".join(f"{k} x {v:,}" for k, v in sorted(m.refusals.items()))
                lines.append(f"{where}: handshake attempts failed: {refused}.")
            if m.close_codes:
                lines.append(f"{where}: server close codes {m.close_codes}.")
    lines = lines or ["Nothing unusual: no cut run, loss, resume or close."]
    return "\n".join(f"- {line}" for line in lines)


def _or_none(text: str) -> str:
    return text if text.count("\n") > 1 else "Not measured in this run."


def markdown(
    results: Results, command: str, plan: str, method: str, load: str, code: str, limits: str
) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    from benchmarks import provenance, second_lap  # second_lap builds on this module

    return "\n\n".join(
        [
            "# Flowcast benchmark results",
            f"- Date: {now}\n- Code: {code}\n- Machine: {provenance.machine()}; {limits}\n"
            f"- Load average (1 min): {load}\n"
            f"- Command: `{command}`\n- Run: {plan}",
            "## First lap: Flowcast against the reference bridge (DESIGN §11 targets)",
            _or_none(comparison(results)),
            "## Second lap: Flowcast against the values bridge (DESIGN §11 targets)",
            _or_none(second_lap.table(results)),
            "## Every measurement",
            details(results),
            "## Connecting",
            connects(results),
            "## Notes",
            notes(results),
            "## Method",
            method.strip(),
        ]
    )
