/**
 * Per-second totals over a sliding window, by series key: the records/s chart counts 1 per
 * record under one key; the Transactions chart sums amounts by currency.
 */

export interface WindowSeries {
  /** Unix seconds, oldest first: uPlot's x axis. */
  x: number[];
  /** One array per key, aligned with x; null where that key has no point. */
  ys: (number | null)[][];
}

export class TimeBuckets {
  readonly windowSeconds: number;
  private buckets = new Map<number, Map<string, number>>();
  private seen: string[] = [];

  constructor(windowSeconds: number) {
    this.windowSeconds = windowSeconds;
  }

  /** Adds `amount` under `key` at `atMs`; values older than the window are ignored. */
  add(atMs: number, key: string, amount: number, nowMs = Date.now()): void {
    const second = Math.floor(atMs / 1000);
    if (second <= Math.floor(nowMs / 1000) - this.windowSeconds) return;
    let bucket = this.buckets.get(second);
    if (!bucket) {
      bucket = new Map();
      this.buckets.set(second, bucket);
      this.prune(nowMs);
    }
    bucket.set(key, (bucket.get(key) ?? 0) + amount);
    if (!this.seen.includes(key)) this.seen.push(key);
  }

  /** Keys in the order they were first added. */
  keys(): string[] {
    return [...this.seen];
  }

  /** The window's complete seconds (the current one is still filling), zeros where empty;
   *  none before `fromMs`, when counting started (no made-up zeros before a page opened). */
  series(keys: readonly string[], nowMs = Date.now(), fromMs = 0): WindowSeries {
    const last = Math.floor(nowMs / 1000) - 1;
    const first = Math.max(last - this.windowSeconds + 1, Math.floor(fromMs / 1000));
    const x: number[] = [];
    const ys = keys.map(() => [] as number[]);
    for (let second = first; second <= last; second += 1) {
      x.push(second);
      const bucket = this.buckets.get(second);
      keys.forEach((key, i) => ys[i]!.push(bucket?.get(key) ?? 0));
    }
    return { x, ys };
  }

  /** The mean per second of `key` over the last `seconds` complete seconds. */
  average(key: string, seconds: number, nowMs = Date.now()): number {
    const last = Math.floor(nowMs / 1000) - 1;
    let sum = 0;
    for (let second = last - seconds + 1; second <= last; second += 1) {
      sum += this.buckets.get(second)?.get(key) ?? 0;
    }
    return sum / seconds;
  }

  private prune(nowMs: number): void {
    const oldest = Math.floor(nowMs / 1000) - this.windowSeconds;
    for (const second of this.buckets.keys()) if (second <= oldest) this.buckets.delete(second);
  }
}
