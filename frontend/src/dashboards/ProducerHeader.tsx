/** The top of a producer's dashboard: names, pipeline, views, connection; and what blocks it. */
import type { ProducerSummary } from "../api/types";
import type { LiveStreamHandle } from "../hooks/useLiveStream";
import { StatusBadge } from "../ui/StatusBadge";
import { ConnectionBadge } from "./ConnectionBadge";
import { ProducerBanners } from "./ProducerBanners";

interface Props {
  producer: ProducerSummary | null;
  live: LiveStreamHandle;
  /** Which of the producer's dashboards this page is. */
  kind: string;
  title?: string;
  loadError: string;
}

export function ProducerHeader({ producer, live, kind, title, loadError }: Props) {
  return (
    <>
      <div className="dash-header">
        <div className="dash-heading">
          <nav className="crumbs small" aria-label="Breadcrumb">
            <a href="/dashboards/">Dashboards</a> <span aria-hidden="true">/</span>
          </nav>
          <h1>{title ?? producer?.name ?? "Loading…"}</h1>
          {producer && (
            <p className="dash-meta muted">
              {title && <span className="dash-producer">{producer.name}</span>}
              <span>
                Pipeline{" "}
                <a href={`/pipelines/${producer.pipeline.id}/editor/`} title="Open in the editor">
                  {producer.pipeline.name}
                </a>
              </span>
              <StatusBadge status={producer.pipeline.status} />
              <span className="chip">{producer.frame_format}</span>
            </p>
          )}
        </div>
        <div className="dash-side">
          {producer && producer.dashboards.length > 1 && (
            <nav className="view-switch" aria-label="Dashboard views">
              {producer.dashboards.map((d) => (
                <a key={d.kind} href={d.url} aria-current={d.kind === kind ? "page" : undefined}>
                  {d.label}
                </a>
              ))}
            </nav>
          )}
          <ConnectionBadge state={live.connection} onRetry={live.retryNow} stopReason={false} />
        </div>
      </div>
      <ProducerBanners producer={producer} live={live} loadError={loadError} />
    </>
  );
}
