// `looplab runs | show | compare | export | import`: the history in the data folder, read or moved as
// files. These open the store alone; what only some of them use is imported when they run.
import { Command, Option } from 'commander';
import { z } from 'zod';
import { runIdSchema } from '../../shared/contract';
import { runStatusSchema } from '../../shared/events';
import { homeOf, parse } from './cli-options';
import { withStore, type DataFolder } from './data-folder';
import { listRuns } from './lifecycle-command';
import { formatRunList, formatRunShow } from './output';

type Write = (text: string) => void;

/** The store opened for reading: these commands still work on a full or read-only disk. */
const reading = <T>(command: Command, work: (folder: DataFolder) => T) => withStore(command, work, 'read');

function runsCommand(write: Write): Command {
  return new Command('runs')
    .description('list runs, newest first')
    .option('--json', 'print JSON')
    .option('--limit <n>', 'at most this many runs', '50')
    .addOption(new Option('--status <status>', 'only runs with this status').choices(runStatusSchema.options))
    .addOption(new Option('--sort <order>', 'newest first, or largest first (disk use)').choices(['time', 'size']))
    .action(async (options: { json?: boolean; limit: string; status?: string; sort?: string }, command: Command) => {
      const limit = parse(z.coerce.number().int().min(1).max(10_000), options.limit, '--limit (a whole number ≥ 1)');
      const status = options.status === undefined ? undefined : parse(runStatusSchema, options.status, '--status');
      const sort = parse(z.enum(['time', 'size']), options.sort ?? 'time', '--sort');
      const runs = await reading(command, ({ store, lifecycle }) =>
        listRuns(store, lifecycle, { limit, status, sort, sized: options.json === true }),
      );
      if (options.json) return write(`${JSON.stringify(runs, null, 2)}\n`);
      write(formatRunList(runs, homeOf(command)));
      if (runs.length === 0 && status === undefined) {
        const { EXAMPLE_HINT, hasExample } = await import('../runs/example');
        if (hasExample()) write(EXAMPLE_HINT);
      }
    });
}

function showCommand(write: Write): Command {
  return new Command('show')
    .description('show one run with its events in order')
    .argument('<run-id>', 'the run, e.g. run_0m1abc…')
    .option('--json', 'print JSON: the run and its events')
    .option('--no-blobs', 'leave large text as blob references instead of inlining it')
    .action(async (runIdArg: string, options: { json?: boolean; blobs: boolean }, command: Command) => {
      const runId = parse(runIdSchema, runIdArg, 'run id');
      await reading(command, ({ store }) => {
        const run = store.requireRun(runId);
        const events = store.loadEvents(runId, { blobs: options.blobs ? 'inline' : 'ref' });
        write(options.json ? `${JSON.stringify({ run, events }, null, 2)}\n` : formatRunShow(run, events));
      });
    });
}

function compareCommand(write: Write): Command {
  return new Command('compare')
    .description('compare two runs: their steps aligned, where they diverge, metrics, tokens, cost and time')
    .argument('<run-a>', 'the first run')
    .argument('<run-b>', 'the second run')
    .option('--json', 'print the comparison as JSON')
    .action(async (aArg: string, bArg: string, options: { json?: boolean }, command: Command) => {
      const a = parse(runIdSchema, aArg, 'first run id');
      const b = parse(runIdSchema, bArg, 'second run id');
      const [{ compareRuns }, { formatComparison }] = await Promise.all([
        import('../../shared/compare-runs'),
        import('./compare-output'),
      ]);
      await reading(command, ({ store }) => {
        store.requireRun(a);
        store.requireRun(b);
        const comparison = compareRuns(store.loadEvents(a), store.loadEvents(b));
        write(options.json ? `${JSON.stringify(comparison, null, 2)}\n` : formatComparison(comparison));
      });
    });
}

function exportCommand(write: Write): Command {
  return new Command('export')
    .description('write a run to one file (secrets removed), to import elsewhere or read as OpenTelemetry spans')
    .argument('<run-id>', 'the run')
    .option(
      '-o, --output <file>',
      'where to write (default: <run-id>.looplab.gz, or <run-id>.otel.json, in the current directory)',
    )
    .option('--force', 'replace the file if it exists')
    .addOption(
      new Option('--format <format>', 'looplab: the run, to import; otel: OpenTelemetry GenAI spans as JSON')
        .choices(['looplab', 'otel'])
        .default('looplab'),
    )
    .action(
      async (runIdArg: string, options: { output?: string; format: string; force?: boolean }, command: Command) => {
        const runId = parse(runIdSchema, runIdArg, 'run id');
        const format = parse(z.enum(['looplab', 'otel']), options.format, '--format');
        const archive = await import('./archive-command');
        await reading(command, ({ store }) =>
          write(archive.exportCommand(store, runId, format, options.output, options.force ?? false)),
        );
      },
    );
}

function importCommand(write: Write): Command {
  return new Command('import')
    .description('add a run exported with `looplab export` to this data folder, with its id, events and blobs')
    .argument('<file>', 'the exported file')
    .option('--allow-mcp', 'import a run that names MCP servers (they start on this machine when it runs again)')
    .action(async (file: string, options: { allowMcp?: boolean }, command: Command) => {
      const archive = await import('./archive-command');
      await withStore(command, async ({ store }) =>
        write(await archive.importCommand(store, file, { allowMcp: options.allowMcp ?? false })),
      );
    });
}

export function historyCommands(write: Write): Command[] {
  return [runsCommand(write), showCommand(write), compareCommand(write), exportCommand(write), importCommand(write)];
}
