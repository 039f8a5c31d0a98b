/** What blocks or limits a producer's dashboard: a failed refresh, no stream, a stop, raw frames, gaps. */
import type { ReactNode } from "react";
import type { ProducerSummary } from "../api/types";
import type { LiveStreamHandle } from "../hooks/useLiveStream";

interface Props {
  producer: ProducerSummary | null;
  live: LiveStreamHandle;
  loadError: string;
}

export function ProducerBanners({ producer, live, loadError }: Props) {
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
        The stream stopped: {live.connection.reason}.{" "}
        {live.connection.final ? (
          "Ask the pipeline's owner to share it with you again."
        ) : (
          <button type="button" className="button button-small" onClick={live.restart}>
            Reconnect
          </button>
        )}
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
