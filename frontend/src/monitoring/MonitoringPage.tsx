/**
 * A pipeline's monitoring view: totals, one row per component, every running instance with
 * its CPU and memory, and the Intelligent Scaling timeline. Figures come from the instances'
 * heartbeats (GET /api/pipelines/<id>/status/) every 2 s; decisions every 5 s.
 */
import { useCallback } from "react";
import { monitoringApi } from "../api/endpoints";
import type { PipelineMonitoring } from "../api/types";
import { StatusBadge } from "../ui/StatusBadge";
import { type PageContext, TopBar } from "../ui/shell";
import { ComponentTable } from "./ComponentTable";
import { InstanceTable } from "./InstanceTable";
import { ScalingTimeline } from "./ScalingTimeline";
import { useNow } from "../hooks/useNow";
import { usePoll } from "../hooks/usePoll";
import { SummaryCards } from "./SummaryCards";

const STATUS_MS = 2000;
const SCALING_MS = 5000;
const PIPELINE_MS = 15000;

function LiveIndicator({ at, error, now }: { at: number | null; error: string; now: number }) {
  const stale = error !== "" || at === null || now - at > STATUS_MS * 3;
  const age = at === null ? "" : `${Math.max(0, Math.round((now - at) / 1000))} s ago`;
  return (
    <span className={`live-indicator${stale ? " is-stale" : ""}`} role="status" title={error || undefined}>
      <span className="live-dot" aria-hidden="true" />
      {at === null ? "Loading…" : stale ? `Not updating (last ${age})` : "Live"}
    </span>
  );
}

export function MonitoringPage({ context }: { context: PageContext }) {
  const id = context.pipelineId ?? 0;
  const pipeline = usePoll(
    useCallback(() => monitoringApi.pipeline(id), [id]),
    PIPELINE_MS,
  );
  const status = usePoll<PipelineMonitoring>(
    useCallback(() => monitoringApi.status(id), [id]),
    STATUS_MS,
  );
  const scaling = usePoll(
    useCallback(() => monitoringApi.scaling(id), [id]),
    SCALING_MS,
  );
  const now = useNow();
  const p = pipeline.data;

  return (
    <div className="page">
      <TopBar context={context} />
      <main className="monitor-page">
        <header className="monitor-header">
          <div className="monitor-title">
            <a href="/pipelines/" className="crumb">
              Pipelines
            </a>
            <span className="crumb-sep" aria-hidden="true">
              /
            </span>
            <h1>{p ? `${p.name} · Monitoring` : "Monitoring"}</h1>
            {p && <StatusBadge status={status.data?.status ?? p.status} />}
            {p && (
              <span className="muted small">
                {p.current_version ? `v${p.current_version} deployed` : "not deployed"}
              </span>
            )}
          </div>
          <div className="monitor-actions">
            <LiveIndicator at={status.at} error={status.error} now={now} />
            <a className="button" href={`/pipelines/${id}/editor/`}>
              Open editor
            </a>
          </div>
        </header>
        {(pipeline.error || status.error) && !status.data && (
          <div className="banner banner-error" role="alert">
            Could not load the monitoring figures: {pipeline.error || status.error}
          </div>
        )}
        {p && p.status !== "active" && (
          <div className="banner banner-warning">
            This pipeline is {p.status}: nothing runs until it is activated, so every component is OFF.
          </div>
        )}
        {status.data && (
          <>
            <SummaryCards summary={status.data.summary} />
            <section className="monitor-section" aria-labelledby="components-heading">
              <h2 id="components-heading">Components</h2>
              <ComponentTable components={status.data.components} now={now} />
            </section>
            <section className="monitor-section" aria-labelledby="instances-heading">
              <h2 id="instances-heading">Instances</h2>
              <p className="section-help muted small">
                CPU and memory each instance uses, against the request (tick) and limit (full bar) of its
                Resource Configuration.
              </p>
              <InstanceTable components={status.data.components} now={now} />
            </section>
          </>
        )}
        <section className="monitor-section" aria-labelledby="scaling-heading">
          <h2 id="scaling-heading">Scaling timeline</h2>
          <p className="section-help muted small">
            Why Intelligent Scaling changed an instance count: the lag ratio is consumer lag ÷ the lag
            threshold; above 60 % adds an instance, below 10 % removes one.
          </p>
          {scaling.error && !scaling.data && (
            <div className="banner banner-error" role="alert">
              Could not load the scaling decisions: {scaling.error}
            </div>
          )}
          {scaling.data && <ScalingTimeline decisions={scaling.data} now={now} />}
        </section>
      </main>
    </div>
  );
}
