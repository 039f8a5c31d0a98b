/** The top of a producer's dashboard: names, pipeline, views, connection; and what blocks it. */
import type { ReactNode } from "react";
import type { ProducerSummary } from "../api/types";
import type { LiveStreamHandle } from "../live/useLiveStream";
import { StatusBadge } from "../ui/StatusBadge";
import { ConnectionBadge } from "./ConnectionBadge";

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
      <Banners producer={producer} live={live} loadError={loadError} />
    </>
  );
}

function Banners({ producer, live, loadError }: Omit<Props, "kind" | "title">) {
  const banners: ReactNode[] = [];
  if (loadError) {
    banners.push(
      <div key="load" className="banner banner-error" role="alert">
        Could not refresh the producer: {loadError}
      </div>,
    );
  }
  if (producer && !producer.streaming) {
    const { pipeline } = producer;
    banners.push(
      <div key="idle" className="banner banner-warning">
        {pipeline.status === "active"
          ? "This producer is not part of the deployed version yet: Update Pipeline to stream it."
          : `The pipeline is ${pipeline.status}: nothing streams until it is deployed and activated.`}{" "}
        <a href={`/pipelines/${pipeline.id}/editor/`}>Open the editor</a>
      </div>,
    );
  }
  if (live.connection.status === "stopped" && producer?.streaming) {
    banners.push(
      <div key="stopped" className="banner banner-error" role="alert">
        The stream stopped: {live.connection.reason}.
        <button type="button" className="button button-small" onClick={live.restart}>
          Reconnect
        </button>
      </div>,
    );
  }
  if (producer?.streaming && producer.frame_format === "raw") {
    banners.push(
      <div key="raw" className="banner banner-info">
        This producer sends raw frames, which carry no record ids: after a reconnect the page goes on from the
        live stream instead of resuming where it stopped.
      </div>,
    );
  }
  if (live.store.notice) {
    banners.push(
      <div key="notice" className="banner banner-warning" role="status">
        {live.store.notice}
      </div>,
    );
  }
  return <>{banners}</>;
}
