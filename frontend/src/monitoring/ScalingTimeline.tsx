/** "Why it scaled": every Intelligent Scaling decision with its lag, ratio, counts and reason. */
import type { ScalingDecision } from "../api/types";
import { buildTimeline } from "./timeline";

export function ScalingTimeline({ decisions, now }: { decisions: ScalingDecision[]; now: number }) {
  const days = buildTimeline(decisions, new Date(now));
  if (days.length === 0) {
    return (
      <div className="empty empty-small">
        No scaling decisions yet. With Intelligent Scaling on, every change of a component's instance count is
        recorded here with the lag that caused it, as is a change that min/max instances or the partition
        count blocked.
      </div>
    );
  }
  return (
    <div className="timeline" aria-label="Scaling decisions">
      {days.map((day) => (
        <section key={day.label} className="timeline-day">
          <h3 className="timeline-day-label">{day.label}</h3>
          <ol className="timeline-list">
            {day.entries.map((e) => (
              <li key={e.id} className={`timeline-entry tone-${e.tone}`} data-action={e.action}>
                <time
                  className="timeline-time mono"
                  dateTime={e.at.toISOString()}
                  title={e.at.toLocaleString()}
                >
                  {e.time}
                </time>
                <span className="timeline-dot" aria-hidden="true" />
                <div className="timeline-body">
                  <div className="timeline-title">
                    <strong>{e.component}</strong> {e.title.toLowerCase()}:{" "}
                    <span className="timeline-change">{e.change}</span>
                  </div>
                  <div className="timeline-lag muted small">{e.lag}</div>
                  <div className="timeline-reason">{e.reason}</div>
                </div>
              </li>
            ))}
          </ol>
        </section>
      ))}
    </div>
  );
}
