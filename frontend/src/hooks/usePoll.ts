/** Live figures from the API: call it now and every few seconds while the tab is visible. */
import { useEffect, useRef, useState } from "react";
import { errorMessage } from "../api/client";

export interface Polled<T> {
  data: T | null;
  error: string;
  /** When the last answer arrived (ms), for the "updated" indicator. */
  at: number | null;
}

/**
 * Calls `load` now and every `intervalMs`, never two calls at once, and not while the tab is
 * hidden (a background tab would otherwise keep the server reading Redis for nobody). The
 * last good answer stays on screen when a poll fails; `error` says why.
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ data: null, error: "", at: null });
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    let stopped = false;
    let busy = false;
    async function tick() {
      if (busy || document.hidden) return;
      busy = true;
      try {
        const data = await loadRef.current();
        if (!stopped) setState({ data, error: "", at: Date.now() });
      } catch (error) {
        if (!stopped) setState((s) => ({ ...s, error: errorMessage(error) }));
      } finally {
        busy = false;
      }
    }
    void tick();
    const timer = window.setInterval(() => void tick(), intervalMs);
    const onVisible = () => !document.hidden && void tick();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      stopped = true;
      window.clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [intervalMs]);

  return state;
}
