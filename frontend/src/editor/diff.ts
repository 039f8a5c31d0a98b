/** What changed between two version snapshots. Pure functions over the snapshot JSON. */
import type { Snapshot } from "../api/jsonShapes";

export interface NodeRef {
  key: string;
  label: string;
}

export interface ChangedNode extends NodeRef {
  changes: string[];
}

export interface SnapshotDiff {
  added: NodeRef[];
  removed: NodeRef[];
  changed: ChangedNode[];
  wiresAdded: string[];
  wiresRemoved: string[];
}

type Row = Record<string, unknown>;

const EVENT_FIELDS = ["name", "kind", "topic", "partitions", "retention_hours"];

function nodeKey(prefix: string, row: Row): string {
  return row.id !== undefined && row.id !== null
    ? `${prefix}-${String(row.id)}`
    : `${prefix}:${String(row.name)}`;
}

function label(row: Row, fallback: string): string {
  return typeof row.name === "string" && row.name ? row.name : fallback;
}

/** `{"basic": {"batch_size": 10}}` → `{"basic.batch_size": 10}`. */
export function flatten(
  value: unknown,
  prefix = "",
  into: Record<string, unknown> = {},
): Record<string, unknown> {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Row)) flatten(v, prefix ? `${prefix}.${k}` : k, into);
  } else if (prefix) {
    into[prefix] = value;
  }
  return into;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function changedKeys(before: Row, after: Row, fields: string[], configOf?: (r: Row) => unknown): string[] {
  const changes = fields.filter((f) => !same(before[f], after[f]));
  if (configOf) {
    const a = flatten(configOf(before));
    const b = flatten(configOf(after));
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of [...keys].sort()) if (!same(a[key], b[key])) changes.push(key);
  }
  return changes;
}

function indexRows(prefix: string, rows: Row[]): Map<string, Row> {
  return new Map(rows.map((r) => [nodeKey(prefix, r), r]));
}

/** Nodes added, removed and changed (with the changed config keys), wires added and removed. */
export function diffSnapshots(before: Snapshot, after: Snapshot): SnapshotDiff {
  const result: SnapshotDiff = { added: [], removed: [], changed: [], wiresAdded: [], wiresRemoved: [] };
  const groups: Array<[string, Row[], Row[], string[], ((r: Row) => unknown) | undefined]> = [
    ["e", before.events ?? [], after.events ?? [], EVENT_FIELDS, undefined],
    ["c", before.components ?? [], after.components ?? [], ["name", "type"], (r) => r.config],
  ];
  for (const [prefix, oldRows, newRows, fields, configOf] of groups) {
    const a = indexRows(prefix, oldRows);
    const b = indexRows(prefix, newRows);
    for (const [key, row] of b) {
      const old = a.get(key);
      const name = label(row, key);
      if (!old) result.added.push({ key, label: name });
      else {
        const changes = changedKeys(old, row, fields, configOf);
        if (changes.length) result.changed.push({ key, label: name, changes });
      }
    }
    for (const [key, row] of a) if (!b.has(key)) result.removed.push({ key, label: label(row, key) });
  }
  const wiresBefore = wireLabels(before);
  const wiresAfter = wireLabels(after);
  result.wiresAdded = [...wiresAfter.keys()]
    .filter((k) => !wiresBefore.has(k))
    .map((k) => wiresAfter.get(k)!);
  result.wiresRemoved = [...wiresBefore.keys()]
    .filter((k) => !wiresAfter.has(k))
    .map((k) => wiresBefore.get(k)!);
  return result;
}

/** Wires keyed by their ends, labelled with node names ("Consumer → Orders"). */
function wireLabels(snapshot: Snapshot): Map<string, string> {
  const events = new Map(
    (snapshot.events ?? []).map((e) => [String(e.id), label(e, `event ${String(e.id)}`)]),
  );
  const components = new Map(
    (snapshot.components ?? []).map((c) => [String(c.id), label(c, `component ${String(c.id)}`)]),
  );
  const wires = new Map<string, string>();
  for (const w of snapshot.connections ?? []) {
    const event = events.get(String(w.event)) ?? `event ${String(w.event)}`;
    const component = components.get(String(w.component)) ?? `component ${String(w.component)}`;
    const text = w.direction === "output" ? `${component} → ${event}` : `${event} → ${component}`;
    wires.set(`${String(w.event)}|${String(w.component)}|${String(w.direction)}`, text);
  }
  return wires;
}

export function isEmptyDiff(diff: SnapshotDiff): boolean {
  return (
    !diff.added.length &&
    !diff.removed.length &&
    !diff.changed.length &&
    !diff.wiresAdded.length &&
    !diff.wiresRemoved.length
  );
}
