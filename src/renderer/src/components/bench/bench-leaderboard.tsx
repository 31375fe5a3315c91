// The leaderboard: one row per model, best first, with its medals, medal rate, mean normalised score
// and what its runs took (runs, tokens, cost, time).
import { MEDALS, standings, type BenchSummary } from '../../../../shared/bench';
import { formatCompact, formatCost, formatDuration } from '../../../../shared/format';
import { MedalMark, ModelName } from './bench-marks';
import { percent } from './bench-text';

function BoardHead() {
  return (
    <>
      <colgroup>
        <col className="bench-rank-col" />
        <col />
        {MEDALS.map((medal) => (
          <col key={medal} className="bench-medal-col" />
        ))}
        <col className="bench-rate-col" />
        <col className="bench-rate-col" />
        <col className="bench-small-col" />
        <col className="bench-figure-col" />
        <col className="bench-figure-col" />
        <col className="bench-figure-col" />
      </colgroup>
      <thead>
        <tr>
          <th className="num">#</th>
          <th>Model</th>
          {MEDALS.map((medal) => (
            <th key={medal} className="num">
              <MedalMark medal={medal} />
            </th>
          ))}
          <th className="num" title="Runs that ended with a medal, of the runs recorded">
            Medal rate
          </th>
          <th className="num" title="Mean normalised score: 0 is the trivial answer (or no score), 1 is gold or better">
            Mean score
          </th>
          <th className="num">Runs</th>
          <th className="num">Tokens</th>
          <th className="num">Cost</th>
          <th className="num">Time</th>
        </tr>
      </thead>
    </>
  );
}

export function BenchLeaderboard({ bench }: { bench: BenchSummary }) {
  const board = standings(bench);
  return (
    <table className="bench-board" data-testid="bench-leaderboard">
      <BoardHead />
      <tbody>
        {board.map((standing, index) => (
          <tr key={standing.model} data-testid="bench-standing" data-model={standing.model}>
            <td className="num muted">{index + 1}</td>
            <td>
              <ModelName model={standing.model} />
            </td>
            {MEDALS.map((medal) => (
              <td
                key={medal}
                className={`num${standing.medals[medal] === 0 ? ' muted' : ''}`}
                data-testid={`bench-${medal}`}
              >
                {standing.medals[medal]}
              </td>
            ))}
            <td className="num" data-testid="bench-medal-rate">
              {percent(standing.medalRate)}
            </td>
            <td className="num bench-strong" data-testid="bench-mean">
              {standing.meanNormalised.toFixed(2)}
            </td>
            <td className="num">{standing.runs}</td>
            <td className="num">{formatCompact(standing.tokens)}</td>
            <td className="num">{formatCost(standing.cost)}</td>
            <td className="num">{formatDuration(standing.durationMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
