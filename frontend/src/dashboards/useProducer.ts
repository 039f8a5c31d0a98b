/** A producer's summary (status, clients, whether it streams), refreshed every few seconds. */
import { useCallback, useEffect, useState } from "react";
import { ApiError, errorMessage } from "../api/client";
import { producersApi } from "../api/endpoints";
import type { ProducerSummary } from "../api/types";

const POLL_MS = 5000;
/** Web processes report their client counts once a second: a look this long after the page's
 *  stream opened counts the page itself ("this page included"). */
export const COUNTED_AFTER_MS = 1500;

export function useProducer(id: number): {
  producer: ProducerSummary | null;
  /** Its live status as of the last refresh; null when that refresh failed, so a page no
   *  longer allowed to see the producer does not keep showing a count that has moved on. */
  status: ProducerSummary["status"] | null;
  error: string;
  reload: () => Promise<void>;
} {
  const [producer, setProducer] = useState<ProducerSummary | null>(null);
  const [error, setError] = useState("");

  const load = useCallback(async () => {
    try {
      setProducer(await producersApi.get(id));
      setError("");
    } catch (e) {
      setError(refreshError(e));
    }
  }, [id]);

  useEffect(() => {
    void load();
    const timer = window.setInterval(() => void load(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [load]);

  return { producer, status: error ? null : (producer?.status ?? null), error, reload: load };
}

/** One extra refresh once the page's own stream is open, so "Connected clients" does not
 *  show the count from before it connected until the next poll (up to POLL_MS later). */
export function useRecountWhenOpen(open: boolean, reload: () => Promise<void>): void {
  useEffect(() => {
    if (!open) return;
    const timer = window.setTimeout(() => void reload(), COUNTED_AFTER_MS);
    return () => window.clearTimeout(timer);
  }, [open, reload]);
}

/** A 404 here means the producer is gone or no longer shared with this user (the server
 *  does not say which, by design): say so instead of the API's "No Component matches". */
export function refreshError(e: unknown): string {
  if (e instanceof ApiError && e.status === 404) {
    return "it was removed, or it is no longer shared with you";
  }
  return errorMessage(e);
}
