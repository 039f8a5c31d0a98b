/** The History tab: the pipeline's audit log, newest first, older pages on request. */
import { useCallback, useEffect, useState } from "react";
import { errorMessage } from "../api/client";
import { auditApi } from "../api/endpoints";
import type { AuditEntry } from "../api/types";
import { RefreshIcon } from "../ui/Icons";
import { auditLine } from "./audit";

interface Props {
  pipelineId: number;
  api?: typeof auditApi;
}

export function AuditHistory({ pipelineId, api = auditApi }: Props) {
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [count, setCount] = useState(0);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);

  const fetchPage = useCallback(
    async (more: string | null) => {
      setBusy(true);
      setError("");
      try {
        const page = await api.page(pipelineId, more);
        setEntries((all) => (more ? [...(all ?? []), ...page.results] : page.results));
        setCount(page.count);
        setNext(page.next ?? null);
      } catch (e) {
        setError(errorMessage(e));
      } finally {
        setBusy(false);
      }
    },
    [api, pipelineId],
  );

  useEffect(() => {
    void fetchPage(null);
  }, [fetchPage]);

  const now = Date.now();
  return (
    <section className="audit" aria-label="Audit log">
      <div className="audit-bar">
        <span className="muted small">
          {entries === null ? "" : `${count} ${count === 1 ? "entry" : "entries"}`} · who did what, when and
          from where
        </span>
        <button
          type="button"
          className="icon-button"
          aria-label="Reload history"
          title="Reload"
          disabled={busy}
          onClick={() => void fetchPage(null)}
        >
          <RefreshIcon />
        </button>
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {entries === null && !error && <p className="muted">Loading…</p>}
      {entries?.length === 0 && (
        <p className="muted">
          Nothing recorded yet. Updates, activation, secrets, deletes and sharing are listed here.
        </p>
      )}
      {entries && entries.length > 0 && (
        <ol className="audit-list">
          {entries.map((entry) => {
            const line = auditLine(entry, now);
            return (
              <li key={entry.id} className={`audit-entry audit-${line.tone}`} data-action={entry.action}>
                <span className="audit-tag">{line.tag}</span>
                <span className="audit-what">{line.what}</span>
                <span className="audit-meta small">
                  <strong className="audit-who">{line.who}</strong>
                  {" · "}
                  <time dateTime={entry.at} title={line.exact}>
                    {line.when}
                  </time>
                  {line.where && <span className="audit-where"> · {line.where}</span>}
                </span>
              </li>
            );
          })}
        </ol>
      )}
      {next && (
        <button
          type="button"
          className="button button-small"
          disabled={busy}
          onClick={() => void fetchPage(next)}
        >
          {busy ? "Loading…" : "Show older"}
        </button>
      )}
    </section>
  );
}
