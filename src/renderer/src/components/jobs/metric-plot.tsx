// The canvas of one metric's chart (uPlot), loaded with the first chart a job shows: made once per
// metric and theme, then given new points as events arrive, never made again for them.
import { useEffect, useLayoutEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricSeries } from '../../../../shared/run-jobs';
import { useColorScheme } from '../../hooks/use-color-scheme';
import { PALETTE } from './metric-palette';

const HEIGHT = 130;

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

function options(series: MetricSeries, width: number, colorIndex: number): uPlot.Options {
  const text = cssVar('--muted');
  const grid = { stroke: cssVar('--border'), width: 1 };
  const axis = { stroke: text, grid, ticks: grid, font: '11px system-ui, sans-serif', size: 34 };
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false } },
    series: [
      { label: series.axis },
      {
        label: series.name,
        stroke: cssVar(PALETTE[colorIndex % PALETTE.length]!),
        width: 1.5,
        points: { size: 4 },
      },
    ],
    axes: [{ ...axis, size: 24 }, axis],
  };
}

export default function MetricPlot({ series, colorIndex }: { series: MetricSeries; colorIndex: number }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // The chart is made with the points of the moment, not made again for each new point.
  const latest = useRef(series);
  useLayoutEffect(() => {
    latest.current = series;
  });
  const scheme = useColorScheme();
  const { name, axis } = series;

  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const current = latest.current;
    const chart = new uPlot(
      options(current, Math.max(200, element.clientWidth), colorIndex),
      [current.x, current.y],
      element,
    );
    plot.current = chart;
    const observer = new ResizeObserver(() => {
      const width = Math.max(200, element.clientWidth);
      if (width !== chart.width) chart.setSize({ width, height: HEIGHT });
    });
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [name, axis, colorIndex, scheme]);

  useEffect(() => {
    plot.current?.setData([series.x, series.y]);
  }, [series]);

  return <div ref={box} className="metric-canvas" />;
}
