/** Numbers and times as the dashboards show them. */

const TIME = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  fractionalSecondDigits: 3,
  hour12: false,
});

/** `14:03:07.215`: records arrive many per second, so milliseconds matter. */
export function formatTime(ms: number | null): string {
  return ms === null || !Number.isFinite(ms) ? "" : TIME.format(new Date(ms));
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString();
}

export function formatRate(perSecond: number): string {
  return perSecond >= 100 ? formatCount(perSecond) : perSecond.toFixed(1);
}
