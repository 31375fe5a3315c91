// One bench: when it ran and what it was asked, whether it finished (and how to go on when not), the
// leaderboard per model with its chart, and every task by every model, each run a click away.
import { formatDateTime } from '../../../../shared/format';
import type { BenchSummary } from '../../../../shared/bench';
import { useRequest } from '../../hooks/use-request';
import { ErrorBox } from '../common/error-box';
import { LoadingLine } from '../common/loading-line';
import { BenchChart } from './bench-chart';
import { BenchLeaderboard } from './bench-leaderboard';
import { BenchState } from './bench-list';
import { BenchTaskTable } from './bench-task-table';
import { benchProgress, benchShape } from './bench-text';

interface BenchDetailProps {
  benchId: string;
  onOpenRun: (runId: string) => void;
}

export function BenchDetail({ benchId, onOpenRun }: BenchDetailProps) {
  const { value, retry } = useRequest('benches.get', { benchId });
  if (value.status === 'loading') return <LoadingLine label="Reading the bench…" />;
  if (value.status === 'error') return <ErrorBox error={value.error} onRetry={retry} />;
  const bench = value.value;
  return (
    <div className="bench-detail" data-testid="bench-detail" data-bench-id={bench.id}>
      <div className="bench-detail-head">
        <div className="bench-detail-title">
          <BenchState bench={bench} />
          <h3 className="bench-heading">Bench of {formatDateTime(bench.createdAt).slice(0, 16)}</h3>
          <span className="muted">{benchShape(bench.plan)}</span>
          <span className="mono muted bench-id">{bench.id}</span>
        </div>
        <button type="button" className="button" data-testid="bench-reload" onClick={retry}>
          Reload
        </button>
      </div>
      {bench.finishedAt === null && <UnfinishedNote bench={bench} />}
      <section className="bench-section" aria-label="Leaderboard">
        <h4 className="bench-section-title">Leaderboard</h4>
        <BenchLeaderboard bench={bench} />
        <BenchChart bench={bench} />
      </section>
      <section className="bench-section" aria-label="Tasks">
        <h4 className="bench-section-title">Tasks</h4>
        <p className="muted bench-note">
          Each cell is a run, scored by the task&apos;s held-out grader; open it to see how it got there.
        </p>
        <BenchTaskTable bench={bench} onOpenRun={onOpenRun} />
      </section>
    </div>
  );
}

function UnfinishedNote({ bench }: { bench: BenchSummary }) {
  const { recorded, total, going } = benchProgress(bench);
  const command = <code>looplab bench --resume {bench.id}</code>;
  return (
    <div className="bench-unfinished" role="note" data-testid="bench-unfinished">
      {going > 0 ? (
        <p>
          This bench is still going: {recorded} of {total} runs so far, {going} running. Reload to see the latest
          scores. If its command was stopped, {command} goes on where it left off.
        </p>
      ) : (
        <p>
          This bench did not finish: {recorded} of {total} runs were recorded. {command} goes on where it left off: it
          starts the runs never started and resumes those left unfinished.
        </p>
      )}
    </div>
  );
}
