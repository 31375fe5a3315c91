// One metric of a job as a live line chart (uPlot on a canvas): made once per metric and theme, then
// given new points as events arrive, never made again for them. Its name, point count and latest value
// sit above it as text.
import { memo, useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatMetric } from '../../../../shared/format';
import type { MetricSeries } from '../../../../shared/run-jobs';
import { useColorScheme } from '../../hooks/use-color-scheme';

const HEIGHT = 130;
const PALETTE = ['--blue', '--green', '--amber', '--purple', '--teal', '--pink', '--orange', '--red'];

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

interface MetricChartProps {
  series: MetricSeries;
  colorIndex: number;
}

export const MetricChart = memo(function MetricChart({ series, colorIndex }: MetricChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(series);
  latest.current = series;
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

  const last = series.y.at(-1);
  const lastX = series.x.at(-1);
  const where = lastX === undefined ? '' : series.axis === 'step' ? `at step ${lastX}` : `at ${formatMetric(lastX)} s`;
  return (
    <figure className="metric-chart" data-testid="metric-chart" data-metric={name} data-points={series.y.length}>
      <figcaption className="metric-legend">
        <span className="metric-swatch" style={{ background: `var(${PALETTE[colorIndex % PALETTE.length]!})` }} />
        <span className="metric-name">{name}</span>
        <span className="metric-last mono" data-testid="metric-last">
          {last === undefined ? '–' : formatMetric(last)}
        </span>
        <span className="muted">
          {where} · {series.y.length} point{series.y.length === 1 ? '' : 's'}
        </span>
      </figcaption>
      <div ref={box} className="metric-canvas" />
    </figure>
  );
});
