/** Live Tap: the producer's records as they arrive, right in the properties tray. */
import { useEffect, useState } from "react";
import { errorMessage } from "../../api/client";
import { producersApi } from "../../api/endpoints";
import type { PipelineStatus, ProducerSummary } from "../../api/types";
import { ConnectionBadge } from "../../dashboards/ConnectionBadge";
import { formatCount } from "../../ui/format";
import type { LiveRecord } from "../../live/frames";
import { streamSourceOf, useLiveStream } from "../../hooks/useLiveStream";
import { PauseIcon, PlayIcon } from "../../ui/Icons";

const TAPPED = 20;

interface Props {
  componentId: number;
  /** Re-reads whether the producer streams when the pipeline is activated or deactivated. */
  pipelineStatus: PipelineStatus;
}

export function LiveTap({ componentId, pipelineStatus }: Props) {
  const [producer, setProducer] = useState<ProducerSummary | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    let stale = false;
    producersApi.get(componentId).then(
      (p) => !stale && setProducer(p),
      (e: unknown) => !stale && setError(errorMessage(e)),
    );
    return () => {
      stale = true;
    };
  }, [componentId, pipelineStatus]);

  const live = useLiveStream(streamSourceOf(producer), { keep: TAPPED });
  const [frozen, setFrozen] = useState<LiveRecord[] | null>(null);
  const records = frozen ?? live.store.recent;

  if (error) return <p className="field-error">{error}</p>;
  if (!producer) return <p className="muted small">Loading…</p>;
  if (!producer.streaming) {
    return (
      <p className="muted small live-tap-idle">
        Nothing to tap yet: the producer streams once the pipeline is updated (Update Pipeline) and activated.
      </p>
    );
  }
  return (
    <div className="live-tap">
      <div className="live-tap-bar">
        <ConnectionBadge state={live.connection} onRetry={live.retryNow} />
        <span className="muted small" data-stat="received">
          {formatCount(live.store.received)} received
        </span>
        <a className="small" href={`/dashboards/${componentId}/`} target="_blank" rel="noopener">
          Dashboard ↗
        </a>
        <button
          type="button"
          className="button button-small"
          aria-pressed={frozen !== null}
          onClick={() => setFrozen(frozen ? null : live.store.recent)}
        >
          {frozen ? <PlayIcon /> : <PauseIcon />} {frozen ? "Resume" : "Pause"}
        </button>
      </div>
      {live.store.notice && (
        <p className="muted small live-tap-notice" role="status">
          {live.store.notice}
        </p>
      )}
      {records.length === 0 ? (
        <p className="muted small">Waiting for records… the first ones appear here as they arrive.</p>
      ) : (
        <ol className="tap-list" aria-label="Tapped records">
          {records.map((r) => (
            <li key={r.seq}>
              <details>
                <summary>
                  {r.id && <span className="tap-id">{r.id}</span>}
                  <span className="tap-value">{JSON.stringify(r.value)}</span>
                </summary>
                <pre className="json">{JSON.stringify(r.frame, null, 2)}</pre>
              </details>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
