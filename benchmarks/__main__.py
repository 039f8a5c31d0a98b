"""`python -m benchmarks`: measure Flowcast against the reference bridges (DESIGN §11).

    python -m benchmarks                      # the full run (~15 min), writes RESULTS.md
    python -m benchmarks --quick              # a smoke run of every shape at small sizes
    python -m benchmarks --shapes latency --clients 1,100 --rate 2000 --seconds 15
    python -m benchmarks --shapes burst,paced --frame columns
    python -m benchmarks --shapes handshakes --handshakes 3000

First lap, against the bridge that builds envelopes (`batch` frames, clients that count
records without parsing them unless --parse):
  backlog     N records produced before anything reads, K clients drain them
  latency     a fixed rate (--rate) to K clients: latency from the send time in each value
  stall       backlog at K=1 plus one client that never reads (memory)

Second lap, against the values bridge (the bridge forwarding values only, one JSON array
per consume(500)), with clients that parse every record; Flowcast in --frame format:
  burst       clients connected, then N records produced at top speed: delivered rate,
              missing (K=1 in each of --burst-formats, the best judged; K=100)
  paced       --paced-rates to --paced-clients clients, in each of --paced-formats
  twohop      the seed's Kafka Consumer -> event -> producer against one hop, at --rate
  handshakes  --handshakes clients connect at once to one web process, secret then token:
              accepted/s, refusals, server CPU per handshake (and the values bridge's)
  crowd       --crowd clients over 2 web processes, 1 record/s for --crowd-seconds:
              every record to every client, time to connect, server PSS

Everything started is stopped at the end, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import math
import os
import shlex
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from benchmarks import provenance, report, second_lap
from benchmarks.cases import (
    BRIDGE,
    VALUES_BRIDGE,
    VALUES_ONE_HOP,
    VALUES_TWO_HOPS,
    VALUES_VIA_REDIS,
    Case,
    Options,
    Run,
    System,
)
from benchmarks.producer import VALUE_BYTES
from benchmarks.stack import BenchError, Procs, raise_open_files

SHAPES = ("backlog", "latency", "stall", "burst", "paced", "twohop", "handshakes", "crowd")
HERE = Path(__file__).resolve().parent
HANDSHAKE_FLEET = 4  # fleet processes of the handshakes shape: enough for daphne's pace
HANDSHAKE_FLIGHT = 10  # handshakes in flight per fleet process there (daphne's backlog: 50)
CROWD_PER_PROCESS = 1000  # crowd clients per fleet process (1 record/s each: little work)

METHOD = """
- Same box, same run, same load: for each system of a case (Flowcast, then the bridges)
  a fresh embedded broker (Tansu, memory) and Redis, and a topic of the same layout (3
  partitions, JSON values of --value-bytes, 250 by default, carrying `seq` and `sent`).
  The embedded broker's fetches cost more with every batch it holds, so a system never
  inherits one that another has filled. Flowcast: `daphne` (2 processes from K = 1000
  and in crowd, clients split between them) + one `run_component` worker (two hops: a
  second one for the Kafka Consumer), WebSocket Producer with Batch Size 500 in the frame
  format named (first lap: `batch`). Bridge:
  one process, `consume(500, timeout=0.005)` -> one JSON array of envelopes per batch ->
  `websockets.broadcast`; `fetch.wait.max.ms` and `fetch.queue.backoff.ms` as Flowcast's
  (5 and 5: librdkafka's default back-off paused a full prefetch queue for 1 s). Values
  bridge: the same process forwarding the values only, `b"[" + b",".join(values) + b"]"`
  per batch. Values via Redis (1-client burst only, shown beside the values bridge, not
  judged): the values bridge cut in two at Redis, the DESIGN's path with stock clients and
  no product code: a "relay" process reads Kafka and PUBLISHes each batch's frame
  (redis-py), the "bridge" process subscribes (redis.asyncio) and broadcasts. Its ratio to
  the values bridge is what splitting reading from serving costs on this box before
  Flowcast does anything. "servers N us CPU per record" beside each 1-client burst figure:
  the CPU of its server processes and Redis per record produced, from the load's start;
  with both cores busy, what the broker, the load generator and the client do not get.
  Values bridge 2 hops (two-hop case, not judged): a bare forwarder process (consume 500,
  produce each record to a second topic's same partition, flush; Flowcast's producer
  settings) in front of the values bridge, against the values bridge alone: what the
  broker makes a second hop cost with no product code.
- backlog: N records are produced before anything reads; clients connect, then the worker
  or bridge starts at the first offset. rec/s agg = all records delivered / (last receive
  of any client - first receive of any client): the drain rate, start-up excluded.
  Per-client rate = its records / (its last - its first receive).
- burst: the reader is assigned its partitions and the clients are connected, then N
  records are produced at the load generator's top speed (one Python producer in the
  orchestrator: "load rec/s"); rec/s agg as for backlog. The load generator takes most
  of a core, and the delivered rate cannot pass its rate by much: a system that starts
  delivering late shows a shorter first-to-last span, so "since load rec/s" (records /
  (last receive - start of production)) is shown next to it. "burst: server CPU
  us/record" is each server process's CPU from the start of production to the end, per
  record produced; the notes give the same for every process (broker, Redis, "bench" =
  the load generator, the clients) and the sum: with both cores busy, a system's rate goes
  as 1 / that sum, so the sums of two systems tell what their ratio can be.
