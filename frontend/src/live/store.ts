/**
 * What a page keeps of a stream: the latest records, counters and the records/s window.
 * Records can arrive thousands of times a second; they are queued here and merged into
 * `recent` once per screen refresh (`flush`), so the cost per record stays a push.
 */
import { TimeBuckets, type WindowSeries } from "./buckets";
import { type ControlMessage, type LiveRecord, missedCount } from "./frames";
import { formatCount } from "../ui/format";

const RATE_KEY = "records";
export const RATE_WINDOW_SECONDS = 60;

export class RecordStore {
  readonly keep: number;
  /** Newest first, at most `keep`. Replaced (never mutated) by flush, so React sees a change. */
  recent: LiveRecord[] = [];
  /** Records shown or passed over so far; it moves with `recent`, at each flush. */
  received = 0;
  /** Records the server said this page missed (`gap` notices). */
  skipped = 0;
  notice: string | null = null;
  private readonly rate = new TimeBuckets(RATE_WINDOW_SECONDS);
  private pending: LiveRecord[] = [];
  private queued = 0;
  private readonly startedAt: number;

  constructor(keep: number, nowMs = Date.now()) {
    this.keep = keep;
    this.startedAt = nowMs;
  }

  add(records: readonly LiveRecord[], nowMs = Date.now()): void {
    for (const record of records) this.pending.push(record);
    // Only the newest `keep` can be shown; trim in bulk so the cost per record stays O(1)
    // even while a background tab's timers (and so flush) are throttled.
    if (this.pending.length > 2 * this.keep) this.pending.splice(0, this.pending.length - this.keep);
    this.queued += records.length;
    this.rate.add(nowMs, RATE_KEY, records.length, nowMs);
  }

  control(message: ControlMessage): void {
    if (message.type === "gap") {
      const missed = missedCount(message);
      this.skipped += missed;
      const why = message.reason === "slow_client" ? "this page fell behind" : "Kafka no longer had them";
      this.notice = `${formatCount(missed)} records were skipped: ${why}.`;
    } else if (typeof message.message === "string") {
      this.notice = message.message;
    }
  }

  /** A notice from the page's side of the stream (e.g. "Stream replaced by Update Pipeline"). */
  note(message: string): void {
    this.notice = message;
  }

  /** Moves queued records into `recent`; false when nothing was queued. */
  flush(): boolean {
    if (!this.pending.length) return false;
    const newest = this.pending.slice(-this.keep).reverse();
    this.pending = [];
    this.received += this.queued;
    this.queued = 0;
    this.recent = newest.concat(this.recent.slice(0, Math.max(0, this.keep - newest.length)));
    return true;
  }

  /** Records/s: the mean of the last few complete seconds, steadier than one second's count. */
  perSecond(nowMs = Date.now(), seconds = 5): number {
    return this.rate.average(RATE_KEY, seconds, nowMs);
  }

  rateSeries(nowMs = Date.now()): WindowSeries {
    return this.rate.series([RATE_KEY], nowMs, this.startedAt);
  }
}
