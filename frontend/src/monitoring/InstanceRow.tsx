/** One running instance's row of the monitoring view: throughput, lag, CPU, memory, uptime. */
import type { InstanceFigures } from "../api/types";
import { NOT_MEASURED, exactUnixTime, formatCount, formatRate, formatUptime } from "../ui/format";
import { UsageCell } from "./UsageCell";

export function InstanceRow({
  component,
  figures,
  now,
}: {
  component: string;
  figures: InstanceFigures;
  now: number;
}) {
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
