// The `looplab` command line: the same store and handlers as the app, for scripts and headless machines.
import { Command, CommanderError, Option } from 'commander';
import { z } from 'zod';
import { AppError, formatError } from '../../shared/errors';
import { runIdSchema } from '../../shared/contract';
import { runStatusSchema } from '../../shared/events';
import { createApp, type App } from '../app';
import { homePaths, resolveHome } from '../home';
import { DataFolderError, EXIT_DATA_FOLDER } from '../store/storage-errors';
import { appVersion } from '../version';
import { formatRunList, formatRunShow } from './output';
import { DEFAULT_CONTEXT_CAP, DEFAULT_MODEL, modelResolver } from '../runs/readiness';
import { resumeRun, runGoal, type RunCommandOptions } from './run';
import { sandboxCommand } from './sandbox-command';
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

interface RawLoopOptions {
  model?: string;
  approve: string;
  requireApproval?: string;
  maxSteps?: string;
  maxTokens?: string;
  maxCost?: string;
  maxTime?: string;
  hostExec?: boolean;
  network?: boolean;
  contextLength?: string;
  json?: boolean;
}

/** A run ended with a status other than finished: its exit status says which (see exitCodes). */
class ExitStatus extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

const positiveInt = z.coerce.number().int().positive();

function loopSettings(raw: RawLoopOptions, command: Command, write: (text: string) => void): RunCommandOptions {
  const optional = <T>(schema: z.ZodType<T>, value: string | undefined, what: string) =>
    value === undefined ? undefined : parse(schema, value, what);
  const home = resolveHome({ flag: command.optsWithGlobals<GlobalOptions>().home });
  return {
    home,
    model: raw.model ?? (process.env.LOOPLAB_MODEL === '' ? undefined : process.env.LOOPLAB_MODEL),
    approve: parse(z.enum(['auto', 'ask', 'deny']), raw.approve, '--approve'),
    requireApproval: (raw.requireApproval ?? '')
      .split(',')
      .map((tool) => tool.trim())
      .filter((tool) => tool !== ''),
    maxSteps: optional(positiveInt, raw.maxSteps, '--max-steps (a whole number ≥ 1)'),
    maxTokens: optional(positiveInt, raw.maxTokens, '--max-tokens (a whole number ≥ 1)'),
    maxCost: optional(z.coerce.number().positive(), raw.maxCost, '--max-cost (dollars, above 0)'),
    maxTimeSeconds: optional(positiveInt, raw.maxTime, '--max-time (seconds ≥ 1)'),
    hostExec: raw.hostExec ?? false,
    network: raw.network ?? false,
    contextLength: optional(positiveInt, raw.contextLength, '--context-length (tokens ≥ 1)'),
    json: raw.json ?? false,
    models: modelResolver(homePaths(home)),
    write,
    progress: raw.json ? (text) => void process.stderr.write(text) : write,
  };
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

  const loopOptions = (command: Command) =>
    command
      .option('--model <provider/model>', `the model (default: LOOPLAB_MODEL, else ${DEFAULT_MODEL})`)
      .addOption(
        new Option('--approve <mode>', 'what happens to calls a rule says to ask about')
          .choices(['auto', 'ask', 'deny'])
          .default('ask'),
      )
      .option('--require-approval <tools>', 'ask before these tools, comma-separated (e.g. write,bash)')
      .option('--max-steps <n>', 'stop after this many model calls (default 50)')
      .option('--max-tokens <n>', 'token budget for the run')
      .option('--max-cost <usd>', 'money budget for priced remote models, in US dollars')
      .option('--max-time <seconds>', 'wall-time budget for the run')
      .option('--host-exec', 'run commands on this machine instead of the sandbox (each asks for approval)')
      .option('--network', 'let the sandbox reach the network for this run (none by default)')
      .option(
        '--context-length <tokens>',
        `most context to use (default: the model's window, at most ${DEFAULT_CONTEXT_CAP})`,
      )
      .option('--json', 'print a JSON summary at the end (progress goes to stderr)');

  loopOptions(
    program.command('run').description('run the agent loop on a goal').argument('<goal>', 'what to do, in words'),
  ).action(async (goal: string, raw: RawLoopOptions, command: Command) => {
    const code = await runGoal(goal, loopSettings(raw, command, write));
    if (code !== 0) throw new ExitStatus(code);
  });

  loopOptions(
    program
      .command('resume')
      .description('resume an interrupted, stopped or waiting run')
      .argument('<run-id>', 'the run'),
  ).action(async (runIdArg: string, raw: RawLoopOptions, command: Command) => {
    const code = await resumeRun(parse(runIdSchema, runIdArg, 'run id'), loopSettings(raw, command, write));
    if (code !== 0) throw new ExitStatus(code);
  });

  program.addCommand(sandboxCommand({ write }));

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

/**
 * Runs the command line and returns the exit status: 0 ok, 1 failed, 2 bad usage, 8 the data folder
 * cannot be written (full disk, read-only); `run` adds exitCodes.
 */
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
    if (error instanceof ExitStatus) return error.code;
    if (error instanceof AppError) {
      process.stderr.write(`looplab: ${formatError(error.toInfo())}\n`);
      if (error instanceof DataFolderError) return EXIT_DATA_FOLDER;
      return error.code === 'invalid_input' ? 2 : 1;
    }
    process.stderr.write(`looplab: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
