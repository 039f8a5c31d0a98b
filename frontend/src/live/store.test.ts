import { describe, expect, it } from "vitest";
import { TimeBuckets } from "./buckets";
import type { LiveRecord } from "./frames";
import { RecordStore } from "./store";

const T0 = 1_700_000_000_000; // a whole second

function records(from: number, count: number): LiveRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    seq: from + i,
    id: `0-${from + i}`,
    partition: 0,
    offset: from + i,
    timestamp: null,
    key: null,
    value: from + i,
    frame: null,
    receivedAt: T0,
  }));
}

describe("RecordStore", () => {
  it("shows queued records newest first after a flush, keeping at most `keep`", () => {
    const store = new RecordStore(3);
    store.add(records(1, 2), T0);
    expect(store.recent).toEqual([]);
    expect(store.received).toBe(0); // counted when shown, so the figures agree on screen
    expect(store.flush()).toBe(true);
    expect(store.recent.map((r) => r.seq)).toEqual([2, 1]);
    store.add(records(3, 2), T0);
    store.flush();
    expect(store.recent.map((r) => r.seq)).toEqual([4, 3, 2]);
    expect(store.flush()).toBe(false);
    expect(store.received).toBe(4);
  });

  it("keeps only the newest when far more arrive between two flushes", () => {
    const store = new RecordStore(5);
    for (let i = 0; i < 100; i += 1) store.add(records(i * 10, 10), T0);
    store.flush();
    expect(store.recent.map((r) => r.seq)).toEqual([999, 998, 997, 996, 995]);
    expect(store.received).toBe(1000);
  });

  it("counts what gap notices say was skipped and explains it", () => {
    const store = new RecordStore(5);
    store.control({ type: "gap", reason: "slow_client", missed: [{ partition: 1, from: 10, to: 19 }] });
    expect(store.skipped).toBe(10);
    expect(store.notice).toMatch(/10 records were skipped: this page fell behind/);
  });

  it("gives records/s as the mean of the last complete seconds", () => {
    const store = new RecordStore(5);
    store.add(records(0, 10), T0);
    store.add(records(10, 20), T0 + 1000);
    expect(store.perSecond(T0 + 2500, 2)).toBe(15);
  });
});

describe("TimeBuckets", () => {
  it("lays the window's complete seconds out for a chart, zeros where nothing came", () => {
    const buckets = new TimeBuckets(3);
    buckets.add(T0, "EUR", 5, T0);
    buckets.add(T0 + 1500, "USD", 2, T0 + 1500);
    buckets.add(T0 + 1800, "EUR", 1, T0 + 1800);
    const s = T0 / 1000;
    expect(buckets.series(["EUR", "USD"], T0 + 2100)).toEqual({
      x: [s - 1, s, s + 1],
      ys: [
        [0, 5, 1],
        [0, 0, 2],
      ],
    });
    expect(buckets.keys()).toEqual(["EUR", "USD"]);
  });

  it("ignores values older than the window and forgets seconds that left it", () => {
    const buckets = new TimeBuckets(2);
    buckets.add(T0 - 5000, "k", 1, T0);
    buckets.add(T0, "k", 1, T0);
    buckets.add(T0 + 10_000, "k", 1, T0 + 10_000);
    expect(buckets.series(["k"], T0 + 11_000).ys[0]).toEqual([0, 1]);
    expect(buckets.average("k", 2, T0 + 1000)).toBe(0);
  });
});

describe("the records/s window", () => {
  it("starts when the page started counting, not before", () => {
    const store = new RecordStore(5, T0);
    store.add(records(0, 4), T0 + 200);
    const s = T0 / 1000;
    expect(store.rateSeries(T0 + 3000)).toEqual({ x: [s, s + 1, s + 2], ys: [[4, 0, 0]] });
  });
});