- Rounds: the short cases judged on a rate (backlog below K = 1,000, the 1-client burst)
  run 3 rounds (`--rounds`), every system once per round, a fresh broker and Redis for
  each: each system's row is its median round by rec/s agg (the second-lap table gives the
  spread). One draw swung by up to half: the bridge's backlog K=100 read 4.0-7.5M rec/s
  in runs of the same code. The paced cases run rounds too, each system's median round
  by p99: one draw's 2k x 100 p99 ratio read 0.70-1.63, its 200 rec/s p50 8.8-10.7 ms in
  runs of the same code.
- latency, paced, twohop, crowd: the reader is assigned its partitions and the clients
  are connected, then records are produced at a fixed rate (producer linger.ms 5, as
  librdkafka's default: part of every latency, up to 5 ms; `--linger-ms`), each carrying
  its send time (ms); latency = receive time of the frame - send time, 0.1 ms buckets,
  over the auditor clients (every K/20th). `paced` at 200 rec/s runs twice: with linger
  5 ms (up to 5 ms before the broker has a record, for every system) and with a producer
  that does not linger (`200@0` in `--paced-rates`), which the absolute targets need.
- The embedded broker (Tansu 0.6, memory storage) spends CPU on each fetch in proportion
  to the batches a partition holds: one consumer at 2k rec/s with 5 ms linger took it
  from 41 % to 100 % of a core over 25 s (8-9 % with 50 ms linger, fewer batches). So
  a paced run's latency drifts up as its topic fills, and the two-hop case (a second
  topic, twice the fetches) pays the most: with the Kafka Consumer's 4 ms fill wait gone,
  most of what the second hop adds is the broker's own time.
- Clients run in processes of up to 250 (1,000 in crowd; 4 processes in handshakes):
  `websockets`' Sans-I/O protocol on a bare asyncio Protocol (benchmarks/wsclient.py),
  no compression. First lap: each tracks the unique offsets it holds without parsing
  JSON (benchmarks/tracking.py). Second lap (and `--parse`): each decodes every frame
  with orjson and reads every record's value (benchmarks/parsing.py): ids from
  `partition` + `offsets` (columns), each envelope's `partition`/`offset` (batch), or the
  `seq` in the value (values bridge: seq s is offset s // 3 of partition s % 3). Either
  way missing (expected - unique) and duplicates are exact for every client. They behave
  as DESIGN §6 asks: on a `slow_client` gap notice or a close 1001/1013/4000-4499 they
  reconnect with `?since=` (back-off after a close), and give up only after 60 s without
  a frame (`--idle`).
- Connecting: the fleet processes start, say they are ready, and get one signal to
  connect, each with up to 50 handshakes in flight (`--connect-concurrency`): a storm,
  as when a web process restarts under thousands of clients. In handshakes, 4 processes
  keep 10 each in flight: fewer than daphne's accept backlog, so the rate is the
  server's pace, not its clients' SYN resends (with 4 x 50 in flight 166 connections
  overflowed the backlog and 3,000 handshakes took 11.9 s at 1.5 ms of server CPU
  each). "connect s" runs from that signal to the last handshake done, over all
  processes; handshakes/s = connected / connect s. Server CPU during it is psutil
  cpu_times of the server processes (daphne; the worker too where it runs). In
  handshakes nothing streams and a refused handshake is not retried (every refusal
  counts, by HTTP status or error); elsewhere a client tries 4 times and each failed
  attempt is listed. "listen overflows" = the box's TcpExt ListenOverflows meanwhile:
  connections dropped because a server's accept queue was full (daphne listens with
  Twisted's default backlog of 50, the bridge with asyncio's 100); each such client
  resends its SYN after 1 s, then 3 s.
