/** The drawer of the pipeline's past: its versions (list, compare, restore) and its audit History. */
import { useEffect, useState } from "react";
import { errorMessage } from "../api/client";
import type { GraphApi } from "../api/endpoints";
import type { Pipeline, VersionSummary } from "../api/types";
import { CrossIcon } from "../ui/Icons";
import { exactTime, relativeTime } from "../ui/StatusBadge";
import { Tabs } from "../ui/Tabs";
import { useFeedback } from "../ui/feedback";
import { AuditHistory } from "./AuditHistory";
import { type SnapshotDiff, diffSnapshots, isEmptyDiff } from "./diff";

interface Props {
  api: GraphApi;
  current: number | null;
  /** A viewer compares versions but cannot restore one. */
  readOnly?: boolean;
  onClose: () => void;
  onRestored: (pipeline: Pipeline) => void;
  onError: (error: unknown) => void;
}

const TABS = [
  { key: "versions", label: "Versions" },
  { key: "history", label: "History" },
];

export function VersionsDrawer(props: Props) {
  const [tab, setTab] = useState("versions");
  return (
    <aside className="drawer drawer-tabbed" aria-label="Versions and history">
      <button
        type="button"
        className="icon-button drawer-close"
        aria-label="Close versions"
        onClick={props.onClose}
      >
        <CrossIcon />
      </button>
      <Tabs label="Versions and history" tabs={TABS} active={tab} onChange={setTab}>
        {tab === "history" ? <AuditHistory pipelineId={props.api.pipelineId} /> : <Versions {...props} />}
      </Tabs>
    </aside>
  );
}

function Versions({ api, current, readOnly, onRestored, onError }: Props) {
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

function DiffView({ from, to, diff }: { from: number; to: number; diff: SnapshotDiff }) {
  return (
    <section className="diff" aria-label={`Changes from v${from} to v${to}`}>
      <h3>
        v{from} → v{to}
      </h3>
      {isEmptyDiff(diff) && <p className="muted">No differences.</p>}
      <DiffList title="Nodes added" tone="add" items={diff.added.map((n) => n.label)} />
      <DiffList title="Nodes removed" tone="remove" items={diff.removed.map((n) => n.label)} />
      <DiffList
        title="Nodes changed"
        tone="change"
        items={diff.changed.map((n) => `${n.label}: ${n.changes.join(", ")}`)}
      />
      <DiffList title="Wires added" tone="add" items={diff.wiresAdded} />
      <DiffList title="Wires removed" tone="remove" items={diff.wiresRemoved} />
    </section>
  );
}

function DiffList({ title, tone, items }: { title: string; tone: string; items: string[] }) {
  if (!items.length) return null;
  return (
    <div className={`diff-group diff-${tone}`}>
      <h4>{title}</h4>
      <ul>
        {items.map((item) => (
          <li key={item}>{item}</li>
        ))}
      </ul>
    </div>
  );
}
