// The leaderboard as a chart: per model, best first, a bar of its mean normalised score (0 is the
// trivial answer, 1 is gold) and beneath it a thinner bar of its medal rate, on one 0–1 scale.
import { standings, type BenchSummary } from '../../../../shared/bench';
import { ModelName } from './bench-marks';
import { percent } from './bench-text';
import './bench-chart.css';

const TICKS = [0, 0.25, 0.5, 0.75, 1];

function Bar({ share, kind, label }: { share: number; kind: 'score' | 'rate'; label: string }) {
  const width = `${Math.round(Math.min(1, Math.max(0, share)) * 1000) / 10}%`;
  return (
    <>
      <span className={`bench-bar bench-bar-${kind}`} role="img" aria-label={label}>
        <span className="bench-bar-fill" style={{ width }} />
      </span>
      <span className={`num bench-bar-value${kind === 'score' ? ' bench-strong' : ' muted'}`}>
        {kind === 'score' ? share.toFixed(2) : percent(share)}
      </span>
    </>
  );
}

export function BenchChart({ bench }: { bench: BenchSummary }) {
  const board = standings(bench);
  return (
    <figure className="bench-chart" data-testid="bench-chart" aria-label="Mean score and medal rate per model">
      <figcaption className="bench-chart-legend muted">
        <span className="bench-swatch bench-bar-score" aria-hidden="true" />
        mean score: 0 is the trivial answer (or no score), 1 is gold
        <span className="bench-swatch bench-bar-rate" aria-hidden="true" />
        medal rate
      </figcaption>
      {board.map((standing) => (
        <div className="bench-chart-row" key={standing.model} data-testid="bench-chart-row" data-model={standing.model}>
          <ModelName model={standing.model} />
          <span className="bench-chart-bars">
            <Bar
              share={standing.meanNormalised}
              kind="score"
              label={`${standing.model}: mean score ${standing.meanNormalised.toFixed(2)}`}
            />
            <Bar
              share={standing.medalRate}
              kind="rate"
              label={`${standing.model}: medal rate ${percent(standing.medalRate)}`}
            />
          </span>
        </div>
      ))}
      <div className="bench-chart-row bench-chart-axis" aria-hidden="true">
        <span />
        <span className="bench-chart-bars">
          <span className="bench-axis">
            {TICKS.map((tick) => (
              <span key={tick} className="bench-tick" style={{ left: `${tick * 100}%` }}>
                {tick === 0 ? '0 trivial' : tick === 1 ? '1 gold' : tick}
              </span>
            ))}
          </span>
          <span />
        </span>
      </div>
    </figure>
  );
}