- Server CPU is per process over the whole case (a backlog worker's includes its
  start-up, ~1.5 s of Django and Kafka set-up); in brackets the part spent in the kernel
  as the kernel accounts it (for a server, mostly its socket sends; coarse on some VMs).
- Server RSS: psutil peak of the summed RSS of daphne + workers (Flowcast) or the bridge,
  sampled every 0.25 s, also noted when ready (fleet processes started, no client; a
  backlog worker is not started yet) and once the clients are connected. Broker, Redis
  and the orchestrator ("bench") are shown per process but not added in. "stalled client
  adds" = stall peak - backlog K=1 peak (RSS).
- Server PSS: the same peak with each shared page split between the processes mapping it
  (psutil `memory_full_info`, smaps_rollup), so Flowcast's processes count the shared
  interpreter and library pages once, not three times; the 300 and 400 MB targets are
  judged on it. (Pages the server shares with the fleet, broker or orchestrator are split
  with them too: a few MB, for both systems alike.) KB per connection = (PSS connected -
  PSS ready) / clients connected, both read with the fleet running.
- Box TCP buffers: peak of all TCP socket memory on the machine (/proc/net/sockstat),
  the clients' receive queues included. Past net.ipv4.tcp_mem's middle value (1.5 GB
  here) the kernel is under TCP memory pressure: it drops segments and some connections
  wait out retransmission timeouts, so a run over it has stragglers whichever side filled
  the buffers (a 1000-client backlog run of Flowcast peaked at 1.7 GB while the fleet
  still read frames mixing two partitions record by record; 0.45-0.55 GB since).
- Limits: clients, servers, broker, Redis and the load generator share the 2 cores, so at
  K >= 100 the client fleet competes with the servers for CPU (compare the fleet and
  server CPU columns); the ratios are what carries over to other machines, not the
  absolute rates. "other CPU s" is what the machine spent outside this benchmark's
  processes during a case (other work on the box, plus kernel time not charged to a
  process): when it is large, that case is noisy.
