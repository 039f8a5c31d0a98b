/** Connection Validation: runs the server's live checks for one component. */
import { useState } from "react";
import { errorMessage } from "../../api/client";
import type { Check } from "../../api/types";
import { CheckIcon, CrossIcon } from "../../ui/Icons";

export function ValidationChecks({ run, disabled }: { run: () => Promise<Check[]>; disabled?: boolean }) {
  const [checks, setChecks] = useState<Check[] | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  async function start() {
    setBusy(true);
    setError("");
    try {
      setChecks(await run());
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const passed = checks?.filter((c) => c.ok).length ?? 0;
  return (
    <div className="checks">
      <p className="muted small">
        Runs live checks against Kafka, the channel layer and the component&apos;s own WebSocket handshake.
      </p>
      <button
        type="button"
        className="button button-primary"
        onClick={() => void start()}
        disabled={busy || disabled}
      >
        {busy ? "Running…" : "Run checks"}
      </button>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {checks && (
        <>
          <p className="checks-summary" role="status">
            {passed} of {checks.length} checks passed
          </p>
          <ul className="check-list">
            {checks.map((c) => (
              <li key={c.name} className={c.ok ? "check check-ok" : "check check-fail"} data-check={c.name}>
                <span className="check-icon" aria-label={c.ok ? "passed" : "failed"}>
                  {c.ok ? <CheckIcon /> : <CrossIcon />}
                </span>
                <span className="check-label">{c.label}</span>
                <span className="check-duration">{Math.round(c.duration_ms)} ms</span>
                {c.message && <span className="check-message">{c.message}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
