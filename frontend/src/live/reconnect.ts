/** When to reconnect after a close, and how long to wait first (DESIGN §6 close codes). */

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  /** Up to this share of each delay is taken off at random, so a restarted server is not
   *  hit by every client in the same millisecond. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 15_000, factor: 2, jitter: 0.3 };

export class Backoff {
  attempt = 0;
  private readonly options: BackoffOptions;

  constructor(options: BackoffOptions = DEFAULT_BACKOFF) {
    this.options = options;
  }

  /** The delay before the next attempt; each call waits longer, up to `maxMs`. */
  next(random: () => number = Math.random): number {
    const { initialMs, maxMs, factor, jitter } = this.options;
    const base = Math.min(maxMs, initialMs * factor ** this.attempt);
    this.attempt += 1;
    return Math.round(base * (1 - jitter * random()));
  }

  reset(): void {
    this.attempt = 0;
  }
}

export type CloseVerdict =
  | {
      reconnect: true;
      message: string;
      /** Reconnect without `since`: the ids this client has mean nothing in the new stream. */
      resetResume: boolean;
      /** Update Pipeline changed the stream: reconnect at once (no back-off) and read the
       *  producer's settings (frame format) again first. */
      reconfigured: boolean;
    }
  | {
      reconnect: false;
      message: string;
      /** Trying again from this page cannot help (4503: its user may no longer view the
       *  pipeline), so it offers no Reconnect. */
      final: boolean;
    };

export const RECONFIGURED = 4001;
export const REPLACED = 4002;
export const ACCESS_REVOKED = 4503;
/** A page's token is a credential it can renew from its session: after these it mints one. */
const RENEWABLE = new Set([4501, 4504]);

const REASONS: Record<number, string> = {
  1000: "The server closed the connection",
  1001: "The server is going away",
  1006: "The connection was lost",
  1011: "The server hit an error",
  1013: "This page fell behind the stream",
  4001: "Stream reconfigured by Update Pipeline",
  4002: "Stream replaced by Update Pipeline",
  4400: "The server refused the resume point",
  4501: "The Ingestion Secret was regenerated",
  4502: "The pipeline was deactivated or the producer removed",
  4503: "Your access to this pipeline was removed",
  4504: "Your sign-in changed (a new password)",
};

export function describeClose(code: number, reason = ""): string {
  const known = REASONS[code];
  if (known) return known;
  return reason ? `${reason} (${code})` : `Closed with code ${code}`;
}

/**
 * 4500–4999 mean "not with these credentials". A page's token comes from the user's session,
 * so after 4501 (secret regenerated) or 4504 (its user's password changed) a freshly minted
 * token is a new credential: reconnect (a session signed out by the new password cannot mint
 * one, and the stream stops there). Any other code in that range stops the stream.
 * Everything else reconnects: with `since`, except after 4002 (a new input: its ids start
 * over) and 4400 (a resume point the server cannot use: start again from the live edge).
 */
export function closeVerdict(code: number, reason = ""): CloseVerdict {
  const message = describeClose(code, reason);
  if (code >= 4500 && code <= 4999 && !RENEWABLE.has(code)) {
    return { reconnect: false, message, final: code === ACCESS_REVOKED };
  }
  return {
    reconnect: true,
    message,
    resetResume: code === 4400 || code === REPLACED,
    reconfigured: code === RECONFIGURED || code === REPLACED,
  };
}