"""


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--shapes", default=",".join(SHAPES), help="Comma list of %(default)s.")
    p.add_argument("--clients", default=None, help="K of backlog and latency (1,100,1000).")
    p.add_argument("--records", type=int, default=None, help="Backlog and burst size (200000).")
    p.add_argument("--rate", type=float, default=2000, help="latency and twohop records/s.")
    p.add_argument(
        "--value-bytes",
        type=int,
        default=VALUE_BYTES,
        help="Size of each JSON value (%(default)s).",
    )
    p.add_argument("--seconds", type=float, default=None, help="Paced shapes' length (15).")
    p.add_argument("--parse", action="store_true", help="backlog, latency, stall: parsing too.")
    p.add_argument(
        "--linger-ms", type=int, default=5, help="The paced load's producer linger.ms (5)."
    )
    p.add_argument("--frame", default="columns", help="Flowcast's second-lap frame format.")
    p.add_argument(
        "--burst-formats", default="columns,batch", help="Flowcast's formats at burst K=1."
    )
    p.add_argument("--burst-clients", default=None, help="K of burst (1,100).")
    p.add_argument(
        "--rounds",
        type=int,
        default=None,
        help="Rounds of backlog below K=1,000 and the 1-client burst, the median reported "
        "(3; --quick 1).",
    )
    p.add_argument(
        "--paced-rates",
        default="2000,200,200@0",
        help="paced records/s, @linger.ms for a rate of its own (%(default)s).",
    )
    p.add_argument("--paced-formats", default="columns,batch", help="Flowcast's formats, paced.")
    p.add_argument("--paced-clients", type=int, default=None, help="K of paced (100).")
    p.add_argument("--handshakes", type=int, default=None, help="Clients connecting (3000).")
    p.add_argument("--crowd", type=int, default=None, help="crowd clients (10000).")
    p.add_argument("--crowd-seconds", type=float, default=None, help="crowd length (30).")
    p.add_argument(
        "--quick", action="store_true", help="Smoke run: small sizes, short, fewer systems."
    )
    p.add_argument("--audit", type=int, default=20, help="Auditor clients per measurement.")
    p.add_argument("--per-process", type=int, default=250, help="Clients per fleet process.")
    p.add_argument(
        "--connect-concurrency", type=int, default=50, help="Handshakes in flight per process."
    )
    p.add_argument(
        "--idle", type=float, default=60.0, help="A client gives up after this silence (s)."
    )
    p.add_argument("--deadline", type=float, default=1200, help="Longest a case may read (s).")
    p.add_argument("--max-server-mb", type=float, default=6000, help="Cut a run above this.")
    p.add_argument("--output", type=Path, default=None, help="Markdown results file.")
    p.add_argument("--keep", action="store_true", help="Keep the work dir (logs, database).")
    args = p.parse_args(argv)
    quick = args.quick
    args.clients = args.clients or ("1,10" if quick else "1,100,1000")
    args.records = args.records or (20_000 if quick else 200_000)
    args.seconds = args.seconds or (5.0 if quick else 15.0)
    args.burst_clients = args.burst_clients or ("1,10" if quick else "1,100")
    args.rounds = args.rounds or (1 if quick else 3)
    args.paced_clients = args.paced_clients or (10 if quick else 100)
    args.handshakes = args.handshakes or (300 if quick else 3000)
    args.crowd = args.crowd or (500 if quick else 10_000)
    args.crowd_seconds = args.crowd_seconds or (5.0 if quick else 30.0)
    if args.output is None and not quick:
        args.output = HERE / "RESULTS.md"
    args.shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    unknown = set(args.shapes) - set(SHAPES)
    if unknown:
        p.error(f"unknown shapes {sorted(unknown)}; choose from {', '.join(SHAPES)}")
    return args


def _ints(text: str) -> list[int]:
    return [int(k) for k in text.split(",") if k.strip()]


def flowcast(frame: str, name: str = "", **kwargs) -> System:
    return System(name or f"flowcast {frame}", "flowcast", frame, **kwargs)


def plan(args: argparse.Namespace) -> list[Case]:
    """First lap (envelope bridge, counting clients), then second lap (values bridge,
    parsing clients), in the order of DESIGN §11's tables."""
    shapes, frame = args.shapes, args.frame
    cases = [
        Case(shape, k, args.records, args.rate, args.seconds, parse=args.parse)
        for k in _ints(args.clients)
        for shape in ("backlog", "latency")
        if shape in shapes
    ]
    # Rounds where they are cheap (a backlog of 1,000 clients takes a minute a round).
    cases = [
        replace(c, repeat=args.rounds) if c.shape == "backlog" and c.clients < 1000 else c
        for c in cases
    ]
    if "stall" in shapes:  # one stalled client next to one reader: memory per client
        cases.append(Case("stall", 1, args.records, parse=args.parse))
    # A smoke run leaves out what exercises no code of its own: the envelope bridge (the
    # first lap runs it) and a second format at a paced rate.
    against = (VALUES_BRIDGE,) if args.quick else (VALUES_BRIDGE, BRIDGE)
    paced_formats = [frame] if args.quick else args.paced_formats.split(",")
    if "burst" in shapes:
        for k in _ints(args.burst_clients):
            formats = args.burst_formats.split(",") if k == 1 else [frame]
            systems = (*(flowcast(f) for f in formats), *against)
            if k == 1:  # what the DESIGN's worker -> Redis -> web split costs by itself
                systems += (VALUES_VIA_REDIS,)
            rounds = args.rounds if k == 1 else 1  # 100 clients: steadier, 3x longer
            cases.append(Case("burst", k, args.records, systems=systems, parse=True, repeat=rounds))
    if "paced" in shapes:
        for rate, linger in map(_rate_linger, args.paced_rates.split(",")):
            systems = (*(flowcast(f) for f in paced_formats), *against)
            # Judged on p50 / p99, which swing with the box: the median of rounds.
            case = Case("paced", args.paced_clients, 0, rate, args.seconds, systems, True)
            case = replace(case, repeat=args.rounds)
            cases.append(replace(case, linger_ms=args.linger_ms if linger is None else linger))
    if "twohop" in shapes:
        hops = (flowcast(frame, "flowcast 2 hops", hops=2), flowcast(frame, "flowcast 1 hop"))
        hops += (VALUES_TWO_HOPS, VALUES_ONE_HOP)  # what the broker adds, with no product code
        cases.append(Case("twohop", 1, 0, args.rate, args.seconds, hops, parse=True))
    if "handshakes" in shapes:
        systems = (
            flowcast(frame, "flowcast secret"),
            flowcast(frame, "flowcast token", credential="token"),
            VALUES_BRIDGE,
        )
        # One web process (the target is per process), several fleet processes, fewer
        # handshakes in flight than daphne's accept backlog: its pace, not SYN resends.
        one = Case("handshakes", args.handshakes, systems=systems, daphnes=1)
        cases.append(replace(one, fleet_processes=HANDSHAKE_FLEET, concurrency=HANDSHAKE_FLIGHT))
    if "crowd" in shapes:
        fleet = math.ceil(args.crowd / CROWD_PER_PROCESS)
        systems = (flowcast(frame), VALUES_BRIDGE)
        crowd = Case("crowd", args.crowd, 0, 1.0, args.crowd_seconds, systems, True, 2, fleet)
        cases.append(crowd)
    return [
        case if case.shape == "paced" else replace(case, linger_ms=args.linger_ms) for case in cases
    ]


