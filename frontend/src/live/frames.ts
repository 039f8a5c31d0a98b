/** A producer's WebSocket frames (DESIGN §6) read as records and control messages. */
import type { FrameFormat } from "../api/types";

export type { FrameFormat };

/** One record as `envelope` and `batch` frames carry it, and as a `columns` frame stands for it. */
export interface Envelope {
  id: string;
  topic: string;
  partition: number;
  offset: number;
  timestamp: number | null;
  key: string | null;
  value: unknown;
}

/** What a frame says about one record; raw frames carry only the value (no id, no position). */
export interface RecordFields {
  id: string | null;
  partition: number | null;
  offset: number | null;
  /** Kafka's timestamp in ms, when the frame carries it. */
  timestamp: number | null;
  key: string | null;
  value: unknown;
  /** The record as it arrived (its envelope, for a `columns` frame), shown whole in its detail. */
  frame: unknown;
}

/** A record as the dashboards keep it. */
export interface LiveRecord extends RecordFields {
  /** Unique on the page (React keys); ids repeat across producers and are absent in raw. */
  seq: number;
  receivedAt: number;
}

/** A message from the server about the stream, e.g. `{"type": "gap", ...}`; records never have a type. */
export interface ControlMessage {
  type: string;
  [field: string]: unknown;
}

export interface ParsedFrame {
  records: RecordFields[];
  control: ControlMessage | null;
}

// In raw frames a record's own value may have a "type": only these are taken as control.
const RAW_CONTROL_TYPES = new Set(["gap", "error"]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isEnvelope(value: unknown): value is Envelope {
  return (
    isObject(value) &&
    typeof value.id === "string" &&
    typeof value.partition === "number" &&
    typeof value.offset === "number"
  );
}

function fromEnvelope(e: Envelope): RecordFields {
  return {
    id: e.id,
    partition: e.partition,
    offset: e.offset,
    timestamp: typeof e.timestamp === "number" ? e.timestamp : null,
    key: typeof e.key === "string" ? e.key : null,
    value: e.value,
    frame: e,
  };
}

/** A `columns` frame: one run of records of one partition, each field a column (record i is
 *  `<partition>-<offsets[i]>`). */
export interface ColumnsFrame {
  topic: string;
  partition: number;
  offsets: number[];
  timestamps: Array<number | null>;
  keys: Array<string | null>;
  values: unknown[];
}

export function isColumns(value: unknown): value is ColumnsFrame {
  if (!isObject(value) || typeof value.partition !== "number") return false;
  const { offsets, timestamps, keys, values } = value;
  return (
    Array.isArray(offsets) &&
    Array.isArray(timestamps) &&
    Array.isArray(keys) &&
    Array.isArray(values) &&
    timestamps.length === offsets.length &&
    keys.length === offsets.length &&
    values.length === offsets.length
  );
}

/** The envelopes a `columns` frame stands for, in order: every format gives the same records. */
export function columnEnvelopes(frame: ColumnsFrame): Envelope[] {
  const { topic, partition, timestamps, keys, values } = frame;
  return frame.offsets.map((offset, i) => ({
    id: `${partition}-${offset}`,
    topic,
    partition,
    offset,
    timestamp: timestamps[i] ?? null,
    key: keys[i] ?? null,
    value: values[i],
  }));
}

function fromRaw(value: unknown): RecordFields {
  return { id: null, partition: null, offset: null, timestamp: null, key: null, value, frame: value };
}

function isControl(data: unknown, format: FrameFormat): data is ControlMessage {
  if (!isObject(data) || typeof data.type !== "string") return false;
  return format === "raw" ? RAW_CONTROL_TYPES.has(data.type) : !("id" in data);
}

export function parseFrame(text: string, format: FrameFormat): ParsedFrame {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // Raw frames of text records are not JSON; the others always are.
    if (format === "raw") return { records: [fromRaw(text)], control: null };
    return { records: [], control: { type: "error", message: "The server sent a frame that is not JSON." } };
  }
  if (isControl(data, format)) return { records: [], control: data };
  if (format === "raw") return { records: [fromRaw(data)], control: null };
  // Told apart by shape, not by `format`: the page read the format before it connected, and a
  // deploy in between may have changed it.
  const items = Array.isArray(data) ? data : isColumns(data) ? columnEnvelopes(data) : [data];
  return { records: items.filter(isEnvelope).map(fromEnvelope), control: null };
}

/** How many records a `gap` notice says were skipped. */
export function missedCount(message: ControlMessage): number {
  const ranges = Array.isArray(message.missed) ? message.missed : [];
  return ranges.reduce((sum: number, r: unknown) => {
    if (!isObject(r) || typeof r.from !== "number" || typeof r.to !== "number") return sum;
    return sum + Math.max(0, r.to - r.from + 1);
  }, 0);
}
