/** The demo's Transactions dashboard: live totals, amounts per second, latest transactions. */
import { useCallback, useMemo, useState } from "react";
import type { LiveRecord } from "../../live/frames";
import { streamSourceOf, useLiveStream } from "../../hooks/useLiveStream";
import { type PageContext, TopBar } from "../../ui/shell";
import { formatAmount, formatCount, formatRate, formatTime } from "../../ui/format";
import { ProducerHeader } from "../ProducerHeader";
import { RecordDetail } from "../RecordDetail";
import { StatCards } from "../StatCards";
import { TimeChart } from "../TimeChart";
import { useProducer, useRecountWhenOpen } from "../useProducer";
import { AMOUNT_WINDOW_SECONDS, TransactionTotals, asTransaction } from "./totals";

const LATEST = 15;
// Colour per currency in the order currencies first appear; stable for the page's life.
const PALETTE = ["#2457d6", "#16794a", "#c2410c", "#7c4ddb", "#0e7490", "#b91c1c", "#4d7c0f", "#a16207"];

export function TransactionsDashboard({
  context,
  componentId,
}: {
  context: PageContext;
  componentId: number;
}) {
  const { producer, error, reload } = useProducer(componentId);
  const [totals] = useState(() => new TransactionTotals());
  const [since] = useState(() => Date.now());
  const onRecords = useCallback((records: LiveRecord[]) => totals.add(records), [totals]);
  const live = useLiveStream(streamSourceOf(producer), { keep: 200, onRecords });
  useRecountWhenOpen(live.connection.status === "open", reload);
  const { store, tick } = live;
  const [opened, setOpened] = useState<LiveRecord | null>(null);

  const currencies = totals.amounts.currencies();
  const series = useMemo(
    () =>
      currencies.map((c, i) => ({
        label: c,
        color: PALETTE[i % PALETTE.length]!,
        format: (amount: number) => formatAmount(amount, c),
      })),
    [currencies.join(",")],
  );
  const amountSeries = useMemo(() => totals.amounts.series(currencies), [tick, series]);
  const latest = useMemo(
    () => store.recent.filter((r) => asTransaction(r.value) !== null).slice(0, LATEST),
    [store.recent],
  );
  const percent = (status: string) => `${Math.round(totals.share(status) * 100)} %`;

  return (
    <div className="page">
      <TopBar context={context} />
      <main className="dash-page">
        <ProducerHeader
          producer={producer}
          live={live}
          kind="transactions"
          title="Transactions"
          loadError={error}
        />
        <StatCards
          stats={[
            {
              label: "Transactions",
              value: formatCount(totals.count),
              hint: `Since ${new Date(since).toLocaleTimeString()}`,
              testId: "transactions",
            },
            { label: "Approved", value: percent("approved"), testId: "approved" },
            { label: "Declined", value: percent("declined"), testId: "declined" },
            { label: "Per second", value: formatRate(store.perSecond()), testId: "rate" },
          ]}
        />
        <div className="dash-grid">
          <section className="card" aria-labelledby="status-title">
            <div className="card-header">
              <h2 id="status-title">By status</h2>
              <span className="muted small">since {new Date(since).toLocaleTimeString()}</span>
            </div>
            <table className="table table-compact totals" aria-label="Totals by status">
              <thead>
                <tr>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Count
                  </th>
                  <th scope="col">Share</th>
                </tr>
              </thead>
              <tbody>
                {totals.statusRows().map((row) => (
                  <tr key={row.status} data-status={row.status}>
                    <td>
                      <TxStatus status={row.status} />
                    </td>
                    <td className="num">{formatCount(row.count)}</td>
                    <td className="share">
                      <span className="share-bar" aria-hidden="true">
                        <span
                          className={`share-fill tx-${row.status}`}
                          style={{ width: `${row.share * 100}%` }}
                        />
                      </span>
                      <span className="share-value">{(row.share * 100).toFixed(1)} %</span>
                    </td>
                  </tr>
                ))}
                {totals.count === 0 && <EmptyRow span={3} />}
              </tbody>
            </table>
          </section>
          <section className="card" aria-labelledby="currency-title">
            <div className="card-header">
              <h2 id="currency-title">By currency</h2>
            </div>
            <table className="table table-compact totals" aria-label="Totals by currency">
              <thead>
                <tr>
                  <th scope="col">Currency</th>
                  <th scope="col" className="num">
                    Count
                  </th>
                  <th scope="col" className="num">
                    Total
                  </th>
                  <th scope="col" className="num">
                    Average
                  </th>
                </tr>
              </thead>
              <tbody>
                {totals.currencyRows().map((row) => (
                  <tr key={row.currency} data-currency={row.currency}>
                    <td className="mono">{row.currency}</td>
                    <td className="num">{formatCount(row.count)}</td>
                    <td className="num">{formatAmount(row.amount, row.currency)}</td>
                    <td className="num muted">{formatAmount(row.average, row.currency)}</td>
                  </tr>
                ))}
                {totals.count === 0 && <EmptyRow span={4} />}
              </tbody>
            </table>
          </section>
        </div>
        <section className="card" aria-labelledby="amounts-title">
          <div className="card-header">
            <h2 id="amounts-title">Amounts</h2>
            <span className="muted small">
              each transaction by currency, last {AMOUNT_WINDOW_SECONDS / 60} minutes
            </span>
          </div>
          <TimeChart
            series={series}
            data={amountSeries}
            label="Transaction amounts over the last minutes, by currency"
            windowSeconds={AMOUNT_WINDOW_SECONDS}
            mode="points"
            height={220}
            format={formatCount}
            wholeSteps
          />
        </section>
        <section className="card" aria-labelledby="latest-title">
          <div className="card-header">
            <h2 id="latest-title">Latest transactions</h2>
          </div>
          <table className="table table-compact" aria-label="Latest transactions">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Merchant</th>
                <th scope="col">Account</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {latest.map((record) => {
                const tx = asTransaction(record.value)!;
                return (
                  <tr
                    key={record.seq}
                    className="record-row"
                    tabIndex={0}
                    data-record-id={record.id ?? undefined}
                    onClick={() => setOpened(record)}
                    onKeyDown={(e) => e.key === "Enter" && setOpened(record)}
                  >
                    <td className="mono muted">
                      {formatTime(tx.timestamp ? Date.parse(tx.timestamp) : record.receivedAt)}
                    </td>
                    <td>{tx.merchant ?? ""}</td>
                    <td className="mono">{tx.account ?? record.key ?? ""}</td>
                    <td className="num">{formatAmount(tx.amount, tx.currency)}</td>
                    <td>
                      <TxStatus status={tx.status} />
                    </td>
                  </tr>
                );
              })}
              {latest.length === 0 && <EmptyRow span={5} />}
            </tbody>
          </table>
        </section>
      </main>
      {opened && <RecordDetail record={opened} onClose={() => setOpened(null)} />}
    </div>
  );
}

function TxStatus({ status }: { status: string }) {
  return <span className={`tx-status tx-${status}`}>{status}</span>;
}

function EmptyRow({ span }: { span: number }) {
  return (
    <tr>
      <td colSpan={span} className="records-empty muted">
        Waiting for transactions…
      </td>
    </tr>
  );
}
