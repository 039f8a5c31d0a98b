import { describe, expect, it } from "vitest";
import { missedCount, parseFrame } from "./frames";

const envelope = {
  id: "1-41",
  topic: "t",
  partition: 1,
  offset: 41,
  timestamp: 1700000000000,
  key: "k",
  value: { a: 1 },
};

describe("parseFrame", () => {
  it("reads an envelope frame as one record with its position", () => {
    const { records, control } = parseFrame(JSON.stringify(envelope), "envelope");
    expect(control).toBeNull();
    expect(records).toEqual([
      {
        id: "1-41",
        partition: 1,
        offset: 41,
        timestamp: 1700000000000,
        key: "k",
        value: { a: 1 },
        frame: envelope,
      },
    ]);
  });

  it("reads a batch frame as its records, in order", () => {
    const second = { ...envelope, id: "2-7", partition: 2, offset: 7 };
    const { records } = parseFrame(JSON.stringify([envelope, second]), "batch");
    expect(records.map((r) => r.id)).toEqual(["1-41", "2-7"]);
  });

  it("reads a columns frame as the records a batch frame of the same records gives, in order", () => {
    const columns = {
      topic: "t",
      partition: 1,
      offsets: [41, 42, 44],
      timestamps: [1700000000000, null, 1700000000002],
      keys: ["k", null, "k2"],
      values: [{ a: 1 }, "text", null],
    };
    const batch = [
      envelope,
      { ...envelope, id: "1-42", offset: 42, timestamp: null, key: null, value: "text" },
      { ...envelope, id: "1-44", offset: 44, timestamp: 1700000000002, key: "k2", value: null },
    ];
    const parsed = parseFrame(JSON.stringify(columns), "columns");
    expect(parsed).toEqual(parseFrame(JSON.stringify(batch), "batch"));
    expect(parsed.records.map((r) => r.id)).toEqual(["1-41", "1-42", "1-44"]);
  });

  it("reads each JSON format by its shape, whatever format the page last read", () => {
    const columns = { topic: "t", partition: 2, offsets: [7], timestamps: [0], keys: [null], values: [1] };
    for (const format of ["envelope", "batch", "columns"] as const) {
      expect(parseFrame(JSON.stringify(columns), format).records.map((r) => r.id)).toEqual(["2-7"]);
      expect(parseFrame(JSON.stringify([envelope]), format).records.map((r) => r.id)).toEqual(["1-41"]);
    }
  });

  it("reads no record from a columns frame whose columns differ in length", () => {
    const uneven = { topic: "t", partition: 0, offsets: [1, 2], timestamps: [0], keys: [null], values: [1] };
    expect(parseFrame(JSON.stringify(uneven), "columns")).toEqual({ records: [], control: null });
    const empty = { topic: "t", partition: 0, offsets: [], timestamps: [], keys: [], values: [] };
    expect(parseFrame(JSON.stringify(empty), "columns")).toEqual({ records: [], control: null });
  });

  it("takes an object with a type and no id as a control message, never as a record", () => {
    const gap = {
      type: "gap",
      reason: "slow_client",
      missed: [{ partition: 0, from: 5, to: 9 }],
      since: "0-4",
    };
    expect(parseFrame(JSON.stringify(gap), "envelope")).toEqual({ records: [], control: gap });
    expect(parseFrame(JSON.stringify(gap), "batch").control).toEqual(gap);
    expect(parseFrame(JSON.stringify(gap), "columns").control).toEqual(gap);
  });

  it("keeps raw values whole, JSON or text, with no id", () => {
    expect(parseFrame('{"type": "purchase", "amount": 3}', "raw").records[0]).toMatchObject({
      id: null,
      partition: null,
      value: { type: "purchase", amount: 3 },
    });
    expect(parseFrame("plain text", "raw").records[0]?.value).toBe("plain text");
  });

  it("still reads the server's gap and error notices in raw streams", () => {
    expect(parseFrame('{"type": "error", "message": "Bad since"}', "raw").control?.type).toBe("error");
  });

  it("reports a frame that is not JSON instead of throwing", () => {
    expect(parseFrame("{oops", "envelope").control?.type).toBe("error");
  });
});

describe("missedCount", () => {
  it("adds up the ranges of a gap notice", () => {
    const missed = [
      { partition: 0, from: 5, to: 9 },
      { partition: 2, from: 1, to: 1 },
    ];
    expect(missedCount({ type: "gap", missed })).toBe(6);
    expect(missedCount({ type: "gap" })).toBe(0);
  });
});
