/** The Live column of the pipelines list. */
import type { PipelineSummary } from "../api/types";
import { formatCount, formatRate } from "../ui/format";

/** Components up, records/s leaving the pipeline, lag, clients, failures: as in its monitoring view. */
export function LiveSummary({ summary: s }: { summary: PipelineSummary }) {
  const allUp = s.components > 0 && s.up === s.components;
  const figures = [`${formatRate(s.records_per_sec)} rec/s`];
  if (s.lag !== null) figures.push(`lag ${formatCount(s.lag)}`);
  if (s.clients) figures.push(`${formatCount(s.clients)} ${s.clients === 1 ? "client" : "clients"}`);
  return (
    <span className="live-summary" data-live-summary>
      <span className={`state-pill state-pill-${allUp ? "up" : "off"}`} title="Components up">
        {s.up}/{s.components} UP
      </span>
      <span className="muted small">
        {figures.join(" · ")}
        {s.failed > 0 && <span className="figure-bad"> · {formatCount(s.failed)} failed</span>}
      </span>
    </span>
  );
}
