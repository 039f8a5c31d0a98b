import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LiveRecord } from "./frames";
import { Backoff } from "./reconnect";
import {
  type ConnectionState,
  LiveStream,
  type LiveStreamOptions,
  type SocketLike,
  StreamStop,
} from "./stream";

class FakeSocket implements SocketLike {
  onopen: SocketLike["onopen"] = null;
  onmessage: SocketLike["onmessage"] = null;
  onclose: SocketLike["onclose"] = null;
  closedWith: number | null = null;
  constructor(readonly url: URL) {}
  open() {
    this.onopen?.(new Event("open"));
  }
  send(data: unknown) {
    this.onmessage?.({ data: JSON.stringify(data) } as MessageEvent);
  }
  drop(code: number, reason = "") {
    this.onclose?.({ code, reason } as CloseEvent);
  }
  close(code?: number) {
    this.closedWith = code ?? 1000;
  }
}

const ENDPOINT = "ws://flowcast.test/ws/producers/ing_1/";
const record = (partition: number, offset: number, value: unknown = {}) => ({
  id: `${partition}-${offset}`,
  topic: "t",
  partition,
  offset,
  timestamp: 0,
  key: null,
  value,
});

const columns = (partition: number, offsets: number[], values: unknown[] = offsets.map(() => ({}))) => ({
  topic: "t",
  partition,
  offsets,
  timestamps: offsets.map(() => 0),
  keys: offsets.map(() => null),
  values,
});

function setup(token: () => Promise<string> = async () => "tok", extra: Partial<LiveStreamOptions> = {}) {
  const sockets: FakeSocket[] = [];
  const records: LiveRecord[] = [];
  const states: ConnectionState[] = [];
  const stream = new LiveStream({
    endpoint: ENDPOINT,
    format: "batch",
    token,
    onRecords: (batch) => records.push(...batch),
    onState: (s) => states.push(s),
    createSocket: (url) => {
      const socket = new FakeSocket(new URL(url));
      sockets.push(socket);
      return socket;
    },
    backoff: new Backoff({ initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 }),
    ...extra,
  });
  return { stream, sockets, records, states, last: () => sockets.at(-1)! };
}

