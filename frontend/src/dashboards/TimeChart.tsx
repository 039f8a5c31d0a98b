/** A small uPlot time-series chart that follows its container's width. */
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { WindowSeries } from "../live/buckets";

export interface ChartSeries {
  label: string;
  color: string;
}

interface Props {
  series: readonly ChartSeries[];
  data: WindowSeries;
  /** Read by screen readers instead of the canvas. */
  label: string;
  /** The x axis always spans this many seconds up to now, so the chart scrolls steadily. */
  windowSeconds: number;
  height?: number;
  /** Lines (with a light area under a single series), or one dot per value. */
  mode?: "line" | "points";
  /** Formats y values in the legend and on the axis. */
  format?: (value: number) => string;
}

const AXIS = {
  stroke: "#5f6b7a",
  grid: { stroke: "#edf0f4", width: 1 },
  ticks: { stroke: "#dde3ea", width: 1 },
};

function seriesOptions(s: ChartSeries, props: Props, format: (v: number) => string): uPlot.Series {
  const value = (_u: uPlot, v: number | null) => (v === null ? "—" : format(v));
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

function options(props: Props, width: number): uPlot.Options {
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
    axes: [{ ...AXIS }, { ...AXIS, size: 56, values: (_u, ticks) => ticks.map((t) => format(t)) }],
    series: [{}, ...props.series.map((s) => seriesOptions(s, props, format))],
  };
}

export function TimeChart(props: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(props);
  latest.current = props;
  // A new chart only when the series change; new data goes through setData.
  const shape = props.series.map((s) => `${s.label}:${s.color}`).join("|");

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const current = latest.current;
    const chart = new uPlot(
      options(current, element.clientWidth || 600),
      [current.data.x, ...current.data.ys],
      element,
    );
    plot.current = chart;
    const observer = new ResizeObserver(() => {
      if (element.clientWidth > 0)
        chart.setSize({ width: element.clientWidth, height: current.height ?? 180 });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData([props.data.x, ...props.data.ys]);
  }, [props.data]);

  return <div ref={box} className="chart" role="img" aria-label={props.label} />;
}
