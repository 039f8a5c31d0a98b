import { describe, expect, it } from "vitest";
import type { LiveRecord } from "../../live/frames";
import { TransactionTotals, asTransaction, looksLikeTransactions } from "./totals";

const NOW = Date.parse("2030-01-01T12:00:00.000Z");
let seq = 0;
const rec = (value: unknown): LiveRecord => ({
  seq: ++seq,
  id: `0-${seq}`,
  partition: 0,
  offset: seq,
  timestamp: NOW - 500,
  key: null,
  value,
  frame: value,
  receivedAt: NOW,
});
const tx = (status: string, currency: string, amount: number, timestamp?: string) =>
  rec({ id: `tx-${seq}`, account: "ACC-1000", merchant: "BookNook", status, currency, amount, timestamp });

describe("asTransaction", () => {
  it("needs a numeric amount, a currency and a status", () => {
    expect(asTransaction({ amount: 3.5, currency: "EUR", status: "approved" })).not.toBeNull();
    expect(asTransaction({ amount: "3.5", currency: "EUR", status: "approved" })).toBeNull();
    expect(asTransaction({ amount: 3.5, status: "approved" })).toBeNull();
    expect(asTransaction("text")).toBeNull();
  });
});

describe("TransactionTotals", () => {
  it("counts by status and sums amounts by currency", () => {
    const totals = new TransactionTotals();
    totals.add([
      tx("approved", "EUR", 10),
      tx("approved", "USD", 5),
      tx("declined", "EUR", 2.5),
      rec({ note: "x" }),
    ]);
    expect(totals.count).toBe(3);
    expect(totals.ignored).toBe(1);
    expect(totals.statusRows()).toEqual([
      { status: "approved", count: 2, share: 2 / 3 },
      { status: "declined", count: 1, share: 1 / 3 },
    ]);
    expect(totals.currencyRows()).toEqual([
      { currency: "EUR", count: 2, amount: 12.5, average: 6.25 },
      { currency: "USD", count: 1, amount: 5, average: 5 },
    ]);
    expect(totals.share("declined")).toBeCloseTo(1 / 3);
    expect(totals.share("pending")).toBe(0);
  });

  it("charts each amount at the transaction's own time, by currency", () => {
    const totals = new TransactionTotals();
    const earlier = new Date(NOW - 3000).toISOString();
    totals.add([tx("approved", "EUR", 4), tx("approved", "EUR", 10, earlier), tx("pending", "GBP", 1)]);
    const s = NOW / 1000;
    expect(totals.amounts.currencies()).toEqual(["EUR", "GBP"]);
    expect(totals.amounts.series(["EUR", "GBP"], NOW + 1000)).toEqual({
      // in time order; without a time of its own a transaction takes Kafka's (NOW - 500 ms)
      x: [s - 3, s - 0.5, s - 0.5],
      ys: [
        [10, 4, null],
        [null, null, 1],
      ],
    });
  });

  it("forgets amounts older than the window", () => {
    const totals = new TransactionTotals();
    totals.add([tx("approved", "EUR", 4)]);
    expect(totals.amounts.series(["EUR"], NOW + 121_000).x).toEqual([]);
    expect(totals.count).toBe(1);
  });
});

describe("looksLikeTransactions", () => {
  it("says yes when most of the latest records are transactions", () => {
    const mostly = [...Array.from({ length: 9 }, () => tx("approved", "EUR", 1)), rec({ other: 1 })];
    expect(looksLikeTransactions(mostly)).toBe(true);
    expect(looksLikeTransactions([rec(1), rec(2), rec(3), rec(4), tx("approved", "EUR", 1)])).toBe(false);
    expect(looksLikeTransactions([tx("approved", "EUR", 1)])).toBe(false);
  });
});
