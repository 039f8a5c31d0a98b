/** The text filter of the record tables: every word must appear somewhere in the record. */
import type { LiveRecord } from "../live/frames";

const searchText = new WeakMap<LiveRecord, string>();

/** The record's id, key and value as lower-case JSON, computed once per record on demand. */
function textOf(record: LiveRecord): string {
  let text = searchText.get(record);
  if (text === undefined) {
    text = JSON.stringify([record.id, record.key, record.value]).toLowerCase();
    searchText.set(record, text);
  }
  return text;
}

export function parseQuery(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

export function matches(record: LiveRecord, words: readonly string[]): boolean {
  if (!words.length) return true;
  const text = textOf(record);
  return words.every((word) => text.includes(word));
}
