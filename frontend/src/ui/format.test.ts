import { describe, expect, it } from "vitest";
import {
  formatAgo,
  formatAmount,
  formatBytes,
  formatCount,
  formatPercent,
  formatRate,
  formatUptime,
  relativeTime,
} from "./format";

const NOW = 1_700_000_000_000; // ms

describe("formatRate", () => {
  it.each([
    [0, "0"],
    [0.4, "0.4"],
    [12, "12"],
    [12.5, "13"],
    [950, "950"],
    [1234, "1.2k"],
    [35_400, "35k"],
    [1_250_000, "1.3M"],
    [-3, "0"],
  ])("%s records/s reads %s", (value, text) => {
    expect(formatRate(value)).toBe(text);
  });
});

describe("formatCount and formatBytes", () => {
  it("groups thousands and says when nothing was measured", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
    expect(formatCount(0)).toBe("0");
    expect(formatCount(null)).toBe("—");
  });

  it("shows a count whole", () => {
    expect(formatCount(1234.6)).toBe("1,235");
  });

  it.each([
    [512, "512 B"],
    [30_000, "29 KB"],
    [2048, "2.0 KB"],
    [5 * 2 ** 20, "5.0 MB"],
    [3 * 2 ** 30, "3.0 GB"],
  ])("%s bytes read %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it("shows a dash for an unknown size", () => {
    expect(formatBytes(null)).toBe("—");
  });
});

describe("ages and uptimes", () => {
  it.each([
    [NOW / 1000, "just now"],
    [NOW / 1000 - 12, "12 s ago"],
    [NOW / 1000 - 4 * 60 - 5, "4 min ago"],
    [NOW / 1000 - 3 * 3600, "3 h ago"],
    [NOW / 1000 + 5, "just now"], // a clock slightly ahead never gives a negative age
  ])("a batch at %s was processed %s", (at, text) => {
    expect(formatAgo(at, NOW)).toBe(text);
  });

  it("has no age for a component that never processed anything", () => {
    expect(formatAgo(null, NOW)).toBe("—");
  });

  it("counts uptime in the two largest units", () => {
    expect(formatUptime(NOW / 1000 - 45, NOW)).toBe("45 s");
    expect(formatUptime(NOW / 1000 - (3 * 3600 + 5 * 60), NOW)).toBe("3 h 5 min");
    expect(formatUptime(NOW / 1000 - (2 * 86400 + 4 * 3600), NOW)).toBe("2 d 4 h");
  });
});

describe("formatPercent", () => {
  it("keeps a decimal only for small shares", () => {
    expect(formatPercent(1.2)).toBe("120 %");
    expect(formatPercent(0.052)).toBe("5.2 %");
    expect(formatPercent(0)).toBe("0 %");
  });
});

describe("formatAmount", () => {
  it("formats known currencies and still shows unknown codes", () => {
    expect(formatAmount(1234.5, "EUR")).toMatch(/1,234\.50/);
    expect(formatAmount(2, "NOT-A-CODE")).toBe("2.00 NOT-A-CODE");
  });
});

describe("relativeTime", () => {
  const at = "2023-11-14T22:13:20Z"; // NOW

  it.each([
    [NOW + 30_000, "just now"],
    [NOW + 4 * 60_000, "4 min ago"],
    [NOW + 3 * 3_600_000, "3 h ago"],
    [NOW + 2 * 86_400_000, "2 d ago"],
  ])("an API time read at %s is %s", (now, text) => {
    expect(relativeTime(at, now)).toBe(text);
  });

  it("says nothing for a time it cannot read", () => {
    expect(relativeTime("not a time", NOW)).toBe("");
  });
});
