/** The monitoring view's components table: one row per component, updated live. */
import type { ComponentStatus } from "../api/types";
import { ComponentRow } from "./ComponentRow";

/** Column, what it means (the header's tooltip), whether it holds a number. */
const COLUMNS: Array<[string, string, boolean]> = [
  ["Name", "", false],
  ["Status", "UP while an instance reports (or the web tier serves it), else OFF", false],
  ["Type", "", false],
  ["Instances", "Running instances; below, the configured range", true],
  ["Last processed", "When the last batch was read", false],
  ["Last size", "Records and value bytes of the last batch", false],
  ["In", "Records in per second; the total since the instances started below", true],
  ["Out", "Records out per second; the total since the instances started below", true],
  ["Lag", "Consumer lag: records waiting in the input topic", true],
  ["Clients", "Connected WebSocket clients", true],
  ["Failover", "Records that could not be handled: sent to the failover event", true],
  ["Last error", "", false],
];

export function ComponentTable({ components, now }: { components: ComponentStatus[]; now: number }) {
  if (components.length === 0) {
    return <div className="empty">This pipeline has no components yet. Add them in the editor.</div>;
  }
  return (
    <div className="table-scroll">
      <table className="table monitor-table" aria-label="Components">
        <thead>
          <tr>
            {COLUMNS.map(([label, title, numeric]) => (
              <th key={label} scope="col" className={numeric ? "num" : undefined} title={title || undefined}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {components.map((c) => (
            <ComponentRow key={c.id} c={c} now={now} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
