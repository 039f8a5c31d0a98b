import { describe, expect, it } from "vitest";
import type uPlot from "uplot";
import { formatAmount, formatCount } from "../ui/format";
import { type ChartProps, WHOLE_STEPS, chartOptions } from "./chartOptions";

const chart = {} as uPlot; // the legend and axis formatters do not read the chart

function props(extra: Partial<ChartProps> = {}): ChartProps {
  return {
    series: [
      { label: "EUR", color: "#c2410c", format: (v) => formatAmount(v, "EUR") },
      { label: "Count", color: "#000" },
    ],
    data: { x: [], ys: [[], []] },
    label: "Amounts",
    windowSeconds: 120,
    mode: "points",
    format: formatCount,
    ...extra,
  };
}

describe("chartOptions", () => {
  it("spaces the y ticks by whole numbers when the labels are rounded", () => {
    const y = chartOptions(props({ wholeSteps: true }), 600).axes![1]!;
    expect(y.incrs).toBe(WHOLE_STEPS);
    expect(WHOLE_STEPS.slice(0, 6)).toEqual([1, 2, 5, 10, 20, 50]);
    expect(WHOLE_STEPS.every(Number.isInteger)).toBe(true);
  });

  it("leaves uPlot its own steps otherwise (a rate of 0.2 per second is a real tick)", () => {
    expect(chartOptions(props(), 600).axes![1]!.incrs).toBeUndefined();
  });

  it("shows a series' value in the legend with its own format, the axis with the chart's", () => {
    const options = chartOptions(props({ wholeSteps: true }), 600);
    const euro = options.series[1]!.value as (u: uPlot, v: number | null) => string;
    const count = options.series[2]!.value as (u: uPlot, v: number | null) => string;
    expect(euro(chart, 13.21)).toBe(formatAmount(13.21, "EUR"));
    expect(euro(chart, 13.21)).toContain("13.21");
    expect(count(chart, 13.21)).toBe("13");
    expect(euro(chart, null)).toBe("—");
    const axis = options.axes![1]!.values as (u: uPlot, ticks: number[]) => string[];
    expect(axis(chart, [0, 1000])).toEqual(["0", "1,000"]);
  });
});
