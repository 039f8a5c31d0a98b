import { describe, expect, it } from "vitest";
import type { LiveRecord } from "../live/frames";
import { VALUE_COLUMN, cellValue, formatCell, mergeColumns } from "./columns";
import { matches, parseQuery } from "./filter";

let seq = 0;
const rec = (value: unknown, key: string | null = null): LiveRecord => ({
  seq: ++seq,
  id: `0-${seq}`,
  partition: 0,
  offset: seq,
  timestamp: null,
  key,
  value,
  frame: value,
  receivedAt: 0,
});

describe("mergeColumns", () => {
  it("takes the JSON fields in the order they are first seen", () => {
    const columns = mergeColumns([], [rec({ id: 1, amount: 2 }), rec({ id: 2, currency: "EUR", amount: 3 })]);
    expect(columns).toEqual(["id", "amount", "currency"]);
  });

  it("only ever adds columns, so the table keeps its shape", () => {
    const first = mergeColumns([], [rec({ b: 1, a: 2 })]);
    expect(mergeColumns(first, [rec({ a: 1, c: 2 })])).toEqual(["b", "a", "c"]);
  });

  it("gives values that are not objects one value column", () => {
    expect(mergeColumns([], [rec(42), rec("text"), rec({ x: 1 })])).toEqual([VALUE_COLUMN, "x"]);
  });

  it("stops at the maximum number of columns", () => {
    const wide = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, i]));
    expect(mergeColumns([], [rec(wide)], 4)).toEqual(["f0", "f1", "f2", "f3"]);
  });
});

describe("cells", () => {
  it("reads a field, or the whole value in the value column", () => {
    expect(cellValue(rec({ amount: 2 }), "amount")).toBe(2);
    expect(cellValue(rec({ amount: 2 }), "missing")).toBeUndefined();
    expect(cellValue(rec(7), VALUE_COLUMN)).toBe(7);
    expect(cellValue(rec({ a: 1 }), VALUE_COLUMN)).toBeUndefined();
  });

  it("shows nested values as compact JSON and cuts long text", () => {
    expect(formatCell({ a: [1, 2] })).toBe('{"a":[1,2]}');
    expect(formatCell(null)).toBe("null");
    expect(formatCell(undefined)).toBe("");
    expect(formatCell("x".repeat(500))).toHaveLength(120);
  });
});

describe("text filter", () => {
  it("matches when every word is in the id, key or value, ignoring case", () => {
    const record = rec({ merchant: "Coffee Corner", status: "declined" }, "ACC-1234");
    expect(matches(record, parseQuery("coffee DECLINED"))).toBe(true);
    expect(matches(record, parseQuery("acc-1234"))).toBe(true);
    expect(matches(record, parseQuery("coffee approved"))).toBe(false);
    expect(matches(record, parseQuery("   "))).toBe(true);
  });
});