def _rate_linger(text: str) -> tuple[float, int | None]:
    """`200` or `200@0` (records/s, and the load generator's linger.ms for that rate)."""
    rate, _, linger = text.partition("@")
    return float(rate), int(linger) if linger else None


def describe(case: Case) -> str:
    return report.label(case)


def _stop_on_sigterm(*_: object) -> None:
    raise KeyboardInterrupt


def run_options(args: argparse.Namespace) -> Options:
    return Options(
        per_process=args.per_process,
        audit=args.audit,
        idle=args.idle,
        deadline=args.deadline,
        max_server_mb=args.max_server_mb,
        connect_concurrency=args.connect_concurrency,
        value_bytes=args.value_bytes,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    signal.signal(signal.SIGHUP, _stop_on_sigterm)
    cases = plan(args)
    options = run_options(args)
    open_files = raise_open_files()
    code = provenance.code_version()  # before the run: others may commit meanwhile
    load_before = os.getloadavg()[0]
    if load_before > 0.5:
        print(f"Note: load average {load_before:.2f} before the run; figures will be noisy.")
    workdir = Path(tempfile.mkdtemp(prefix="flowcast-bench-"))
    results: report.Results = {}
    started = time.monotonic()
    finished = False
    try:
        with Procs(workdir) as procs:
            run = Run(procs, workdir, options)
            for case in cases:
                print(f"== {describe(case)}", flush=True)
                began = time.monotonic()
                try:
                    pair = run.case(case)
                except BenchError as exc:  # the embedded services or the pipeline set-up
                    run.failures += 1
                    print(f"   skipped: {exc}", file=sys.stderr, flush=True)
                    continue
                results[case] = pair
                for m in pair.values():
                    print(f"   {_line(m)}", flush=True)
                print(f"   ({time.monotonic() - began:.0f} s)", flush=True)
        finished = run.failures == 0
    except KeyboardInterrupt:
        print("Interrupted: every process was stopped.", file=sys.stderr)
        return 130
    finally:
        if args.keep or not finished:
            print(f"Work dir kept (logs, database): {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    minutes = (time.monotonic() - started) / 60
    tables = [report.comparison(results), second_lap.table(results), report.details(results)]
    tables.append(report.connects(results))
    print("\n" + "\n\n".join(t for t in tables if t.count("\n") > 1))  # not a bare header
    if args.output:
        command = "python -m benchmarks " + shlex.join(sys.argv[1:] if argv is None else argv)
        what = "; ".join(describe(c) for c in cases) + f" ({minutes:.1f} min)"
        load = f"{load_before:.2f} before the run, {os.getloadavg()[0]:.2f} after"
        limits = f"open files {open_files[0]:,} (hard {open_files[1]:,}), {provenance.port_range()}"
        text = report.markdown(results, command.strip(), what, METHOD, load, code, limits)
        args.output.write_text(text + "\n")
        print(f"\nWrote {args.output}")
    return 0


def _line(m) -> str:
    lat = f" p50/p99 {m.p50}/{m.p99} ms" if m.p50 is not None else ""
    c = m.connect
    refused = f", refused {sum(m.refusals.values()):,}" if m.refusals else ""
    return (
        f"{m.system:8} {m.delivered:>10,.0f} rec/s agg, missing {m.missing:,} "
        f"({m.clients_missing} clients), dups {m.duplicates}{lat}, RSS peak "
        f"{m.server_mb:,.0f} MB, PSS peak {m.server_pss_mb:,.0f} MB, CPU server "
        f"{m.server_cpu:.1f} s / fleet {m.fleet_cpu:.1f} s, resumes {m.resumes}, gaps {m.gaps}, "
        f"connected {c.opened:,} in {c.seconds:.2f} s ({c.rate:,.0f}/s){refused}"
        + "".join(f" [{text}]" for text in (m.note, m.events) if text)
    )


if __name__ == "__main__":
    sys.exit(main())
