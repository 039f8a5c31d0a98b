/** The monitoring view's totals: components up, records delivered, lag, clients, failover. */
import type { PipelineSummary } from "../api/types";
import { NOT_MEASURED, formatCount, formatRate } from "../ui/format";

function Card({
  label,
  value,
  detail,
  tone,
}: {
  label: string;
  value: string;
  detail?: string;
  tone?: string;
}) {
  return (
    <div className={`stat-card${tone ? ` stat-card-${tone}` : ""}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {detail && <div className="stat-detail muted small">{detail}</div>}
    </div>
  );
}

export function SummaryCards({ summary }: { summary: PipelineSummary }) {
  const allUp = summary.components > 0 && summary.up === summary.components;
  return (
    <div className="stat-cards" aria-label="Pipeline totals">
      <Card
        label="Components up"
        value={`${summary.up} / ${summary.components}`}
        tone={summary.components === 0 ? undefined : allUp ? "good" : "warn"}
      />
      <Card
        label="Delivered"
        value={`${formatRate(summary.records_per_sec)}/s`}
        detail="records leaving the pipeline"
      />
      <Card
        label="Consumer lag"
        value={summary.lag === null ? NOT_MEASURED : formatCount(summary.lag)}
        detail="records waiting"
      />
      <Card label="Clients" value={formatCount(summary.clients)} detail="WebSocket sessions" />
      <Card
        label="Failover"
        value={formatCount(summary.failed)}
        detail={
          summary.errors
            ? `${summary.errors} ${summary.errors === 1 ? "component reports" : "components report"} an error`
            : "records not handled"
        }
        tone={summary.failed ? "bad" : summary.errors ? "warn" : undefined}
      />
    </div>
  );
}
