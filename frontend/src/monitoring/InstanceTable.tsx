/** Every running instance: throughput, lag, and CPU and memory next to the request and limit. */
import type { ComponentMonitoring, InstanceFigures } from "../api/types";
import { NOT_MEASURED, exactUnixTime, formatCount, formatRate, formatUptime, usage } from "./format";

interface UsageCellProps {
  used: number | null;
  request?: number;
  limit?: number;
  unit: string;
  label: string;
}

function UsageCell({ used, request, limit, unit, label }: UsageCellProps) {
  if (used === null) return <span className="muted">{NOT_MEASURED}</span>;
  const shown = usage(used, request, limit);
  const configured = [
    request ? `request ${formatCount(request)} ${unit}` : "",
    limit ? `limit ${formatCount(limit)} ${unit}` : "",
  ].filter(Boolean);
  return (
    <div className="usage" data-level={shown.level}>
      <div className="usage-text">
        <strong>
          {formatCount(Math.round(used))} {unit}
        </strong>
        <span className="muted small">{configured.join(" · ") || "no request or limit"}</span>
      </div>
      <div
        className="usage-bar"
        role="meter"
        aria-label={`${label}: ${Math.round(used)} ${unit}${limit ? ` of ${limit} ${unit} limit` : ""}`}
        aria-valuenow={Math.round(used)}
        aria-valuemin={0}
        aria-valuemax={limit || undefined}
      >
        <span className="usage-fill" style={{ width: `${shown.fill * 100}%` }} />
        {shown.request !== null && (
          <span className="usage-request" style={{ left: `${shown.request * 100}%` }} title="Request" />
        )}
      </div>
    </div>
  );
}

function Row({ component, figures, now }: { component: string; figures: InstanceFigures; now: number }) {
  const r = figures.resources;
  return (
    <tr data-instance={figures.instance} data-instance-of={component}>
      <td>{component}</td>
      <td className="mono" title={figures.last_error || undefined}>
        {figures.instance}
      </td>
      <td>{figures.version ? `v${figures.version}` : NOT_MEASURED}</td>
      <td>{figures.assigned.length ? figures.assigned.join(", ") : <span className="muted">none</span>}</td>
      <td className="num">{formatRate(figures.records_in_per_sec)}/s</td>
      <td className="num">{formatRate(figures.records_out_per_sec)}/s</td>
      <td className="num">{formatCount(figures.lag)}</td>
      <td data-figure="cpu">
        <UsageCell
          used={figures.cpu_millicores}
          request={r.cpu_request}
          limit={r.cpu_limit}
          unit="m"
          label="CPU in millicores"
        />
      </td>
      <td data-figure="memory">
        <UsageCell
          used={figures.rss_mb}
          request={r.memory_request}
          limit={r.memory_limit}
          unit="MB"
          label="Memory"
        />
      </td>
      <td title={exactUnixTime(figures.started_at)}>{formatUptime(figures.started_at, now)}</td>
    </tr>
  );
}

export function InstanceTable({ components, now }: { components: ComponentMonitoring[]; now: number }) {
  const rows = components.flatMap((c) =>
    c.instance_details.map((figures) => ({ component: c.name, figures })),
  );
  if (rows.length === 0) {
    return (
      <div className="empty empty-small">
        No instance is reporting. Instances run while the pipeline is active and the worker supervisor
        (manage.py run_pipelines) is up.
      </div>
    );
  }
  return (
    <div className="table-scroll">
      <table className="table monitor-table" aria-label="Instances">
        <thead>
          <tr>
            <th scope="col">Component</th>
            <th scope="col">Instance</th>
            <th scope="col">Version</th>
            <th scope="col">Partitions</th>
            <th scope="col" className="num">
              In
            </th>
            <th scope="col" className="num">
              Out
            </th>
            <th scope="col" className="num">
              Lag
            </th>
            <th scope="col">CPU (millicores)</th>
            <th scope="col">Memory</th>
            <th scope="col">Up for</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ component, figures }) => (
            <Row key={`${component}:${figures.instance}`} component={component} figures={figures} now={now} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
