/**
 * One live subscription to a producer's WebSocket: a fresh short-lived token per attempt,
 * reconnects with back-off and `since` (so nothing is missed or repeated across outages), and
 * stops for good only on the close codes that say so. After Update Pipeline changed the stream
 * (4001, 4002) it reconnects at once, in the producer's new frame format. No React here: the
 * hook wraps it.
 */
import {
  type ControlMessage,
  type FrameFormat,
  type LiveRecord,
  type RecordFields,
  parseFrame,
} from "./frames";
import { Backoff, REPLACED, closeVerdict } from "./reconnect";
import { ResumePoint } from "./resume";

export type ConnectionState =
  | { status: "idle" }
  | { status: "connecting"; attempt: number }
  | { status: "open"; resumedFrom: string }
  | { status: "waiting"; attempt: number; retryAt: number; lastClose: string }
  | { status: "stopped"; reason: string; final: boolean };

/** The parts of a browser WebSocket the stream uses (tests pass a fake). */
export interface SocketLike {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  close(code?: number, reason?: string): void;
}

/** Thrown by `token` when trying again cannot help (no access, producer gone). */
export class StreamStop extends Error {}

export interface LiveStreamOptions {
  /** `ws[s]://host/ws/producers/<ingestion id>/`, the component's `endpoint`. */
  endpoint: string;
  format: FrameFormat;
  /** The producer's deployed frame format, read again after Update Pipeline changed the stream. */
  currentFormat?: () => Promise<FrameFormat>;
  /** A fresh token for each attempt: tokens are short-lived and tied to the current secret. */
  token: () => Promise<string>;
  onRecords: (records: LiveRecord[]) => void;
  onControl?: (message: ControlMessage) => void;
  onState?: (state: ConnectionState) => void;
  /** Something the viewer should know about the stream (e.g. it was replaced). */
  onNotice?: (message: string) => void;
  createSocket?: (url: string) => SocketLike;
  backoff?: Backoff;
  /** Shared with an earlier stream of the same page, so a restart resumes where it stopped. */
  resume?: ResumePoint;
}

/** A connection that stayed open this long was healthy: the next failure starts the back-off over. */
export const STABLE_MS = 5_000;

export function streamUrl(endpoint: string, token: string, since: string): string {
  const url = new URL(endpoint);
  url.searchParams.set("token", token);
  if (since) url.searchParams.set("since", since);
  return url.toString();
}

export class LiveStream {
  state: ConnectionState = { status: "idle" };
  readonly resume: ResumePoint;
  /** Records dropped because they were already shown (the server should never send them). */
  duplicates = 0;
  private readonly options: LiveStreamOptions;
  private readonly backoff: Backoff;
  private socket: SocketLike | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private generation = 0; // bumps on start/stop, so late callbacks of an old attempt do nothing
  private openedAt = 0;
  private seq = 0;
  private format: FrameFormat;
  private formatStale = false;

  constructor(options: LiveStreamOptions) {
    this.options = options;
    this.format = options.format;
    this.backoff = options.backoff ?? new Backoff();
    this.resume = options.resume ?? new ResumePoint();
  }

  start(): void {
    if (this.state.status !== "idle" && this.state.status !== "stopped") return;
    if (this.state.status === "stopped") this.formatStale = true; // e.g. redeployed since
    this.backoff.reset();
    void this.connect(++this.generation);
  }

  /** `final`: the page should not offer to start it again (see closeVerdict). */
  stop(reason = "Stopped", final = false): void {
    this.generation += 1;
    this.clearTimer();
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, "Page closed the stream");
    this.setState({ status: "stopped", reason, final });
  }

  /** Skips the rest of a back-off wait. */
  retryNow(): void {
    if (this.state.status !== "waiting") return;
    this.clearTimer();
    void this.connect(this.generation);
  }

  private async connect(generation: number): Promise<void> {
    this.setState({ status: "connecting", attempt: this.backoff.attempt });
    let token: string;
    let step = "read the producer's frame format";
    try {
      if (this.formatStale && this.options.currentFormat) {
        const format = await this.options.currentFormat();
        if (generation !== this.generation) return;
        this.format = format;
      }
      this.formatStale = false;
      step = "get a token";
      token = await this.options.token();
    } catch (error) {
      if (generation !== this.generation) return;
      if (error instanceof StreamStop) this.stop(error.message);
      else this.retry(generation, `Could not ${step}: ${error instanceof Error ? error.message : error}`);
      return;
    }
    if (generation !== this.generation) return;
    const since = this.resume.since;
    const create = this.options.createSocket ?? ((url: string) => new WebSocket(url));
    const socket = create(streamUrl(this.options.endpoint, token, since));
    this.socket = socket;
    socket.onopen = () => {
      if (socket !== this.socket) return;
      this.openedAt = Date.now();
      this.setState({ status: "open", resumedFrom: since });
    };
    socket.onmessage = (event) => {
      if (socket === this.socket && typeof event.data === "string") this.receive(event.data);
    };
    socket.onclose = (event) => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.closed(generation, event.code, event.reason);
    };
  }

  private receive(text: string): void {
    const parsed = parseFrame(text, this.format);
    if (parsed.control) {
      if (parsed.control.type === "position" && typeof parsed.control.since === "string") {
        this.resume.place(parsed.control.since);
      }
      this.options.onControl?.(parsed.control);
      return;
    }
    const now = Date.now();
    const fresh: LiveRecord[] = [];
    for (const fields of parsed.records) {
      if (!this.isNew(fields)) {
        this.duplicates += 1;
        continue;
      }
      fresh.push({ ...fields, seq: ++this.seq, receivedAt: now });
    }
    if (fresh.length) this.options.onRecords(fresh);
  }

  private isNew(fields: RecordFields): boolean {
    if (fields.partition === null || fields.offset === null) return true; // raw: nothing to compare
    return this.resume.advance(fields.partition, fields.offset);
  }

  private closed(generation: number, code: number, reason: string): void {
    const verdict = closeVerdict(code, reason);
    if (!verdict.reconnect) {
      this.stop(verdict.message, verdict.final);
      return;
    }
    if (verdict.resetResume) this.resume.clear();
    if (code === REPLACED) {
      this.options.onNotice?.(`${verdict.message}: its input changed, so record ids start over.`);
    }
    const stable = this.openedAt && Date.now() - this.openedAt >= STABLE_MS;
    if (stable) this.backoff.reset();
    if (verdict.reconfigured && this.openedAt) {
      // Not a failure: a deploy closed a healthy session; come back in the new form at once.
      this.openedAt = 0;
      this.formatStale = true;
      void this.connect(generation);
      return;
    }
    this.openedAt = 0;
    this.retry(generation, verdict.message);
  }

  private retry(generation: number, lastClose: string): void {
    const delay = this.backoff.next();
    this.setState({
      status: "waiting",
      attempt: this.backoff.attempt,
      retryAt: Date.now() + delay,
      lastClose,
    });
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      if (generation === this.generation) void this.connect(generation);
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    this.options.onState?.(state);
  }
}