describe("LiveStream", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("connects with a fresh token and no since the first time", async () => {
    const { stream, last } = setup();
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(last().url.searchParams.get("token")).toBe("tok");
    expect(last().url.searchParams.has("since")).toBe(false);
    last().open();
    expect(stream.state).toEqual({ status: "open", resumedFrom: "" });
  });

  it("reconnects after a lost connection with a new token and the last id per partition", async () => {
    let n = 0;
    const { stream, sockets, records, last } = setup(async () => `tok-${++n}`);
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().send([record(0, 5), record(2, 9)]);
    last().send(record(0, 6));
    last().drop(1006);
    expect(stream.state).toMatchObject({ status: "waiting", attempt: 1 });
    await vi.advanceTimersByTimeAsync(100);
    expect(sockets).toHaveLength(2);
    expect(last().url.searchParams.get("token")).toBe("tok-2");
    expect(last().url.searchParams.get("since")).toBe("0-6,2-9");
    expect(records.map((r) => r.id)).toEqual(["0-5", "2-9", "0-6"]);
  });

  it("resumes from the server's position in a partition it never got a record from", async () => {
    const { stream, sockets, records, last } = setup();
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().send({ type: "position", since: "0-4,1-12" });
    last().send([record(0, 5)]);
    last().drop(1006);
    await vi.advanceTimersByTimeAsync(100);
    expect(sockets).toHaveLength(2);
    expect(last().url.searchParams.get("since")).toBe("0-5,1-12");
    expect(records.map((r) => r.id)).toEqual(["0-5"]);
  });

  it("drops records it already has, so a resume never shows one twice", async () => {
    const { stream, records, last } = setup();
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().send([record(0, 5), record(0, 6)]);
    last().send([record(0, 6), record(0, 7)]);
    expect(records.map((r) => r.id)).toEqual(["0-5", "0-6", "0-7"]);
    expect(stream.duplicates).toBe(1);
  });

  it("waits longer after each failed attempt, and starts over after a stable connection", async () => {
    const { stream, sockets, last } = setup();
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    last().drop(1006); // refused: 100 ms
    await vi.advanceTimersByTimeAsync(100);
    last().drop(1006); // 200 ms
    await vi.advanceTimersByTimeAsync(199);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(3);
    last().open();
    await vi.advanceTimersByTimeAsync(10_000);
    last().drop(1001);
    expect(stream.state).toMatchObject({ status: "waiting", attempt: 1 });
  });

  it("reconnects at once with since after Update Pipeline reconfigured the stream (4001)", async () => {
    const { stream, sockets, records, last } = setup();
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().send([record(0, 5), record(1, 2)]);
    last().drop(4001, "frame_format changed by Update Pipeline; resume with since");
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets).toHaveLength(2);
    expect(last().url.searchParams.get("since")).toBe("0-5,1-2");
    last().open();
    last().send([record(0, 5), record(0, 6)]); // one it already has, one new
    expect(records.map((r) => r.id)).toEqual(["0-5", "1-2", "0-6"]);
    expect(stream.state).toEqual({ status: "open", resumedFrom: "0-5,1-2" });
  });

  it("reads the producer's new frame format before reconnecting after 4001", async () => {
    let format: "envelope" | "raw" = "raw";
    const asked: string[] = [];
    const { stream, records, last } = setup(undefined, {
      format: "envelope",
      currentFormat: async () => {
        asked.push(format);
        return format;
      },
    });
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().send(record(0, 1));
    expect(asked).toEqual([]); // the first connection uses the format it was given
    last().drop(4001);
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().send({ amount: 3 }); // a raw value, no envelope
    expect(asked).toEqual(["raw"]);
    expect(records.map((r) => r.value)).toEqual([{}, { amount: 3 }]);
  });

  it("reconnects at once without since after Update Pipeline replaced the stream (4002)", async () => {
    const notices: string[] = [];
    const { stream, sockets, records, last } = setup(undefined, { onNotice: (m) => notices.push(m) });
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().send([record(0, 50), record(1, 20)]);
    last().drop(4002, "Input event changed by Update Pipeline; reconnect without since");
    await vi.advanceTimersByTimeAsync(0);
    expect(sockets).toHaveLength(2);
    expect(last().url.searchParams.has("since")).toBe(false);
    expect(stream.resume.since).toBe("");
    expect(notices).toEqual([
      "Stream replaced by Update Pipeline: its input changed, so record ids start over.",
    ]);
    last().open();
    last().send([record(0, 3)]); // a low offset of the new input is a new record, not a duplicate
    expect(records.map((r) => r.id)).toEqual(["0-50", "1-20", "0-3"]);
    expect(stream.duplicates).toBe(0);
  });

  it("waits and asks again when the new frame format cannot be read", async () => {
    let fail = true;
    const { stream, sockets, last } = setup(undefined, {
      currentFormat: async () => {
        if (fail) throw new Error("offline");
        return "batch";
      },
    });
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().drop(4001);
    await vi.advanceTimersByTimeAsync(0);
    expect(stream.state).toMatchObject({
      status: "waiting",
      lastClose: "Could not read the producer's frame format: offline",
    });
    fail = false;
    await vi.advanceTimersByTimeAsync(100);
    expect(sockets).toHaveLength(2);
  });

  it("backs off as usual when a 4001 comes before the session ever opened", async () => {
    const { stream, sockets, last } = setup();
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    last().drop(4001);
    expect(stream.state).toMatchObject({ status: "waiting", attempt: 1 });
    await vi.advanceTimersByTimeAsync(99);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2);
  });

  it.each([
    [4502, "Pipeline deactivated", "The pipeline was deactivated or the producer removed", false],
    // Its user lost access: the page offers no restart, which could only fail.
    [4503, "Access to this pipeline was revoked", "Your access to this pipeline was removed", true],
  ])("stops for good on %i", async (code, sent, reason, final) => {
    const { stream, sockets, last } = setup();
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().drop(code, sent);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(1);
    expect(stream.state).toEqual({ status: "stopped", reason, final });
  });

  it("retries when a token cannot be had, and stops when access is gone", async () => {
    let fail: Error = new Error("offline");
    const { stream, sockets } = setup(async () => {
      throw fail;
    });
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(stream.state).toMatchObject({ status: "waiting", lastClose: "Could not get a token: offline" });
    fail = new StreamStop("You can no longer watch this producer.");
    await vi.advanceTimersByTimeAsync(100);
    expect(stream.state).toEqual({
      status: "stopped",
      reason: "You can no longer watch this producer.",
      final: false,
    });
    expect(sockets).toHaveLength(0);
  });

  it("reads columns frames as records and resumes after 1013 from the last id per partition", async () => {
    const { stream, sockets, records, last } = setup(undefined, { format: "columns" });
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().send(columns(0, [5, 6], ["a", "b"]));
    last().send(columns(2, [9], ["c"]));
    last().drop(1013, "Too slow");
    await vi.advanceTimersByTimeAsync(100);
    expect(sockets).toHaveLength(2);
    expect(last().url.searchParams.get("since")).toBe("0-6,2-9");
    expect(records.map((r) => [r.id, r.value])).toEqual([
      ["0-5", "a"],
      ["0-6", "b"],
      ["2-9", "c"],
    ]);
  });

  it("takes columns frames of two partitions and then a gap notice apart", async () => {
    const controls: unknown[] = [];
    const { stream, sockets, records, last } = setup(undefined, {
      format: "columns",
      onControl: (m) => controls.push(m),
    });
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().send(columns(1, [3, 4]));
    last().send(columns(0, [10]));
    last().send(columns(1, [5]));
    const gap = {
      type: "gap",
      reason: "slow_client",
      missed: [{ partition: 0, from: 11, to: 20 }],
      since: "0-10,1-5",
    };
    last().send(gap);
    expect(records.map((r) => r.id)).toEqual(["1-3", "1-4", "0-10", "1-5"]);
    expect(controls).toEqual([gap]);
    last().drop(1001);
    await vi.advanceTimersByTimeAsync(100);
    expect(sockets).toHaveLength(2);
    expect(last().url.searchParams.get("since")).toBe("0-10,1-5");
  });

  it("drops the records of a columns frame it already has, after a resume", async () => {
    const { stream, records, last } = setup(undefined, { format: "columns" });
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().send(columns(0, [5, 6]));
    last().drop(4001);
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().send(columns(0, [6, 7]));
    expect(records.map((r) => r.id)).toEqual(["0-5", "0-6", "0-7"]);
    expect(stream.duplicates).toBe(1);
  });

  it("resumes a batch stream in columns after Update Pipeline changed the format (4001)", async () => {
    const { stream, records, last } = setup(undefined, { currentFormat: async () => "columns" });
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().send([record(0, 5), record(1, 2)]);
    last().drop(4001, "frame_format changed by Update Pipeline; resume with since");
    await vi.advanceTimersByTimeAsync(0);
    expect(last().url.searchParams.get("since")).toBe("0-5,1-2");
    last().open();
    last().send(columns(1, [3]));
    expect(records.map((r) => r.id)).toEqual(["0-5", "1-2", "1-3"]);
  });

  it("passes control messages on without counting them as records", async () => {
    const controls: unknown[] = [];
    const { stream, records, last } = setup(undefined, { onControl: (m) => controls.push(m) });
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    last().open();
    last().send({ type: "gap", reason: "slow_client", missed: [], since: "" });
    expect(controls).toHaveLength(1);
    expect(records).toHaveLength(0);
  });

  it("closes its socket and ignores late events once stopped", async () => {
    const { stream, sockets, records, last } = setup();
    stream.start();
    await vi.advanceTimersByTimeAsync(0);
    const socket = last();
    socket.open();
    stream.stop();
    expect(socket.closedWith).toBe(1000);
    socket.send([record(0, 1)]);
    socket.drop(1006);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(records).toHaveLength(0);
    expect(sockets).toHaveLength(1);
    expect(stream.state.status).toBe("stopped");
  });
});
