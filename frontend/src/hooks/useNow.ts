/** A clock for "3 s ago": the current time, re-rendered every few seconds. */
import { useEffect, useState } from "react";

/** The current time, re-rendered every `intervalMs`, so ages keep counting between polls. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}
