/** One component's row of the monitoring table: the figures DESIGN §5 lists, updated live. */
import type { ComponentStatus } from "../api/types";
import {
  NOT_MEASURED,
  exactUnixTime,
  formatAgo,
  formatBytes,
  formatCount,
  formatPercent,
  formatRate,
} from "../ui/format";

function StatePill({ state }: { state: "UP" | "OFF" }) {
  return (
    <span className={`state-pill state-pill-${state.toLowerCase()}`} data-state={state}>
      {state}
    </span>
  );
}

function Instances({ c }: { c: ComponentStatus }) {
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

function Lag({ c }: { c: ComponentStatus }) {
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

function Failover({ c }: { c: ComponentStatus }) {
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

export function ComponentRow({ c, now }: { c: ComponentStatus; now: number }) {
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
