// A bench on the terminal: one line per run (task, model, seed, score, medal, steps, tokens, cost, time,
// run id), then the leaderboard per model (medal rate, mean normalised score).
import { medalOf, standings, type BenchEntry, type BenchSummary } from '../../shared/bench';
import { formatCompact, formatCost, formatDateTime, formatDuration, formatMetric } from '../../shared/format';
import { table } from './output';

const counted = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** `8 tasks × 2 models × 1 seed`. */
export function benchShape(plan: BenchSummary['plan']): string {
  return `${counted(plan.tasks.length, 'task')} × ${counted(plan.models.length, 'model')} × ${counted(plan.seeds, 'seed')}`;
}

function scoreText(entry: BenchEntry, metric: string): string {
  if (entry.runId === null) return 'not run';
  if (entry.score === null) return entry.status === 'running' ? 'running' : `no ${metric}`;
  return `${metric} ${formatMetric(entry.score)}`;
}

export function formatBench(bench: BenchSummary): string {
  const { plan } = bench;
  const tasks = new Map(plan.tasks.map((task) => [task.task, task]));
  const seeded = plan.seeds > 1;
  const rows = bench.entries.map((entry) => {
    const task = tasks.get(entry.task)!;
    return [
      entry.task,
      entry.model,
      ...(seeded ? [String(entry.seed)] : []),
      scoreText(entry, task.metric),
      medalOf(task, entry.score) ?? '-',
      String(entry.steps),
      formatCompact(entry.tokens),
      formatCost(entry.cost),
      entry.runId === null ? '-' : formatDuration(entry.durationMs),
      entry.runId ?? '-',
    ];
  });
  const header = [
    'TASK',
    'MODEL',
    ...(seeded ? ['SEED'] : []),
    'SCORE',
    'MEDAL',
    'STEPS',
    'TOKENS',
    'COST',
    'TIME',
    'RUN',
  ];
  const board = standings(bench).map((standing) => [
    standing.model,
    `${standing.medals.gold}/${standing.medals.silver}/${standing.medals.bronze}`,
    `${Math.round(standing.medalRate * 100)}%`,
    standing.meanNormalised.toFixed(2),
    String(standing.runs),
    formatCompact(standing.tokens),
    formatCost(standing.cost),
    formatDuration(standing.durationMs),
  ]);
  const state = bench.finishedAt === null ? 'unfinished: looplab bench --resume goes on' : 'finished';
  const title = `Bench ${bench.id} · ${formatDateTime(bench.createdAt).slice(0, 16)} · ${benchShape(plan)} · ${state}`;
  const leaderboard = table([
    ['MODEL', 'GOLD/SILVER/BRONZE', 'MEDAL RATE', 'MEAN SCORE', 'RUNS', 'TOKENS', 'COST', 'TIME'],
    ...board,
  ]);
  return `${title}\n\n${table([header, ...rows])}\n\n${leaderboard}\n\nMean score: 0 is the trivial answer (or no score), 1 is gold or better.\n`;
}

export function formatBenchList(benches: readonly BenchSummary[]): string {
  if (benches.length === 0) return 'No benches yet: looplab bench --model <provider/model> runs one.\n';
  const rows = benches.map((bench) => {
    const best = standings(bench)[0];
    return [
      bench.id,
      formatDateTime(bench.createdAt).slice(0, 16),
      bench.finishedAt === null ? 'unfinished' : 'finished',
      String(bench.plan.tasks.length),
      bench.plan.models.join(', '),
      best === undefined ? '-' : `${best.model} ${best.meanNormalised.toFixed(2)}`,
    ];
  });
  return `${table([['ID', 'CREATED', 'STATE', 'TASKS', 'MODELS', 'BEST'], ...rows])}\n`;
}
