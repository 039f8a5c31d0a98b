/** A producer's WebSocket frames (DESIGN §6) read as records and control messages. */
import type { FrameFormat } from "../api/types";

export type { FrameFormat };

/** One record as `envelope` and `batch` frames carry it. */
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
  /** The record as it arrived, shown whole in the record's detail. */
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
  const items = Array.isArray(data) ? data : [data];
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
