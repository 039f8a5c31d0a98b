/** The pipeline's versions, newest first: pick two to compare, restore one into the draft. */
import { useEffect, useState } from "react";
import { errorMessage } from "../api/client";
import type { GraphApi } from "../api/endpoints";
import type { Pipeline, VersionSummary } from "../api/types";
import { useFeedback } from "../ui/feedback";
import { exactTime, relativeTime } from "../ui/format";
import { DiffView } from "./DiffView";
import { type SnapshotDiff, diffSnapshots } from "./diff";

export interface VersionListProps {
  api: GraphApi;
  current: number | null;
  /** A viewer compares versions but cannot restore one. */
  readOnly?: boolean;
  onRestored: (pipeline: Pipeline) => void;
  onError: (error: unknown) => void;
}

export function VersionList({ api, current, readOnly, onRestored, onError }: VersionListProps) {
  const { confirm, toast } = useFeedback();
  const [versions, setVersions] = useState<VersionSummary[] | null>(null);
  const [error, setError] = useState("");
  const [picked, setPicked] = useState<number[]>([]);
  const [diff, setDiff] = useState<{ from: number; to: number; result: SnapshotDiff } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.versions().then(
      (list) => setVersions([...list].sort((a, b) => b.number - a.number)),
      (e: unknown) => setError(errorMessage(e)),
    );
  }, [api]);

  function toggle(n: number) {
    setDiff(null);
    setPicked((all) => (all.includes(n) ? all.filter((x) => x !== n) : [...all.slice(-1), n]));
  }

  async function compare() {
    const [from, to] = [...picked].sort((a, b) => a - b);
    if (from === undefined || to === undefined) return;
    setBusy(true);
    try {
      const [a, b] = await Promise.all([api.version(from), api.version(to)]);
      setDiff({ from, to, result: diffSnapshots(a.snapshot, b.snapshot) });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function restore(n: number) {
    const ok = await confirm({
      title: `Restore version ${n}?`,
      message:
        "The editor's graph is replaced by this version's snapshot. Apply it with Update Pipeline afterwards.",
      confirmLabel: "Restore",
      danger: true,
    });
    if (!ok) return;
    try {
      onRestored(await api.restore(n));
      toast(`Version ${n} restored`, "success");
    } catch (e) {
      onError(e);
    }
  }

  return (
    <section aria-label="Versions">
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {versions === null && !error && <p className="muted">Loading…</p>}
      {versions?.length === 0 && <p className="muted">No versions yet. Update Pipeline writes one.</p>}
      {versions && versions.length > 0 && (
        <>
          <p className="muted small">Pick two versions to compare them.</p>
          <ul className="version-list">
            {versions.map((v) => (
              <li key={v.number} className={picked.includes(v.number) ? "version is-picked" : "version"}>
                <label className="version-pick">
                  <input
                    type="checkbox"
                    checked={picked.includes(v.number)}
                    onChange={() => toggle(v.number)}
                  />
                  <span className="version-number">v{v.number}</span>
                  {v.number === current && <span className="chip">deployed</span>}
                </label>
                <div className="version-meta">
                  <span>{v.message || <span className="muted">No message</span>}</span>
                  <span className="muted small" title={exactTime(v.created_at)}>
                    {v.created_by ? `${String(v.created_by)} · ` : ""}
                    {relativeTime(v.created_at)}
                  </span>
                </div>
                {!readOnly && (
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => void restore(v.number)}
                  >
                    Restore
                  </button>
                )}
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="button button-primary"
            disabled={picked.length !== 2 || busy}
            onClick={() => void compare()}
          >
            Compare
          </button>
        </>
      )}
      {diff && <DiffView from={diff.from} to={diff.to} diff={diff.result} />}
    </section>
  );
}
