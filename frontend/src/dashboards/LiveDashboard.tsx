/** A producer's live page: connection, records/s, and the latest records as a table. */
import { useCallback, useDeferredValue, useEffect, useMemo, useState } from "react";
import type { LiveRecord } from "../live/frames";
import { RATE_WINDOW_SECONDS } from "../live/store";
import { streamSourceOf, useLiveStream } from "../hooks/useLiveStream";
import { PauseIcon, PlayIcon } from "../ui/Icons";
import { SearchBox } from "../ui/SearchBox";
import { type PageContext, TopBar } from "../ui/shell";
import { mergeColumns } from "./columns";
import { matches, parseQuery } from "./filter";
import { formatCount, formatRate } from "../ui/format";
import { ProducerHeader } from "./ProducerHeader";
import { RecordDetail } from "./RecordDetail";
import { RecordTable } from "./RecordTable";
import { StatCards } from "./StatCards";
import { TimeChart } from "./TimeChart";
import { looksLikeTransactions } from "./transactions/totals";
import { useProducer, useRecountWhenOpen } from "./useProducer";

/** Records kept for the filter to search; the table shows the newest SHOWN of them. */
const KEPT = 1000;
const SHOWN = 100;
const RATE_SERIES = [{ label: "records/s", color: "#2457d6" }];

const instances = (n: number) => `${n} instance${n === 1 ? "" : "s"}`;

interface Paused {
  records: LiveRecord[];
  received: number;
}

export function LiveDashboard({ context, componentId }: { context: PageContext; componentId: number }) {
  const { producer, status, error, reload } = useProducer(componentId);
  const live = useLiveStream(streamSourceOf(producer), { keep: KEPT });
  useRecountWhenOpen(live.connection.status === "open", reload);
  const { store, tick } = live;
  const [paused, setPaused] = useState<Paused | null>(null);
  const [query, setQuery] = useState("");
  const [opened, setOpened] = useState<LiveRecord | null>(null);
  const [columns, setColumns] = useState<string[]>([]);

  const recent = store.recent;
  useEffect(() => {
    setColumns((known) => {
      const next = mergeColumns(known, recent.slice(0, 50));
      return next.length === known.length ? known : next;
    });
  }, [recent]);

  const source = paused ? paused.records : recent;
  const deferredQuery = useDeferredValue(query);
  const shown = useMemo(() => {
    const words = parseQuery(deferredQuery);
    const found: LiveRecord[] = [];
    for (const r of source) {
      if (found.length >= SHOWN) break;
      if (matches(r, words)) found.push(r);
    }
    return found;
  }, [source, deferredQuery]);

  // `tick` changes on every refresh: that is when the window has moved on.
  const rateSeries = useMemo(() => store.rateSeries(), [store, tick]);
  const open = useCallback((r: LiveRecord) => setOpened(r), []);
  const offerTransactions =
    producer !== null &&
    !producer.dashboards.some((d) => d.kind === "transactions") &&
    looksLikeTransactions(recent.slice(0, 20));

  return (
    <div className="page">
      <TopBar context={context} />
      <main className="dash-page">
        <ProducerHeader producer={producer} live={live} kind="live" loadError={error} />
        <StatCards
          stats={[
            {
              label: "Received",
              value: formatCount(store.received),
              hint: "Records since this page opened",
              testId: "received",
            },
            {
              label: "Records/s",
              value: formatRate(store.perSecond()),
              hint: "Mean of the last 5 seconds",
              testId: "rate",
            },
            {
              label: "Connected clients",
              value: formatCount(status?.clients),
              hint: "Open WebSocket sessions of this producer, this page included",
              testId: "clients",
            },
            {
              label: "Producer",
              value: status?.state ?? "—",
              note: status ? instances(status.instances) : undefined,
              hint: "Whether its workers run, and how many",
              testId: "state",
            },
          ]}
        />
        <section className="card" aria-labelledby="rate-title">
          <div className="card-header">
            <h2 id="rate-title">Records per second</h2>
            <span className="muted small">last {RATE_WINDOW_SECONDS} s, as this page receives them</span>
          </div>
          <TimeChart
            series={RATE_SERIES}
            data={rateSeries}
            label="Records per second"
            windowSeconds={RATE_WINDOW_SECONDS}
            height={160}
          />
        </section>
        {offerTransactions && (
          <p className="banner banner-info">
            These records look like card transactions.{" "}
            <a href={`/dashboards/${componentId}/transactions/`}>Open the Transactions view</a>
          </p>
        )}
        <section className="card" aria-labelledby="records-title">
          <div className="card-header">
            <h2 id="records-title">Latest records</h2>
            <SearchBox
              className="records-filter"
              small
              label="Filter records"
              placeholder="Filter: words in the id, key or value"
              value={query}
              onChange={setQuery}
            />
            <span className="muted small records-count">
              {shown.length} shown of {formatCount(source.length)} kept
            </span>
            <button
              type="button"
              className={paused ? "button button-small button-primary" : "button button-small"}
              onClick={() => setPaused(paused ? null : { records: recent, received: store.received })}
              aria-pressed={paused !== null}
            >
              {paused ? (
                <>
                  <PlayIcon /> Resume ({formatCount(store.received - paused.received)} new)
                </>
              ) : (
                <>
                  <PauseIcon /> Pause
                </>
              )}
            </button>
          </div>
          <RecordTable
            records={shown}
            columns={columns}
            positions={producer?.frame_format !== "raw"}
            onOpen={open}
            empty={
              source.length && query
                ? "No kept record matches the filter."
                : "Waiting for records… they appear here as they arrive."
            }
          />
        </section>
      </main>
      {opened && <RecordDetail record={opened} onClose={() => setOpened(null)} />}
    </div>
  );
}
