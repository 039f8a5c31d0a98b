/** One producer of the dashboards list: its pipeline, whether it streams, clients, records/s, its dashboards. */
import type { ProducerSummary } from "../api/types";
import { StatusBadge } from "../ui/StatusBadge";
import { formatCount, formatRate } from "../ui/format";

export function ProducerRow({ producer: p }: { producer: ProducerSummary }) {
  const [first, ...others] = p.dashboards;
  return (
    <tr data-producer-id={p.id}>
      <td>
        <a className="pipeline-name" href={first?.url ?? `/dashboards/${p.id}/`}>
          {p.name}
        </a>
        <div className="muted small mono">{p.ingestion_id}</div>
      </td>
      <td>
        <a className="muted-link" href={`/pipelines/${p.pipeline.id}/editor/`}>
          {p.pipeline.name}
        </a>
        <div>
          <StatusBadge status={p.pipeline.status} />
        </div>
      </td>
      <td>
        <StreamState producer={p} />
      </td>
      <td className="num">{formatCount(p.status.clients)}</td>
      <td className="num">{p.status.state === "UP" ? formatRate(p.status.records_per_sec) : "—"}</td>
      <td>
        <div className="row-actions">
          {others.map((d) => (
            <a key={d.kind} className="button button-small" href={d.url}>
              {d.label}
            </a>
          ))}
          {first && (
            <a className="button button-small button-primary" href={first.url}>
              Open live
            </a>
          )}
        </div>
      </td>
    </tr>
  );
}

/** UP with its instance count, or why nothing streams. */
function StreamState({ producer: p }: { producer: ProducerSummary }) {
  if (!p.streaming) {
    return <span className="state-pill state-off">Not streaming</span>;
  }
  const up = p.status.state === "UP";
  const instances = p.status.instances;
  return (
    <span className={`state-pill ${up ? "state-up" : "state-off"}`} title="Worker state">
      {up ? `UP · ${instances} instance${instances === 1 ? "" : "s"}` : "OFF"}
    </span>
  );
}
