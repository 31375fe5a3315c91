// Every task by every model: a row per task (its kind, metric, which way is better, the medal
// thresholds), a column per model, and in each cell the run of each seed (its score, medal, steps and
// time), each opening that run. With several seeds the cell starts with the seeds' mean.
import { Fragment } from 'react';
import {
  medalOf,
  MEDALS,
  standings,
  type BenchEntry,
  type BenchSummary,
  type BenchTaskInfo,
} from '../../../../shared/bench';
import { formatDuration, formatMetric } from '../../../../shared/format';
import { MedalMark, ModelName } from './bench-marks';
import { benchCells, betterText, cellKey, entryView, meanScore, reachText, taskTitle } from './bench-text';

interface BenchTaskTableProps {
  bench: BenchSummary;
  onOpenRun: (runId: string) => void;
}

export function BenchTaskTable({ bench, onOpenRun }: BenchTaskTableProps) {
  const cells = benchCells(bench);
  // The models in the leaderboard's order, best first.
  const models = standings(bench).map((standing) => standing.model);
  return (
    <table className="bench-tasks" data-testid="bench-tasks">
      <colgroup>
        <col className="bench-task-col" />
        {models.map((model) => (
          <col key={model} />
        ))}
      </colgroup>
      <thead>
        <tr>
          <th>Task</th>
          {models.map((model) => (
            <th key={model} data-testid="bench-model-column">
              <ModelName model={model} />
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {bench.plan.tasks.map((task) => (
          <tr key={task.task} data-testid="bench-task" data-task={task.task}>
            <TaskHeader task={task} />
            {models.map((model) => (
              <BenchCell
                key={model}
                task={task}
                model={model}
                entries={cells.get(cellKey(task.task, model)) ?? []}
                seeded={bench.plan.seeds > 1}
                onOpenRun={onOpenRun}
              />
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TaskHeader({ task }: { task: BenchTaskInfo }) {
  return (
    <th scope="row" className="bench-task" title={taskTitle(task)} data-testid="bench-task-header">
      <span className="bench-task-name">{task.task}</span>
      <span className="bench-task-meta muted">
        {task.kind} ·{' '}
        <span className="bench-task-metric">
          <span className="mono">{task.metric}</span> {betterText(task)}
        </span>
      </span>
      <span className="bench-task-medals" data-testid="bench-thresholds">
        {MEDALS.map((medal, index) => (
          <Fragment key={medal}>
            {/* The separator stays at the end of a line when the thresholds wrap. */}
            {index > 0 && '\u00a0· '}
            <span className="bench-threshold">
              {medal} {reachText(task, task.medals[medal])}
            </span>
          </Fragment>
        ))}
      </span>
    </th>
  );
}

interface BenchCellProps {
  task: BenchTaskInfo;
  model: string;
  entries: BenchEntry[];
  seeded: boolean;
  onOpenRun: (runId: string) => void;
}

function BenchCell({ task, model, entries, seeded, onOpenRun }: BenchCellProps) {
  const mean = meanScore(entries);
  return (
    <td className="bench-cell" data-testid="bench-cell" data-task={task.task} data-model={model}>
      {seeded && (
        <span className="bench-cell-mean" data-testid="bench-cell-mean">
          <span className="mono bench-score">{mean === null ? 'no score' : `mean ${formatMetric(mean)}`}</span>
          <MedalMark medal={medalOf(task, mean)} />
          <span className="muted">{seedsText(entries)}</span>
        </span>
      )}
      {entries.map((entry) => (
        <EntryLine key={entry.seed} task={task} entry={entry} seeded={seeded} onOpenRun={onOpenRun} />
      ))}
    </td>
  );
}

/** "3 seeds", or "2 of 3 seeds scored" when some gave no score. */
function seedsText(entries: readonly BenchEntry[]): string {
  const scored = entries.filter((entry) => entry.score !== null).length;
  return scored === entries.length ? `${entries.length} seeds` : `${scored} of ${entries.length} seeds scored`;
}

interface EntryLineProps {
  task: BenchTaskInfo;
  entry: BenchEntry;
  seeded: boolean;
  onOpenRun: (runId: string) => void;
}

function EntryLine({ task, entry, seeded, onOpenRun }: EntryLineProps) {
  const view = entryView(task, entry);
  const body = (
    <>
      <span className="bench-entry-score">
        {seeded && <span className="muted bench-seed">seed {entry.seed}</span>}
        <span className={`mono bench-score${view.scored ? ' bench-strong' : ' muted'}`} data-testid="bench-score">
          {view.score}
        </span>
        <MedalMark medal={view.medal} />
      </span>
      {entry.runId !== null && (
        <span className="bench-entry-meta muted">
          {entry.steps} {entry.steps === 1 ? 'step' : 'steps'} · {formatDuration(entry.durationMs)}
          {entry.status !== null && entry.status !== 'finished' && ` · ${entry.status}`}
          <span className="bench-open" aria-hidden="true">
            open run ›
          </span>
        </span>
      )}
    </>
  );
  if (entry.runId === null) return <span className="bench-entry bench-entry-none">{body}</span>;
  const runId = entry.runId;
  return (
    <button
      type="button"
      className="bench-entry"
      data-testid="bench-run"
      data-run-id={runId}
      title={`Open ${runId}`}
      onClick={() => onOpenRun(runId)}
    >
      {body}
    </button>
  );
}
