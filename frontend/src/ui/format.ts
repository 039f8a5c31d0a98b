/**
 * How numbers and times read on every page: rates, counts, sizes, shares, amounts, clocks and
 * ages. Pure functions, so a late report or an unmeasured figure shows a dash, never "NaN" or
 * a negative age; one rendering per kind, so a figure reads the same on every page.
 */

const COUNT = new Intl.NumberFormat("en-US");
export const NOT_MEASURED = "—";

// --- Numbers -------------------------------------------------------------------------------------

/** 0, 0.4, 12, 950, 1.2k, 35k, 1.3M records per second. */
export function formatRate(perSecond: number): string {
  const value = Math.max(perSecond, 0);
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(1)}M`;
  if (value >= 10_000) return `${Math.round(value / 1000)}k`;
  if (value >= 1000) return `${(value / 1000).toFixed(1)}k`;
  return value.toFixed(value < 10 && value % 1 !== 0 ? 1 : 0);
}

/** A whole number with its thousands grouped: 1,234,567; a dash when not measured. */
export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? NOT_MEASURED : COUNT.format(Math.round(value));
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

export function formatPercent(ratio: number): string {
  const pct = ratio * 100;
  return `${pct < 10 && pct > 0 ? pct.toFixed(1) : Math.round(pct)} %`;
}

const money = new Map<string, Intl.NumberFormat>();

/** `€1,234.50`; an amount in a code Intl doesn't know still reads as `1,234.50 XYZ`. */
export function formatAmount(amount: number, currency: string): string {
  let format = money.get(currency);
  if (!format) {
    try {
      format = new Intl.NumberFormat(undefined, { style: "currency", currency });
    } catch {
      return `${amount.toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
    }
    money.set(currency, format);
  }
  return format.format(amount);
}

// --- Times ---------------------------------------------------------------------------------------

const CLOCK_MS = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  fractionalSecondDigits: 3,
  hour12: false,
});

/** `14:03:07.215` for a time in ms: records arrive many per second, so milliseconds matter. */
export function formatTime(ms: number | null): string {
  return ms === null || !Number.isFinite(ms) ? "" : CLOCK_MS.format(new Date(ms));
}

function twoDigits(n: number): string {
  return String(n).padStart(2, "0");
}

/** HH:MM:SS in local time, the same width for every entry. */
export function clockTime(at: Date): string {
  return `${twoDigits(at.getHours())}:${twoDigits(at.getMinutes())}:${twoDigits(at.getSeconds())}`;
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

/** "3 min ago" for an ISO time from the API (rounded; a date after a month); see `exactTime`. */
export function relativeTime(iso: string, now = Date.now()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return "";
  const seconds = Math.round((now - then) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days < 30) return `${days} d ago`;
  return new Date(then).toLocaleDateString();
}

/** The exact local time of an ISO time from the API, for a title attribute. */
export function exactTime(iso: string): string {
  const then = Date.parse(iso);
  return Number.isNaN(then) ? iso : new Date(then).toLocaleString();
}
