/** What changed between two versions: nodes added, removed and changed, wires added and removed. */
import { type SnapshotDiff, isEmptyDiff } from "./diff";

export function DiffView({ from, to, diff }: { from: number; to: number; diff: SnapshotDiff }) {
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
