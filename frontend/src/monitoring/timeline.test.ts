import { describe, expect, it } from "vitest";
import type { ScalingDecision } from "../api/types";
import { buildTimeline, toEntry } from "./timeline";

function decision(id: number, at: Date, extra: Partial<ScalingDecision> = {}): ScalingDecision {
  return {
    id,
    decided_at: at.toISOString(),
    component: 7,
    component_guid: "g",
    component_name: "Feed",
    version: 2,
    action: "up",
    lag: 6000,
    lag_threshold: 5000,
    ratio: 1.2,
    old_count: 1,
    new_count: 2,
    reason: "120 % of threshold 5000 > 60 % for 5 s",
    ...extra,
  };
}

const NOW = new Date(2026, 2, 10, 15, 0, 0);

describe("a scaling decision as a timeline entry", () => {
  it("says what changed, the lag behind it and why", () => {
    const entry = toEntry(decision(1, new Date(2026, 2, 10, 9, 5, 7)));
    expect(entry.title).toBe("Scaled up");
    expect(entry.change).toBe("1 → 2 instances");
    expect(entry.lag).toBe("lag 6,000 of 5,000 (120 %)");
    expect(entry.reason).toContain("> 60 %");
    expect(entry.time).toBe("09:05:07");
    expect(entry.tone).toBe("up");
  });

  it("explains a blocked change without pretending the count moved", () => {
    const entry = toEntry(
      decision(2, NOW, { action: "blocked", old_count: 3, new_count: 3, reason: "at the maximum of 3" }),
    );
    expect(entry.title).toBe("Could not scale");
    expect(entry.change).toBe("stays at 3 instances");
    expect(entry.tone).toBe("blocked");
  });

  it("uses the singular for one instance", () => {
    const entry = toEntry(decision(3, NOW, { action: "down", old_count: 2, new_count: 1, ratio: 0.02 }));
    expect(entry.change).toBe("2 → 1 instance");
    expect(entry.lag).toBe("lag 6,000 of 5,000 (2.0 %)");
    expect(entry.tone).toBe("down");
  });
});

describe("buildTimeline", () => {
  it("orders newest first and groups by local day", () => {
    const days = buildTimeline(
      [
        decision(1, new Date(2026, 2, 8, 23, 59)),
        decision(2, new Date(2026, 2, 10, 8, 0)),
        decision(3, new Date(2026, 2, 9, 12, 0)),
        decision(4, new Date(2026, 2, 10, 14, 30)),
      ],
      NOW,
    );
    expect(days.map((d) => d.label).slice(0, 2)).toEqual(["Today", "Yesterday"]);
    expect(days).toHaveLength(3);
    expect(days.map((d) => d.entries.map((e) => e.id))).toEqual([[4, 2], [3], [1]]);
  });

  it("is empty without decisions", () => {
    expect(buildTimeline([], NOW)).toEqual([]);
  });
});
