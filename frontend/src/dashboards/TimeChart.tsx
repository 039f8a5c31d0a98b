/** A small uPlot time-series chart that follows its container's width. */
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { type ChartProps, chartOptions } from "./chartOptions";

export function TimeChart(props: ChartProps) {
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
      chartOptions(current, element.clientWidth || 600),
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
