/** A producer's summary (status, clients, whether it streams), refreshed every few seconds. */
import { useCallback, useEffect, useState } from "react";
import { ApiError, errorMessage } from "../api/client";
import { producersApi } from "../api/endpoints";
import type { ProducerSummary } from "../api/types";

const POLL_MS = 5000;

export function useProducer(id: number): { producer: ProducerSummary | null; error: string } {
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

  return { producer, error };
}

/** A 404 here means the producer is gone or no longer shared with this user (the server
 *  does not say which, by design): say so instead of the API's "No Component matches". */
export function refreshError(e: unknown): string {
  if (e instanceof ApiError && e.status === 404) {
    return "it was removed, or it is no longer shared with you";
  }
  return errorMessage(e);
}
