/** The stream's connection state in a few words, with a retry button while waiting. */
import { useEffect, useState } from "react";
import type { ConnectionState } from "../live/stream";
import "../styles/live.css";

function summarize(state: ConnectionState, now: number): { tone: string; text: string; detail?: string } {
  switch (state.status) {
    case "open":
      return {
        tone: "live",
        text: "Live",
        detail: state.resumedFrom ? `Resumed after ${state.resumedFrom}` : undefined,
      };
    case "connecting":
      return { tone: "pending", text: state.attempt ? "Reconnecting…" : "Connecting…" };
    case "waiting": {
      const seconds = Math.max(0, Math.ceil((state.retryAt - now) / 1000));
      return { tone: "pending", text: `Reconnecting in ${seconds} s`, detail: state.lastClose };
    }
    case "stopped":
      return { tone: "stopped", text: "Stopped", detail: state.reason };
    default:
      return { tone: "idle", text: "Not connected" };
  }
}

interface Props {
  state: ConnectionState;
  onRetry?: () => void;
  /** Say why it stopped next to the badge (off where a banner already says it). */
  stopReason?: boolean;
}

export function ConnectionBadge({ state, onRetry, stopReason = true }: Props) {
  // Re-render twice a second while counting down to the next attempt.
  const [, setTick] = useState(0);
  useEffect(() => {
    if (state.status !== "waiting") return;
    const timer = window.setInterval(() => setTick((t) => t + 1), 500);
    return () => window.clearInterval(timer);
  }, [state]);
  const { tone, text, detail } = summarize(state, Date.now());
  return (
    <span className="connection" data-state={state.status}>
      <span className={`connection-pill connection-${tone}`} role="status" aria-live="polite" title={detail}>
        <span className="connection-dot" aria-hidden="true" />
        {text}
      </span>
      {detail && state.status !== "open" && (stopReason || state.status !== "stopped") && (
        <span className="connection-detail muted small">{detail}</span>
      )}
      {state.status === "waiting" && onRetry && (
        <button type="button" className="link-button small" onClick={onRetry}>
          Retry now
        </button>
      )}
    </span>
  );
}
