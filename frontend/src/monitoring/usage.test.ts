import { describe, expect, it } from "vitest";
import { usage } from "./usage";

describe("usage against request and limit", () => {
  it("is fine within the request", () => {
    expect(usage(200, 250, 1000)).toEqual({ fill: 0.2, request: 0.25, level: "ok" });
  });

  it("borrows capacity above the request", () => {
    expect(usage(400, 250, 1000).level).toBe("above-request");
  });

  it("warns near the limit and never overflows the bar", () => {
    expect(usage(950, 250, 1000).level).toBe("near-limit");
    expect(usage(1500, 250, 1000).fill).toBe(1);
  });

  it("scales to the use when no limit is configured", () => {
    const shown = usage(100, undefined, undefined);
    expect(shown.fill).toBeCloseTo(0.8);
    expect(shown.request).toBeNull();
  });

  it("draws nothing for an unmeasured instance", () => {
    expect(usage(null, 250, 1000)).toEqual({ fill: 0, request: null, level: "unknown" });
  });
});
