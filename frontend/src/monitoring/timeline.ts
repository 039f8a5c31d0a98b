/**
 * The Intelligent Scaling timeline ("why it scaled"): decisions from the API turned into
 * entries a person reads top to bottom, newest first, grouped by day.
 */
import type { ScalingDecision } from "../api/types";
import { clockTime, formatCount, formatPercent } from "../ui/format";

export type Tone = "up" | "down" | "blocked" | "neutral";

export interface TimelineEntry {
  id: number;
  at: Date;
  time: string;
  component: string;
  componentId: number | null;
  /** up, down, hold, blocked or bounds (the server may add others: they read as they are). */
  action: string;
  title: string;
  change: string;
  lag: string;
  reason: string;
  tone: Tone;
}

export interface TimelineDay {
  label: string;
  entries: TimelineEntry[];
}

const TITLES: Record<string, string> = {
  up: "Scaled up",
  down: "Scaled down",
  blocked: "Could not scale",
  bounds: "Brought within bounds",
  hold: "Held",
};

const TONES: Record<string, Tone> = {
  up: "up",
  down: "down",
  blocked: "blocked",
  bounds: "neutral",
  hold: "neutral",
};

export function toEntry(decision: ScalingDecision): TimelineEntry {
  const at = new Date(decision.decided_at);
  const unit = decision.new_count === 1 ? "instance" : "instances";
  return {
    id: decision.id,
    at,
    time: clockTime(at),
    component: decision.component_name,
    componentId: decision.component,
    action: decision.action,
    title: TITLES[decision.action] ?? decision.action,
    change:
      decision.old_count === decision.new_count
        ? `stays at ${decision.new_count} ${unit}`
        : `${decision.old_count} → ${decision.new_count} ${unit}`,
    lag: `lag ${formatCount(decision.lag)} of ${formatCount(decision.lag_threshold)} (${formatPercent(decision.ratio)})`,
    reason: decision.reason,
    tone: TONES[decision.action] ?? "neutral",
  };
}

function dayLabel(at: Date, now: Date): string {
  const day = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((day(now) - day(at)) / 86_400_000);
  if (days === 0) return "Today";
  if (days === 1) return "Yesterday";
  return at.toLocaleDateString(undefined, {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
  });
}

/** Newest first, one group per calendar day (local time). */
export function buildTimeline(decisions: ScalingDecision[], now: Date): TimelineDay[] {
  const entries = decisions.map(toEntry).sort((a, b) => b.at.getTime() - a.at.getTime() || b.id - a.id);
  const days: TimelineDay[] = [];
  for (const entry of entries) {
    const label = dayLabel(entry.at, now);
    const last = days.at(-1);
    if (last && last.label === label) last.entries.push(entry);
    else days.push({ label, entries: [entry] });
  }
  return days;
}
