// `looplab bench`: the offline ML task suite (resources/bench) run by one or more models as ordinary runs,
// then a leaderboard. `--resume` goes on with an interrupted bench, `--list` and `--show` read the stored
// ones, `--tasks` lists the suite.
import { Command, Option } from 'commander';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { formatDuration } from '../../shared/format';
import { homePaths } from '../home';
import { homeOf, parse, positiveInt } from './cli-options';
import { ExitStatus } from './exit-status';
import type { BenchProgress } from '../bench/bench-runner';

type Write = (text: string) => void;

interface RawBenchOptions {
  task: string[];
  model: string[];
  seeds: string;
  concurrency?: string;
  resume?: string | boolean;
  list?: boolean;
  show?: string;
  tasks?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const benchIdSchema = z.string().regex(/^bench_[0-9a-z]+$/, 'a bench id looks like bench_…');

function progressLine(progress: BenchProgress): string {
  const { task, model, seed } = progress.slot;
  const what = `${task} · ${model}${seed > 1 ? ` · seed ${seed}` : ''}`;
  if (progress.type === 'started') return `${progress.resumed ? 'resumed' : 'started'} ${what}  ${progress.runId}\n`;
  if (progress.type === 'ended') return `${progress.status.padEnd(8)} ${what}  ${progress.runId}\n`;
  return `could not run ${what}: ${progress.message}\n`;
}

async function listOrShow(command: Command, raw: RawBenchOptions, write: Write): Promise<void> {
  const { withStore } = await import('./data-folder');
  const { benchSummary } = await import('../bench/bench-results');
  const { formatBench, formatBenchList } = await import('./bench-output');
  await withStore(
    command,
    ({ store }) => {
      const summaries = raw.show === undefined ? store.benches.list() : [store.benches.get(raw.show)];
      const benches = summaries.map((record) => {
        if (record === undefined)
          throw new AppError('not_found', `There is no bench ${raw.show}.`, 'looplab bench --list shows them.');
        return benchSummary(record, (runId) => store.getRun(runId));
      });
      if (raw.json) write(`${JSON.stringify(raw.show === undefined ? benches : benches[0], null, 2)}\n`);
      else write(raw.show === undefined ? formatBenchList(benches) : formatBench(benches[0]!));
    },
    'read',
  );
}

async function listTasks(raw: RawBenchOptions, write: Write): Promise<void> {
  const { listBenchTasks, taskInfo } = await import('../bench/bench-tasks');
  const tasks = listBenchTasks();
  if (raw.json) return write(`${JSON.stringify(tasks.map(taskInfo), null, 2)}\n`);
  for (const task of tasks)
    write(
      `${task.task.padEnd(26)} ${task.kind.padEnd(24)} ${task.metric} (${task.better} is better)  ${task.summary}\n`,
    );
}

/** Runs a new bench, or goes on with one; the exit status says whether every run could be made. */
async function runBench(home: string, raw: RawBenchOptions, write: Write, progress: Write): Promise<void> {
  const { createApp, tidySandboxes } = await import('../app');
  const { modelResolver } = await import('../runs/readiness');
  const { headlessSecretStore } = await import('../settings/secret-store');
  const { BenchRunner } = await import('../bench/bench-runner');
  const { benchShape, formatBench } = await import('./bench-output');
  const paths = homePaths(home);
  const models = modelResolver(paths, process.env, headlessSecretStore(paths));
  const app = createApp({ home, ui: 'web' });
  const controller = new AbortController();
  const interrupt = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', interrupt);
  let failed = 0;
  try {
    const runner = new BenchRunner(
      app,
      () => models,
      (event) => {
        if (event.type === 'failed') failed += 1;
        progress(progressLine(event));
      },
    );
    const record =
      raw.resume === undefined
        ? runner.plan({
            tasks: raw.task,
            models: raw.model,
            seeds: parse(positiveInt.max(100), raw.seeds, '--seeds (1-100)'),
            concurrency:
              raw.concurrency === undefined
                ? undefined
                : parse(positiveInt.max(64), raw.concurrency, '--concurrency (1-64)'),
          })
        : runner.toResume(raw.resume === true ? undefined : parse(benchIdSchema, raw.resume, '--resume'));
    const { plan } = record;
    progress(`bench ${record.id}: ${benchShape(plan)}, ${plan.concurrency} at a time\n`);
    await tidySandboxes(app);
    const started = Date.now();
    const summary = await runner.run(record, controller.signal);
    write(raw.json ? `${JSON.stringify(summary, null, 2)}\n` : formatBench(summary));
    progress(`bench took ${formatDuration(Date.now() - started)}\n`);
  } finally {
    process.off('SIGINT', interrupt);
    app.close();
  }
  if (controller.signal.aborted) throw new ExitStatus(5);
  if (failed > 0) throw new ExitStatus(1);
}

export function benchCommand(write: Write): Command {
  return new Command('bench')
    .description('run the offline ML task suite with one or more models and print a leaderboard')
    .option('--task <name>', 'a task to run (repeatable; all when none): looplab bench --tasks lists them', collect, [])
    .option(
      '--model <provider/model>',
      'a model to measure (repeatable); scripted/oracle and scripted/weak play the reference solutions',
      collect,
      [],
    )
    .option('--seeds <n>', 'how many times to run each task with each model', '1')
    .option(
      '--concurrency <n>',
      'runs at a time (default: 1 for a local Ollama model, else what the cores and memory allow)',
    )
    .addOption(
      new Option(
        '--resume [bench-id]',
        'go on with an interrupted bench (the latest unfinished one when no id is given)',
      ),
    )
    .option('--list', 'list the benches run here')
    .option('--show <bench-id>', "print a bench's leaderboard")
    .option('--tasks', 'list the tasks of the suite')
    .option('--json', 'print JSON')
    .action(async (raw: RawBenchOptions, command: Command) => {
      const home = homeOf(command);
      if (raw.tasks) return listTasks(raw, write);
      if (raw.list || raw.show !== undefined) return listOrShow(command, raw, write);
      if (raw.resume === undefined && raw.model.length === 0)
        throw new AppError(
          'invalid_input',
          'Name at least one model to measure: --model <provider/model>.',
          'e.g. looplab bench --model ollama/qwen2.5-coder:7b, or --model scripted/oracle to see what gold looks like.',
        );
      const progress: Write = raw.json ? (text) => void process.stderr.write(text) : write;
      return runBench(home, raw, write, progress);
    });
}
