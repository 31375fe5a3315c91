// One metric of a job as a live line chart: its name, point count and latest value as text, and
// above them the canvas (metric-plot.tsx), which loads the chart library the first time one is shown.
import { lazy, memo, Suspense } from 'react';
import { formatMetric } from '../../../../shared/format';
import type { MetricSeries } from '../../../../shared/run-jobs';
import { PALETTE } from './metric-palette';

const MetricPlot = lazy(() => import('./metric-plot'));

interface MetricChartProps {
  series: MetricSeries;
  colorIndex: number;
}

export const MetricChart = memo(function MetricChart({ series, colorIndex }: MetricChartProps) {
  const { name } = series;
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
      {/* One point is a number, not a line: no chart until there is a second. */}
      {series.y.length > 1 && (
        <Suspense fallback={<div className="metric-canvas" />}>
          <MetricPlot series={series} colorIndex={colorIndex} />
        </Suspense>
      )}
    </figure>
  );
});
