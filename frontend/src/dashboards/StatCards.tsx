/** A row of headline figures. */
import type { ReactNode } from "react";

export interface Stat {
  label: string;
  value: ReactNode;
  /** A few words under the value. */
  note?: string;
  hint?: string;
  testId?: string;
}

export function StatCards({ stats }: { stats: readonly Stat[] }) {
  return (
    <dl className="stats">
      {stats.map((s) => (
        <div key={s.label} className="stat" title={s.hint} data-stat={s.testId}>
          <dt>{s.label}</dt>
          <dd>
            {s.value}
            {s.note && <span className="stat-note">{s.note}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}
