/**
 * Live totals of card transactions (the demo's records, pipelines/dev/demo_traffic.py): counts by
 * status, counts and amounts by currency, and amounts per second for the rolling chart.
 * Totals count what this page received; resuming with `since` keeps them free of repeats.
 */
import type { WindowSeries } from "../../live/buckets";
import type { LiveRecord } from "../../live/frames";

export interface Transaction {
  amount: number;
  currency: string;
  status: string;
  id?: string;
  account?: string;
  merchant?: string;
  timestamp?: string;
}

export interface Tally {
  count: number;
  amount: number;
}

export const AMOUNT_WINDOW_SECONDS = 120;
/** Past this many, the chart shows the newest only: a busy stream still draws quickly. */
export const MAX_AMOUNT_POINTS = 2000;

/** The record's value as a transaction, or null when it lacks an amount, currency or status. */
export function asTransaction(value: unknown): Transaction | null {
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.amount !== "number" || !Number.isFinite(v.amount)) return null;
  if (typeof v.currency !== "string" || typeof v.status !== "string") return null;
  return v as unknown as Transaction;
}

/** Most of the latest records are transactions (a few odd ones don't spoil it). */
export function looksLikeTransactions(records: readonly LiveRecord[]): boolean {
  if (records.length < 5) return false;
  const hits = records.filter((r) => asTransaction(r.value) !== null).length;
  return hits / records.length >= 0.8;
}

/** When the transaction happened: its own time, else Kafka's, else when it arrived. */
export function transactionTime(tx: Transaction, record: LiveRecord): number {
  const own = tx.timestamp ? Date.parse(tx.timestamp) : Number.NaN;
  if (Number.isFinite(own)) return own;
  return record.timestamp ?? record.receivedAt;
}

function bump(tallies: Map<string, Tally>, key: string, amount: number): void {
  const tally = tallies.get(key) ?? { count: 0, amount: 0 };
  tally.count += 1;
  tally.amount += amount;
  tallies.set(key, tally);
}

export class TransactionTotals {
  count = 0;
  /** Records that were not transactions, left out of every total. */
  ignored = 0;
  readonly byStatus = new Map<string, Tally>();
  readonly byCurrency = new Map<string, Tally>();
  readonly amounts = new RecentAmounts(AMOUNT_WINDOW_SECONDS);

  add(records: readonly LiveRecord[]): void {
    for (const record of records) {
      const tx = asTransaction(record.value);
      if (!tx) {
        this.ignored += 1;
        continue;
      }
      this.count += 1;
      bump(this.byStatus, tx.status, tx.amount);
      bump(this.byCurrency, tx.currency, tx.amount);
      this.amounts.add(transactionTime(tx, record), tx.currency, tx.amount);
    }
  }

  /** Statuses by count, most frequent first, with their share of all transactions. */
  statusRows(): Array<{ status: string; count: number; share: number }> {
    return [...this.byStatus.entries()]
      .map(([status, t]) => ({ status, count: t.count, share: this.count ? t.count / this.count : 0 }))
      .sort((a, b) => b.count - a.count || a.status.localeCompare(b.status));
  }

  /** Currencies by count, with their total and average amount. */
  currencyRows(): Array<{ currency: string; count: number; amount: number; average: number }> {
    return [...this.byCurrency.entries()]
      .map(([currency, t]) => ({ currency, count: t.count, amount: t.amount, average: t.amount / t.count }))
      .sort((a, b) => b.count - a.count || a.currency.localeCompare(b.currency));
  }

  share(status: string): number {
    return this.count ? (this.byStatus.get(status)?.count ?? 0) / this.count : 0;
  }
}

interface AmountPoint {
  at: number; // unix seconds
  currency: string;
  amount: number;
}

/** Each recent transaction's amount at its time, by currency: the dots of the rolling chart. */
export class RecentAmounts {
  readonly windowSeconds: number;
  private points: AmountPoint[] = [];
  private seen: string[] = [];

  constructor(windowSeconds: number) {
    this.windowSeconds = windowSeconds;
  }

  add(atMs: number, currency: string, amount: number): void {
    this.points.push({ at: atMs / 1000, currency, amount });
    if (this.points.length > 2 * MAX_AMOUNT_POINTS)
      this.points.splice(0, this.points.length - MAX_AMOUNT_POINTS);
    if (!this.seen.includes(currency)) this.seen.push(currency);
  }

  /** Currencies in the order they first appeared (their colours stay put). */
  currencies(): string[] {
    return [...this.seen];
  }

  /** The window's points in time order, one series per currency (null where another's). */
  series(currencies: readonly string[], nowMs = Date.now()): WindowSeries {
    const from = nowMs / 1000 - this.windowSeconds;
    this.points = this.points.filter((p) => p.at >= from);
    const shown = this.points.slice(-MAX_AMOUNT_POINTS).sort((a, b) => a.at - b.at);
    return {
      x: shown.map((p) => p.at),
      ys: currencies.map((c) => shown.map((p) => (p.currency === c ? p.amount : null))),
    };
  }
}
