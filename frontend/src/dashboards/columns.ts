/**
 * Table columns from the records' own JSON fields. Columns only ever get added, in the order
 * fields were first seen, so the table does not reshuffle while records stream in.
 */
import type { LiveRecord } from "../live/frames";

/** The column for values that are not JSON objects (numbers, text, arrays). */
export const VALUE_COLUMN = "(value)";
export const MAX_FIELD_COLUMNS = 10;
const MAX_CELL_CHARS = 120;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `known` plus the top-level fields of `records` not seen yet, up to `max` columns. */
export function mergeColumns(
  known: readonly string[],
  records: readonly LiveRecord[],
  max = MAX_FIELD_COLUMNS,
): string[] {
  const columns = [...known];
  const has = new Set(columns);
  for (const record of records) {
    if (columns.length >= max) break;
    const fields = isPlainObject(record.value) ? Object.keys(record.value) : [VALUE_COLUMN];
    for (const field of fields) {
      if (columns.length >= max) break;
      if (!has.has(field)) {
        has.add(field);
        columns.push(field);
      }
    }
  }
  return columns;
}

export function cellValue(record: LiveRecord, column: string): unknown {
  if (column === VALUE_COLUMN) return isPlainObject(record.value) ? undefined : record.value;
  return isPlainObject(record.value) ? record.value[column] : undefined;
}

/** A cell's text: scalars as they are, nested values as compact JSON, cut to fit a cell. */
export function formatCell(value: unknown): string {
  if (value === undefined) return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS - 1)}…` : text;
}

/** Numbers line up on the right, like in a spreadsheet. */
export function isNumeric(value: unknown): boolean {
  return typeof value === "number";
}
