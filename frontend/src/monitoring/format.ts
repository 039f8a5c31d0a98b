/**
 * How the monitoring figures read: compact rates, grouped counts, sizes, ages, and CPU or
 * memory use next to its request and limit. Pure functions, so the table never shows
 * "NaN" or a negative age when a report is late or a figure is not measured yet.
 */

const COUNT = new Intl.NumberFormat("en-US");
export const NOT_MEASURED = "—";

/** 0, 0.4, 12, 950, 1.2k, 35k, 1.2M records per second. */
export function formatRate(perSecond: number): string {
  const value = Math.max(perSecond, 0);
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(1)}M`;
  if (value >= 10_000) return `${Math.round(value / 1000)}k`;
  if (value >= 1000) return `${(value / 1000).toFixed(1)}k`;
  return value.toFixed(value < 10 && value % 1 !== 0 ? 1 : 0);
}

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? NOT_MEASURED : COUNT.format(value);
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return NOT_MEASURED;
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** "just now", "12 s ago", "4 min ago", "3 h ago", "2 d ago" for a Unix time in seconds. */
export function formatAgo(unixSeconds: number | null | undefined, nowMs: number): string {
  if (!unixSeconds) return NOT_MEASURED;
  const seconds = Math.max(0, Math.round(nowMs / 1000 - unixSeconds));
  if (seconds < 2) return "just now";
  return `${formatSpan(seconds)} ago`;
}

/** How long an instance has run: "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatUptime(startedAt: number | null | undefined, nowMs: number): string {
  if (!startedAt) return NOT_MEASURED;
  return formatSpan(Math.max(0, Math.round(nowMs / 1000 - startedAt)));
}

function formatSpan(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}

/** The exact local time of a Unix time in seconds, for a title attribute. */
export function exactUnixTime(unixSeconds: number | null | undefined): string {
  return unixSeconds ? new Date(unixSeconds * 1000).toLocaleString() : "";
}

export function formatPercent(ratio: number): string {
  const pct = ratio * 100;
  return `${pct < 10 && pct > 0 ? pct.toFixed(1) : Math.round(pct)} %`;
}

export type UsageLevel = "ok" | "above-request" | "near-limit" | "unknown";

export interface Usage {
  /** Where the use ends on a bar whose full width is the limit (0..1). */
  fill: number;
  /** Where the request sits on that bar, if configured. */
  request: number | null;
  level: UsageLevel;
}

/**
 * Use against a request and a limit, as a bar: within the request is fine, above it the
 * instance borrows spare capacity, past 90 % of the limit it is about to be throttled
 * (CPU) or killed (memory).
 */
export function usage(used: number | null | undefined, request?: number, limit?: number): Usage {
  if (used === null || used === undefined) return { fill: 0, request: null, level: "unknown" };
  const scale = limit || Math.max(request ?? 0, used) * 1.25 || 1;
  const fill = Math.min(Math.max(used / scale, 0), 1);
  const requestAt = request ? Math.min(request / scale, 1) : null;
  let level: UsageLevel = "ok";
  if (limit && used >= limit * 0.9) level = "near-limit";
  else if (request && used > request) level = "above-request";
  return { fill, request: requestAt, level };
}
