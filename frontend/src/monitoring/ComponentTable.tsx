/** One row per component: the figures DESIGN §5 lists for monitoring, updated live. */
import type { ComponentMonitoring } from "../api/types";
import {
  NOT_MEASURED,
  exactUnixTime,
  formatAgo,
  formatBytes,
  formatCount,
  formatPercent,
  formatRate,
} from "./format";

export function StatePill({ state }: { state: "UP" | "OFF" }) {
  return (
    <span className={`state-pill state-pill-${state.toLowerCase()}`} data-state={state}>
      {state}
    </span>
  );
}

function Instances({ c }: { c: ComponentMonitoring }) {
  if (c.runs_in === "web") {
    return <span title="Served by the web processes: no instances of its own">web</span>;
  }
  const s = c.scaling;
  const bounds = s && s.min_instances !== null && s.max_instances !== null;
  return (
    <>
      {c.instances}
      {bounds && (
        <div
          className="muted small"
          title={s.intelligent ? "Intelligent Scaling is on" : "Fixed instance range"}
        >
          {s.min_instances}–{s.max_instances}
          {s.intelligent ? " · auto" : ""}
        </div>
      )}
    </>
  );
}

function Rate({ perSecond, total, label }: { perSecond: number; total: number; label: string }) {
  return (
    <>
      <span title={`${perSecond} ${label} per second`}>{formatRate(perSecond)}/s</span>
      <div className="muted small" data-figure={`${label}-total`}>
        {formatCount(total)} total
      </div>
    </>
  );
}

function Lag({ c }: { c: ComponentMonitoring }) {
  if (c.lag === null) return <span className="muted">{NOT_MEASURED}</span>;
  // The threshold only means something where Intelligent Scaling measures against it.
  const threshold = c.scaling?.intelligent ? c.scaling.lag_threshold : null;
  return (
    <>
      {formatCount(c.lag)}
      {threshold ? (
        <div className="muted small" title={`Lag threshold ${formatCount(threshold)} records`}>
          {formatPercent(c.lag / threshold)} of threshold
        </div>
      ) : null}
    </>
  );
}

function Failover({ c }: { c: ComponentMonitoring }) {
  const where = c.failover_event
    ? `sent to the failover event “${c.failover_event}”`
    : "logged and counted (no failover event)";
  return (
    <span
      className={c.failed > 0 ? "figure-bad" : undefined}
      title={`Records that could not be handled: ${where}`}
    >
      {formatCount(c.failed)}
    </span>
  );
}

function Row({ c, now }: { c: ComponentMonitoring; now: number }) {
  return (
    <tr data-component={c.name} data-state={c.state}>
      <th scope="row">
        <span className="component-name">{c.name}</span>
        {!c.deployed && <div className="muted small">not deployed</div>}
      </th>
      <td>
        <StatePill state={c.state} />
      </td>
      <td className="nowrap">{c.type_label}</td>
      <td className="num" data-figure="instances">
        <Instances c={c} />
      </td>
      <td data-figure="last-processed" title={exactUnixTime(c.last_processed_at)}>
        {formatAgo(c.last_processed_at, now)}
      </td>
      <td data-figure="last-size">
        {c.last_processed_at ? (
          <>
            {formatCount(c.last_batch_records)} rec
            <div className="muted small">{formatBytes(c.last_batch_bytes)}</div>
          </>
        ) : (
          <span className="muted">{NOT_MEASURED}</span>
        )}
      </td>
      <td className="num" data-figure="records-in">
        <Rate perSecond={c.records_in_per_sec} total={c.records_in} label="in" />
      </td>
      <td className="num" data-figure="records-out">
        <Rate perSecond={c.records_out_per_sec} total={c.records_out} label="out" />
      </td>
      <td className="num" data-figure="lag">
        <Lag c={c} />
      </td>
      <td className="num" data-figure="clients">
        {c.clients === null ? <span className="muted">{NOT_MEASURED}</span> : formatCount(c.clients)}
      </td>
      <td className="num" data-figure="failover">
        <Failover c={c} />
      </td>
      <td className="last-error" data-figure="last-error" title={c.last_error || undefined}>
        {c.last_error ? (
          <>
            <span className="figure-bad">{c.last_error}</span>
            {c.last_error_at && (
              <div className="muted small" title={exactUnixTime(c.last_error_at)}>
                {formatAgo(c.last_error_at, now)}
              </div>
            )}
          </>
        ) : (
          <span className="muted">none</span>
        )}
      </td>
    </tr>
  );
}

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

export function ComponentTable({ components, now }: { components: ComponentMonitoring[]; now: number }) {
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
            <Row key={c.id} c={c} now={now} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
