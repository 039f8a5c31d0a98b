/** The uPlot options of a TimeChart: pure, so the axis and legend rules are testable. */
import type uPlot from "uplot";
import type { WindowSeries } from "../live/buckets";

export interface ChartSeries {
  label: string;
  color: string;
  /** Formats this series' value in the legend, where it differs from the axis (`format`). */
  format?: (value: number) => string;
}

export interface ChartProps {
  series: readonly ChartSeries[];
  data: WindowSeries;
  /** Read by screen readers instead of the canvas. */
  label: string;
  /** The x axis always spans this many seconds up to now, so the chart scrolls steadily. */
  windowSeconds: number;
  height?: number;
  /** Lines (with a light area under a single series), or one dot per value. */
  mode?: "line" | "points";
  /** Formats y values on the axis, and in the legend where a series has no format of its own. */
  format?: (value: number) => string;
  /** Ticks only at whole numbers: `format` rounds, and ticks 0.2 apart read "0 0 0 1 1 1". */
  wholeSteps?: boolean;
}

/** 1, 2, 5, 10, 20, 50 … up to 5e9: the steps uPlot may space whole-number ticks by. */
export const WHOLE_STEPS = Array.from({ length: 10 }, (_, k) => [1, 2, 5].map((m) => m * 10 ** k)).flat();

const AXIS = {
  stroke: "#5f6b7a",
  grid: { stroke: "#edf0f4", width: 1 },
  ticks: { stroke: "#dde3ea", width: 1 },
};

function seriesOptions(s: ChartSeries, props: ChartProps, format: (v: number) => string): uPlot.Series {
  const shown = s.format ?? format;
  const value = (_u: uPlot, v: number | null) => (v === null ? "—" : shown(v));
  if (props.mode === "points") {
    return {
      label: s.label,
      stroke: s.color,
      paths: () => null,
      points: { show: true, size: 6, fill: s.color },
      value,
    };
  }
  const fill = props.series.length === 1 ? `${s.color}22` : undefined;
  return { label: s.label, stroke: s.color, width: 2, fill, points: { show: false }, value };
}

export function chartOptions(props: ChartProps, width: number): uPlot.Options {
  const format = props.format ?? ((v: number) => String(v));
  return {
    width,
    height: props.height ?? 180,
    legend: { show: props.series.length > 1 },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: {
        time: true,
        range: () => {
          const now = Date.now() / 1000;
          return [now - props.windowSeconds, now];
        },
      },
      y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.15)] },
    },
    axes: [
      { ...AXIS },
      {
        ...AXIS,
        size: 56,
        values: (_u, ticks) => ticks.map((t) => format(t)),
        ...(props.wholeSteps ? { incrs: WHOLE_STEPS } : {}),
      },
    ],
    series: [{}, ...props.series.map((s) => seriesOptions(s, props, format))],
  };
}
