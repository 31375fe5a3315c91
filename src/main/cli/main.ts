// The `looplab` command line: the same store and handlers as the app, for scripts and headless machines.
import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';
import { AppError, formatError } from '../../shared/errors';
import { runIdSchema } from '../../shared/contract';
import { runStatusSchema } from '../../shared/events';
import { createApp, type App } from '../app';
import { resolveHome } from '../home';
import { appVersion } from '../version';
import { formatRunList, formatRunShow } from './output';
import { serve } from './serve';

interface GlobalOptions {
  home?: string;
}

function withApp<T>(command: Command, work: (app: App) => T): T {
  const options = command.optsWithGlobals<GlobalOptions>();
  const app = createApp({ home: resolveHome({ flag: options.home }), host: 'web' });
  try {
    return work(app);
  } finally {
    app.close();
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new AppError(
    'invalid_input',
    `Invalid ${what}: ${result.error.issues.map((issue) => issue.message).join('; ')}`,
  );
}

function buildProgram(write: (text: string) => void): Command {
  const program = new Command('looplab')
    .description('Looplab: agent loops for ML work that you can see, constrain and rerun.')
    .version(appVersion())
    .option('--home <dir>', 'data folder (default: LOOPLAB_HOME, else the app-data folder)')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('runs')
    .description('list runs, newest first')
    .option('--json', 'print JSON')
    .option('--limit <n>', 'at most this many runs', '50')
    .addOption(new Option('--status <status>', 'only runs with this status').choices(runStatusSchema.options))
    .action((options: { json?: boolean; limit: string; status?: string }, command: Command) => {
      const limit = parse(z.coerce.number().int().min(1).max(10_000), options.limit, '--limit (a whole number ≥ 1)');
      const status = options.status === undefined ? undefined : parse(runStatusSchema, options.status, '--status');
      withApp(command, ({ store, paths }) => {
        const runs = store.listRuns({ limit, status });
        write(options.json ? `${JSON.stringify(runs, null, 2)}\n` : formatRunList(runs, paths.root));
      });
    });

  program
    .command('show')
    .description('show one run with its events in order')
    .argument('<run-id>', 'the run, e.g. run_0m1abc…')
    .option('--json', 'print JSON: the run and its events')
    .option('--no-blobs', 'leave large text as blob references instead of inlining it')
    .action((runIdArg: string, options: { json?: boolean; blobs: boolean }, command: Command) => {
      const runId = parse(runIdSchema, runIdArg, 'run id');
      withApp(command, ({ store }) => {
        const run = store.requireRun(runId);
        const events = store.loadEvents(runId, { blobs: options.blobs ? 'inline' : 'ref' });
        write(options.json ? `${JSON.stringify({ run, events }, null, 2)}\n` : formatRunShow(run, events));
      });
    });

  program
    .command('serve')
    .description('serve the UI and its API on 127.0.0.1 for a browser')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '7317')
    .option('--open', 'open the UI in the default browser')
    .action(async (options: { port: string; open?: boolean }, command: Command) => {
      const port = parse(z.coerce.number().int().min(0).max(65_535), options.port, '--port (0-65535)');
      const { home } = command.optsWithGlobals<GlobalOptions>();
      await serve({ home: resolveHome({ flag: home }), port, open: options.open ?? false, write });
    });

  return program;
}

/** Runs the command line and returns the exit status: 0 ok, 1 failed, 2 bad usage. */
export async function main(
  argv: readonly string[],
  write = (text: string) => void process.stdout.write(text),
): Promise<number> {
  const program = buildProgram(write);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof AppError) {
      process.stderr.write(`looplab: ${formatError(error.toInfo())}\n`);
      return error.code === 'invalid_input' ? 2 : 1;
    }
    process.stderr.write(`looplab: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
